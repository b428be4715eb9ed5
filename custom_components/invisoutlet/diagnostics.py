"""Diagnostics of an InvisOutlet config entry, with identifiers redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant

from .coordinator import InvisOutletConfigEntry

TO_REDACT = {CONF_HOST, "mac", "serial", "title", "unique_id"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: InvisOutletConfigEntry
) -> dict[str, Any]:
    """Return what helps to understand a problem, without serials, MACs or host."""
    coordinator = entry.runtime_data
    update = coordinator.firmware_update
    tracker = update.tracker if update is not None else None
    return async_redact_data(
        {
            "entry": entry.as_dict(),
            "connected": coordinator.client.connected,
            "transport": coordinator.client.transport,
            "last_update_success": coordinator.last_update_success,
            "device": asdict(coordinator.data.info),
            "firmware": asdict(fw) if (fw := coordinator.data.firmware) else None,
            "firmware_update": None
            if tracker is None
            else {
                "target": tracker.target.name,
                "pending": sorted(c.name for c in tracker.pending),
                "phase": tracker.phase,
                "step": tracker.step.name if tracker.step else None,
                "percent": tracker.percent,
                "external": tracker.external,
            },
        },
        TO_REDACT,
    )
