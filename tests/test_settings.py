"""The InvisDeco's settings (callbacks 1 and 2) as switches and numbers."""

from __future__ import annotations

from collections.abc import Iterator
import logging
from unittest.mock import MagicMock, patch

from homeassistant.components.number import ATTR_VALUE, SERVICE_SET_VALUE  # type: ignore[attr-defined,unused-ignore]
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    EntityCategory,
    Platform,
)
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
    InvisOutletCommandError,
    InvisOutletConnectionError,
    InvisOutletTimeoutError,
    Setting,
)

from .common import get_device
from .library_mock import (
    Writes,
    answers,
    configuration,
    deco_info,
    no_deco_info,
    prepare_pro,
    push,
)
from .simulator import InvisOutletSimulator


@pytest.fixture
def platforms() -> list[Platform]:
    """Set entries up with the number and switch platforms only."""
    return [Platform.NUMBER, Platform.SWITCH]


PRO_SERIAL = "0003D44076"
AURA = "invisdeco_0003c44076"
PRO = "invisdeco_0003d44076"
# What every faceplate has: its LEDs, touch pads and radar.
SWITCHES = {
    f"switch.{AURA}_power_indicator": STATE_ON,
    f"switch.{AURA}_touch_control": STATE_ON,
    f"switch.{AURA}_magic_touch": STATE_ON,
    f"switch.{AURA}_motion_away_alert": STATE_OFF,
    # The ring of the Aura's colour light is the device's light 5, "nightlight"
    # (protocol.md §6.13): away mode can include it.
    f"switch.{AURA}_away_mode_nightlight": STATE_ON,
}
NUMBERS = {
    f"number.{AURA}_indicator_brightness": "80",
    f"number.{AURA}_calibration_duration": "30",
    f"number.{AURA}_away_min_brightness": "20",
    f"number.{AURA}_away_max_brightness": "80",
}
# What only a Pro has besides: the air-quality colour and the nightlight's settings.
PRO_SWITCHES = {
    f"switch.{PRO}_power_indicator": STATE_ON,
    f"switch.{PRO}_touch_control": STATE_ON,
    f"switch.{PRO}_magic_touch": STATE_ON,
    f"switch.{PRO}_air_quality_color": STATE_OFF,
    f"switch.{PRO}_motion_away_alert": STATE_OFF,
    f"switch.{PRO}_adaptive_nightlight": STATE_ON,
    f"switch.{PRO}_occupancy_nightlight": STATE_OFF,
    f"switch.{PRO}_occupancy_override": STATE_OFF,
    f"switch.{PRO}_away_mode_nightlight": STATE_ON,
}
PRO_NUMBERS = {
    f"number.{PRO}_indicator_brightness": "80",
    f"number.{PRO}_adaptive_min_level": "10",
    f"number.{PRO}_adaptive_max_level": "80",
    f"number.{PRO}_adaptive_sensitivity": "5",
    f"number.{PRO}_calibration_duration": "30",
    f"number.{PRO}_away_min_brightness": "20",
    f"number.{PRO}_away_max_brightness": "80",
}
# Not a setting: the speed of the Aura's colour light effect.
EFFECT_SPEED = f"number.{AURA}_effect_speed"
TOUCH_CONTROL = f"switch.{AURA}_touch_control"
MOTION_AWAY = f"switch.{AURA}_motion_away_alert"
AIR_QUALITY_COLOR = f"switch.{PRO}_air_quality_color"
SENSITIVITY = f"number.{PRO}_adaptive_sensitivity"
BRIGHTNESS = f"number.{AURA}_indicator_brightness"


@pytest.fixture(autouse=True)
def only_settings_platforms() -> Iterator[None]:
    """Load the platforms of the settings: switch and number."""
    with patch(
        "custom_components.invisoutlet.PLATFORMS", [Platform.NUMBER, Platform.SWITCH]
    ):
        yield


@pytest.fixture
def pro(mock_invisoutlet: MagicMock) -> None:
    """Attach an InvisDeco Pro to the fixture outlet."""
    prepare_pro(mock_invisoutlet)


def shown(hass: HomeAssistant) -> dict[str, str]:
    """Return every setting there is, with its state."""
    return {
        state.entity_id: state.state
        for platform in (Platform.SWITCH, Platform.NUMBER)
        for state in hass.states.async_all(platform)
        if state.entity_id.startswith(f"{platform}.invisdeco_")
        and state.entity_id != EFFECT_SPEED
    }


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


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set the entry up on the library mock as the test prepared it."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)


@pytest.mark.usefixtures("mocked_integration")
async def test_an_aura_has_the_settings_of_its_leds_touch_pads_and_radar(
    hass: HomeAssistant,
) -> None:
    """Its LEDs, touch pads, radar and away settings, as the outlet reports them."""
    assert shown(hass) == SWITCHES | NUMBERS


@pytest.mark.usefixtures("mocked_integration")
async def test_an_aura_has_no_nightlight_or_air_quality_settings(
    hass: HomeAssistant,
) -> None:
    """The outlet reports them for an Aura too; it has no nightlight or air sensor."""
    nightlight = [entity_id for entity_id in shown(hass) if "nightlight" in entity_id]
    assert nightlight == [f"switch.{AURA}_away_mode_nightlight"]
    assert not [entity_id for entity_id in shown(hass) if "adaptive" in entity_id]
    assert not [entity_id for entity_id in shown(hass) if "air_quality" in entity_id]


@pytest.mark.usefixtures("pro", "mocked_integration")
async def test_a_pro_has_every_reported_setting(hass: HomeAssistant) -> None:
    """Every setting the outlet reports, with its value."""
    assert shown(hass) == PRO_SWITCHES | PRO_NUMBERS


@pytest.mark.parametrize("platform", [Platform.SWITCH, Platform.NUMBER])
@pytest.mark.usefixtures("pro", "mock_firmware")
async def test_a_pros_settings_match_the_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry: MockConfigEntry,
    platform: Platform,
) -> None:
    """Every setting of a Pro, with its name, icon, range and unit."""
    with patch("custom_components.invisoutlet.PLATFORMS", [platform]):
        await set_up(hass, config_entry)
    await snapshot_platform(hass, entity_registry, snapshot, config_entry.entry_id)


@pytest.mark.usefixtures("pro", "mocked_integration")
async def test_settings_are_configuration_entities_of_the_invisdeco(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """Each setting is in the config category, on the InvisDeco's device."""
    deco = get_device(hass, PRO_SERIAL)
    for entity_id in PRO_SWITCHES | PRO_NUMBERS:
        entry = entity_registry.async_get(entity_id)
        assert entry is not None
        assert (entry.entity_category, entry.device_id) == (
            EntityCategory.CONFIG,
            deco.id,
        )


@pytest.mark.usefixtures("pro")
async def test_a_setting_the_outlet_does_not_report_has_no_entity(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """Firmware without magic touch or sensitivity gets neither entity."""
    mock_invisoutlet.configuration.return_value = configuration(
        magicTouchCtrl=None, adaptiveSensitivity=None
    )
    await set_up(hass, config_entry)
    assert state_of(hass, f"switch.{PRO}_magic_touch") is None
    assert state_of(hass, SENSITIVITY) is None
    assert state_of(hass, f"switch.{PRO}_touch_control") == STATE_ON


async def test_settings_not_read_at_setup_appear_once_read(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """A refused settings read leaves them out; the next refresh adds them."""
    mock_invisoutlet.configuration.side_effect = InvisOutletCommandError("PUBACK 0")
    await set_up(hass, config_entry)
    assert state_of(hass, TOUCH_CONTROL) is None
    answers(mock_invisoutlet, "configuration")
    await config_entry.runtime_data.device.async_refresh()
    await hass.async_block_till_done()
    assert state_of(hass, TOUCH_CONTROL) == STATE_ON


async def test_an_outlet_without_invisdeco_has_only_its_own_settings(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """The InvisDeco's settings need one; away mode's times are the outlet's."""
    mock_invisoutlet.outlet_info.return_value = no_deco_info()
    await set_up(hass, config_entry)
    numbers = hass.states.async_entity_ids(Platform.NUMBER)
    assert all(n.startswith("number.invisoutlet_11a1f7000fe_away_") for n in numbers)
    assert state_of(hass, TOUCH_CONTROL) is None


@pytest.mark.usefixtures("mocked_integration")
async def test_settings_of_an_offline_invisdeco_are_unavailable(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """They are the InvisDeco's; while it is offline they cannot be shown."""
    push(mock_invisoutlet, deco_info(online=False))
    await hass.async_block_till_done()
    assert state_of(hass, TOUCH_CONTROL) == STATE_UNAVAILABLE


@pytest.mark.usefixtures("mocked_integration")
async def test_a_value_other_than_zero_is_on(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    mocked_integration: MockConfigEntry,
) -> None:
    """The motion-away alert's undocumented values above 1 show as on."""
    mock_invisoutlet.configuration.return_value = configuration(motionAwayFeature=2)
    await mocked_integration.runtime_data.device.async_refresh()
    assert state_of(hass, MOTION_AWAY) == STATE_ON


@pytest.mark.parametrize(
    ("service", "sent"), [(SERVICE_TURN_ON, 1), (SERVICE_TURN_OFF, 0)]
)
@pytest.mark.usefixtures("mocked_integration")
async def test_switching_sends_only_that_setting(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, service: str, sent: int
) -> None:
    """turn_on sends 1 and turn_off 0, for the one setting alone."""
    await turn(hass, service, TOUCH_CONTROL)
    mock_invisoutlet.configure.assert_awaited_once_with(
        changes={Setting.TOUCH_CONTROL: sent}
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_switched_setting_shows_what_the_outlet_reports_back(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The settings are read again after the answer; the entity shows that read."""
    mock_invisoutlet.configuration.return_value = configuration(capacitiveCtrl=0)
    await turn(hass, SERVICE_TURN_OFF, TOUCH_CONTROL)
    assert state_of(hass, TOUCH_CONTROL) == STATE_OFF


@pytest.mark.usefixtures("mocked_integration")
async def test_switched_setting_is_not_guessed(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """An outlet that reports the old value back is shown with the old value."""
    await turn(hass, SERVICE_TURN_OFF, TOUCH_CONTROL)
    assert state_of(hass, TOUCH_CONTROL) == STATE_ON


@pytest.mark.usefixtures("mocked_integration")
async def test_setting_a_number_sends_the_rounded_level(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """number.set_value sends a whole number for the one setting alone."""
    await set_value(hass, BRIGHTNESS, 42.4)
    mock_invisoutlet.configure.assert_awaited_once_with(
        changes={Setting.INDICATOR_BRIGHTNESS: 42}
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_set_number_shows_what_the_outlet_reports_back(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The level shown is the one read back after the answer."""
    mock_invisoutlet.configuration.return_value = configuration(
        pmIndicatorBrightness=42
    )
    await set_value(hass, BRIGHTNESS, 42)
    assert state_of(hass, BRIGHTNESS) == "42"


@pytest.mark.usefixtures("mocked_integration")
async def test_reading_back_rewrites_only_the_settings(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """A setting read back is news for the settings, not for the other entities."""
    writes = Writes(hass, "switch.invisoutlet_11a1f7000fe_floor_lamp")
    mock_invisoutlet.configuration.return_value = configuration(capacitiveCtrl=0)
    await turn(hass, SERVICE_TURN_OFF, TOUCH_CONTROL)
    assert writes.count == 0


@pytest.mark.usefixtures("mocked_integration")
async def test_refused_setting_is_a_translated_error(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """PUBACK 0 raises device_error; the setting keeps what was reported."""
    mock_invisoutlet.configure.side_effect = InvisOutletCommandError("PUBACK 0")
    with pytest.raises(HomeAssistantError) as error:
        await turn(hass, SERVICE_TURN_OFF, TOUCH_CONTROL)
    assert error.value.translation_key == "device_error"
    assert state_of(hass, TOUCH_CONTROL) == STATE_ON


@pytest.mark.usefixtures("mocked_integration")
async def test_unanswered_setting_is_that_commands_error(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """No answer on a live link raises command_timeout; the settings stay."""
    mock_invisoutlet.configure.side_effect = InvisOutletTimeoutError("no answer")
    with pytest.raises(HomeAssistantError) as error:
        await set_value(hass, BRIGHTNESS, 50)
    assert error.value.translation_key == "command_timeout"
    assert state_of(hass, BRIGHTNESS) != STATE_UNAVAILABLE


@pytest.mark.usefixtures("mocked_integration")
async def test_setting_on_a_lost_link_makes_the_outlet_unavailable(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """A link lost under the command raises communication_error, all unavailable."""
    mock_invisoutlet.configure.side_effect = InvisOutletConnectionError("lost")
    with pytest.raises(HomeAssistantError) as error:
        await set_value(hass, BRIGHTNESS, 50)
    assert error.value.translation_key == "communication_error"
    assert state_of(hass, BRIGHTNESS) == STATE_UNAVAILABLE


@pytest.mark.usefixtures("pro", "mocked_integration")
async def test_a_setting_changed_elsewhere_shows_after_the_next_poll(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    mocked_integration: MockConfigEntry,
) -> None:
    """The outlet never pushes its settings: the regular poll reads them."""
    mock_invisoutlet.configuration.return_value = configuration(aqiColorRGBFeature=1)
    await mocked_integration.runtime_data.device.async_refresh()
    assert state_of(hass, AIR_QUALITY_COLOR) == STATE_ON


async def test_setting_round_trip_on_the_simulator(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: InvisOutletSimulator,
) -> None:
    """The real outlet stores the change; the switch shows what it reads back."""
    await turn(hass, SERVICE_TURN_OFF, TOUCH_CONTROL)
    assert simulator.device.configuration["acc_prefs"]["capacitiveCtrl"] == 0
    assert state_of(hass, TOUCH_CONTROL) == STATE_OFF


async def test_broker_password_never_reaches_the_log(
    hass: HomeAssistant,
    simulator: InvisOutletSimulator,
    mock_config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The real outlet sends its MQTT password with its settings; it is never logged."""
    caplog.set_level(logging.DEBUG)
    await set_up(hass, mock_config_entry)
    await set_value(hass, BRIGHTNESS, 60)
    assert simulator.device.configuration["acc_prefs"]["pmIndicatorBrightness"] == 60
    assert "not-a-real-password" not in caplog.text
