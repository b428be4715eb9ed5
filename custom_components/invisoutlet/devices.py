"""The device registry entries of an outlet and its InvisDeco, kept current."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from yarl import URL

from .const import CONF_TRANSPORT, DOMAIN, MANUFACTURER
from .pyinvisoutlet import DEFAULT_PORTS, DecoModule, OutletInfo, Transport

# The outlet serves its web interface over HTTP on port 80; revA serves its API on the
# same server (ws://<host>:80/ws).
WEB_PORT = 80


def async_sync_devices(
    hass: HomeAssistant, entry: ConfigEntry[Any], info: OutletInfo, host: str
) -> None:
    """Create or update the outlet's device and its InvisDeco's, linked together."""
    registry = dr.async_get(hass)
    web = web_interface_url(
        host, Transport(entry.data[CONF_TRANSPORT]), entry.data[CONF_PORT]
    )
    entry_id = entry.entry_id
    outlet = registry.async_get_or_create(
        config_entry_id=entry_id, **_outlet_fields(info, web)
    )
    deco = info.deco
    if deco is None or deco.serial is None:
        return
    faceplate = registry.async_get_or_create(
        config_entry_id=entry_id, **_deco_fields(deco)
    )
    # Linked by registry id: supported by every Home Assistant we support, whereas
    # DeviceInfo's via_device is deprecated since 2026.8 and via_device_id is newer.
    if faceplate.via_device_id != outlet.id:
        registry.async_update_device(faceplate.id, via_device_id=outlet.id)


def web_interface_url(host: str, transport: Transport, port: int) -> str | None:
    """Return the address of the outlet's web interface, or None where it is unknown."""
    # Built, not formatted: an IPv6 address needs its brackets in a URL.
    if transport is Transport.WEBSOCKET:
        # The API's own HTTP server, wherever it listens (a port forward, the demo).
        shown = None if port == WEB_PORT else port
        return str(URL.build(scheme="http", host=host, port=shown))
    if port == DEFAULT_PORTS[Transport.TCP]:
        return str(URL.build(scheme="http", host=host))
    # The API moved off the outlet's own port (a port forward, the simulator): where
    # its web server went is unknown, and no link beats a link to something else.
    return None


def _outlet_fields(info: OutletInfo, web: str | None) -> dict[str, Any]:
    """Return the registry fields of the outlet."""
    return {
        "identifiers": {(DOMAIN, info.serial)},
        "connections": _mac_connection(info.outlet.mac),
        "manufacturer": MANUFACTURER,
        "model": "InvisOutlet",
        "name": f"InvisOutlet {info.serial}",
        "serial_number": info.serial,
        "sw_version": info.outlet.fw_rev,
        "hw_version": info.outlet.hw_rev,
        "configuration_url": web,
    }


def _deco_fields(deco: DecoModule) -> dict[str, Any]:
    """Return the registry fields of the InvisDeco."""
    return {
        "identifiers": {(DOMAIN, deco.serial)},
        "connections": _mac_connection(deco.mac),
        "manufacturer": MANUFACTURER,
        "model": f"InvisDeco {deco.model}" if deco.model else "InvisDeco",
        "name": f"InvisDeco {deco.serial}",
        "serial_number": deco.serial,
        "sw_version": deco.fw_rev,
        "hw_version": deco.hw_rev,
    }


def _mac_connection(mac: str | None) -> set[tuple[str, str]]:
    """Return the registry connection of a MAC address, if known."""
    return {(dr.CONNECTION_NETWORK_MAC, mac)} if mac else set()
