"""The Intecular InvisOutlet integration."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import ClientSession
from homeassistant.const import (
    CONF_HOST,
    CONF_PORT,
    EVENT_HOMEASSISTANT_STOP,
    Platform,
)
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_create_clientsession
from homeassistant.helpers.typing import ConfigType

from .const import (
    CONF_TRANSPORT,
    DOMAIN,
    OTA_TIMEOUTS,
    RECONNECT_BACKOFF,
    REQUEST_TIMEOUT,
)
from .coordinator import (
    InvisOutletConfigEntry,
    InvisOutletDeviceCoordinator,
    InvisOutletFirmwareCoordinator,
    InvisOutletRuntimeData,
)
from .pyinvisoutlet import (
    InvisOutlet,
    InvisOutletConnectionError,
    Transport,
    redirect_guard,
)
from .repairs import async_delete_entry_issues
from .services import async_setup_services

if TYPE_CHECKING:
    # What HA passes to async_remove_config_entry_device: a device, or (after 2025.4)
    # a child device. 2025.4 has no AnyDeviceEntry (mypy sees Any there); only a
    # DeviceEntry reaches the hook on it.
    from homeassistant.helpers.device_registry import (  # type: ignore[attr-defined,unused-ignore]
        AnyDeviceEntry,
    )

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.LIGHT,
    Platform.NUMBER,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TEXT,
    Platform.UPDATE,
]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's action, whether or not an outlet is loaded."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: InvisOutletConfigEntry) -> bool:
    """Connect to the outlet, read it once, and set up its entities."""
    transport = Transport(entry.data[CONF_TRANSPORT])
    client = InvisOutlet(
        host=entry.data[CONF_HOST],
        transport=transport,
        port=entry.data[CONF_PORT],
        session=_async_session(hass, transport),
        request_timeout=REQUEST_TIMEOUT,
        backoff=RECONNECT_BACKOFF,
        serial=entry.unique_id,
        ota_timeouts=OTA_TIMEOUTS,
    )
    try:
        await client.connect()
    except InvisOutletConnectionError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"host": client.host, "error": str(err)},
        ) from err
    data = InvisOutletRuntimeData(
        client=client,
        device=InvisOutletDeviceCoordinator(hass, entry, client),
        firmware=InvisOutletFirmwareCoordinator(hass, entry, client),
    )
    entry.runtime_data = data
    try:
        await data.device.async_config_entry_first_refresh()
        await data.firmware.async_config_entry_first_refresh()
    except BaseException:
        await _async_close(data)
        raise
    client.firmware.start()

    async def _async_stop(_event: Event) -> None:
        """Close the link when Home Assistant stops (entries are not unloaded)."""
        await _async_close(data)

    entry.async_on_unload(
        hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _async_stop)
    )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


def _async_session(hass: HomeAssistant, transport: Transport) -> ClientSession | None:
    """Return a session of Home Assistant's for the WebSocket; raw TCP needs none.

    Made for this entry (and detached when it unloads) with the library's redirect
    guard: the shared session follows redirects, and the outlet's WebSocket must
    never be taken to another host.
    """
    if transport is not Transport.WEBSOCKET:
        return None
    return async_create_clientsession(hass, trace_configs=[redirect_guard()])


async def async_unload_entry(
    hass: HomeAssistant, entry: InvisOutletConfigEntry
) -> bool:
    """Unload the entities, then stop following installs and close the link."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await _async_close(entry.runtime_data)
    return unloaded


async def async_remove_entry(
    hass: HomeAssistant, entry: InvisOutletConfigEntry
) -> None:
    """Remove the entry's repairs: nothing is left to fix."""
    async_delete_entry_issues(hass, entry.entry_id)


async def _async_close(data: InvisOutletRuntimeData) -> None:
    """Stop the coordinators, any install being followed, and the link."""
    await data.device.async_shutdown()
    await data.firmware.async_shutdown()
    await data.client.close()


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: InvisOutletConfigEntry, device: AnyDeviceEntry
) -> bool:
    """Allow removing a device that is not the outlet or its current InvisDeco."""
    info = entry.runtime_data.device.data.info
    current = {info.serial}
    if info.deco is not None and info.deco.serial:
        current.add(info.deco.serial)
    return not any(
        domain == DOMAIN and identifier in current
        for domain, identifier in device.identifiers
    )
