"""Diagnostics of an InvisOutlet entry: the whole device, identifiers redacted."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant

from .coordinator import InvisOutletConfigEntry

# Everything that identifies the device, the home or where it is: discovery keys
# hold the zeroconf name (it carries the serial); names are the ones the owner gave;
# the outlet's own address is the host's.
TO_REDACT = {
    CONF_HOST,
    "discovery_keys",
    "foreign_serial",
    "ip_address",
    "mac",
    "names",
    "serial",
    "title",
    "unique_id",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: InvisOutletConfigEntry
) -> dict[str, Any]:
    """Return what helps to understand a problem, without anything identifying."""
    data = entry.runtime_data
    return async_redact_data(
        {
            "entry": entry.as_dict(),
            "connected": data.client.connected,
            "transport": data.client.transport,
            "last_update_success": data.device.last_update_success,
            "device": as_plain(data.device.data),
        },
        TO_REDACT,
    )


def as_plain(value: Any) -> Any:
    """Return a model as JSON-ready data: dataclasses, enums and sets unpacked."""
    if is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: as_plain(getattr(value, field.name)) for field in fields(value)
        }
    if isinstance(value, Enum):
        # Numbered enums by name (OUTLET, not 1); named ones by their value.
        return value.value if isinstance(value.value, str) else value.name
    if isinstance(value, frozenset | set):
        return sorted(as_plain(item) for item in value)
    if isinstance(value, tuple | list):
        return [as_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(as_plain(key)): as_plain(item) for key, item in value.items()}
    return value
