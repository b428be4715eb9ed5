"""The one wait helper of the test suite."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

# Far above what a healthy run needs; a test that hangs fails here instead.
WAIT = 3.0


async def wait_until(condition: Callable[[], object], timeout: float = WAIT) -> None:
    """Wait until condition() is true, letting every other task run meanwhile."""
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - polls state owned by other tasks
            await asyncio.sleep(0.01)


# Loop passes "at once" allows: plenty for callbacks to chain, none of them a wait.
PASSES = 20


async def at_once[T](awaitable: Awaitable[T]) -> T:
    """Return what awaitable gives within a few passes of the loop, never a wait.

    A bound in passes rather than seconds: whether something waited for a reply or a
    timer does not depend on how busy the machine is.
    """
    task = asyncio.ensure_future(awaitable)
    for _ in range(PASSES):
        if task.done():
            return task.result()
        await asyncio.sleep(0)
    task.cancel()
    msg = f"still waiting after {PASSES} passes of the loop"
    raise AssertionError(msg)
