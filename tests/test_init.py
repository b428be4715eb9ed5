"""Set-up and unload of a config entry."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .common import FIRMWARE, start_install, wait_for_state
from .simulator import InvisOutletSimulator, SimulatedDevice


async def test_setup_and_unload(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: InvisOutletSimulator,
) -> None:
    """A reachable outlet loads, and unloading closes its connection."""
    assert init_integration.state is ConfigEntryState.LOADED
    state = hass.states.get(FIRMWARE)
    assert state is not None
    assert state.state == "on"
    client = init_integration.runtime_data.client
    await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert not client.connected
    unloaded = hass.states.get(FIRMWARE)
    assert unloaded is not None
    assert unloaded.state == "unavailable"


async def test_unload_during_install_ends_it_cleanly(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: InvisOutletSimulator,
) -> None:
    """Unloading mid-update stops following it and reports that to the caller."""
    simulator.timing.step_interval = 0.05
    task = await start_install(hass)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    with pytest.raises(HomeAssistantError) as err:
        await task
    assert err.value.translation_key == "ota_interrupted"
    assert init_integration.state is ConfigEntryState.NOT_LOADED


@pytest.mark.parametrize("device", [SimulatedDevice(hardware="A")])
async def test_reload_during_install_keeps_the_entry_working(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: InvisOutletSimulator,
) -> None:
    """Reloading mid-update ends the wait; the reloaded entry follows the update."""
    simulator.timing.step_interval = 0.05
    task = await start_install(hass)
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    with pytest.raises(HomeAssistantError):
        await task
    assert init_integration.state is ConfigEntryState.LOADED
    await wait_for_state(hass, lambda state: state.attributes["in_progress"] is True)
    await wait_for_state(
        hass, lambda state: state.attributes["installed_version"] == "1.3.0", 5.0
    )


async def test_home_assistant_stop_during_install(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: InvisOutletSimulator,
) -> None:
    """Stopping Home Assistant mid-update closes the link and leaves nothing running."""
    simulator.timing.step_interval = 0.05
    task = await start_install(hass)
    await hass.async_stop()
    with pytest.raises(HomeAssistantError):
        await task
    assert not init_integration.runtime_data.client.connected
