"""Runtime data, and the two coordinators: the device's state and its firmware."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .const import (
    CONF_DECO_METHOD,
    DEFAULT_DECO_METHOD,
    DEVICE_INTERVAL,
    DOMAIN,
    FIRMWARE_INTERVAL,
    LOGGER,
    DecoMethod,
)
from .devices import async_sync_devices
from .pyinvisoutlet import (
    OCCUPANCY_CALIBRATION_SECONDS,
    DecoUpdateMethod,
    Device,
    DevicePart,
    FirmwareComponent,
    FirmwareProgress,
    FirmwareStatus,
    InvisOutlet,
    InvisOutletConnectionError,
    InvisOutletError,
    InvisOutletTimeoutError,
    InvisOutletWrongDeviceError,
    UpdateTarget,
)
from .repairs import (
    async_check_mqtt_discovery,
    async_clear_device_mismatch,
    async_report_device_mismatch,
)

type InvisOutletConfigEntry = ConfigEntry[InvisOutletRuntimeData]

# At most one extra read per this many seconds when an InvisDeco appears.
REREAD_COOLDOWN = 1.0
# At most one device-registry update per this many seconds while information changes.
SYNC_COOLDOWN = 1.0
# At most one check of available updates per this many seconds when versions change.
RECHECK_COOLDOWN = 10.0


def lost_link(err: InvisOutletError, client: InvisOutlet) -> bool:
    """Return whether an error means the outlet is gone, not one command's failure."""
    # A command unanswered on a live link is that command's problem (a device that
    # drops one message), never an outage of the whole outlet.
    timed_out = isinstance(err, InvisOutletTimeoutError) and client.connected
    return isinstance(err, InvisOutletConnectionError) and not timed_out


# How long a restart asked for may keep the outlet away without a warning: far more
# than a reboot takes, so an outlet that never comes back is still reported.
RESTART_GRACE = timedelta(minutes=5)

# One drop of the link is routine (the outlet's Wi-Fi roams, it restarts): this many
# within the window are worth one warning, and none again until the link has held.
DROPS_TO_WARN = 3
DROP_WINDOW = timedelta(minutes=5)
STABLE_AGAIN = timedelta(minutes=30)

DECO_METHODS = {
    DecoMethod.AUTOMATIC: (DecoUpdateMethod.WIFI, DecoUpdateMethod.VIA_OUTLET),
    DecoMethod.WIFI: (DecoUpdateMethod.WIFI,),
    DecoMethod.VIA_OUTLET: (DecoUpdateMethod.VIA_OUTLET,),
}


@dataclass(slots=True)
class LocalSettings:
    """What Home Assistant keeps for the device, which the device does not store."""

    # How long an occupancy calibration measures the empty room (30-60 s).
    occupancy_calibration_seconds: int = OCCUPANCY_CALIBRATION_SECONDS


@dataclass(frozen=True, slots=True)
class InvisOutletRuntimeData:
    """Everything one entry runs: the client, its two coordinators, local settings."""

    client: InvisOutlet
    device: InvisOutletDeviceCoordinator
    firmware: InvisOutletFirmwareCoordinator
    local: LocalSettings = field(default_factory=LocalSettings)


@dataclass(slots=True)
class LinkDrops:
    """Tell when the link keeps dropping: once, until it has held for a while."""

    last: deque[datetime] = field(default_factory=lambda: deque(maxlen=DROPS_TO_WARN))
    warned: bool = False

    def dropped(self, now: datetime) -> bool:
        """Count a drop; return whether it is the one to warn about."""
        if self.last and now - self.last[-1] >= STABLE_AGAIN:
            self.warned = False  # it held: dropping again is news again
        self.last.append(now)
        keeps_dropping = (
            len(self.last) == DROPS_TO_WARN and now - self.last[0] <= DROP_WINDOW
        )
        if self.warned or not keeps_dropping:
            return False
        self.warned = True
        return True


@dataclass(frozen=True, slots=True)
class FirmwareData:
    """What the firmware entities show: available updates, the install, the queue."""

    available: FirmwareStatus | None
    progress: FirmwareProgress | None
    # Components asked to install that wait for the running install to end.
    queued: frozenset[FirmwareComponent]


class InvisOutletCoordinator[T](DataUpdateCoordinator[T]):
    """A coordinator of one outlet's client; what it follows ends with it."""

    config_entry: InvisOutletConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: InvisOutletConfigEntry,
        client: InvisOutlet,
        *,
        name: str,
        update_interval: timedelta,
    ) -> None:
        """Name the coordinator after the outlet."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"InvisOutlet {entry.unique_id} {name}",
            update_interval=update_interval,
        )
        self.client = client
        self._unsubscribes: list[Callable[[], None]] = []

    async def async_shutdown(self) -> None:
        """Stop following the outlet."""
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        self._unsubscribes.clear()
        await super().async_shutdown()


class InvisOutletDeviceCoordinator(InvisOutletCoordinator[Device]):
    """Forward the library's device: pushed as it changes, polled as a keep-alive."""

    def __init__(
        self, hass: HomeAssistant, entry: InvisOutletConfigEntry, client: InvisOutlet
    ) -> None:
        """Poll every minute (settings and names are never pushed); forward pushes."""
        super().__init__(
            hass, entry, client, name="device", update_interval=DEVICE_INTERVAL
        )
        # The parts the update being told is about; None for every other (all).
        self.changed: frozenset[DevicePart] | None = None
        self._reread = Debouncer(
            hass,
            LOGGER,
            cooldown=REREAD_COOLDOWN,
            immediate=True,
            function=self.async_refresh,
        )
        self._sync = Debouncer(
            hass,
            LOGGER,
            cooldown=SYNC_COOLDOWN,
            immediate=True,
            function=self._sync_devices,
        )
        # Until when the outlet is away because it was asked to restart.
        self._restarting_until: datetime | None = None
        self._drops = LinkDrops()
        self._unsubscribes += [
            client.subscribe_device(self._device_changed),
            client.subscribe_link(self._link_changed),
        ]

    async def _async_update_data(self) -> Device:
        """Read everything the outlet has, as the library merges it."""
        try:
            device = await self.client.update()
        except InvisOutletWrongDeviceError as err:
            raise self._mismatch(err.found) from err
        except InvisOutletError as err:
            self._went_away(err)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="communication_error",
                translation_placeholders={"error": str(err)},
            ) from err
        self._identified(device)
        async_check_mqtt_discovery(self.hass, self.config_entry, device)
        return device

    @callback
    def _device_changed(self, device: Device, changed: frozenset[DevicePart]) -> None:
        """Show what the library merged; another outlet answering is unavailable."""
        if not (self.data is not None and self.last_update_success):
            return  # only a refresh makes an unavailable outlet available (and logs it)
        if device.foreign_serial is not None:
            # Unavailable at once: commands must not reach the other outlet.
            self.async_set_update_error(self._mismatch(device.foreign_serial))
            return
        # Not async_set_updated_data: pushes every few seconds would postpone the
        # poll that refreshes what is never pushed (settings, names) for ever.
        self.data = device
        self.changed = changed
        try:
            self.async_update_listeners()
        finally:
            self.changed = None
        if DevicePart.INFO in changed:
            # Debounced: information that changes with every push must not become
            # a device-registry write per message.
            self._sync.async_schedule_call()
        if (
            DevicePart.DECO in changed
            and device.info.deco_present
            and not device.deco_silent
        ):
            # An InvisDeco fitted, back, replaced or speaking again: read its parts
            # now, not at the next poll (debounced: a faceplate flapping costs one
            # read). Last: the read may run at once, and what it merges is newer
            # than this device.
            self._reread.async_schedule_call()

    @callback
    def _sync_devices(self) -> None:
        """Bring the device registry up to date with the information last shown."""
        if self.data is not None:
            self._identified(self.data)

    def _identified(self, device: Device) -> None:
        """Keep the device registry current; the right outlet answers."""
        async_clear_device_mismatch(self.hass, self.config_entry)
        async_sync_devices(self.hass, self.config_entry, device.info, self.client.host)

    def _mismatch(self, found: str | None) -> ConfigEntryError:
        """Raise the repair, and return the error: another outlet answers."""
        host, found = self.client.host, str(found)
        async_report_device_mismatch(self.hass, self.config_entry, host, found)
        return ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="device_mismatch",
            translation_placeholders={
                "host": host,
                "expected": str(self.config_entry.unique_id),
                "found": found,
            },
        )

    def _went_away(self, err: InvisOutletError) -> None:
        """Log once that the outlet is unavailable."""
        if self.data is not None and self.last_update_success:
            LOGGER.log(
                logging.DEBUG if self._away_expected() else logging.WARNING,
                "InvisOutlet at %s is unavailable: %s",
                self.client.host,
                err,
            )
            # Set before raising UpdateFailed so the base class does not log it again
            # as an error; it logs one info line when the outlet is back.
            self.last_update_success = False

    def _away_expected(self) -> bool:
        """Return whether the outlet is away as expected: a restart or an install."""
        return (self.data is not None and self.data.progress is not None) or (
            self._restarting_until is not None
            and dt_util.utcnow() < self._restarting_until
        )

    @callback
    def async_command_failed(self, err: InvisOutletError) -> None:
        """Show the outlet unavailable if a command found the link lost."""
        if lost_link(err, self.client) and self.last_update_success:
            self._went_away(err)
            self.async_update_listeners()

    @callback
    def async_expect_restart(self) -> None:
        """Take the outlet's going away as expected until its link is back."""
        self._restarting_until = dt_util.utcnow() + RESTART_GRACE

    @callback
    def _link_changed(self, up: bool) -> None:
        """Read everything again at once when the link is back; count its drops."""
        if (
            not up
            and not self._away_expected()
            and self._drops.dropped(dt_util.utcnow())
        ):
            LOGGER.warning(
                "The connection to InvisOutlet at %s keeps dropping (%d times within "
                "%d minutes); check its Wi-Fi signal and power supply",
                self.client.host,
                DROPS_TO_WARN,
                DROP_WINDOW.total_seconds() // 60,
            )
        if up:
            self._restarting_until = None
        if up and self.data is not None:
            # Not through the request-refresh debouncer: its cooldown would keep every
            # entity unavailable for seconds after the outlet is already back.
            self.config_entry.async_create_background_task(
                self.hass, self.async_refresh(), f"{self.name} reconnected"
            )

    @callback
    def async_seen_at(self, host: str) -> None:
        """Zeroconf saw the outlet: reconnect now, at its current address."""
        self.client.reconnect_now(host)

    async def async_shutdown(self) -> None:
        """Stop following the outlet and re-reading it."""
        self._reread.async_shutdown()
        self._sync.async_shutdown()
        await super().async_shutdown()


class InvisOutletFirmwareCoordinator(InvisOutletCoordinator[FirmwareData]):
    """Know what firmware the device offers, and show and run its installs."""

    def __init__(
        self, hass: HomeAssistant, entry: InvisOutletConfigEntry, client: InvisOutlet
    ) -> None:
        """Read available updates every six hours and whenever a version changes."""
        super().__init__(
            hass, entry, client, name="firmware", update_interval=FIRMWARE_INTERVAL
        )
        self._failing = False
        # The versions last seen: the outlet's, and the InvisDeco's with its serial.
        self._versions: tuple[str | None, tuple[str, str | None] | None] | None = None
        self._recheck = Debouncer(
            hass,
            LOGGER,
            cooldown=RECHECK_COOLDOWN,
            immediate=True,
            function=self.async_refresh,
        )
        self._unsubscribes.append(client.subscribe_device(self._device_changed))

    async def _async_update_data(self) -> FirmwareData:
        """Read available updates; keep the last answer when the cloud is away."""
        firmware = self.client.firmware
        try:
            await firmware.check()
        except InvisOutletError as err:
            # The answer needs the vendor cloud; the outlet works without it.
            if not self._failing:
                LOGGER.warning(
                    "Cannot read available updates from %s: %s", self.client.host, err
                )
            self._failing = True
        else:
            self._failing = False
        return FirmwareData(firmware.status, firmware.progress, firmware.queued)

    async def async_install(
        self, target: UpdateTarget, component: FirmwareComponent
    ) -> None:
        """Install a component's target and wait for its new version (or its turn)."""
        option = self.config_entry.options.get(CONF_DECO_METHOD, DEFAULT_DECO_METHOD)
        await self.client.firmware.install(
            target, methods=DECO_METHODS[DecoMethod(option)], component=component
        )

    @callback
    def _device_changed(self, device: Device, changed: frozenset[DevicePart]) -> None:
        """Show new progress or updates; read them again when a version changed."""
        if changed & {DevicePart.FIRMWARE, DevicePart.PROGRESS}:
            self.async_set_updated_data(
                FirmwareData(device.firmware, device.progress, device.queued)
            )
        if DevicePart.INFO in changed and self._versions_changed(device):
            # Debounced: a flood of changing information must not become a flood
            # of queries of the vendor cloud, nor a task per message.
            self._recheck.async_schedule_call()

    def _versions_changed(self, device: Device) -> bool:
        """Return whether an installed version changed or the InvisDeco's is unknown."""
        deco = device.deco
        known_deco = self._versions[1] if self._versions is not None else None
        # A module missing for a moment (an InvisDeco restarting) is not new when it
        # returns unchanged: that would cost a needless query of the vendor cloud.
        seen_deco = (deco.serial, deco.fw_rev) if deco and deco.serial else known_deco
        versions = (device.info.outlet.fw_rev, seen_deco)
        changed = self._versions is not None and versions != self._versions
        self._versions = versions
        # None before the first refresh.
        data: FirmwareData | None = self.data
        if data is None:
            return False
        # The last answer was read while the InvisDeco was away: it has no PM block.
        status = data.available
        deco_unknown = (
            device.info.deco_present
            and status is not None
            and status.deco_fw_available is None
        )
        return changed or deco_unknown

    async def async_shutdown(self) -> None:
        """Stop following the outlet and checking it."""
        self._recheck.async_shutdown()
        await super().async_shutdown()
