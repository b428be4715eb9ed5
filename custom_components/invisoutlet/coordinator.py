"""Runtime data, and the coordinator of the device's state: pushed, polled, re-read."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
import logging
from typing import TYPE_CHECKING, Any, cast

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .const import DEVICE_INTERVAL, DOMAIN, LOGGER
from .device_state import CONFIGURATION, PARTS, DeviceState, Part
from .devices import async_sync_devices
from .pyinvisoutlet import (
    Firmware,
    InvisOutlet,
    InvisOutletConnectionError,
    InvisOutletError,
    OutletInfo,
)
from .repairs import (
    async_check_mqtt_discovery,
    async_clear_device_mismatch,
    async_report_device_mismatch,
)

if TYPE_CHECKING:
    from .firmware import InvisOutletFirmwareCoordinator

type InvisOutletConfigEntry = ConfigEntry[InvisOutletRuntimeData]

# At most one extra read per this many seconds when an InvisDeco appears.
REREAD_COOLDOWN = 1.0

# How long a restart asked for may keep the outlet away without a warning: far more
# than a reboot takes, so an outlet that never comes back is still reported.
RESTART_GRACE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class InvisOutletRuntimeData:
    """Everything one entry runs: the client and its two coordinators."""

    client: InvisOutlet
    device: InvisOutletDeviceCoordinator
    firmware: InvisOutletFirmwareCoordinator


class InvisOutletDeviceCoordinator(DataUpdateCoordinator[DeviceState]):
    """Follow the outlet's state: pushed as it changes, polled as a keep-alive."""

    config_entry: InvisOutletConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: InvisOutletConfigEntry,
        client: InvisOutlet,
        firmware: Firmware,
    ) -> None:
        """Poll every minute; take pushes as they come."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"InvisOutlet {entry.unique_id}",
            update_interval=DEVICE_INTERVAL,
        )
        self.client = client
        self.firmware = firmware
        # Everything learnt so far, in the order it arrived; `data` is what is shown.
        self._state: DeviceState | None = None
        self._info_shown: asyncio.Handle | None = None
        self._reread = Debouncer(
            hass,
            LOGGER,
            cooldown=REREAD_COOLDOWN,
            immediate=True,
            function=self.async_refresh,
        )
        # How many values of each part arrived: a read's answer older than a push
        # that came while it was awaited must not overwrite it.
        self._arrivals: Counter[object] = Counter()
        self._part_listeners: dict[Part[Any], list[CALLBACK_TYPE]] = {}
        # Until when the outlet is away because it was asked to restart.
        self._restarting_until: datetime | None = None
        # The serial of another outlet answering at the address (a moved lease).
        self._stranger: str | None = None
        self._unsubscribes = [
            client.subscribe(OutletInfo, self._info_seen),
            client.subscribe_link(self._link_changed),
        ]
        self._unsubscribes += [
            client.subscribe(part.model, partial(self._part_seen, part))
            for part in PARTS
            if part.pushed
        ]

    async def _async_update_data(self) -> DeviceState:
        """Read everything the device has; what arrives goes through the feeds."""
        try:
            # An install reads device information itself while it runs.
            if self._state is None or not self.firmware.installing:
                await self._read_info()
            if self._stranger is not None:
                raise self._mismatch(self._stranger)
            for part in PARTS:
                if self._state is not None and part.wanted(self._state):
                    await self._read(part)
        except InvisOutletError as err:
            self._went_away(err)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="communication_error",
                translation_placeholders={"error": str(err)},
            ) from err
        # Set by the information read above, or by an earlier refresh.
        state = self._checked(cast("DeviceState", self._state))
        async_check_mqtt_discovery(self.hass, self.config_entry, state)
        return state

    async def async_refresh_configuration(self) -> None:
        """Read the settings again (the device never pushes them) and show them."""
        await self._read(CONFIGURATION)

    async def _read_info(self) -> None:
        """Read device information; newer news that came meanwhile wins."""
        arrived = self._arrivals[OutletInfo]
        info = await self.client.outlet_info()
        if self._arrivals[OutletInfo] == arrived:
            self._info_seen(info)

    async def _read(self, part: Part[Any]) -> None:
        """Read one part; a refusal or a garbled answer keeps what was known."""
        arrived = self._arrivals[part]
        try:
            value = await part.read(self.client)
        except InvisOutletConnectionError:
            raise
        except InvisOutletError as err:
            LOGGER.debug("Reading %s failed: %s", part.model.__name__, err)
            return
        # The reply reached the subscribers as it arrived; a push after it is newer.
        if self._arrivals[part] == arrived:
            self._part_seen(part, value)

    def _checked(self, state: DeviceState) -> DeviceState:
        """Keep the device registry current; the right outlet answers."""
        async_clear_device_mismatch(self.hass, self.config_entry)
        async_sync_devices(
            self.hass, self.config_entry.entry_id, state.info, self.client.host
        )
        return state

    def _mismatch(self, found: str) -> ConfigEntryError:
        """Raise the repair, and return the error: another outlet answers."""
        async_report_device_mismatch(
            self.hass, self.config_entry, self.client.host, found
        )
        return ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="device_mismatch",
            translation_placeholders={
                "host": self.client.host,
                "expected": str(self.config_entry.unique_id),
                "found": found,
            },
        )

    @callback
    def _stranger_seen(self, serial: str) -> None:
        """Another outlet answers at the address: show it, take nothing it says."""
        known = self._stranger is not None
        self._stranger = serial
        if not known and self._publishing:
            # Unavailable at once: commands must not reach the other outlet.
            self.async_set_update_error(self._mismatch(serial))

    def _went_away(self, err: InvisOutletError) -> None:
        """Log once that the outlet is unavailable."""
        if self.data is not None and self.last_update_success:
            # An outlet restarting as asked is away as expected: not worth a warning.
            restarting = (
                self._restarting_until is not None
                and dt_util.utcnow() < self._restarting_until
            )
            LOGGER.log(
                logging.DEBUG if restarting else logging.WARNING,
                "InvisOutlet at %s is unavailable: %s",
                self.client.host,
                err,
            )
            # Set before raising UpdateFailed so the base class does not log it again
            # as an error; it logs one info line when the outlet is back.
            self.last_update_success = False

    @callback
    def async_set_unavailable(self, err: InvisOutletError) -> None:
        """Show the outlet unavailable after a command lost the link."""
        if self.last_update_success:
            self._went_away(err)
            self.async_update_listeners()

    @callback
    def async_expect_restart(self) -> None:
        """Take the outlet's going away as expected until its link is back."""
        self._restarting_until = dt_util.utcnow() + RESTART_GRACE

    @callback
    def async_add_part_listener(
        self, part: Part[Any], listener: CALLBACK_TYPE
    ) -> Callable[[], None]:
        """Call listener when a pushed part changes (polls call every listener)."""
        listeners = self._part_listeners.setdefault(part, [])
        listeners.append(listener)
        return partial(listeners.remove, listener)

    @callback
    def _info_seen(self, info: OutletInfo) -> None:
        """Take device information, whoever read it, or pushed by the outlet."""
        self._arrivals[OutletInfo] += 1
        if info.serial != self.config_entry.unique_id:
            self._stranger_seen(info.serial)
            return
        # Shown as back by the next refresh (the link's return starts one).
        self._stranger = None
        previous = self._state
        if previous is not None and previous.info == info:
            return  # a poll that found nothing new rewrites nothing
        if previous is None:
            self._state = DeviceState(info=info)
        else:
            self._state = _with_deco(previous, info)
        if not self._publishing:
            return
        if previous is not None and _deco_arrived(previous.info, info):
            # An InvisDeco fitted, back or replaced: read its parts now, not at the
            # next poll (debounced: a device flapping its faceplate costs one read).
            self._reread.async_schedule_call()
        if self._info_shown is None:
            # A burst of information is shown once per turn of the loop, not once
            # per message: every entity depends on it.
            self._info_shown = self.hass.loop.call_soon(self._show_info)

    @callback
    def _show_info(self) -> None:
        """Show the device information that arrived since the last turn."""
        self._info_shown = None
        if self._state is not None and self._publishing:
            self.async_set_updated_data(self._checked(self._state))

    @callback
    def _part_seen(self, part: Part[Any], value: Any) -> None:
        """Take a new value of one part; only its own listeners hear of it."""
        self._arrivals[part] += 1
        if self._state is None or self._stranger is not None:
            return  # nothing another outlet says is this one's
        state = part.store(self._state, value)
        if state == self._state:
            return
        self._state = state
        if self._publishing:
            if (pending := self._info_shown) is not None:
                # Information that came first is shown first (devices, new entities).
                pending.cancel()
                self._show_info()
            # Not async_set_updated_data: a sensor push every second would rewrite
            # every entity and push the keep-alive poll back each time.
            self.data = self._state
            for listener in tuple(self._part_listeners.get(part, ())):
                listener()

    @property
    def _publishing(self) -> bool:
        """Return whether news is shown at once (else the next refresh shows it)."""
        # Only a refresh makes an unavailable outlet available again (and logs it).
        return self.data is not None and self.last_update_success

    @callback
    def _link_changed(self, up: bool) -> None:
        """Read everything again at once when the link is back."""
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
        """Stop listening to the outlet."""
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        self._unsubscribes.clear()
        self._reread.async_shutdown()
        if self._info_shown is not None:
            self._info_shown.cancel()
            self._info_shown = None
        await super().async_shutdown()


def _deco_arrived(before: OutletInfo, after: OutletInfo) -> bool:
    """Return whether an InvisDeco was fitted, came back, or was replaced."""
    if not after.deco_present or after.deco is None:
        return False
    old = before.deco
    return not before.deco_present or old is None or old.serial != after.deco.serial


def _with_deco(state: DeviceState, info: OutletInfo) -> DeviceState:
    """Return the state with new information; another InvisDeco starts unknown."""
    old, new = state.info.deco, info.deco
    if old is not None and new is not None and old.serial != new.serial:
        # Another faceplate's readings and lights are not this one's.
        state = replace(state, sensors=None, nightlight=None, color_light=None)
    return replace(state, info=info)
