"""Away mode (homeAwayMode): its switch and settings, on the outlet and InvisDeco."""

from __future__ import annotations

from collections.abc import Iterator
from unittest.mock import MagicMock, patch

from homeassistant.components.number import ATTR_VALUE, SERVICE_SET_VALUE  # type: ignore[attr-defined,unused-ignore]
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_UNIT_OF_MEASUREMENT,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    EntityCategory,
    Platform,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.invisoutlet.pyinvisoutlet import (
    AwaySetting,
    InvisOutletCommandError,
)

from .common import DECO_SERIAL, SERIAL, get_device
from .library_mock import answers, configuration, load_fixture, no_deco_info
from .simulator import InvisOutletSimulator


@pytest.fixture
def platforms() -> list[Platform]:
    """Set entries up with the number and switch platforms only."""
    return [Platform.NUMBER, Platform.SWITCH]


AWAY_MODE = "switch.invisoutlet_11a1f7000fe_away_mode"
OUTLET_1 = "switch.invisoutlet_11a1f7000fe_away_mode_outlet_1"
OUTLET_2 = "switch.invisoutlet_11a1f7000fe_away_mode_outlet_2"
NIGHTLIGHT = "switch.invisdeco_0003c44076_away_mode_nightlight"
MIN_BRIGHTNESS = "number.invisdeco_0003c44076_away_min_brightness"
MAX_BRIGHTNESS = "number.invisdeco_0003c44076_away_max_brightness"
MIN_ON = "number.invisoutlet_11a1f7000fe_away_min_on_time"
MAX_ON = "number.invisoutlet_11a1f7000fe_away_max_on_time"
MIN_OFF = "number.invisoutlet_11a1f7000fe_away_min_off_time"
MAX_OFF = "number.invisoutlet_11a1f7000fe_away_max_off_time"
# What the fixture outlet reports for each (tests/fixtures/configuration.json).
SHOWN = {
    AWAY_MODE: STATE_OFF,
    OUTLET_1: STATE_ON,
    OUTLET_2: STATE_OFF,
    NIGHTLIGHT: STATE_ON,
    MIN_BRIGHTNESS: "20",
    MAX_BRIGHTNESS: "80",
    MIN_ON: "30",
    MAX_ON: "120",
    MIN_OFF: "30",
    MAX_OFF: "120",
}
OUTLET_ENTITIES = {AWAY_MODE, OUTLET_1, OUTLET_2, MIN_ON, MAX_ON, MIN_OFF, MAX_OFF}


@pytest.fixture(autouse=True)
def only_settings_platforms() -> Iterator[None]:
    """Load the platforms of away mode: switch and number."""
    with patch(
        "custom_components.invisoutlet.PLATFORMS", [Platform.NUMBER, Platform.SWITCH]
    ):
        yield


def state_of(hass: HomeAssistant, entity_id: str) -> str | None:
    """Return an entity's state, None if it does not exist."""
    state = hass.states.get(entity_id)
    return None if state is None else state.state


async def turn(hass: HomeAssistant, service: str, entity_id: str) -> None:
    """Call switch.turn_on or switch.turn_off and wait for it."""
    await hass.services.async_call(
        Platform.SWITCH, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def set_value(hass: HomeAssistant, entity_id: str, value: float) -> None:
    """Call number.set_value and wait for it."""
    await hass.services.async_call(
        Platform.NUMBER,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: entity_id, ATTR_VALUE: value},
        blocking=True,
    )


def away_mode(**changes: int) -> dict[str, int]:
    """Return the fixture's homeAwayMode with keys changed."""
    away: dict[str, int] = load_fixture("configuration")["acc_prefs"]["homeAwayMode"]
    return away | changes


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set the entry up on the library mock as the test prepared it."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.usefixtures("mocked_integration")
async def test_away_mode_shows_what_the_outlet_reports(hass: HomeAssistant) -> None:
    """Away mode, which outlets and the nightlight take part, levels and times."""
    assert {entity_id: state_of(hass, entity_id) for entity_id in SHOWN} == SHOWN


@pytest.mark.usefixtures("mocked_integration")
async def test_each_away_setting_is_on_the_device_it_belongs_to(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """The outlets' part and the times: the outlet; the nightlight's: the InvisDeco."""
    outlet, deco = get_device(hass, SERIAL).id, get_device(hass, DECO_SERIAL).id
    devices = {
        entity_id: entity.device_id
        for entity_id in SHOWN
        if (entity := entity_registry.async_get(entity_id)) is not None
    }
    assert devices == {
        entity_id: outlet if entity_id in OUTLET_ENTITIES else deco
        for entity_id in SHOWN
    }


@pytest.mark.usefixtures("mocked_integration")
async def test_away_mode_is_a_control_and_its_settings_configuration(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """Away mode itself is switched day to day; the rest is configuration."""
    categories = {
        entity_id: entity.entity_category
        for entity_id in SHOWN
        if (entity := entity_registry.async_get(entity_id)) is not None
    }
    assert categories == {
        entity_id: None if entity_id == AWAY_MODE else EntityCategory.CONFIG
        for entity_id in SHOWN
    }


@pytest.mark.usefixtures("mocked_integration")
async def test_away_times_are_in_minutes(hass: HomeAssistant) -> None:
    """The on and off times show their unit."""
    units = {
        entity_id: state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
        for entity_id in (MIN_ON, MAX_ON, MIN_OFF, MAX_OFF)
        if (state := hass.states.get(entity_id)) is not None
    }
    assert set(units.values()) == {UnitOfTime.MINUTES}
    assert len(units) == 4


async def test_firmware_without_away_mode_has_no_away_entities(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """An outlet that reports no homeAwayMode gets none of its entities."""
    mock_invisoutlet.configuration.return_value = configuration(homeAwayMode=None)
    await set_up(hass, config_entry)
    assert [entity_id for entity_id in SHOWN if state_of(hass, entity_id)] == []


async def test_away_mode_not_read_at_setup_appears_once_read(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """A refused settings read leaves the outlet's away entities out until read."""
    mock_invisoutlet.configuration.side_effect = InvisOutletCommandError("PUBACK 0")
    await set_up(hass, config_entry)
    assert state_of(hass, AWAY_MODE) is None
    answers(mock_invisoutlet, "configuration")
    await config_entry.runtime_data.device.async_refresh()
    await hass.async_block_till_done()
    assert (state_of(hass, AWAY_MODE), state_of(hass, MAX_OFF)) == (STATE_OFF, "120")


async def test_outlet_without_invisdeco_keeps_its_own_away_settings(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """Away mode switches the outlets with no InvisDeco; the nightlight's are gone."""
    mock_invisoutlet.outlet_info.return_value = no_deco_info()
    await set_up(hass, config_entry)
    shown = {entity_id for entity_id in SHOWN if state_of(hass, entity_id)}
    assert shown == OUTLET_ENTITIES


@pytest.mark.parametrize(
    ("service", "sent"), [(SERVICE_TURN_ON, 1), (SERVICE_TURN_OFF, 0)]
)
@pytest.mark.usefixtures("mocked_integration")
async def test_switching_away_mode_sends_it(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, service: str, sent: int
) -> None:
    """turn_on sends enabled 1, turn_off 0 (the library sends away mode whole)."""
    await turn(hass, service, AWAY_MODE)
    mock_invisoutlet.configure.assert_awaited_once_with(
        changes={AwaySetting.ENABLED: sent}
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_away_mode_shows_what_the_outlet_reports_back(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The settings are read back after the answer; the switch shows that read."""
    mock_invisoutlet.configuration.return_value = configuration(
        homeAwayMode=away_mode(enabled=1)
    )
    await turn(hass, SERVICE_TURN_ON, AWAY_MODE)
    assert state_of(hass, AWAY_MODE) == STATE_ON


@pytest.mark.usefixtures("mocked_integration")
async def test_nightlight_taking_part_is_sent_as_its_own_setting(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The InvisDeco's switch sends nightlightEnabled."""
    await turn(hass, SERVICE_TURN_OFF, NIGHTLIGHT)
    mock_invisoutlet.configure.assert_awaited_once_with(
        changes={AwaySetting.NIGHTLIGHT: 0}
    )


@pytest.mark.parametrize(
    ("entity_id", "value", "setting"),
    [
        (MIN_BRIGHTNESS, 80, AwaySetting.MIN_BRIGHTNESS),
        (MAX_BRIGHTNESS, 20, AwaySetting.MAX_BRIGHTNESS),
        (MAX_ON, 30.4, AwaySetting.MAX_ON_DURATION),
        (MIN_OFF, 120, AwaySetting.MIN_OFF_DURATION),
    ],
)
@pytest.mark.usefixtures("mocked_integration")
async def test_setting_an_away_level_or_time_sends_it_rounded(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    entity_id: str,
    value: float,
    setting: AwaySetting,
) -> None:
    """A minimum up to its maximum, a maximum down to its minimum: sent."""
    await set_value(hass, entity_id, value)
    mock_invisoutlet.configure.assert_awaited_once_with(changes={setting: round(value)})


@pytest.mark.parametrize(
    ("entity_id", "value", "refusal"),
    [
        (MIN_BRIGHTNESS, 81, ("minimum_above_maximum", "80")),
        (MAX_BRIGHTNESS, 19, ("maximum_below_minimum", "20")),
        (MIN_ON, 121, ("minimum_above_maximum", "120")),
        (MAX_OFF, 29, ("maximum_below_minimum", "30")),
    ],
)
@pytest.mark.usefixtures("mocked_integration")
async def test_a_range_turned_inside_out_is_refused(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    entity_id: str,
    value: int,
    refusal: tuple[str, str],
) -> None:
    """A minimum above its maximum, or the reverse: translated, nothing sent."""
    key, limit = refusal
    with pytest.raises(ServiceValidationError) as error:
        await set_value(hass, entity_id, value)
    assert (error.value.translation_key, error.value.translation_placeholders) == (
        key,
        {"value": str(value), "limit": limit},
    )
    mock_invisoutlet.configure.assert_not_awaited()


@pytest.mark.parametrize(
    ("entity_id", "value"),
    [(MIN_BRIGHTNESS, -1), (MAX_BRIGHTNESS, 101), (MIN_ON, 0), (MAX_OFF, 1441)],
)
@pytest.mark.usefixtures("mocked_integration")
async def test_a_value_outside_the_range_is_refused(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, entity_id: str, value: int
) -> None:
    """Brightness 0-100 %, times 1-1440 min: anything else never reaches the outlet."""
    with pytest.raises(ServiceValidationError):
        await set_value(hass, entity_id, value)
    mock_invisoutlet.configure.assert_not_awaited()


@pytest.mark.usefixtures("mocked_integration")
async def test_refused_away_setting_is_a_translated_error(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """PUBACK 0 raises device_error; away mode keeps what was reported."""
    mock_invisoutlet.configure.side_effect = InvisOutletCommandError("PUBACK 0")
    with pytest.raises(HomeAssistantError) as error:
        await turn(hass, SERVICE_TURN_ON, AWAY_MODE)
    assert error.value.translation_key == "device_error"
    assert state_of(hass, AWAY_MODE) == STATE_OFF


async def test_away_mode_round_trip_on_the_simulator(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: InvisOutletSimulator,
) -> None:
    """The outlet stores away mode switched on, every other key as it was."""
    before = dict(simulator.device.configuration["acc_prefs"]["homeAwayMode"])
    await turn(hass, SERVICE_TURN_ON, AWAY_MODE)
    stored = simulator.device.configuration["acc_prefs"]["homeAwayMode"]
    assert stored == before | {"enabled": 1}
    assert state_of(hass, AWAY_MODE) == STATE_ON


async def test_away_time_round_trip_on_the_simulator(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: InvisOutletSimulator,
) -> None:
    """The outlet stores a new maximum on time; the number shows it read back."""
    await set_value(hass, MAX_ON, 240)
    assert (
        simulator.device.configuration["acc_prefs"]["homeAwayMode"]["maxOnDuration"]
        == 240
    )
    assert state_of(hass, MAX_ON) == "240"
