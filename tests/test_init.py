"""Set-up and unload of a config entry."""

from __future__ import annotations

from unittest.mock import MagicMock

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.invisoutlet.pyinvisoutlet import InvisOutletConnectionError

from .common import FIRMWARE, start_install, wait_for_state
from .library_mock import outlet_info
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


async def test_devices_match_the_snapshot(
    hass: HomeAssistant,
    mocked_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The outlet and its InvisDeco are two devices, the InvisDeco via the outlet."""
    devices = dr.async_entries_for_config_entry(
        device_registry, mocked_integration.entry_id
    )
    assert sorted(devices, key=lambda device: device.name or "") == snapshot(
        exclude=props(
            "id",
            "via_device_id",
            "config_entries",
            "config_entries_subentries",
            "created_at",
            "modified_at",
            "primary_config_entry",
        )
    )
    outlet, deco = sorted(devices, key=lambda device: device.name or "", reverse=True)
    assert deco.via_device_id == outlet.id


@pytest.mark.usefixtures("mock_firmware")
async def test_outlet_that_does_not_answer_is_retried(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """An outlet that cannot be reached at set-up is retried later."""
    mock_invisoutlet.connect.side_effect = InvisOutletConnectionError("refused")
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    mock_invisoutlet.close.assert_not_awaited()


@pytest.mark.usefixtures("mock_firmware")
async def test_other_device_at_the_address_is_refused(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """Another outlet at the configured address fails the entry with its reason."""
    mock_invisoutlet.outlet_info.return_value = outlet_info(sn="OTHER")
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    assert config_entry.error_reason_translation_key == "device_mismatch"
    mock_invisoutlet.close.assert_awaited()
