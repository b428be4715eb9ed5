"""The Aura's effects as Home Assistant names them, and the design a turn_on sends."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, NamedTuple

# Home Assistant moved these names to light.const after 2025.4, and no longer exports
# them from light itself; light still has them at run time on every version we support.
from homeassistant.components.light import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_BRIGHTNESS,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_EFFECT,
    ATTR_HS_COLOR,
    EFFECT_OFF,
)
from homeassistant.util.color import color_temperature_to_hs

from .color_light import STATIC, dimmed, kelvin_within, shown_level, to_device
from .helpers import invalid_input
from .pyinvisoutlet import ColorEffect, ColorLightState, Design, LedColor


class Effect(NamedTuple):
    """What a named effect runs: an effect of the Aura, with random colours or not."""

    effect: ColorEffect
    random: bool = False


# The effect names Home Assistant shows (translated); EFFECT_OFF is a static colour.
# Random colours replace the LEDs' own (protocol.md §6.13 [4]); rainbow makes its own.
EFFECTS: dict[str, Effect] = {
    "breathing": Effect(ColorEffect.BREATHING),
    "strobing": Effect(ColorEffect.STROBING),
    "color_cycle": Effect(ColorEffect.COLOR_CYCLE),
    "rainbow": Effect(ColorEffect.RAINBOW),
    "starry_night": Effect(ColorEffect.STARRY_NIGHT),
    "random_colors": Effect(ColorEffect.STATIC_HSV, random=True),
    "random_breathing": Effect(ColorEffect.BREATHING, random=True),
    "random_strobing": Effect(ColorEffect.STROBING, random=True),
    "random_color_cycle": Effect(ColorEffect.COLOR_CYCLE, random=True),
    "random_starry_night": Effect(ColorEffect.STARRY_NIGHT, random=True),
}
_NAMES = {effect: name for name, effect in EFFECTS.items()}
# Effects that show the LEDs' own hue and saturation; rainbow makes its own.
SHOWS_COLORS = frozenset(
    {
        ColorEffect.STATIC_HSV,
        ColorEffect.BREATHING,
        ColorEffect.STROBING,
        ColorEffect.COLOR_CYCLE,
        ColorEffect.STARRY_NIGHT,
    }
)


def effect_name(state: ColorLightState) -> str | None:
    """Return the name of the running effect; EFFECT_OFF for a static one."""
    if state.effect is None:
        return None
    if state.random_colors:
        # Random colours of a temperature are random colours; rainbow's are its own.
        effect = ColorEffect.STATIC_HSV if state.effect in STATIC else state.effect
        if (name := _NAMES.get(Effect(effect, random=True))) is not None:
            return name
    if state.effect in STATIC:
        return EFFECT_OFF
    return _NAMES[Effect(state.effect)]


def wanted_effect(held: Design, kwargs: dict[str, Any]) -> Effect:
    """Return the effect turn_on asks for; a colour keeps an effect that shows it."""
    name = kwargs.get(ATTR_EFFECT)
    if name is not None and name != EFFECT_OFF:
        if name not in EFFECTS:
            raise invalid_input("unknown_effect", effect=name)
        return EFFECTS[name]
    # A colour temperature exists only as the static-temperature effect.
    if ATTR_COLOR_TEMP_KELVIN in kwargs:
        return Effect(ColorEffect.STATIC_TEMPERATURE)
    # A colour chosen ends random colours, and an effect that shows none.
    if ATTR_HS_COLOR in kwargs:
        keeps = held.effect in SHOWS_COLORS
        return Effect(held.effect if keeps else ColorEffect.STATIC_HSV)
    if name == EFFECT_OFF:
        return Effect(held.effect if held.effect in STATIC else ColorEffect.STATIC_HSV)
    return Effect(held.effect, held.random)


def turned_on(held: Design, kwargs: dict[str, Any]) -> Design:
    """Return the design turn_on sends: the held one, changed as the call asks."""
    wanted = wanted_effect(held, kwargs)
    colours = _asked_colours(held, kwargs) or held.leds
    if wanted.effect is not ColorEffect.STATIC_TEMPERATURE:
        colours = tuple(_as_hs(colour) for colour in colours)
    # Random colours started light at the level shown, not at an old one of theirs.
    starts_random = wanted.random and not held.random
    design = Design.start(
        wanted.effect,
        colours,
        speed=held.speed,
        random=wanted.random,
        random_brightness=shown_level(held)
        if starts_random
        else held.random_brightness,
    )
    brightness = kwargs.get(ATTR_BRIGHTNESS)
    return design if brightness is None else dimmed(design, to_device(brightness))


def _asked_colours(held: Design, kwargs: dict[str, Any]) -> tuple[LedColor, ...]:
    """Return the one colour the call asks for, at the level shown; none if none."""
    level = shown_level(held)
    if (kelvin := kwargs.get(ATTR_COLOR_TEMP_KELVIN)) is not None:
        return (LedColor(brightness=level, kelvin=kelvin_within(kelvin)),)
    if (hs := kwargs.get(ATTR_HS_COLOR)) is not None:
        return (LedColor(brightness=level, hs=(round(hs[0]), round(hs[1]))),)
    return ()


def _as_hs(colour: LedColor) -> LedColor:
    """Return a colour as hue and saturation; an effect other than static needs it."""
    if colour.kelvin is None:
        return colour
    hue, saturation = color_temperature_to_hs(colour.kelvin)
    return replace(colour, hs=(round(hue), round(saturation)), kelvin=None)
