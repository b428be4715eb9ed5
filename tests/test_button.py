"""Buttons: restart the outlet or the InvisDeco, calibrate or reset its sensors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
import logging
from unittest.mock import MagicMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import SERVICE_PRESS  # type: ignore[attr-defined,unused-ignore]
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.invisoutlet.pyinvisoutlet import (
    OCCUPANCY_CALIBRATION_SECONDS,
    InvisOutletCommandError,
    InvisOutletConnectionError,
    InvisOutletTimeoutError,
)

from .library_mock import (
    answers,
    deco_info,
    link,
    no_deco_info,
    prepare_pro,
    push,
    sensor_readings,
)
from .simulator import InvisOutletSimulator
from .waiting import wait_until


@pytest.fixture
def platforms() -> list[Platform]:
    """Set entries up with the button platform only."""
    return [Platform.BUTTON]


RESTART = "button.invisoutlet_11a1f7000fe_restart"
RESTART_DECO = "button.invisdeco_0003c44076_restart"
CALIBRATE_OCCUPANCY = "button.invisdeco_0003c44076_calibrate_occupancy"
# The air-quality sensor's: a Pro's.
RESET_AIR_QUALITY = "button.invisdeco_0003d44076_reset_aq_calibration"
AWAY_WARNING = "is unavailable"
CALIBRATE_OCCUPANCY_CALLBACK = 26


@pytest.fixture(autouse=True)
def only_buttons() -> Iterator[None]:
    """Load the button platform alone."""
    with patch("custom_components.invisoutlet.PLATFORMS", [Platform.BUTTON]):
        yield


@pytest.fixture(params=["aura", "pro"])
def faceplate(request: pytest.FixtureRequest, mock_invisoutlet: MagicMock) -> str:
    """Attach an InvisDeco Aura or Pro to the fixture outlet."""
    if request.param == "pro":
        prepare_pro(mock_invisoutlet)
    return str(request.param)


@pytest.fixture
def pro(mock_invisoutlet: MagicMock) -> None:
    """Attach an InvisDeco Pro to the fixture outlet."""
    prepare_pro(mock_invisoutlet)


def state_of(hass: HomeAssistant, entity_id: str) -> str | None:
    """Return an entity's state, None if it does not exist."""
    state = hass.states.get(entity_id)
    return None if state is None else state.state


async def press(hass: HomeAssistant, entity_id: str) -> None:
    """Call button.press and wait for it."""
    await hass.services.async_call(
        Platform.BUTTON, SERVICE_PRESS, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


def warnings_in(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the warnings logged about the outlet going away."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.WARNING and AWAY_WARNING in record.getMessage()
    ]


async def lose_the_outlet(mock: MagicMock, entry: MockConfigEntry) -> None:
    """Drop the link and let the next refresh find the outlet gone."""
    link(mock, up=False)
    mock.outlet_info.side_effect = InvisOutletConnectionError("not connected")
    await entry.runtime_data.device.async_refresh()


@pytest.mark.usefixtures("every_entity_enabled", "faceplate")
async def test_buttons_match_the_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    mocked_integration: MockConfigEntry,
) -> None:
    """Restart on the outlet; restart and calibrations on the InvisDeco."""
    await snapshot_platform(
        hass, entity_registry, snapshot, mocked_integration.entry_id
    )


@pytest.mark.usefixtures("pro", "mocked_integration")
async def test_air_quality_reset_is_disabled_by_default(
    entity_registry: er.EntityRegistry,
) -> None:
    """Clearing what the sensor learnt is rarely wanted: the user enables it."""
    entry = entity_registry.async_get(RESET_AIR_QUALITY)
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION


@pytest.mark.usefixtures("mocked_integration")
async def test_restart_asks_the_outlet_to_restart(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Pressing restart sends the restart; it returns without an answer."""
    await press(hass, RESTART)
    mock_invisoutlet.restart.assert_awaited_once_with()


async def test_outlet_restarting_as_asked_logs_no_warning(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    mocked_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The drop after a restart is expected: unavailable, but nothing is warned."""
    await press(hass, RESTART)
    await lose_the_outlet(mock_invisoutlet, mocked_integration)
    assert state_of(hass, RESTART) == STATE_UNAVAILABLE
    assert warnings_in(caplog) == []


async def test_outlet_back_after_a_restart_is_available_again(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    mocked_integration: MockConfigEntry,
) -> None:
    """The link back reads everything again at once."""
    await press(hass, RESTART)
    await lose_the_outlet(mock_invisoutlet, mocked_integration)
    answers(mock_invisoutlet, "outlet_info")
    link(mock_invisoutlet, up=True)
    await hass.async_block_till_done()
    assert state_of(hass, RESTART) != STATE_UNAVAILABLE


async def test_outlet_lost_after_it_came_back_from_a_restart_is_warned(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    mocked_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The restart is over once the link is back: a later drop is news."""
    await press(hass, RESTART)
    link(mock_invisoutlet, up=True)
    await hass.async_block_till_done()
    await lose_the_outlet(mock_invisoutlet, mocked_integration)
    assert len(warnings_in(caplog)) == 1


async def test_outlet_that_never_comes_back_from_a_restart_is_warned(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    mocked_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Gone far longer than a reboot takes: the warning is due after all."""
    await press(hass, RESTART)
    freezer.tick(timedelta(minutes=6))
    await lose_the_outlet(mock_invisoutlet, mocked_integration)
    assert len(warnings_in(caplog)) == 1


async def test_outlet_lost_without_a_restart_is_warned(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    mocked_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nobody asked for a restart: the usual warning."""
    await lose_the_outlet(mock_invisoutlet, mocked_integration)
    assert len(warnings_in(caplog)) == 1


@pytest.mark.usefixtures("mocked_integration")
async def test_restart_of_a_lost_outlet_is_a_translated_error(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The restart cannot be sent without a link: communication_error."""
    mock_invisoutlet.restart.side_effect = InvisOutletConnectionError("not connected")
    with pytest.raises(HomeAssistantError) as error:
        await press(hass, RESTART)
    assert error.value.translation_key == "communication_error"


@pytest.mark.usefixtures("mocked_integration")
async def test_restart_deco_asks_the_invisdeco_to_restart(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Pressing the InvisDeco's restart restarts the faceplate alone."""
    await press(hass, RESTART_DECO)
    mock_invisoutlet.restart_deco.assert_awaited_once_with()
    mock_invisoutlet.restart.assert_not_awaited()


@pytest.mark.usefixtures("mocked_integration")
async def test_occupancy_calibration_runs_for_the_recommended_time(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The vendor recommends 30 seconds of measuring the empty room."""
    await press(hass, CALIBRATE_OCCUPANCY)
    mock_invisoutlet.calibrate_occupancy.assert_awaited_once_with(
        seconds=OCCUPANCY_CALIBRATION_SECONDS
    )
    assert OCCUPANCY_CALIBRATION_SECONDS == 30


@pytest.mark.usefixtures("pro", "every_entity_enabled", "mocked_integration")
async def test_enabled_air_quality_reset_clears_the_calibration(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Once enabled, pressing it resets the InvisDeco's air-quality calibration."""
    await press(hass, RESET_AIR_QUALITY)
    mock_invisoutlet.reset_deco.assert_awaited_once_with()


@pytest.mark.usefixtures("mocked_integration")
async def test_refused_calibration_is_a_translated_error(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """PUBACK 0 (the radar did not answer) raises device_error."""
    mock_invisoutlet.calibrate_occupancy.side_effect = InvisOutletCommandError("0")
    with pytest.raises(HomeAssistantError) as error:
        await press(hass, CALIBRATE_OCCUPANCY)
    assert error.value.translation_key == "device_error"


@pytest.mark.usefixtures("mocked_integration")
async def test_unanswered_invisdeco_restart_is_that_commands_error(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """No answer on a live link raises command_timeout; the buttons stay."""
    mock_invisoutlet.restart_deco.side_effect = InvisOutletTimeoutError("no answer")
    with pytest.raises(HomeAssistantError) as error:
        await press(hass, RESTART_DECO)
    assert error.value.translation_key == "command_timeout"
    assert state_of(hass, RESTART_DECO) != STATE_UNAVAILABLE


@pytest.mark.usefixtures("mocked_integration")
async def test_invisdeco_restart_on_a_lost_link_makes_it_unavailable(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """A link lost under the command raises communication_error, all unavailable."""
    mock_invisoutlet.restart_deco.side_effect = InvisOutletConnectionError("lost")
    with pytest.raises(HomeAssistantError) as error:
        await press(hass, RESTART_DECO)
    assert error.value.translation_key == "communication_error"
    assert state_of(hass, RESTART_DECO) == STATE_UNAVAILABLE


@pytest.mark.usefixtures("mocked_integration")
async def test_invisdeco_buttons_are_unavailable_while_it_is_offline(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """An offline faceplate can be neither restarted nor calibrated."""
    push(mock_invisoutlet, deco_info(online=False))
    await hass.async_block_till_done()
    assert state_of(hass, RESTART_DECO) == STATE_UNAVAILABLE
    assert state_of(hass, RESTART) == "unknown"


@pytest.mark.usefixtures("every_entity_enabled", "mocked_integration")
async def test_an_aura_has_no_air_quality_reset(hass: HomeAssistant) -> None:
    """An Aura measures no air quality: there is no calibration of it to reset."""
    assert set(hass.states.async_entity_ids(Platform.BUTTON)) == {
        RESTART,
        RESTART_DECO,
        CALIBRATE_OCCUPANCY,
    }


@pytest.mark.usefixtures("pro", "every_entity_enabled", "mocked_integration")
async def test_a_pro_has_its_air_quality_reset(hass: HomeAssistant) -> None:
    """A Pro measures air quality: its calibration can be reset."""
    assert state_of(hass, RESET_AIR_QUALITY) is not None


async def test_a_faceplate_without_radar_has_no_occupancy_calibration(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """Occupancy calibration is the radar's: none where no occupancy is reported."""
    mock_invisoutlet.sensors.return_value = sensor_readings(occupancy_state=None)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert state_of(hass, CALIBRATE_OCCUPANCY) is None
    assert state_of(hass, RESTART_DECO) is not None


async def test_an_outlet_without_invisdeco_has_only_its_restart(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """Without a faceplate there is nothing else to restart or calibrate."""
    mock_invisoutlet.outlet_info.return_value = no_deco_info()
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert hass.states.async_entity_ids(Platform.BUTTON) == [RESTART]


async def test_restart_round_trip_on_the_simulator(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The real outlet reboots and drops the link; it is back with no error logged."""
    await press(hass, RESTART)
    await wait_until(lambda: simulator.accepted_count == 2)
    await hass.async_block_till_done()
    assert state_of(hass, RESTART) != STATE_UNAVAILABLE
    assert warnings_in(caplog) == []
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


async def test_occupancy_calibration_reaches_the_simulated_invisdeco(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: InvisOutletSimulator,
) -> None:
    """The real client asks for the recommended 30 seconds of measuring."""
    await press(hass, CALIBRATE_OCCUPANCY)
    request = await simulator.wait_for_request(CALIBRATE_OCCUPANCY_CALLBACK)
    assert request.args == [OCCUPANCY_CALIBRATION_SECONDS]
