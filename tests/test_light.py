"""The nightlight (Pro) and the colour light (Aura) on the library mock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from unittest.mock import MagicMock, patch

from homeassistant.components.light import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_BRIGHTNESS,
    ATTR_COLOR_MODE,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_EFFECT,
    ATTR_HS_COLOR,
    ColorMode,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_FRIENDLY_NAME,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    Platform,
)
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util.color import color_temperature_to_hs
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.invisoutlet.const import DOMAIN
from custom_components.invisoutlet.pyinvisoutlet import (
    AccessoryNames,
    ColorEffect,
    ColorLightState,
    Design,
    InvisOutletCommandError,
    LedColor,
    NightlightState,
)

from .library_mock import (
    color_light_state,
    deco_info,
    no_deco_info,
    outlet_info,
    prepare_pro,
    push,
)


@pytest.fixture
def platforms() -> list[Platform]:
    """Set entries up with the light platform only."""
    return [Platform.LIGHT]


COLOR_LIGHT = "light.invisdeco_0003c44076_color_light"
NIGHTLIGHT = "light.invisdeco_0003d44076_nightlight"
DARK_ROW = [0, 70, [20, 80], 2700]
# The fixture's LEDs: one repeating pattern of eight colours at 70 %.
FIXTURE_LEDS = tuple(
    LedColor(brightness=70, hs=(hue, 80)) for hue in (20, 24, 28, 32, 36, 32, 28, 24)
)
WARM_70 = LedColor(brightness=70, kelvin=2700)


def design(
    effect: ColorEffect = ColorEffect.STATIC_HSV,
    leds: tuple[LedColor, ...] = FIXTURE_LEDS,
    **changes: Any,
) -> Design:
    """Return a design as the fixture light sends it: speed 3, random level 50."""
    return Design(
        leds=leds, effect=effect, **({"speed": 3, "random_brightness": 50} | changes)
    )


@pytest.fixture(autouse=True)
def only_lights() -> Iterator[None]:
    """Load the light platform alone."""
    with patch("custom_components.invisoutlet.PLATFORMS", [Platform.LIGHT]):
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


def state_of(hass: HomeAssistant, entity_id: str = COLOR_LIGHT) -> State:
    """Return an entity's state."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state


async def show(hass: HomeAssistant, client: MagicMock, model: object) -> State:
    """Push a light's state and return what the colour light or nightlight shows."""
    push(client, model)
    await hass.async_block_till_done()
    entity_id = NIGHTLIGHT if isinstance(model, NightlightState) else COLOR_LIGHT
    return state_of(hass, entity_id)


async def start_with(
    hass: HomeAssistant, client: MagicMock, model: ColorLightState
) -> None:
    """Load the entry again with the colour light reported as model: nothing seen."""
    client.color_light.return_value = model
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    await hass.config_entries.async_reload(entry.entry_id)


async def light(
    hass: HomeAssistant, service: str, entity_id: str = COLOR_LIGHT, /, **data: Any
) -> None:
    """Call light.turn_on or light.turn_off and wait for it."""
    await hass.services.async_call(
        Platform.LIGHT, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


@pytest.mark.usefixtures("faceplate")
async def test_lights_match_the_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    mocked_integration: MockConfigEntry,
) -> None:
    """The Aura's colour light; the Pro's nightlight."""
    await snapshot_platform(
        hass, entity_registry, snapshot, mocked_integration.entry_id
    )


@pytest.mark.parametrize(
    ("faceplate", "lights"),
    [("aura", [COLOR_LIGHT]), ("pro", [NIGHTLIGHT])],
    indirect=["faceplate"],
)
@pytest.mark.usefixtures("faceplate", "mocked_integration")
async def test_each_faceplate_has_its_own_light(
    hass: HomeAssistant, lights: list[str]
) -> None:
    """An Aura has a colour light and no nightlight; a Pro the other way round."""
    assert hass.states.async_entity_ids(Platform.LIGHT) == lights


# The colour light: what it shows ---------------------------------------------------


@pytest.mark.usefixtures("mocked_integration")
async def test_color_light_sums_up_leds_of_different_colours(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The colour of the first lit LED, the brightness of the brightest one."""
    rows = [DARK_ROW, [1, 40, [200, 60], 3000], [1, 90, [300, 70], 3000]]
    state = await show(hass, mock_invisoutlet, color_light_state(rows=rows))
    assert (state.attributes[ATTR_HS_COLOR], state.attributes[ATTR_BRIGHTNESS]) == (
        (200, 60),
        230,
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_color_light_with_no_lit_led_is_off(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Every LED dark is off."""
    state = await show(hass, mock_invisoutlet, color_light_state(rows=[DARK_ROW] * 9))
    assert state.state == STATE_OFF


@pytest.mark.usefixtures("mocked_integration")
async def test_static_temperature_shows_a_colour_temperature(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The static-temperature effect is the colour-temperature mode, no effect."""
    model = color_light_state(ColorEffect.STATIC_TEMPERATURE)
    state = await show(hass, mock_invisoutlet, model)
    assert {key: state.attributes[key] for key in (ATTR_COLOR_MODE, ATTR_EFFECT)} == {
        ATTR_COLOR_MODE: ColorMode.COLOR_TEMP,
        ATTR_EFFECT: "off",
    }
    assert state.attributes[ATTR_COLOR_TEMP_KELVIN] == 2700


@pytest.mark.parametrize(
    ("effect", "name", "mode"),
    [
        (ColorEffect.BREATHING, "breathing", ColorMode.HS),
        (ColorEffect.STROBING, "strobing", ColorMode.HS),
        (ColorEffect.COLOR_CYCLE, "color_cycle", ColorMode.HS),
        (ColorEffect.RAINBOW, "rainbow", ColorMode.BRIGHTNESS),
        (ColorEffect.STARRY_NIGHT, "starry_night", ColorMode.HS),
    ],
)
@pytest.mark.usefixtures("mocked_integration")
async def test_running_effect_is_shown_by_name(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    effect: ColorEffect,
    name: str,
    mode: ColorMode,
) -> None:
    """Effects of the design's colours show them; rainbow makes its own."""
    state = await show(hass, mock_invisoutlet, color_light_state(effect))
    assert (state.attributes[ATTR_EFFECT], state.attributes[ATTR_COLOR_MODE]) == (
        name,
        mode,
    )


@pytest.mark.parametrize(
    ("effect", "name"),
    [
        (ColorEffect.STATIC_HSV, "random_colors"),
        (ColorEffect.STATIC_TEMPERATURE, "random_colors"),
        (ColorEffect.BREATHING, "random_breathing"),
        (ColorEffect.STROBING, "random_strobing"),
        (ColorEffect.COLOR_CYCLE, "random_color_cycle"),
        (ColorEffect.STARRY_NIGHT, "random_starry_night"),
        (ColorEffect.RAINBOW, "rainbow"),
    ],
)
@pytest.mark.usefixtures("mocked_integration")
async def test_random_colours_are_shown_as_their_effect_at_their_level(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, effect: ColorEffect, name: str
) -> None:
    """Random colours ignore the LEDs: their own level, no colour of an LED."""
    model = color_light_state(effect, random_brightness=40)
    state = await show(hass, mock_invisoutlet, model)
    assert {
        key: state.attributes[key]
        for key in (ATTR_EFFECT, ATTR_COLOR_MODE, ATTR_BRIGHTNESS)
    } == {
        ATTR_EFFECT: name,
        ATTR_COLOR_MODE: ColorMode.BRIGHTNESS,
        ATTR_BRIGHTNESS: 102,
    }


@pytest.mark.usefixtures("mocked_integration")
async def test_random_colours_are_lit_whatever_the_leds_say(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The LED list is ignored with random colours: dark rows do not make it off."""
    model = color_light_state(rows=[DARK_ROW] * 9, random_brightness=40)
    state = await show(hass, mock_invisoutlet, model)
    assert state.state == STATE_ON


@pytest.mark.usefixtures("mocked_integration")
async def test_unknown_effect_code_shows_no_effect(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """An effect this integration does not know is not named; its colour shows."""
    state = await show(hass, mock_invisoutlet, color_light_state(9))
    assert (state.attributes[ATTR_EFFECT], state.attributes[ATTR_COLOR_MODE]) == (
        None,
        ColorMode.HS,
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_every_effect_is_offered(hass: HomeAssistant) -> None:
    """Each effect, and each that takes random colours with random ones."""
    assert state_of(hass).attributes["effect_list"] == [
        "off",
        "breathing",
        "strobing",
        "color_cycle",
        "rainbow",
        "starry_night",
        "random_colors",
        "random_breathing",
        "random_strobing",
        "random_color_cycle",
        "random_starry_night",
    ]


# The colour light: what it sends ---------------------------------------------------


@pytest.mark.parametrize(
    ("effect", "data", "sent"),
    [
        (ColorEffect.BREATHING, {}, design(ColorEffect.BREATHING)),
        (
            ColorEffect.STATIC_HSV,
            {ATTR_BRIGHTNESS: 128},
            design(leds=tuple(replace(led, brightness=50) for led in FIXTURE_LEDS)),
        ),
        (
            ColorEffect.STATIC_TEMPERATURE,
            {ATTR_HS_COLOR: (120, 50)},
            design(leds=(LedColor(brightness=70, hs=(120, 50)),)),
        ),
        (
            ColorEffect.BREATHING,
            {ATTR_HS_COLOR: (120, 50)},
            design(ColorEffect.BREATHING, (LedColor(brightness=70, hs=(120, 50)),)),
        ),
        (
            ColorEffect.RAINBOW,
            {ATTR_HS_COLOR: (120, 50)},
            design(leds=(LedColor(brightness=70, hs=(120, 50)),)),
        ),
        (
            ColorEffect.BREATHING,
            {ATTR_COLOR_TEMP_KELVIN: 3000},
            design(
                ColorEffect.STATIC_TEMPERATURE,
                (LedColor(brightness=70, kelvin=3000),),
            ),
        ),
        (ColorEffect.BREATHING, {ATTR_EFFECT: "off"}, design()),
        (
            ColorEffect.STATIC_TEMPERATURE,
            {ATTR_EFFECT: "off"},
            design(ColorEffect.STATIC_TEMPERATURE, (WARM_70,)),
        ),
    ],
    ids=[
        "keeps the design",
        "brightness reaches every LED",
        "colour ends a temperature",
        "colour keeps an effect that shows it",
        "colour ends an effect of own colours",
        "temperature is static",
        "effect off is the static design",
        "effect off keeps a static temperature",
    ],
)
@pytest.mark.usefixtures("mocked_integration")
async def test_turn_on_sends_what_it_asks_and_keeps_the_rest(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    effect: ColorEffect,
    data: dict[str, Any],
    sent: Design,
) -> None:
    """What turn_on leaves out stays as the light shows it: design, effect, speed."""
    await show(hass, mock_invisoutlet, color_light_state(effect))
    await light(hass, SERVICE_TURN_ON, **data)
    mock_invisoutlet.set_design.assert_awaited_once_with(sent)


@pytest.mark.parametrize(
    ("effect", "leds"),
    [
        ("breathing", FIXTURE_LEDS),
        ("color_cycle", FIXTURE_LEDS),
        ("starry_night", FIXTURE_LEDS[:2]),
    ],
)
@pytest.mark.usefixtures("mocked_integration")
async def test_effect_starts_with_the_lights_colours(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, effect: str, leds: Any
) -> None:
    """Every colour the light shows; starry night its first two (background, star)."""
    await light(hass, SERVICE_TURN_ON, **{ATTR_EFFECT: effect})
    assert mock_invisoutlet.set_design.await_args.args[0].leds == leds


@pytest.mark.parametrize("effect", ["color_cycle", "starry_night"])
@pytest.mark.usefixtures("mocked_integration")
async def test_effect_of_two_colours_started_with_one_adds_white(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, effect: str
) -> None:
    """One colour is not enough: white at its level is the second (the stars)."""
    await light(
        hass, SERVICE_TURN_ON, **{ATTR_EFFECT: effect, ATTR_HS_COLOR: (240, 100)}
    )
    assert mock_invisoutlet.set_design.await_args.args[0].leds == (
        LedColor(brightness=70, hs=(240, 100)),
        LedColor(brightness=70, hs=(0, 0)),
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_effect_started_on_a_temperature_takes_its_colour(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Effects take hue and saturation: a warm white becomes its colour."""
    await show(
        hass, mock_invisoutlet, color_light_state(ColorEffect.STATIC_TEMPERATURE)
    )
    await light(hass, SERVICE_TURN_ON, **{ATTR_EFFECT: "breathing"})
    hue, saturation = color_temperature_to_hs(2700)
    assert mock_invisoutlet.set_design.await_args.args[0] == design(
        ColorEffect.BREATHING,
        (LedColor(brightness=70, hs=(round(hue), round(saturation))),),
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_random_effect_starts_at_the_level_shown(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Random colours at 70 %, the light's level, not their old 50 %."""
    await light(hass, SERVICE_TURN_ON, **{ATTR_EFFECT: "random_strobing"})
    mock_invisoutlet.set_design.assert_awaited_once_with(
        design(ColorEffect.STROBING, random=True, random_brightness=70)
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_brightness_of_random_colours_is_their_level(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Dimmed, random colours keep running at the new level."""
    model = color_light_state(ColorEffect.BREATHING, random_brightness=40)
    await show(hass, mock_invisoutlet, model)
    await light(hass, SERVICE_TURN_ON, **{ATTR_BRIGHTNESS: 255})
    sent = mock_invisoutlet.set_design.await_args.args[0]
    assert (sent.effect, sent.random, sent.random_brightness) == (
        ColorEffect.BREATHING,
        True,
        100,
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_colour_chosen_ends_random_colours(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Random breathing given a colour breathes that colour, at the level shown."""
    model = color_light_state(ColorEffect.BREATHING, random_brightness=40)
    await show(hass, mock_invisoutlet, model)
    await light(hass, SERVICE_TURN_ON, **{ATTR_HS_COLOR: (240, 100)})
    mock_invisoutlet.set_design.assert_awaited_once_with(
        design(
            ColorEffect.BREATHING,
            (LedColor(brightness=40, hs=(240, 100)),),
            random_brightness=40,
        )
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_effect_after_random_colours_over_dark_leds_lights_them(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Random colours ignore the LEDs: breathing after them breathes the LEDs lit."""
    model = color_light_state(rows=[DARK_ROW] * 9, random_brightness=40)
    await show(hass, mock_invisoutlet, model)
    await light(hass, SERVICE_TURN_ON, **{ATTR_EFFECT: "breathing"})
    assert mock_invisoutlet.set_design.await_args.args[0].leds == (
        LedColor(brightness=70, hs=(20, 80)),
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_brightness_keeps_the_proportions_of_a_design(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The brightest LED goes to the level asked, the others in step."""
    rows = [[1, 80, [0, 100], 2700], [1, 40, [240, 100], 2700]]
    await show(hass, mock_invisoutlet, color_light_state(rows=rows))
    await light(hass, SERVICE_TURN_ON, **{ATTR_BRIGHTNESS: 128})
    assert [
        led.brightness for led in mock_invisoutlet.set_design.await_args.args[0].leds
    ] == [50, 25]


@pytest.mark.usefixtures("mocked_integration")
async def test_turn_off_sends_every_led_dark(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Off is a static design of dark LEDs: dark whatever the effect would do."""
    await show(hass, mock_invisoutlet, color_light_state(ColorEffect.RAINBOW))
    await light(hass, SERVICE_TURN_OFF)
    mock_invisoutlet.set_design.assert_awaited_once_with(
        design(leds=tuple(replace(led, on=False) for led in FIXTURE_LEDS))
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_turn_on_restores_the_design_reported_before_off(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Random breathing, off, on: random breathing again, not a flattened colour."""
    await show(
        hass,
        mock_invisoutlet,
        color_light_state(ColorEffect.BREATHING, random_brightness=40),
    )
    await show(hass, mock_invisoutlet, color_light_state(rows=[DARK_ROW] * 9, speed=5))
    await light(hass, SERVICE_TURN_ON)
    mock_invisoutlet.set_design.assert_awaited_once_with(
        design(ColorEffect.BREATHING, random=True, random_brightness=40, speed=5)
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_dark_light_of_unknown_past_lights_its_leds(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Never seen lit: its LEDs light in the colours and level they kept."""
    await start_with(hass, mock_invisoutlet, color_light_state(rows=[DARK_ROW] * 9))
    await light(hass, SERVICE_TURN_ON)
    mock_invisoutlet.set_design.assert_awaited_once_with(
        design(leds=(LedColor(brightness=70, hs=(20, 80)),))
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_light_reported_without_leds_lights_white_at_full(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Nothing known of the LEDs: white at full brightness."""
    model = ColorLightState(
        effect=ColorEffect.STATIC_HSV, leds=(), speed=3, random_colors=False
    )
    await start_with(hass, mock_invisoutlet, model)
    await light(hass, SERVICE_TURN_ON)
    mock_invisoutlet.set_design.assert_awaited_once_with(
        Design(leds=(LedColor(hs=(0, 0)),), speed=3)
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_unknown_effect_is_refused(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """An effect the light does not have is a translated validation error."""
    with pytest.raises(ServiceValidationError) as error:
        await light(hass, SERVICE_TURN_ON, **{ATTR_EFFECT: "disco"})
    assert (error.value.translation_key, error.value.translation_placeholders) == (
        "unknown_effect",
        {"effect": "disco"},
    )
    mock_invisoutlet.set_design.assert_not_awaited()


@pytest.mark.usefixtures("mocked_integration")
async def test_color_light_is_not_guessed_after_a_command(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Until the InvisDeco reports the new colour, the old one shows."""
    await light(hass, SERVICE_TURN_ON, **{ATTR_HS_COLOR: (240, 100)})
    assert state_of(hass).attributes[ATTR_HS_COLOR] == (20, 80)


@pytest.mark.usefixtures("mocked_integration")
async def test_refused_command_is_a_translated_error(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """PUBACK 0 raises device_error."""
    mock_invisoutlet.set_design.side_effect = InvisOutletCommandError("PUBACK 0")
    with pytest.raises(HomeAssistantError) as error:
        await light(hass, SERVICE_TURN_OFF)
    assert (error.value.translation_domain, error.value.translation_key) == (
        DOMAIN,
        "device_error",
    )


# The nightlight ----------------------------------------------------------------------


@pytest.mark.usefixtures("pro", "mocked_integration")
async def test_pushed_nightlight_is_shown(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The nightlight follows the InvisDeco's report."""
    state = await show(hass, mock_invisoutlet, NightlightState(on=True, brightness=20))
    assert (state.state, state.attributes[ATTR_BRIGHTNESS]) == (STATE_ON, 51)


@pytest.mark.usefixtures("pro", "mocked_integration")
async def test_nightlight_at_zero_percent_is_off(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """On at 0 % is dark: off."""
    state = await show(hass, mock_invisoutlet, NightlightState(on=True, brightness=0))
    assert state.state == STATE_OFF


@pytest.mark.parametrize(
    ("brightness", "level"), [(255, 100), (128, 50), (3, 1), (1, 1)]
)
@pytest.mark.usefixtures("pro", "mocked_integration")
async def test_nightlight_brightness_is_sent_as_a_percentage(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, brightness: int, level: int
) -> None:
    """The lowest brightness is 1 %, never 0 % (which would be dark)."""
    await light(hass, SERVICE_TURN_ON, NIGHTLIGHT, **{ATTR_BRIGHTNESS: brightness})
    mock_invisoutlet.set_nightlight.assert_awaited_once_with(on=True, brightness=level)


@pytest.mark.usefixtures("pro", "unbounded_writes", "mocked_integration")
async def test_every_nightlight_level_survives_a_round_trip(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """A level shown and sent back unchanged is the same level on the device."""
    for level in range(1, 101):
        nightlight = NightlightState(on=True, brightness=level)
        state = await show(hass, mock_invisoutlet, nightlight)
        brightness = state.attributes[ATTR_BRIGHTNESS]
        await light(hass, SERVICE_TURN_ON, NIGHTLIGHT, **{ATTR_BRIGHTNESS: brightness})
        assert mock_invisoutlet.set_nightlight.await_args.kwargs["brightness"] == level


@pytest.mark.parametrize(
    ("service", "nightlight", "sent"),
    [
        (SERVICE_TURN_ON, NightlightState(on=False, brightness=60), (True, 60)),
        (SERVICE_TURN_ON, NightlightState(on=False, brightness=0), (True, 100)),
        (SERVICE_TURN_OFF, NightlightState(on=True, brightness=60), (False, 60)),
    ],
    ids=["on at its level", "on at full after 0 %", "off keeps its level"],
)
@pytest.mark.usefixtures("pro", "mocked_integration")
async def test_nightlight_keeps_its_level_for_next_time(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    service: str,
    nightlight: NightlightState,
    sent: tuple[bool, int],
) -> None:
    """Without a brightness, the nightlight lights at the level it had."""
    await show(hass, mock_invisoutlet, nightlight)
    await light(hass, service, NIGHTLIGHT)
    on, brightness = sent
    mock_invisoutlet.set_nightlight.assert_awaited_once_with(
        on=on, brightness=brightness
    )


# Which InvisDeco ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "shown"),
    [
        (((3, "Hall light"),), "InvisDeco 0003D44076 Hall light"),
        ((), "InvisDeco 0003D44076 Nightlight"),
    ],
    ids=["named on the device", "not named"],
)
@pytest.mark.usefixtures("pro")
async def test_nightlight_takes_the_name_it_has_on_the_device(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    mocked_integration: MockConfigEntry,
    names: tuple[tuple[int, str], ...],
    shown: str,
) -> None:
    """Like the outlets: the owner's name for accessory 3, else the translated one."""
    mock_invisoutlet.accessory_names.return_value = AccessoryNames(names=names)
    await mocked_integration.runtime_data.device.async_refresh()
    assert state_of(hass, NIGHTLIGHT).attributes[ATTR_FRIENDLY_NAME] == shown


@pytest.mark.usefixtures("mocked_integration")
async def test_offline_invisdeco_makes_its_light_unavailable(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """While the faceplate is offline its light cannot be used."""
    push(mock_invisoutlet, deco_info(online=False))
    await hass.async_block_till_done()
    assert state_of(hass).state == STATE_UNAVAILABLE


@pytest.mark.usefixtures("mock_firmware")
async def test_invisdeco_fitted_later_gets_its_light_without_a_reload(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """A Pro fitted later gets its nightlight, read at once when it appears."""
    mock_invisoutlet.outlet_info.return_value = no_deco_info()
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    mock_invisoutlet.outlet_info.return_value = outlet_info("outlet_info_pro")
    push(mock_invisoutlet, outlet_info("outlet_info_pro"))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass, NIGHTLIGHT).state == STATE_ON
    state = await show(hass, mock_invisoutlet, NightlightState(on=False, brightness=60))
    assert state.state == STATE_OFF


@pytest.mark.usefixtures("mock_firmware")
async def test_invisdeco_of_unknown_kind_gets_its_light_once_known(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """A faceplate reporting its type as Unknown gets its light when it says which."""
    mock_invisoutlet.outlet_info.return_value = deco_info(type="Unknown")
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert hass.states.async_entity_ids(Platform.LIGHT) == []
    # The device now answers with it too (its arrival triggers a refresh).
    mock_invisoutlet.outlet_info.return_value = deco_info()
    push(mock_invisoutlet, deco_info())
    await hass.async_block_till_done()
    assert hass.states.async_entity_ids(Platform.LIGHT) == [COLOR_LIGHT]
