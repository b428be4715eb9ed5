"""Coordinator: polls the outlet, follows its pushes and runs firmware updates."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError, HomeAssistantError
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .const import (
    CONF_DECO_METHOD,
    DEFAULT_DECO_METHOD,
    DEVICE_INFO_INTERVAL,
    DOMAIN,
    FIRMWARE_INTERVAL,
    LOGGER,
    OTA_TIMEOUTS,
    DecoMethod,
)
from .devices import async_sync_devices
from .pyinvisoutlet import (
    Callback,
    DecoUpdateMethod,
    DeviceInfo,
    FirmwareStatus,
    FirmwareUpdate,
    InvisOutlet,
    InvisOutletConnectionError,
    InvisOutletError,
    InvisOutletTimeoutError,
    InvisOutletUpdateError,
    Message,
    OtaError,
    OtaTracker,
    UpdateProgress,
    UpdateTarget,
    target_of,
)

type InvisOutletConfigEntry = ConfigEntry[InvisOutletDataUpdateCoordinator]

# Failures another delivery method may cure; not an InvisDeco that stays away.
RETRY_OTHER_METHOD = frozenset(
    {OtaError.START_REJECTED, OtaError.FAILED, OtaError.STALLED}
)
DECO_METHODS = {
    DecoMethod.AUTOMATIC: (DecoUpdateMethod.WIFI, DecoUpdateMethod.VIA_OUTLET),
    DecoMethod.WIFI: (DecoUpdateMethod.WIFI,),
    DecoMethod.VIA_OUTLET: (DecoUpdateMethod.VIA_OUTLET,),
}


@dataclass(frozen=True, slots=True)
class InvisOutletData:
    """What the outlet last reported."""

    info: DeviceInfo
    # None until callback 20 first answers (it needs the vendor cloud, 12 does not).
    firmware: FirmwareStatus | None


class InvisOutletDataUpdateCoordinator(DataUpdateCoordinator[InvisOutletData]):
    """Keep one outlet's information current and run its firmware updates."""

    config_entry: InvisOutletConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: InvisOutletConfigEntry, client: InvisOutlet
    ) -> None:
        """Poll device information every minute over the client's link."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"InvisOutlet {entry.unique_id}",
            update_interval=DEVICE_INFO_INTERVAL,
        )
        self.client = client
        self.firmware_update: FirmwareUpdate | None = None
        self._install_lock = asyncio.Lock()
        self._firmware_read_at: datetime | None = None
        self._firmware_failing = False
        self._versions: dict[str, str | None] = {}
        self._unsubscribes = [
            client.subscribe(Callback.DEVICE_INFO, self._device_info_pushed),
            client.subscribe(Callback.UPDATE_PROGRESS, self._progress_pushed),
            client.subscribe_link(self._link_changed),
        ]

    @property
    def host(self) -> str:
        """Return the address the outlet is reached at."""
        return self.client.host

    async def _async_update_data(self) -> InvisOutletData:
        """Read device information, and available updates when they are due."""
        try:
            info = await self.client.device_info()
            # Checked before anything else is read from (or believed of) the device.
            if info.serial != self.config_entry.unique_id:
                raise ConfigEntryError(
                    translation_domain=DOMAIN,
                    translation_key="device_mismatch",
                    translation_placeholders={
                        "host": self.host,
                        "expected": str(self.config_entry.unique_id),
                        "found": info.serial,
                    },
                )
            firmware = await self._read_firmware(self._firmware_stale(info))
        except InvisOutletError as err:
            self._went_away(err)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="communication_error",
                translation_placeholders={"error": str(err)},
            ) from err
        async_sync_devices(self.hass, self.config_entry.entry_id, info, self.host)
        return InvisOutletData(info=info, firmware=firmware)

    def _firmware_stale(self, info: DeviceInfo) -> bool:
        """Return whether 20 must be read now: a module is new, changed, or unknown."""
        # A module that is missing for a moment (an InvisDeco restarting) is not new
        # when it returns unchanged: that would cost a needless cloud query (20).
        seen = {info.serial: info.outlet.fw_rev}
        if info.deco is not None and info.deco.serial:
            seen[info.deco.serial] = info.deco.fw_rev
        new = any(self._versions.get(module) != fw for module, fw in seen.items())
        self._versions.update(seen)
        firmware = self.data.firmware if self.data else None
        # The last 20 was read while the InvisDeco was away: it has no PM block.
        deco_unknown = (
            info.deco_present
            and firmware is not None
            and firmware.deco_fw_available is None
        )
        return new or deco_unknown

    async def _read_firmware(self, force: bool) -> FirmwareStatus | None:
        """Read callback 20 when due; keep the last answer if it fails."""
        previous = self.data.firmware if self.data else None
        read_at = self._firmware_read_at
        fresh = read_at is not None and dt_util.utcnow() - read_at < FIRMWARE_INTERVAL
        if previous and fresh and not force:
            return previous
        try:
            firmware = await self.client.firmware_status()
        except InvisOutletConnectionError as err:
            # A slow or garbled 20 right after 12 answered is not an outage.
            if self.client.connected and isinstance(err, InvisOutletTimeoutError):
                return self._firmware_failed(previous, err)
            raise
        except InvisOutletError as err:
            return self._firmware_failed(previous, err)
        self._firmware_failing = False
        self._firmware_read_at = dt_util.utcnow()
        return firmware

    def _firmware_failed(
        self, previous: FirmwareStatus | None, err: InvisOutletError
    ) -> FirmwareStatus | None:
        """Keep the last available updates when 20 fails; warn once per outage."""
        # 20 needs the vendor cloud; the outlet itself still works without it.
        if not self._firmware_failing:
            LOGGER.warning("Cannot read available updates from %s: %s", self.host, err)
        self._firmware_failing = True
        return previous

    def _went_away(self, err: InvisOutletError) -> None:
        """Log once that the outlet is unavailable."""
        if self.data is not None and self.last_update_success:
            LOGGER.warning("InvisOutlet at %s is unavailable: %s", self.host, err)
            # Set before raising UpdateFailed so the base class does not log it again
            # as an error; it logs one info line when the outlet is back.
            self.last_update_success = False

    async def async_refresh_firmware(self) -> None:
        """Read available updates now (homeassistant.update_entity)."""
        self._firmware_read_at = None
        await self.async_refresh()

    async def async_install(self, target: UpdateTarget) -> None:
        """Install the available firmware of a target and wait for its new version."""
        if self._install_lock.locked() or self.firmware_update is not None:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="ota_in_progress"
            )
        async with self._install_lock:
            try:
                await self._install_with_fallback(target)
            finally:
                await self.async_refresh_firmware()

    async def _install_with_fallback(self, target: UpdateTarget) -> None:
        """Try each InvisDeco method the options allow, in turn."""
        methods: tuple[DecoUpdateMethod, ...] = (DecoUpdateMethod.WIFI,)
        if target is UpdateTarget.DECO:
            option = self.config_entry.options.get(
                CONF_DECO_METHOD, DEFAULT_DECO_METHOD
            )
            methods = DECO_METHODS[DecoMethod(option)]
        for method in methods[:-1]:
            try:
                await self._install_once(target, method)
            except InvisOutletUpdateError as err:
                if err.reason not in RETRY_OTHER_METHOD:
                    raise
                LOGGER.warning(
                    "InvisDeco update by %s failed (%s); trying the next method",
                    method.name,
                    err.reason,
                )
            else:
                return
        await self._install_once(target, methods[-1])

    async def _install_once(
        self, target: UpdateTarget, method: DecoUpdateMethod
    ) -> None:
        """Run one firmware update with one method."""
        status = await self.client.firmware_status()
        try:
            tracker = OtaTracker.for_update(target, status, self._now(), OTA_TIMEOUTS)
        except ValueError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="no_update_available"
            ) from err
        update = FirmwareUpdate(self.client, tracker, self.async_update_listeners)
        self.firmware_update = update
        try:
            await update.install(method)
        finally:
            self.firmware_update = None
            self.async_update_listeners()

    @callback
    def _progress_pushed(self, message: Message) -> None:
        """Show an update started elsewhere, such as in the vendor app."""
        firmware = self.data.firmware if self.data else None
        if self.firmware_update is not None or firmware is None:
            return
        try:
            target = target_of(UpdateProgress.from_message(message).type)
        except InvisOutletError:
            return
        if target is None:
            return
        tracker = OtaTracker.for_update(
            target, firmware, self._now(), OTA_TIMEOUTS, external=True
        )
        update = FirmwareUpdate(self.client, tracker, self.async_update_listeners)
        # Adopted before it takes the message, so the entities show it at once.
        self.firmware_update = update
        update.handle(message)
        self.config_entry.async_create_background_task(
            self.hass, self._follow(update), f"{self.name} external firmware update"
        )

    async def _follow(self, update: FirmwareUpdate) -> None:
        """Follow an update started elsewhere until it ends."""
        try:
            await update.follow()
        finally:
            self.firmware_update = None
            self.async_update_listeners()
        await self.async_refresh_firmware()

    @callback
    def _device_info_pushed(self, message: Message) -> None:
        """Read everything again when the outlet pushes new information (restart)."""
        try:
            info = DeviceInfo.from_message(message)
        except InvisOutletError:
            return
        # Only news is worth a refresh: a device that answers with unknown packetIDs
        # must not turn each reply into the next request. Debounced for the same reason.
        if self.data is not None and info != self.data.info:
            self.config_entry.async_create_background_task(
                self.hass, self.async_request_refresh(), f"{self.name} restarted"
            )

    @callback
    def _link_changed(self, up: bool) -> None:
        """Refresh at once when the link is back."""
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
        """Stop listening, stop following an update and close the link."""
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        self._unsubscribes.clear()
        if self.firmware_update is not None:
            self.firmware_update.stop()
        await super().async_shutdown()
        await self.client.close()

    def _now(self) -> float:
        """Return the event loop's monotonic time, the clock of the OTA tracker."""
        return self.hass.loop.time()
