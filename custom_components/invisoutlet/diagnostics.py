"""Diagnostics of an InvisOutlet config entry, with identifiers redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant

from .coordinator import InvisOutletConfigEntry

# Everything that identifies the device or where it is; discovery keys hold the
# zeroconf name, which carries the serial.
TO_REDACT = {CONF_HOST, "discovery_keys", "mac", "serial", "title", "unique_id"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: InvisOutletConfigEntry
) -> dict[str, Any]:
    """Return what helps to understand a problem, without serials, MACs or host."""
    data = entry.runtime_data
    progress = data.firmware.firmware.progress
    return async_redact_data(
        {
            "entry": entry.as_dict(),
            "connected": data.client.connected,
            "transport": data.client.transport,
            "last_update_success": data.device.last_update_success,
            "device": asdict(data.device.data.info),
            "firmware": asdict(status) if (status := data.firmware.data) else None,
            "firmware_update": None
            if progress is None
            else {
                "target": progress.target.name,
                "pending": sorted(c.name for c in progress.components),
                "phase": progress.phase,
                "step": progress.step.name if progress.step else None,
                "percent": progress.percent,
                "external": progress.external,
            },
        },
        TO_REDACT,
    )
