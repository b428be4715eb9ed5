"""The Aura's colour light as settings: shared by the light and its effect speed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from homeassistant.util.color import brightness_to_value, value_to_brightness

from .entity import InvisDecoEntity
from .pyinvisoutlet import ColorEffect, ColorLightState, DevicePart, InvisOutlet, Led

# A lit light is 1-100 % on the device; 0 % is dark, so it never stands for a lit one.
BRIGHTNESS_SCALE = (1, 100)
FULL = 100
# What the vendor's static-temperature effect accepts (protocol.md §6.13).
MIN_KELVIN, MAX_KELVIN = 1000, 6500
DEFAULT_KELVIN = 4000
# Stand for a light, and the LEDs of a light, not reported yet.
NO_LED = Led(on=False, brightness=FULL, hue=0, saturation=0, kelvin=None)
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


@dataclass(frozen=True, kw_only=True)
class ColorLightSettings:
    """Everything one colour-light command sends (every LED gets one colour)."""

    on: bool
    brightness: int
    effect: ColorEffect
    hue: int
    saturation: int
    kelvin: int
    speed: int | None

    @classmethod
    def of(cls, state: ColorLightState) -> Self:
        """Return the settings that show the light as it is: its summary."""
        led = state.leading or NO_LED
        return cls(
            on=state.on,
            # Off, the first LED keeps the level it had; a dark one comes back full.
            brightness=state.brightness or led.brightness or FULL,
            effect=state.effect or ColorEffect.STATIC_HSV,
            hue=led.hue,
            saturation=led.saturation,
            kelvin=kelvin_within(led.kelvin or DEFAULT_KELVIN),
            speed=state.speed,
        )

    async def send(self, client: InvisOutlet) -> None:
        """Send the settings; the state follows the InvisDeco's report."""
        await client.set_color_light(
            on=self.on,
            brightness=self.brightness,
            effect=self.effect,
            hue=self.hue,
            saturation=self.saturation,
            kelvin=self.kelvin,
            speed=self.speed,
        )


class ColorLightPartEntity(InvisDecoEntity):
    """An entity of the Aura's colour light: the light itself, or its effect speed."""

    part = DevicePart.COLOR_LIGHT

    @property
    def settings(self) -> ColorLightSettings:
        """Return what the light shows, as settings that would show it again."""
        return ColorLightSettings.of(self.device.color_light or UNKNOWN)
