"""Background work of the simulated device, by name, so that stop() can end it all."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

_LOGGER = logging.getLogger(__name__)

type Job = Callable[[], Coroutine[Any, Any, None]]


class Jobs:
    """Run named background jobs; at most one per name."""

    def __init__(self) -> None:
        """Start with nothing running."""
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def running(self, name: str) -> bool:
        """Return whether a job of this name is running."""
        return name in self._tasks

    def start(self, name: str, job: Job, *, restart: bool = False) -> None:
        """Run job unless one of this name runs; with restart, replace that one."""
        if (old := self._tasks.get(name)) is not None:
            if not restart:
                return
            old.cancel()
        task = asyncio.create_task(self._guarded(name, job), name=f"simulator {name}")
        self._tasks[name] = task
        task.add_done_callback(lambda done: self._forget(name, done))

    async def cancel(self) -> None:
        """Cancel every job and wait until all are gone."""
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _forget(self, name: str, task: asyncio.Task[None]) -> None:
        if self._tasks.get(name) is task:
            del self._tasks[name]

    @staticmethod
    async def _guarded(name: str, job: Job) -> None:
        try:
            await job()
        except Exception:
            # A crash here would otherwise vanish inside the task; surface it.
            _LOGGER.exception("Simulator job %s crashed", name)
