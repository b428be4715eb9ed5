"""The colour light's actions invisoutlet.set_design and invisoutlet.get_design."""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock, patch

from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceNotSupported,
    ServiceValidationError,
)
from homeassistant.helpers import service
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest

from custom_components.invisoutlet.const import DOMAIN
from custom_components.invisoutlet.pyinvisoutlet import (
    ColorEffect,
    Design,
    InvalidDesignReason,
    InvisOutletCommandError,
    LedColor,
)

from .library_mock import color_light_state, prepare_pro, push


@pytest.fixture
def platforms() -> list[Platform]:
    """Set entries up with the light platform only."""
    return [Platform.LIGHT]


INTEGRATION = Path(__file__).parent.parent / "custom_components" / "invisoutlet"
COLOR_LIGHT = "light.invisdeco_0003c44076_color_light"
NIGHTLIGHT = "light.invisdeco_0003d44076_nightlight"
RED = {"hs_color": [0, 100], "brightness_pct": 80}
BLUE = {"hs_color": [240, 100], "brightness_pct": 40}
WARM = {"color_temp_kelvin": 2700, "brightness_pct": 60}
# The fixture light as get_design answers it: eight colours repeat around the ring.
FIXTURE_DESIGN: dict[str, Any] = {
    "leds": [
        {"on": True, "brightness_pct": 70, "hs_color": [hue, 80]}
        for hue in (20, 24, 28, 32, 36, 32, 28, 24)
    ],
    "effect": "static",
    "random": False,
    "speed": 3,
    "random_brightness_pct": 50,
}


@pytest.fixture(autouse=True)
def only_lights() -> Iterator[None]:
    """Load the light platform alone: the actions are the colour light's."""
    with patch("custom_components.invisoutlet.PLATFORMS", [Platform.LIGHT]):
        yield


async def set_design(
    hass: HomeAssistant, entity_id: str = COLOR_LIGHT, **data: Any
) -> None:
    """Call invisoutlet.set_design and wait for it."""
    await hass.services.async_call(
        DOMAIN, "set_design", {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


async def get_design(hass: HomeAssistant) -> Any:
    """Call invisoutlet.get_design on the colour light and return its answer."""
    response = await hass.services.async_call(
        DOMAIN,
        "get_design",
        {ATTR_ENTITY_ID: COLOR_LIGHT},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return response[COLOR_LIGHT]


@pytest.mark.skipif(
    not hasattr(service, "async_register_platform_entity_service"),
    reason="Home Assistant before 2025.10 registers entity actions with the platform",
)
async def test_actions_exist_without_any_outlet(hass: HomeAssistant) -> None:
    """They are registered with the integration, not with an entry."""
    assert await async_setup_component(hass, DOMAIN, {})
    assert hass.services.has_service(DOMAIN, "set_design")
    assert hass.services.has_service(DOMAIN, "get_design")


@pytest.mark.usefixtures("mocked_integration")
async def test_design_is_sent_with_every_led_effect_speed_and_random(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Each LED's colour and level, the effect, its speed, random colours."""
    await set_design(
        hass,
        leds=[RED, {**BLUE, "on": False}],
        effect="breathing",
        speed=4,
        random=True,
        random_brightness_pct=60,
    )
    mock_invisoutlet.set_design.assert_awaited_once_with(
        Design(
            leds=(
                LedColor(brightness=80, hs=(0, 100)),
                LedColor(on=False, brightness=40, hs=(240, 100)),
            ),
            effect=ColorEffect.BREATHING,
            speed=4,
            random=True,
            random_brightness=60,
        )
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_static_design_of_temperatures_is_a_static_temperature(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Colour temperatures make the static-temperature effect; a level is 100 %."""
    await set_design(hass, leds=[WARM, {"color_temp_kelvin": 4000}])
    mock_invisoutlet.set_design.assert_awaited_once_with(
        Design(
            leds=(
                LedColor(brightness=60, kelvin=2700),
                LedColor(brightness=100, kelvin=4000),
            ),
            effect=ColorEffect.STATIC_TEMPERATURE,
        )
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"leds": []}, InvalidDesignReason.NO_LEDS),
        ({"leds": [RED] * 10}, InvalidDesignReason.TOO_MANY_LEDS),
        (
            {"leds": [RED, BLUE, RED], "effect": "starry_night"},
            InvalidDesignReason.STARRY_NIGHT_NEEDS_TWO,
        ),
        ({"leds": [RED], "effect": "color_cycle"}, InvalidDesignReason.CYCLE_NEEDS_TWO),
        (
            {"leds": [{**RED, "brightness_pct": 101}]},
            InvalidDesignReason.BRIGHTNESS_RANGE,
        ),
        (
            {"leds": [RED], "random_brightness_pct": -1},
            InvalidDesignReason.BRIGHTNESS_RANGE,
        ),
        ({"leds": [{"hs_color": [361, 50]}]}, InvalidDesignReason.HUE_RANGE),
        ({"leds": [{"hs_color": [0, 101]}]}, InvalidDesignReason.SATURATION_RANGE),
        ({"leds": [{"color_temp_kelvin": 999}]}, InvalidDesignReason.KELVIN_RANGE),
        ({"leds": [RED], "speed": 8}, InvalidDesignReason.SPEED_RANGE),
        ({"leds": [{"brightness_pct": 50}]}, InvalidDesignReason.ONE_COLOR),
        ({"leds": [{**RED, **WARM}]}, InvalidDesignReason.ONE_COLOR),
        ({"leds": [WARM, RED]}, InvalidDesignReason.TEMPERATURE_NEEDS_KELVIN),
        (
            {"leds": [WARM], "effect": "breathing"},
            InvalidDesignReason.EFFECT_NEEDS_HS,
        ),
    ],
    ids=lambda value: value.value if isinstance(value, InvalidDesignReason) else "",
)
@pytest.mark.usefixtures("mocked_integration")
async def test_design_the_aura_refuses_is_a_translated_error(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    data: dict[str, Any],
    reason: InvalidDesignReason,
) -> None:
    """Nothing is sent; the error's key names the reason."""
    with pytest.raises(ServiceValidationError) as error:
        await set_design(hass, **data)
    assert (error.value.translation_domain, error.value.translation_key) == (
        DOMAIN,
        f"design_{reason.value}",
    )
    mock_invisoutlet.set_design.assert_not_awaited()


def test_every_reason_a_design_is_refused_has_a_message() -> None:
    """Each reason of the library is a translation key of its own."""
    strings = json.loads((INTEGRATION / "strings.json").read_text(encoding="utf-8"))
    keys = {f"design_{reason.value}" for reason in InvalidDesignReason}
    assert keys <= set(strings["exceptions"])


@pytest.mark.usefixtures("mocked_integration")
async def test_refused_design_is_a_translated_error(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """PUBACK 0 raises device_error."""
    mock_invisoutlet.set_design.side_effect = InvisOutletCommandError("PUBACK 0")
    with pytest.raises(HomeAssistantError) as error:
        await set_design(hass, leds=[RED])
    assert error.value.translation_key == "device_error"


@pytest.mark.usefixtures("mocked_integration")
async def test_get_design_answers_the_design_the_light_runs(
    hass: HomeAssistant,
) -> None:
    """Each LED of the shortest repeating pattern, the effect, speed and random."""
    assert await get_design(hass) == FIXTURE_DESIGN


@pytest.mark.usefixtures("mocked_integration")
async def test_design_read_is_valid_input_to_set_design(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """A design made in the vendor app, read and set again, is that same design."""
    rows = [[1, 90, [0, 100], 2700], [0, 30, [120, 50], 2700]]
    push(mock_invisoutlet, color_light_state(ColorEffect.STARRY_NIGHT, rows=rows))
    await hass.async_block_till_done()
    await set_design(hass, **await get_design(hass))
    mock_invisoutlet.set_design.assert_awaited_once_with(
        Design(
            leds=(
                LedColor(brightness=90, hs=(0, 100)),
                LedColor(on=False, brightness=30, hs=(120, 50)),
            ),
            effect=ColorEffect.STARRY_NIGHT,
            speed=3,
            random_brightness=50,
        )
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_design_of_temperatures_reads_as_static_with_kelvin(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The static-temperature effect is a static design of colour temperatures."""
    push(mock_invisoutlet, color_light_state(ColorEffect.STATIC_TEMPERATURE))
    await hass.async_block_till_done()
    design = await get_design(hass)
    assert (design["effect"], design["leds"]) == (
        "static",
        [{"on": True, "brightness_pct": 70, "color_temp_kelvin": 2700}],
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_design_of_an_unknown_effect_cannot_be_read(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """An effect this integration does not know would not come back: refused."""
    push(mock_invisoutlet, color_light_state(9))
    await hass.async_block_till_done()
    with pytest.raises(HomeAssistantError) as error:
        await get_design(hass)
    assert error.value.translation_key == "design_unknown_effect"


@pytest.fixture
def pro(mock_invisoutlet: MagicMock) -> None:
    """Attach an InvisDeco Pro to the fixture outlet."""
    prepare_pro(mock_invisoutlet)


@pytest.mark.usefixtures("pro", "mocked_integration")
async def test_nightlight_is_no_target(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The Pro's nightlight has no design: the action refuses it, nothing is sent."""
    assert hass.states.get(NIGHTLIGHT) is not None
    with pytest.raises(ServiceNotSupported):
        await set_design(hass, NIGHTLIGHT, leds=[RED])
    mock_invisoutlet.set_design.assert_not_awaited()


@pytest.mark.parametrize("action", ["set_design", "get_design"])
def test_actions_and_their_fields_are_described_and_named(action: str) -> None:
    """services.yaml, strings.json and icons.json agree on each action's fields."""
    described = load_yaml_dict(INTEGRATION / "services.yaml")[action]
    strings = json.loads((INTEGRATION / "strings.json").read_text(encoding="utf-8"))
    icons = json.loads((INTEGRATION / "icons.json").read_text(encoding="utf-8"))
    named = strings["services"][action]
    assert named["name"]
    assert named["description"]
    assert set(named.get("fields", {})) == set(described.get("fields", {}))
    assert icons["services"][action]["service"].startswith("mdi:")
