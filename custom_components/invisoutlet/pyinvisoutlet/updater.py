"""Follow one firmware update on a connected outlet, through its restarts."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
import logging
from typing import TYPE_CHECKING

from .exceptions import InvisOutletError, InvisOutletUpdateError
from .models import (
    Callback,
    DecoUpdateMethod,
    DeviceInfo,
    Message,
    UpdateAnswer,
    UpdateProgress,
    UpdateResult,
    UpdateTarget,
)
from .ota import InstalledVersions, OtaError, OtaTracker

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from .client import InvisOutlet

LOGGER = logging.getLogger(__package__)

# The immediate answer to 21 is optional (quirk Q1): do not wait long for it.
START_ANSWER_TIMEOUT = 10.0


@dataclass
class FirmwareUpdate:
    """Feed an OtaTracker from the outlet's messages and timers until it ends."""

    client: InvisOutlet
    tracker: OtaTracker
    on_change: Callable[[], None] = lambda: None

    _wake: asyncio.Event = field(default_factory=asyncio.Event, init=False)
    _shown: tuple[object, ...] = field(default=(), init=False)
    _stopped: bool = field(default=False, init=False)

    async def install(self, method: DecoUpdateMethod = DecoUpdateMethod.WIFI) -> None:
        """Start the update and follow it; raise InvisOutletUpdateError if it fails."""
        async with self._following():
            answer = await self.client.start_firmware_update(
                self.tracker.target, method, timeout=START_ANSWER_TIMEOUT
            )
            self.tracker.start_answered(answer, self._now())
            self._changed()
            await self._until_done()
        if self.tracker.active:
            raise InvisOutletUpdateError(OtaError.INTERRUPTED)
        if self.tracker.error is not None:
            raise InvisOutletUpdateError(self.tracker.error)

    async def follow(self) -> None:
        """Follow an update started elsewhere until it ends, raising nothing."""
        async with self._following():
            await self._until_done()

    def stop(self) -> None:
        """Stop following; the device may still finish the update on its own."""
        self._stopped = True
        self._wake.set()

    def handle(self, message: Message) -> None:
        """Feed one push to the tracker."""
        now = self._now()
        tracker = self.tracker
        try:
            match message.callback_name:
                case Callback.START_UPDATE:
                    tracker.late_answer(UpdateAnswer.from_message(message), now)
                case Callback.UPDATE_PROGRESS:
                    tracker.progress(UpdateProgress.from_message(message), now)
                case Callback.UPDATE_RESULT:
                    tracker.result(UpdateResult.from_message(message), now)
                case Callback.DEVICE_INFO:
                    info = DeviceInfo.from_message(message)
                    tracker.versions_read(InstalledVersions.read(info=info), now)
        except InvisOutletError as err:
            LOGGER.warning("Ignored an update message: %s", err)
        self._changed()

    @contextlib.asynccontextmanager
    async def _following(self) -> AsyncIterator[None]:
        """Listen to the outlet for as long as the update runs."""
        client = self.client
        unsubscribes = [
            client.subscribe(callback, self.handle)
            for callback in (
                Callback.START_UPDATE,
                Callback.UPDATE_PROGRESS,
                Callback.UPDATE_RESULT,
                Callback.DEVICE_INFO,
            )
        ]
        unsubscribes.append(client.subscribe_link(self._link_changed))
        client.expect_reboot(self.tracker.target is UpdateTarget.OUTLET)
        try:
            yield
        finally:
            client.expect_reboot(False)
            for unsubscribe in unsubscribes:
                unsubscribe()

    async def _until_done(self) -> None:
        """Sleep until the next event or timer, and act on it, until the end."""
        tracker = self.tracker
        while tracker.active and not self._stopped:
            if tracker.tick(self._now()):
                await self._read_versions()
            self._changed()
            if self._stopped or (wakeup := tracker.next_wakeup) is None:
                break
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout_at(wakeup):
                    await self._wake.wait()

    async def _read_versions(self) -> None:
        """Read 12 and 20 and give the tracker what they show."""
        info = await self._try(self.client.device_info)
        # 20 is read even when 12 failed: it alone has the web interface version.
        status = None if self._stopped else await self._try(self.client.firmware_status)
        if self._stopped or (info is None and status is None):
            return
        versions = InstalledVersions.read(info, status)
        self.tracker.versions_read(versions, self._now())

    @staticmethod
    async def _try[T](read: Callable[[], Awaitable[T]]) -> T | None:
        """Return what a read returns, None if it fails."""
        try:
            return await read()
        except InvisOutletError as err:
            LOGGER.debug("Reading versions during the update failed: %s", err)
            return None

    def _link_changed(self, up: bool) -> None:
        """Feed a link change to the tracker."""
        if up:
            self.tracker.link_restored(self._now())
        else:
            self.tracker.link_lost(self._now())
        self._changed()

    def _changed(self) -> None:
        """Wake the loop, and tell the owner when what it shows has changed."""
        self._wake.set()
        tracker = self.tracker
        shown = (tracker.phase, tracker.step, tracker.display_percent)
        if shown != self._shown:
            self._shown = shown
            self.on_change()

    @staticmethod
    def _now() -> float:
        """Return the loop's monotonic time."""
        return asyncio.get_running_loop().time()
