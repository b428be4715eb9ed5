"""Installs asked for on one outlet: the first runs; the others wait or join it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from .const import FirmwareComponent, FirmwareError, UpdateTarget
from .exceptions import InvisOutletError, InvisOutletUpdateError
from .models import FirmwareStatus


@dataclass(eq=False)
class Install:
    """One install asked for: its target, what was asked of it, and how it ended."""

    target: UpdateTarget
    asked: frozenset[FirmwareComponent]
    # Asked while another install ran: shown as queued until its own run begins.
    waited: bool
    # Its turn came (its run begins once the available updates are read).
    running: bool = False
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    outcome: FirmwareStatus | BaseException | None = None

    async def joined(self) -> FirmwareStatus:
        """Wait for the end of this install; return or raise what it ended with."""
        await self.ended.wait()
        if isinstance(outcome := self.outcome, FirmwareStatus):
            return outcome
        if isinstance(outcome, InvisOutletError):
            raise outcome
        # Its own caller stopped waiting (cancelled): the install did not finish.
        raise InvisOutletUpdateError(FirmwareError.INTERRUPTED)


class InstallQueue:
    """Installs asked for, in the order they run: one at a time per outlet."""

    __slots__ = ("_closed", "_installs", "_turn")

    def __init__(self) -> None:
        """Start with nothing asked for."""
        self._installs: list[Install] = []
        # Set whenever an install ends: the next one in line may begin. Made when an
        # install first waits (most outlets never wait for one).
        self._turn: asyncio.Event | None = None
        self._closed = False

    def __bool__(self) -> bool:
        """Return whether an install is asked for (running or waiting)."""
        return bool(self._installs)

    def join(
        self, target: UpdateTarget, asked: frozenset[FirmwareComponent]
    ) -> Install | None:
        """Add what is asked to the install of this target, if one is asked for.

        Raises InvisOutletUpdateError (in progress) when any of it is asked already.
        """
        for install in self._installs:
            if install.target is target:
                if install.asked & asked:
                    raise InvisOutletUpdateError(FirmwareError.IN_PROGRESS)
                install.asked |= asked
                return install
        return None

    def add(
        self, target: UpdateTarget, asked: frozenset[FirmwareComponent], *, busy: bool
    ) -> Install:
        """Put a new install in line; it waits when anything runs (`busy`)."""
        install = Install(target, asked, waited=busy or bool(self._installs))
        self._installs.append(install)
        return install

    async def turn(self, install: Install, elsewhere: Callable[[], bool]) -> None:
        """Wait until the installs ahead, and one running `elsewhere`, have ended.

        Bounded without a limit of its own: every install ahead ends within its own
        total limit, and another of the same target never waits (it joins).
        """
        while not self._closed:
            if self._installs[0] is install and not elsewhere():
                install.running = True
                return
            if self._turn is None:
                self._turn = asyncio.Event()
            self._turn.clear()
            await self._turn.wait()
        raise InvisOutletUpdateError(FirmwareError.INTERRUPTED)

    def done(self, install: Install, outcome: FirmwareStatus | BaseException) -> None:
        """Take an install out of line with its outcome; let the next one begin."""
        self._installs.remove(install)
        install.outcome = outcome
        install.ended.set()
        self.wake()

    def wake(self) -> None:
        """Let the installs waiting look again whether their turn came."""
        if self._turn is not None:
            self._turn.set()

    def close(self) -> None:
        """End every wait for a turn: the installs waiting are interrupted."""
        self._closed = True
        self.wake()

    def queued(self, running: UpdateTarget | None) -> frozenset[FirmwareComponent]:
        """Return what waiting installs were asked for; `running`: whose run began."""
        return frozenset(
            component
            for install in self._installs
            if install.waited and not (install.running and install.target is running)
            for component in install.asked
        )
