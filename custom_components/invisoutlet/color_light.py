"""The Aura's colour light as designs: shared by the light and its effect speed."""

from __future__ import annotations

from dataclasses import replace

from homeassistant.util.color import brightness_to_value, value_to_brightness

from .entity import InvisDecoEntity
from .pyinvisoutlet import (
    LED_COUNT,
    MAX_KELVIN,
    MIN_KELVIN,
    ColorEffect,
    ColorLightState,
    Design,
    DevicePart,
    InvalidDesignError,
    LedColor,
)

# A lit light is 1-100 % on the device; 0 % is dark, so it never stands for a lit one.
BRIGHTNESS_SCALE = (1, 100)
FULL = 100
DEFAULT_KELVIN = 4000
STATIC = frozenset({ColorEffect.STATIC_HSV, ColorEffect.STATIC_TEMPERATURE})
# Stands for a light not reported yet.
UNKNOWN = ColorLightState(effect=None, leds=(), speed=None, random_colors=False)


def to_ha(level: int) -> int:
    """Return Home Assistant's brightness (1-255) of a device level (1-100)."""
    return value_to_brightness(BRIGHTNESS_SCALE, level)


def to_device(brightness: int) -> int:
    """Return the device level (1-100) of Home Assistant's brightness (1-255)."""
    return max(1, round(brightness_to_value(BRIGHTNESS_SCALE, brightness)))


def kelvin_within(kelvin: int) -> int:
    """Return a colour temperature the static-temperature effect accepts."""
    return min(max(kelvin, MIN_KELVIN), MAX_KELVIN)


def level_of(state: ColorLightState) -> int:
    """Return the level the light shows, 0-100: random colours' own, or its LEDs'."""
    # Random colours ignore the LEDs (protocol.md §6.13): their level is the light's.
    if state.random_colors and state.random_brightness is not None:
        return state.random_brightness
    return state.brightness


def is_lit(state: ColorLightState) -> bool:
    """Return whether the light shows anything."""
    return level_of(state) > 0


def reported_design(state: ColorLightState) -> Design:
    """Return the design the light reports; an effect unknown here as a static one."""
    effect = state.effect or ColorEffect.STATIC_HSV
    try:
        return Design.from_state(replace(state, effect=effect))
    except InvalidDesignError:
        # Too few LEDs reported for the effect: started from what there is, or white.
        temperature = effect is ColorEffect.STATIC_TEMPERATURE
        white = LedColor(kelvin=DEFAULT_KELVIN) if temperature else LedColor(hs=(0, 0))
        colours = [
            LedColor.of(led, temperature=temperature) for led in state.leds[:LED_COUNT]
        ]
        return Design.start(
            effect,
            colours or [white],
            speed=state.speed,
            random=state.random_colors,
            random_brightness=state.random_brightness,
        )


def dark(design: Design) -> Design:
    """Return the design static with every LED off: dark, whatever the effect does."""
    # Random colours ignore the LEDs, and an effect may light them its own way: only a
    # static design of dark LEDs is surely dark (protocol.md §6.13).
    temperature = design.effect is ColorEffect.STATIC_TEMPERATURE
    return Design(
        leds=tuple(replace(led, on=False) for led in design.leds),
        effect=ColorEffect.STATIC_TEMPERATURE
        if temperature
        else ColorEffect.STATIC_HSV,
        speed=design.speed,
        random_brightness=design.random_brightness,
    )


def lit(design: Design) -> Design:
    """Return the design with every LED on; a dark one at full."""
    leds = (
        replace(led, on=True, brightness=led.brightness or FULL) for led in design.leds
    )
    return replace(design, leds=tuple(leds))


def shown_level(design: Design) -> int:
    """Return the level a design shows: random colours' own, or its brightest LED."""
    top = max((led.brightness for led in design.leds if led.on), default=0)
    if design.random and design.random_brightness:
        return design.random_brightness
    return top or FULL


def dimmed(design: Design, level: int) -> Design:
    """Return the design at a level: its brightest LED there, the others in step."""
    top = max((led.brightness for led in design.leds if led.on), default=0) or level
    leds = tuple(
        replace(led, brightness=min(FULL, max(1, round(led.brightness * level / top))))
        if led.brightness
        else led
        for led in design.leds
    )
    random_brightness = level if design.random else design.random_brightness
    return replace(design, leds=leds, random_brightness=random_brightness)


class ColorLightPartEntity(InvisDecoEntity):
    """An entity of the Aura's colour light: the light itself, or its effect speed."""

    part = DevicePart.COLOR_LIGHT

    @property
    def light(self) -> ColorLightState:
        """Return the colour light as the InvisDeco last reported it."""
        return self.device.color_light or UNKNOWN

    @property
    def design(self) -> Design:
        """Return the design the light reports."""
        return reported_design(self.light)

    async def async_send(self, design: Design) -> None:
        """Send a design; the state follows the InvisDeco's report."""
        await self.coordinator.client.set_design(design)
