"""The one wait helper of the test suite."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

# Far above what a healthy run needs; a test that hangs fails here instead.
WAIT = 3.0


async def wait_until(condition: Callable[[], object], timeout: float = WAIT) -> None:
    """Wait until condition() is true, letting every other task run meanwhile."""
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - polls state owned by other tasks
            await asyncio.sleep(0.01)
