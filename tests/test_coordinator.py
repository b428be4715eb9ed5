"""The coordinator: set-up, polling, availability, and the link to the outlet."""

from __future__ import annotations

from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.invisoutlet.const import DOMAIN

from .common import DECO_FIRMWARE, DECO_SERIAL, FIRMWARE, SERIAL, get_device
from .simulator import InvisOutletSimulator, SimulatedDevice
from .waiting import wait_until

LOGGER_NAME = "custom_components.invisoutlet"


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def next_poll(hass: HomeAssistant) -> None:
    """Fire the next device-information poll and let it finish."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=61))
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_unreachable_outlet_is_retried(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
) -> None:
    """An outlet that does not answer at set-up is retried later."""
    await simulator.set_refusing(True)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_silent_outlet_is_retried(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
) -> None:
    """An outlet that accepts the connection but does not answer is retried later."""
    simulator.faults.silent_callbacks = {12}
    mock_config_entry.add_to_hass(hass)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("custom_components.invisoutlet.REQUEST_TIMEOUT", 0.1)
        await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY


@pytest.mark.parametrize("device", [SimulatedDevice(serial="11A1F7000AA")])
async def test_other_device_at_the_address_is_refused(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """A different outlet at the configured address is refused (device_mismatch)."""
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
    assert mock_config_entry.reason is not None
    assert "11A1F7000AA" in mock_config_entry.reason


@pytest.mark.usefixtures("init_integration")
async def test_device_information_is_polled_every_minute(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """Device information is read every 60 s; available updates are not."""
    info, updates = len(simulator.requests_for(12)), len(simulator.requests_for(20))
    await next_poll(hass)
    assert len(simulator.requests_for(12)) == info + 1
    assert len(simulator.requests_for(20)) == updates


@pytest.mark.usefixtures("init_integration")
async def test_available_updates_are_read_every_six_hours(
    hass: HomeAssistant, simulator: InvisOutletSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Available updates (20) are read again after six hours."""
    updates = len(simulator.requests_for(20))
    simulator.device.outlet_fw_available = "1.4.0"
    freezer.tick(timedelta(hours=6))
    await next_poll(hass)
    assert len(simulator.requests_for(20)) == updates + 1
    state = hass.states.get(FIRMWARE)
    assert state is not None
    assert state.attributes["latest_version"] == "1.4.0"


@pytest.mark.usefixtures("init_integration")
async def test_outlet_away_and_back_logs_once_each_way(
    hass: HomeAssistant,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """However many attempts fail, one warning when it goes and one line when back."""
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    await simulator.set_refusing(True)
    for _ in range(3):
        await next_poll(hass)
    assert state_of(hass, FIRMWARE) == STATE_UNAVAILABLE
    await simulator.set_refusing(False)
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.device
    await wait_until(lambda: coordinator.last_update_success)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass, FIRMWARE) == STATE_ON
    ours = [r for r in caplog.records if r.name.startswith(LOGGER_NAME)]
    warnings = [r for r in ours if r.levelno == logging.WARNING]
    infos = [r for r in ours if r.levelno == logging.INFO]
    assert len(warnings) == 1
    assert "is unavailable" in warnings[0].getMessage()
    assert len(infos) == 1
    assert "recovered" in infos[0].getMessage()
    assert not [r for r in ours if r.levelno >= logging.ERROR]


@pytest.mark.usefixtures("init_integration")
async def test_outlet_restart_refreshes_at_once(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """When the outlet restarts on its own, everything is read again at once."""
    updates = len(simulator.requests_for(20))
    simulator.device.outlet_fw = "1.3.0"
    await simulator.reboot()
    await simulator.wait_for_request(20, count=updates + 1)
    await hass.async_block_till_done(wait_background_tasks=True)
    state = hass.states.get(FIRMWARE)
    assert state is not None
    assert (state.state, state.attributes["installed_version"]) == (STATE_OFF, "1.3.0")


async def test_available_updates_failing_keeps_the_outlet_available(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """If 20 fails while 12 works, entities stay available with the last versions."""
    simulator.faults.puback_zero = {20}
    simulator.device.outlet_fw_available = "1.4.0"
    coordinator = init_integration.runtime_data.device
    for _ in range(2):
        await coordinator.config_entry.runtime_data.firmware.async_refresh()
    assert state_of(hass, FIRMWARE) == STATE_ON
    state = hass.states.get(FIRMWARE)
    assert state is not None
    assert state.attributes["latest_version"] == "1.3.0"
    assert caplog.text.count("Cannot read available updates") == 1


async def test_available_updates_failing_at_setup_still_sets_up(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
) -> None:
    """Without the vendor cloud (20 fails), the outlet still sets up; latest unknown."""
    simulator.faults.puback_zero = {20}
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    state = hass.states.get(FIRMWARE)
    assert state is not None
    assert state.attributes["installed_version"] == "1.2.0"
    assert state.attributes["latest_version"] is None


@pytest.mark.parametrize(
    "device",
    [SimulatedDevice(outlet_fw_available="1.2.0", www_fw_available="0.1.2")],
)
@pytest.mark.usefixtures("init_integration")
async def test_available_equal_to_installed_is_up_to_date(hass: HomeAssistant) -> None:
    """When 20 offers the installed version, there is nothing to install."""
    assert state_of(hass, FIRMWARE) == STATE_OFF
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            "update", "install", {ATTR_ENTITY_ID: FIRMWARE}, blocking=True
        )


async def test_removed_invisdeco_device_can_be_deleted(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: InvisOutletSimulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Once the InvisDeco is gone its device can be removed; the outlet's cannot."""
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)

    async def remove(serial: str) -> bool:
        await client.send_json_auto_id(
            {
                "type": "config/device_registry/remove_config_entry",
                "config_entry_id": init_integration.entry_id,
                "device_id": get_device(hass, serial).id,
            }
        )
        return bool((await client.receive_json())["success"])

    assert not await remove(DECO_SERIAL)
    simulator.device.deco_attached = False
    await init_integration.runtime_data.device.async_refresh()
    assert state_of(hass, DECO_FIRMWARE) == STATE_UNAVAILABLE
    assert not await remove(SERIAL)
    assert await remove(DECO_SERIAL)
    assert hass.states.get(DECO_FIRMWARE) is None
