"""The design actions' data: what set_design takes, and get_design returns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

# Home Assistant moved these names to light.const after 2025.4, and no longer exports
# them from light itself; light still has them at run time on every version we support.
from homeassistant.components.light import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_BRIGHTNESS_PCT,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_EFFECT,
    ATTR_HS_COLOR,
)
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from .pyinvisoutlet import ColorEffect, Design, LedColor

SERVICE_SET_DESIGN: Final = "set_design"
SERVICE_GET_DESIGN: Final = "get_design"
ATTR_LEDS: Final = "leds"
ATTR_ON: Final = "on"
ATTR_SPEED: Final = "speed"
ATTR_RANDOM: Final = "random"
ATTR_RANDOM_BRIGHTNESS_PCT: Final = "random_brightness_pct"

# The effects a design names; "static" is a temperature when its LEDs are kelvin.
DESIGN_EFFECTS: dict[str, ColorEffect] = {
    "static": ColorEffect.STATIC_HSV,
    "breathing": ColorEffect.BREATHING,
    "strobing": ColorEffect.STROBING,
    "color_cycle": ColorEffect.COLOR_CYCLE,
    "rainbow": ColorEffect.RAINBOW,
    "starry_night": ColorEffect.STARRY_NIGHT,
}
_EFFECT_NAMES = {effect: name for name, effect in DESIGN_EFFECTS.items()}
_EFFECT_NAMES[ColorEffect.STATIC_TEMPERATURE] = "static"

# Types only: every range is the design's own rule, refused with a translated reason.
LED_SCHEMA: Final = vol.Schema(
    {
        vol.Optional(ATTR_ON, default=True): cv.boolean,
        vol.Optional(ATTR_BRIGHTNESS_PCT, default=100): vol.Coerce(int),
        vol.Optional(ATTR_HS_COLOR): vol.All(
            vol.Coerce(tuple), vol.ExactSequence((vol.Coerce(float),) * 2)
        ),
        vol.Optional(ATTR_COLOR_TEMP_KELVIN): vol.Coerce(int),
    }
)
SET_DESIGN_SCHEMA: Final = {
    vol.Required(ATTR_LEDS): vol.All(cv.ensure_list, [LED_SCHEMA]),
    vol.Optional(ATTR_EFFECT, default="static"): vol.In(DESIGN_EFFECTS),
    vol.Optional(ATTR_SPEED): vol.Coerce(int),
    vol.Optional(ATTR_RANDOM, default=False): cv.boolean,
    vol.Optional(ATTR_RANDOM_BRIGHTNESS_PCT): vol.Coerce(int),
}


def design_of(data: Mapping[str, Any]) -> Design:
    """Return the design set_design asks for; raise InvalidDesignError if refused."""
    leds = tuple(_led_of(entry) for entry in data[ATTR_LEDS])
    effect = DESIGN_EFFECTS[data[ATTR_EFFECT]]
    if effect is ColorEffect.STATIC_HSV and leds and leds[0].kelvin is not None:
        effect = ColorEffect.STATIC_TEMPERATURE
    return Design(
        leds=leds,
        effect=effect,
        speed=data.get(ATTR_SPEED),
        random=data[ATTR_RANDOM],
        random_brightness=data.get(ATTR_RANDOM_BRIGHTNESS_PCT),
    )


def data_of(design: Design) -> dict[str, Any]:
    """Return a design as get_design answers it: valid input to set_design."""
    data: dict[str, Any] = {
        ATTR_LEDS: [_led_data(led) for led in design.leds],
        ATTR_EFFECT: _EFFECT_NAMES[design.effect],
        ATTR_RANDOM: design.random,
    }
    if design.speed is not None:
        data[ATTR_SPEED] = design.speed
    if design.random_brightness is not None:
        data[ATTR_RANDOM_BRIGHTNESS_PCT] = design.random_brightness
    return data


def _led_of(entry: Mapping[str, Any]) -> LedColor:
    """Return one LED's colour; hue and saturation are whole numbers on the device."""
    hs = entry.get(ATTR_HS_COLOR)
    return LedColor(
        on=entry[ATTR_ON],
        brightness=entry[ATTR_BRIGHTNESS_PCT],
        hs=None if hs is None else (round(hs[0]), round(hs[1])),
        kelvin=entry.get(ATTR_COLOR_TEMP_KELVIN),
    )


def _led_data(led: LedColor) -> dict[str, Any]:
    """Return one LED as set_design takes it."""
    data: dict[str, Any] = {ATTR_ON: led.on, ATTR_BRIGHTNESS_PCT: led.brightness}
    if led.hs is not None:
        data[ATTR_HS_COLOR] = list(led.hs)
    else:
        data[ATTR_COLOR_TEMP_KELVIN] = led.kelvin
    return data
