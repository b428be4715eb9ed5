"""Set-up and unload of a config entry."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .simulator import InvisOutletSimulator


async def test_setup_and_unload(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: InvisOutletSimulator,
) -> None:
    """A reachable outlet loads, and unloading closes its connection."""
    assert init_integration.state is ConfigEntryState.LOADED
    state = hass.states.get("update.invisoutlet_11a1f7000fe_firmware")
    assert state is not None
    assert state.state == "on"
    await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.NOT_LOADED
