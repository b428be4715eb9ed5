"""The coordinator of what firmware the device offers, and of its installs."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .const import (
    CONF_DECO_METHOD,
    DEFAULT_DECO_METHOD,
    FIRMWARE_INTERVAL,
    LOGGER,
    DecoMethod,
)
from .coordinator import InvisOutletConfigEntry
from .pyinvisoutlet import (
    DecoUpdateMethod,
    Firmware,
    FirmwareStatus,
    InvisOutlet,
    InvisOutletError,
    OutletInfo,
    UpdateTarget,
)

# At most one check of available updates per this many seconds when versions change.
RECHECK_COOLDOWN = 10.0

DECO_METHODS = {
    DecoMethod.AUTOMATIC: (DecoUpdateMethod.WIFI, DecoUpdateMethod.VIA_OUTLET),
    DecoMethod.WIFI: (DecoUpdateMethod.WIFI,),
    DecoMethod.VIA_OUTLET: (DecoUpdateMethod.VIA_OUTLET,),
}


class InvisOutletFirmwareCoordinator(DataUpdateCoordinator[FirmwareStatus | None]):
    """Know what firmware the device offers, and run its installs."""

    config_entry: InvisOutletConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: InvisOutletConfigEntry,
        client: InvisOutlet,
        firmware: Firmware,
    ) -> None:
        """Read available updates every six hours and whenever a version changes."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"InvisOutlet {entry.unique_id} firmware",
            update_interval=FIRMWARE_INTERVAL,
        )
        self.client = client
        self.firmware = firmware
        self._failing = False
        # The versions last seen: the outlet's, and the InvisDeco's with its serial.
        self._outlet: str | None = None
        self._deco: tuple[str, str | None] | None = None
        self._recheck = Debouncer(
            hass,
            LOGGER,
            cooldown=RECHECK_COOLDOWN,
            immediate=True,
            function=self.async_check,
        )
        self._unsubscribes = [
            firmware.subscribe(self._firmware_changed),
            client.subscribe(OutletInfo, self._info_seen),
        ]

    async def _async_update_data(self) -> FirmwareStatus | None:
        """Read available updates; keep the last answer when the cloud is away."""
        if self.firmware.installing:
            return self.data  # the install reads them itself at its end
        try:
            status = await self.firmware.available()
        except InvisOutletError as err:
            # The answer needs the vendor cloud; the outlet works without it.
            if not self._failing:
                LOGGER.warning(
                    "Cannot read available updates from %s: %s", self.client.host, err
                )
            self._failing = True
            return self.data
        self._failing = False
        return status

    async def async_install(self, target: UpdateTarget) -> None:
        """Install what the device offers for a target and wait for its new version."""
        option = self.config_entry.options.get(CONF_DECO_METHOD, DEFAULT_DECO_METHOD)
        await self.firmware.install(target, methods=DECO_METHODS[DecoMethod(option)])

    async def async_check(self) -> None:
        """Read available updates now, unless an install is about to read them."""
        if not self.firmware.installing:
            await self.async_refresh()

    @callback
    def _firmware_changed(self) -> None:
        """Show new progress, or the available updates an install read at its end."""
        if self.firmware.status is not None and self.firmware.status != self.data:
            self.async_set_updated_data(self.firmware.status)
        else:
            self.async_update_listeners()

    @callback
    def _info_seen(self, info: OutletInfo) -> None:
        """Read available updates again when an installed version changed."""
        outlet = info.outlet.fw_rev
        # A module missing for a moment (an InvisDeco restarting) is not new when it
        # returns unchanged: that would cost a needless query of the vendor cloud.
        deco = info.deco
        seen_deco = (deco.serial, deco.fw_rev) if deco and deco.serial else self._deco
        changed = (outlet, seen_deco) != (self._outlet, self._deco)
        self._outlet, self._deco = outlet, seen_deco
        # The last answer was read while the InvisDeco was away: it has no PM block.
        deco_unknown = info.deco_present and (
            self.data is not None and self.data.deco_fw_available is None
        )
        if (changed or deco_unknown) and self.data is not None:
            # Debounced: a flood of changing information must not become a flood
            # of queries of the vendor cloud, nor a task per message.
            self._recheck.async_schedule_call()

    async def async_shutdown(self) -> None:
        """Stop listening."""
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        self._unsubscribes.clear()
        self._recheck.async_shutdown()
        await super().async_shutdown()
