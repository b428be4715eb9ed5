"""The coordinators on the library mock: polls, availability, reconnects, cloud away."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
import logging
from unittest.mock import MagicMock

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

from custom_components.invisoutlet.pyinvisoutlet import (
    InvisOutletCommandError,
    InvisOutletConnectionError,
    InvisOutletTimeoutError,
)

from .common import DECO_FIRMWARE, DECO_SERIAL, FIRMWARE, SERIAL, get_device
from .library_mock import answers, deco_silent, firmware_status, link, outlet_info

LOGGER_NAME = "custom_components.invisoutlet"


def state_of(hass: HomeAssistant, entity_id: str = FIRMWARE) -> str:
    """Return an entity's state."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


def latest(hass: HomeAssistant) -> object:
    """Return the latest version the outlet firmware entity shows."""
    state = hass.states.get(FIRMWARE)
    assert state is not None
    return state.attributes["latest_version"]


async def later(hass: HomeAssistant, **delta: float) -> None:
    """Fire what falls due in that much time, and let it finish."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(**delta))
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.usefixtures("mock_firmware")
async def test_outlet_that_does_not_answer_at_setup_is_retried(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """An outlet that accepts the connection but never answers is retried later."""
    mock_invisoutlet.outlet_info.side_effect = InvisOutletTimeoutError("silent")
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    mock_invisoutlet.close.assert_awaited()


@pytest.mark.usefixtures("mocked_integration")
async def test_device_is_read_every_minute_and_firmware_is_not(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    mock_firmware: MagicMock,
) -> None:
    """Device information is read every 60 s; available updates are not."""
    reads, checks = (
        mock_invisoutlet.outlet_info.await_count,
        mock_firmware.available.await_count,
    )
    await later(hass, seconds=61)
    assert mock_invisoutlet.outlet_info.await_count == reads + 1
    assert mock_firmware.available.await_count == checks


@pytest.mark.usefixtures("mocked_integration")
async def test_available_updates_are_read_every_six_hours(
    hass: HomeAssistant, mock_firmware: MagicMock
) -> None:
    """Six hours on, the device is asked what it offers again."""
    mock_firmware.available.return_value = firmware_status(available_fw_rev="1.4.0")
    await later(hass, hours=6, seconds=1)
    assert latest(hass) == "1.4.0"


@pytest.mark.usefixtures("mocked_integration")
async def test_outlet_away_and_back_logs_once_each_way(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """However many polls fail, one warning when it goes and one line when back."""
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    mock_invisoutlet.outlet_info.side_effect = InvisOutletConnectionError("gone")
    for _ in range(3):
        await later(hass, seconds=61)
    assert state_of(hass) == STATE_UNAVAILABLE
    answers(mock_invisoutlet, "outlet_info")
    await later(hass, seconds=61)
    assert state_of(hass) == STATE_ON
    ours = [r for r in caplog.records if r.name.startswith(LOGGER_NAME)]
    warnings = [r.getMessage() for r in ours if r.levelno == logging.WARNING]
    infos = [r.getMessage() for r in ours if r.levelno == logging.INFO]
    assert len(warnings) == 1
    assert "is unavailable" in warnings[0]
    assert len(infos) == 1
    assert "recovered" in infos[0]
    assert not [r for r in ours if r.levelno >= logging.ERROR]


@pytest.mark.usefixtures("mocked_integration")
async def test_link_back_reads_everything_at_once(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """When the link returns (the outlet restarted), the device is read at once."""
    mock_invisoutlet.outlet_info.return_value = outlet_info(fw_rev="1.3.0")
    link(mock_invisoutlet, False)
    link(mock_invisoutlet, True)
    await hass.async_block_till_done(wait_background_tasks=True)
    state = hass.states.get(FIRMWARE)
    assert state is not None
    assert state.attributes["installed_version"] == "1.3.0"


@pytest.mark.usefixtures("mocked_integration")
async def test_available_updates_failing_keeps_the_last_answer_and_warns_once(
    hass: HomeAssistant,
    mock_firmware: MagicMock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The vendor cloud away: entities stay available with the last versions."""
    mock_firmware.available.side_effect = InvisOutletCommandError("no cloud")
    for _ in range(2):
        await later(hass, hours=6, seconds=1)
    assert state_of(hass) == STATE_ON
    assert latest(hass) == "1.3.0"
    assert caplog.text.count("Cannot read available updates") == 1


@pytest.mark.usefixtures("mock_invisoutlet")
async def test_available_updates_failing_at_setup_still_sets_up(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_firmware: MagicMock
) -> None:
    """Without the vendor cloud the outlet still sets up; the latest is unknown."""
    mock_firmware.status = None
    mock_firmware.available.side_effect = InvisOutletCommandError("no cloud")
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.LOADED
    state = hass.states.get(FIRMWARE)
    assert state is not None
    assert state.attributes["installed_version"] == "1.2.0"
    assert state.attributes["latest_version"] is None


@pytest.mark.usefixtures("mock_invisoutlet")
async def test_available_equal_to_installed_is_up_to_date(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_firmware: MagicMock
) -> None:
    """When the device offers the installed version, there is nothing to install."""
    current = firmware_status(available_fw_rev="1.2.0", available_www_fw_rev="0.1.2")
    mock_firmware.status = current
    mock_firmware.available.return_value = current
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert state_of(hass) == STATE_OFF
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            "update", "install", {ATTR_ENTITY_ID: FIRMWARE}, blocking=True
        )


async def test_removed_invisdeco_device_can_be_deleted(
    hass: HomeAssistant,
    mocked_integration: MockConfigEntry,
    mock_invisoutlet: MagicMock,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Once the InvisDeco is gone its device can be removed; the outlet's cannot."""
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)

    async def remove(serial: str) -> bool:
        await client.send_json_auto_id(
            {
                "type": "config/device_registry/remove_config_entry",
                "config_entry_id": mocked_integration.entry_id,
                "device_id": get_device(hass, serial).id,
            }
        )
        return bool((await client.receive_json())["success"])

    assert not await remove(DECO_SERIAL)
    mock_invisoutlet.outlet_info.return_value = replace(outlet_info(), deco=None)
    await later(hass, seconds=61)
    assert state_of(hass, DECO_FIRMWARE) == STATE_UNAVAILABLE
    assert not await remove(SERIAL)
    assert await remove(DECO_SERIAL)
    assert hass.states.get(DECO_FIRMWARE) is None


def keeps_dropping(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the warnings that the link keeps dropping."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno == logging.WARNING and "keeps dropping" in record.getMessage()
    ]


async def drop_and_return(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    freezer: FrozenDateTimeFactory,
    *,
    times: int,
    apart: timedelta = timedelta(seconds=10),
) -> None:
    """Drop the link and bring it back, so many times, so far apart."""
    for _ in range(times):
        freezer.tick(apart)
        link(mock_invisoutlet, False)
        link(mock_invisoutlet, True)
        await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.usefixtures("mocked_integration")
async def test_a_link_that_keeps_dropping_is_warned_once(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Three drops within five minutes: one warning, however many drops follow."""
    await drop_and_return(hass, mock_invisoutlet, freezer, times=10)
    assert keeps_dropping(caplog) == [
        (
            "The connection to InvisOutlet at 127.0.0.1 keeps dropping (3 times "
            "within 5 minutes); check its Wi-Fi signal and power supply"
        )
    ]


@pytest.mark.usefixtures("mocked_integration")
async def test_two_drops_are_routine(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A link that drops and returns now and then is not worth a warning."""
    await drop_and_return(hass, mock_invisoutlet, freezer, times=2)
    assert keeps_dropping(caplog) == []


@pytest.mark.usefixtures("mocked_integration")
async def test_drops_spread_over_more_than_five_minutes_are_routine(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A drop every three minutes never makes three within five minutes."""
    await drop_and_return(
        hass, mock_invisoutlet, freezer, times=6, apart=timedelta(minutes=3)
    )
    assert keeps_dropping(caplog) == []


@pytest.mark.usefixtures("mocked_integration")
async def test_a_link_dropping_again_after_holding_a_while_is_warned_again(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Half an hour without a drop ends the spell: the next one is news again."""
    await drop_and_return(hass, mock_invisoutlet, freezer, times=3)
    freezer.tick(timedelta(minutes=30))
    await drop_and_return(hass, mock_invisoutlet, freezer, times=3)
    assert len(keeps_dropping(caplog)) == 2


async def test_drops_of_restarts_asked_for_are_not_counted(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    mocked_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An outlet restarted three times as asked dropped its link as expected."""
    for _ in range(3):
        mocked_integration.runtime_data.device.async_expect_restart()
        await drop_and_return(hass, mock_invisoutlet, freezer, times=1)
    assert keeps_dropping(caplog) == []


# A silent InvisDeco ------------------------------------------------------------------

DECO_TEMPERATURE = "sensor.invisdeco_0003c44076_temperature"
OUTLET_1 = "switch.invisoutlet_11a1f7000fe_floor_lamp"


@pytest.mark.usefixtures("mocked_integration")
async def test_silent_invisdeco_makes_only_its_entities_unavailable(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Readings stopped: the faceplate's entities go, the outlets stay."""
    deco_silent(mock_invisoutlet, True)
    await hass.async_block_till_done()
    assert (state_of(hass, DECO_TEMPERATURE), state_of(hass, OUTLET_1)) == (
        STATE_UNAVAILABLE,
        STATE_ON,
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_invisdeco_speaking_again_is_available_and_read_again(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The next reading brings its entities back, and its parts are read at once."""
    deco_silent(mock_invisoutlet, True)
    await hass.async_block_till_done()
    reads = mock_invisoutlet.sensors.await_count
    deco_silent(mock_invisoutlet, False)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass, DECO_TEMPERATURE) != STATE_UNAVAILABLE
    assert mock_invisoutlet.sensors.await_count == reads + 1


@pytest.mark.usefixtures("mocked_integration")
async def test_invisdeco_going_silent_is_not_read_again(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Silence is no news of its parts: no extra read (the outlet would answer it)."""
    reads = mock_invisoutlet.sensors.await_count
    deco_silent(mock_invisoutlet, True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert mock_invisoutlet.sensors.await_count == reads
