"""Whether the InvisDeco still speaks: readings every few seconds, or silence.

The outlet may still call its faceplate online while the faceplate has stopped sending
anything (protocol.md §6.10: readings are pushed; the outlet would answer a read from
what it last heard). Only pushes count as signs of life, news or not.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

# The faceplate pushes its readings about every 5 s: four missed pushes are silence.
DECO_SILENCE_LIMIT = 20.0


class Silence:
    """Tell when a voice that should speak within a limit has gone quiet, and back."""

    __slots__ = ("_changed", "_heard_at", "_timer", "_watching", "limit", "silent")

    def __init__(self, limit: float, changed: Callable[[bool], None]) -> None:
        """Watch nothing yet; call changed(silent) whenever the verdict changes."""
        self.limit = limit
        self.silent = False
        self._changed = changed
        self._watching = False
        self._heard_at = 0.0
        # Armed while watching and not silent: the moment to look again.
        self._timer: asyncio.TimerHandle | None = None

    def watch(self, watching: bool) -> None:
        """Start the clock now, or stop watching: never silent while not watched."""
        if watching == self._watching:
            return
        self._watching = watching
        if watching:
            self._heard_at = asyncio.get_running_loop().time()
            self._arm()
            return
        self._disarm()
        self._set(silent=False)

    def heard(self) -> None:
        """Take a sign of life: not silent, and the clock starts again."""
        if not self._watching:
            return
        self._heard_at = asyncio.get_running_loop().time()
        if self._timer is None:
            self._arm()
            self._set(silent=False)

    def close(self) -> None:
        """Stop watching without a verdict: nothing keeps running."""
        self._watching = False
        self._disarm()

    def _arm(self) -> None:
        """Look again when the limit from the last sign of life is reached."""
        loop = asyncio.get_running_loop()
        self._timer = loop.call_at(self._heard_at + self.limit, self._look)

    def _disarm(self) -> None:
        """Cancel the next look."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _look(self) -> None:
        """Call it silent once the limit passed without a sign of life."""
        self._timer = None
        if asyncio.get_running_loop().time() < self._heard_at + self.limit:
            self._arm()  # heard meanwhile (or woken a hair early): look again later
            return
        self._set(silent=True)

    def _set(self, *, silent: bool) -> None:
        """Take a verdict; tell it when it changed."""
        if silent != self.silent:
            self.silent = silent
            self._changed(silent)
