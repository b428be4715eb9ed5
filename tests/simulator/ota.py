"""Firmware update (OTA) emulation of the simulated outlet.

The flow follows protocol.md §4: a spurious ``23 [type, 0]`` first (quirk Q2), the web
interface phase (type 3) before the firmware phase (type 1) (Q7), a reboot after the
final success (Q8, Q10) and, on hardware revB, a reboot as soon as an outlet update is
requested followed by a late ``21`` push to the first client that reconnects (Q5).
``OtaFailure`` names every way an update can go wrong.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from enum import StrEnum
import logging
from typing import TYPE_CHECKING, Any, Protocol

from .wire import int_or_none

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .device import SimulatedDevice

_LOGGER = logging.getLogger(__name__)

OTA_START = 21
OTA_PROGRESS = 22
OTA_RESULT = 23

TARGET_OUTLET = 1
TARGET_DECO = 2

TYPE_FIRMWARE = 1
TYPE_DECO = 2
TYPE_WWW = 3

METHOD_WIFI = 0

_HEX_DIGITS = "0123456789ABCDEF"


class OtaFailure(StrEnum):
    """Name the ways a simulated firmware update can go wrong."""

    START_REJECTED = "start_rejected"
    LATE_REJECTED = "late_rejected"
    DOWNLOAD_FAILED = "download_failed"
    STALL = "stall"
    SILENT = "silent"
    NOT_BACK = "not_back"
    VERSION_UNCHANGED = "version_unchanged"
    WIFI_FAILS = "wifi_fails"
    DIFFERENT_DEVICE = "different_device"
    DIFFERENT_DECO = "different_deco"


@dataclass
class OtaTiming:
    """Pace a simulated update and every outlet reboot; all values are seconds."""

    start_delay: float = 0.01
    step_interval: float = 0.005
    progress_steps: tuple[int, ...] = (0, 25, 50, 75, 100)
    reboot_duration: float = 0.05
    spurious_result: bool = True


def different_serial(serial: str) -> str:
    """Return another device's serial: the last hex digit moved on by one."""
    position = _HEX_DIGITS.find(serial[-1:].upper()) if serial else -1
    return serial[:-1] + _HEX_DIGITS[(position + 1) % 16]


def start_args(args: Any) -> tuple[int, int] | None:
    """Return (target, method) from 21's arguments; the method is optional (Q12)."""
    if not isinstance(args, list) or not 1 <= len(args) <= 2:
        return None
    target = int_or_none(args[0])
    method = int_or_none(args[1]) if len(args) > 1 else 0
    if target is None or method is None:
        return None
    return target, method


class OtaHost(Protocol):
    """Expose the parts of the simulated outlet that an update drives."""

    device: SimulatedDevice
    timing: OtaTiming

    async def push(self, callback_name: int, args: Any) -> None:
        """Push a message to every connected client."""

    async def restart(
        self, duration: float, *, come_back: bool = True
    ) -> asyncio.Future[None]:
        """Reboot the outlet; the future resolves once a client is greeted."""


@dataclass(frozen=True)
class _OtaPlan:
    """Describe one accepted update: what, how, and how it should fail."""

    target: int
    method: int
    failure: OtaFailure | None
    types: tuple[int, ...]

    @property
    def download_failure(self) -> OtaFailure | None:
        """Return how the last download phase ends badly, if it does."""
        if self.failure is OtaFailure.WIFI_FAILS:
            wifi = self.target == TARGET_DECO and self.method == METHOD_WIFI
            return OtaFailure.DOWNLOAD_FAILED if wifi else None
        if self.failure in {OtaFailure.DOWNLOAD_FAILED, OtaFailure.STALL}:
            return self.failure
        return None


class OtaEmulator:
    """Run one firmware update at a time, in real time, the way the device does."""

    def __init__(self, host: OtaHost) -> None:
        """Attach the emulator to the outlet it updates."""
        self._host = host
        self._plan: _OtaPlan | None = None
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def running(self) -> bool:
        """Return whether an update is in progress."""
        return self._plan is not None

    def accept(self, target: int, method: int, failure: OtaFailure | None) -> bool:
        """Reserve an update if the device would start it; return the PUBACK verdict.

        The failure mode is fixed here, so changing the knob later does not affect an
        update that already runs.
        """
        types = self._types_for(target)
        if self.running or not types or self._rejects(target, failure):
            return False
        self._plan = _OtaPlan(target, method, failure, tuple(types))
        self._idle.clear()
        return True

    def launch(self) -> None:
        """Run the update reserved by accept() in the background."""
        if self._plan is not None and self._task is None:
            self._task = asyncio.create_task(self._run(self._plan), name="ota")

    async def wait_done(self, timeout: float) -> None:
        """Wait until no update is running."""
        await asyncio.wait_for(self._idle.wait(), timeout)

    async def cancel(self) -> None:
        """Abort the running update, if any, and wait until it is gone."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._finish()

    def _types_for(self, target: int) -> list[int]:
        device = self._host.device
        if target == TARGET_OUTLET:
            return device.pending_outlet_types()
        if target == TARGET_DECO and device.deco_updatable:
            return [TYPE_DECO]
        # An unknown target, an absent InvisDeco or nothing newer: "already the latest".
        return []

    def _rejects(self, target: int, failure: OtaFailure | None) -> bool:
        if failure is OtaFailure.START_REJECTED:
            return True
        # Only a revB outlet answers late; everywhere else the refusal comes at once.
        late_answer = target == TARGET_OUTLET and self._host.device.is_revb
        return failure is OtaFailure.LATE_REJECTED and not late_answer

    def _finish(self) -> None:
        self._plan = None
        self._task = None
        self._idle.set()

    async def _run(self, plan: _OtaPlan) -> None:
        try:
            if plan.target == TARGET_OUTLET:
                await self._update_outlet(plan)
            else:
                await self._update_deco(plan)
        except Exception:
            # A crash here would otherwise vanish inside the task; surface it.
            _LOGGER.exception("Simulated OTA crashed")
        finally:
            if self._plan is plan:
                self._finish()

    async def _update_outlet(self, plan: _OtaPlan) -> None:
        if self._host.device.is_revb and not await self._reboot_into_updater(plan):
            return
        if plan.failure is OtaFailure.SILENT:
            return
        await asyncio.sleep(self._host.timing.start_delay)
        if not await self._download(plan):
            return
        device = self._host.device
        if plan.failure is not OtaFailure.VERSION_UNCHANGED:
            device.outlet_fw = device.outlet_fw_available
            device.www_fw = device.www_fw_available
        if plan.failure is OtaFailure.DIFFERENT_DEVICE:
            device.serial = different_serial(device.serial)
        # NOT_BACK leaves the refusal knob set until the test clears it.
        come_back = plan.failure is not OtaFailure.NOT_BACK
        await self._host.restart(self._host.timing.reboot_duration, come_back=come_back)

    async def _reboot_into_updater(self, plan: _OtaPlan) -> bool:
        """Restart at once (revB), greet the first client, then answer 21 late."""
        greeted = await self._host.restart(self._host.timing.reboot_duration)
        # The late answer waits for a client, however long that takes (until stop()).
        await greeted
        if plan.failure is OtaFailure.SILENT:
            return False
        accepted = plan.failure is not OtaFailure.LATE_REJECTED
        await self._host.push(OTA_START, [TARGET_OUTLET, int(accepted)])
        return accepted

    async def _update_deco(self, plan: _OtaPlan) -> None:
        if plan.failure is OtaFailure.SILENT:
            return
        timing = self._host.timing
        await asyncio.sleep(timing.start_delay)
        if not await self._download(plan):
            return
        device = self._host.device
        # The outlet link stays up; only the PM block disappears while the deco boots.
        device.deco_rebooting = True
        if plan.failure is OtaFailure.NOT_BACK:
            return
        await asyncio.sleep(timing.reboot_duration)
        if plan.failure is not OtaFailure.VERSION_UNCHANGED:
            device.deco_fw = device.deco_fw_available
        if plan.failure is OtaFailure.DIFFERENT_DECO:
            device.deco_serial = different_serial(device.deco_serial)
        device.deco_rebooting = False

    async def _download(self, plan: _OtaPlan) -> bool:
        """Send the spurious result and every phase; return whether all succeeded."""
        timing = self._host.timing
        if timing.spurious_result:
            await self._host.push(OTA_RESULT, [plan.types[0], 0])
        for index, kind in enumerate(plan.types):
            if index:
                await asyncio.sleep(timing.step_interval)
            # A download fails in its last phase: a web-interface result is no verdict.
            failure = plan.download_failure if index == len(plan.types) - 1 else None
            if not await self._phase(kind, failure):
                return False
        return True

    async def _phase(self, kind: int, failure: OtaFailure | None) -> bool:
        """Report progress for one type and its result; return whether it succeeded."""
        timing = self._host.timing
        steps: Sequence[int] = timing.progress_steps
        if failure is not None:
            steps = steps[: max(1, (len(steps) + 1) // 2)]
        for percent in steps:
            await self._host.push(OTA_PROGRESS, [kind, percent])
            await asyncio.sleep(timing.step_interval)
        if failure is OtaFailure.STALL:
            # Silence until stop(): the update stays "running", as a hung device would.
            await asyncio.Event().wait()
        succeeded = failure is None
        await self._host.push(OTA_RESULT, [kind, int(succeeded)])
        return succeeded
