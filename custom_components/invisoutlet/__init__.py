"""The Intecular InvisOutlet integration."""

from __future__ import annotations

from homeassistant.const import (
    CONF_HOST,
    CONF_PORT,
    EVENT_HOMEASSISTANT_STOP,
    Platform,
)
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import DeviceEntry

from .const import CONF_TRANSPORT, DOMAIN, RECONNECT_BACKOFF, REQUEST_TIMEOUT
from .coordinator import InvisOutletConfigEntry, InvisOutletDataUpdateCoordinator
from .pyinvisoutlet import InvisOutlet, InvisOutletConnectionError, Transport

PLATFORMS = [Platform.UPDATE]


async def async_setup_entry(hass: HomeAssistant, entry: InvisOutletConfigEntry) -> bool:
    """Connect to the outlet, read it once, and set up its entities."""
    transport = Transport(entry.data[CONF_TRANSPORT])
    client = InvisOutlet(
        host=entry.data[CONF_HOST],
        transport=transport,
        port=entry.data[CONF_PORT],
        # Raw TCP needs no HTTP session; only revA's WebSocket uses Home Assistant's.
        session=async_get_clientsession(hass)
        if transport is Transport.WEBSOCKET
        else None,
        request_timeout=REQUEST_TIMEOUT,
        backoff=RECONNECT_BACKOFF,
    )
    try:
        await client.connect()
    except InvisOutletConnectionError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"host": client.host, "error": str(err)},
        ) from err
    coordinator = InvisOutletDataUpdateCoordinator(hass, entry, client)
    try:
        await coordinator.async_config_entry_first_refresh()
    except BaseException:
        await coordinator.async_shutdown()
        raise
    entry.runtime_data = coordinator

    async def _async_stop(_event: Event) -> None:
        """Close the link when Home Assistant stops (entries are not unloaded)."""
        await coordinator.async_shutdown()

    entry.async_on_unload(
        hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _async_stop)
    )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(
    hass: HomeAssistant, entry: InvisOutletConfigEntry
) -> bool:
    """Unload the entities; the coordinator closes the link on unload."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: InvisOutletConfigEntry, device: DeviceEntry
) -> bool:
    """Allow removing a device that is not the outlet or its current InvisDeco."""
    info = entry.runtime_data.data.info
    current = {info.serial}
    if info.deco is not None and info.deco.serial:
        current.add(info.deco.serial)
    return not any(
        domain == DOMAIN and identifier in current
        for domain, identifier in device.identifiers
    )
