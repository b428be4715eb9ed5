"""Device state and firmware update (OTA) emulation for the InvisOutlet simulator.

The OTA flow follows protocol.md §4: a spurious ``23 [type, 0]`` first (quirk Q2), the
web interface phase (type 3) before the firmware phase (type 1) (Q7), a reboot after
the final success (Q8, Q10) and, on hardware revB, a reboot as soon as an outlet update
is requested followed by a late ``21`` push to the first client that reconnects (Q5).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from enum import StrEnum
import logging
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence

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

_DECO_HW_REV = "A"
_RADAR = {"fw_rev": "1.0.7", "hw_type": "mmWave", "MAC": "24:0A:C4:AB:CD:EF"}


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


@dataclass
class OtaTiming:
    """Pace a simulated update; all values are seconds."""

    start_delay: float = 0.01
    step_interval: float = 0.005
    progress_steps: tuple[int, ...] = (0, 25, 50, 75, 100)
    reboot_duration: float = 0.05
    spurious_result: bool = True


@dataclass
class SimulatedDevice:
    """Hold the mutable state of one InvisOutlet and its InvisDeco."""

    hardware: str = "B"
    serial: str = "11A1F7000FE"
    mac: str = "24:0A:C4:12:34:56"
    outlet_fw: str = "1.2.0"
    outlet_fw_available: str = "1.3.0"
    www_fw: str = "0.1.2"
    www_fw_available: str = "0.3.0"
    deco_attached: bool = True
    deco_online: bool = True
    deco_serial: str = "0003C44076"
    deco_mac: str = "24:0A:C4:65:43:21"
    deco_type: str = "Aura"
    deco_fw: str = "0.5.0"
    deco_fw_available: str = "0.5.1"
    deco_rebooting: bool = False

    @property
    def is_revb(self) -> bool:
        """Return whether the outlet is revB hardware (restarts as an update starts)."""
        return self.hardware.upper() == "B"

    @property
    def outlet_fw_pending(self) -> bool:
        """Return whether newer outlet firmware is available."""
        return self.outlet_fw != self.outlet_fw_available

    @property
    def www_pending(self) -> bool:
        """Return whether a newer web interface (WWW partition) is available."""
        return self.www_fw != self.www_fw_available

    @property
    def deco_pending(self) -> bool:
        """Return whether newer InvisDeco firmware is available."""
        return self.deco_attached and self.deco_fw != self.deco_fw_available

    @property
    def deco_updatable(self) -> bool:
        """Return whether the InvisDeco can take an update right now."""
        return self.deco_online and not self.deco_rebooting and self.deco_pending

    @property
    def reports_deco(self) -> bool:
        """Return whether 12 and 20 carry a PM block (not while the deco reboots)."""
        return self.deco_attached and not self.deco_rebooting

    def device_info(self) -> dict[str, Any]:
        """Build the callbackArgs of a callback 12 reply."""
        info: dict[str, Any] = {
            "IM": {
                "sn": self.serial,
                "MAC": self.mac,
                "device": "InvisOutlet",
                "fw_rev": self.outlet_fw,
                "hw_rev": self.hardware,
            }
        }
        if self.reports_deco:
            info["PM"] = {
                "online": self.deco_online,
                "sn": self.deco_serial,
                "MAC": self.deco_mac,
                "device": "InvisDeco",
                "type": self.deco_type,
                "fw_rev": self.deco_fw,
                "hw_rev": _DECO_HW_REV,
                "radar": dict(_RADAR),
            }
        return info

    def available_updates(self) -> dict[str, Any]:
        """Build the callbackArgs of a callback 20 reply."""
        updates: dict[str, Any] = {
            "IM": {
                "fw_rev": self.outlet_fw,
                "available_fw_rev": self.outlet_fw_available,
                "www_fw_rev": self.www_fw,
                "available_www_fw_rev": self.www_fw_available,
            }
        }
        if self.reports_deco:
            updates["PM"] = {
                "fw_rev": self.deco_fw,
                "available_fw_rev": self.deco_fw_available,
            }
        return updates

    def pending_outlet_types(self) -> list[int]:
        """Return the outlet phases to run, web interface first (quirk Q7)."""
        return [
            kind
            for kind, pending in (
                (TYPE_WWW, self.www_pending),
                (TYPE_FIRMWARE, self.outlet_fw_pending),
            )
            if pending
        ]


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
