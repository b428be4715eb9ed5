"""The InvisDeco's light: the Pro's nightlight, or the Aura's colour light."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Self, override

# Home Assistant moved these names to light.const after 2025.4, and no longer exports
# them from light itself; light still has them at run time on every version we support.
from homeassistant.components.light import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_BRIGHTNESS,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_EFFECT,
    ATTR_HS_COLOR,
    EFFECT_OFF,
    LightEntity,
    LightEntityDescription,
)
from homeassistant.components.light.const import ColorMode, LightEntityFeature
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util.color import brightness_to_value, value_to_brightness

from .const import DOMAIN
from .coordinator import InvisOutletConfigEntry
from .device_state import COLOR_LIGHT, NIGHTLIGHT
from .entity import InvisDecoEntity, PartEntity, async_add_deco_entities
from .helpers import invisoutlet_action
from .pyinvisoutlet import (
    ColorEffect,
    ColorLightState,
    DecoKind,
    DecoModule,
    InvisOutlet,
    Led,
)

# One command at a time: each waits for the InvisDeco to report its new state.
PARALLEL_UPDATES = 1

# A lit light is 1-100 % on the device; 0 % is dark, so it never stands for a lit one.
BRIGHTNESS_SCALE = (1, 100)
FULL = 100
# What the vendor's static-temperature effect accepts (protocol.md §6.13).
MIN_KELVIN, MAX_KELVIN = 1000, 6500
DEFAULT_KELVIN = 4000
# Stand for a light, and the LEDs of a light, not reported yet.
NO_LED = Led(on=False, brightness=FULL, hue=0, saturation=0, kelvin=None)
UNKNOWN = ColorLightState(effect=None, leds=(), speed=None, random_colors=False)

# The effect names Home Assistant shows (translated); EFFECT_OFF is a static colour.
EFFECTS: dict[str, ColorEffect] = {
    "breathing": ColorEffect.BREATHING,
    "strobing": ColorEffect.STROBING,
    "color_cycle": ColorEffect.COLOR_CYCLE,
    "rainbow": ColorEffect.RAINBOW,
    "starry_night": ColorEffect.STARRY_NIGHT,
}
EFFECT_NAMES = {effect: name for name, effect in EFFECTS.items()}
STATIC = frozenset({ColorEffect.STATIC_HSV, ColorEffect.STATIC_TEMPERATURE})
# Effects that show the LEDs' own hue and saturation; the others make their own.
SHOWS_COLORS = frozenset(
    {
        ColorEffect.STATIC_HSV,
        ColorEffect.BREATHING,
        ColorEffect.STROBING,
        ColorEffect.STARRY_NIGHT,
    }
)

NIGHTLIGHT_DESCRIPTION = LightEntityDescription(
    key="nightlight", translation_key="nightlight"
)
COLOR_LIGHT_DESCRIPTION = LightEntityDescription(
    key="color_light", translation_key="color_light"
)


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


def wanted_effect(current: ColorEffect, kwargs: dict[str, Any]) -> ColorEffect:
    """Return the effect turn_on asks for; a colour keeps an effect that shows it."""
    name = kwargs.get(ATTR_EFFECT)
    if name is not None and name != EFFECT_OFF:
        if name not in EFFECTS:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_effect",
                translation_placeholders={"effect": str(name)},
            )
        return EFFECTS[name]
    # A colour temperature exists only as the static-temperature effect.
    if ATTR_COLOR_TEMP_KELVIN in kwargs:
        return ColorEffect.STATIC_TEMPERATURE
    if ATTR_HS_COLOR in kwargs and current not in SHOWS_COLORS:
        return ColorEffect.STATIC_HSV
    if name == EFFECT_OFF and current not in STATIC:
        return ColorEffect.STATIC_HSV
    return current


def turned_on(
    current: ColorLightSettings, kwargs: dict[str, Any]
) -> ColorLightSettings:
    """Return the settings turn_on asks for; what it leaves out stays as it is."""
    hue, saturation = kwargs.get(ATTR_HS_COLOR, (current.hue, current.saturation))
    brightness = kwargs.get(ATTR_BRIGHTNESS)
    return replace(
        current,
        on=True,
        brightness=current.brightness if brightness is None else to_device(brightness),
        effect=wanted_effect(current.effect, kwargs),
        hue=round(hue),
        saturation=round(saturation),
        kelvin=kelvin_within(kwargs.get(ATTR_COLOR_TEMP_KELVIN, current.kelvin)),
    )


async def async_setup_entry(
    hass: HomeAssistant,
    entry: InvisOutletConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the light of the InvisDeco's kind whenever one is attached."""
    coordinator = entry.runtime_data.device

    def deco_entities(deco: DecoModule) -> list[InvisDecoEntity]:
        if deco.kind is None:
            return []
        entity, description = LIGHTS[deco.kind]
        return [
            entity(
                coordinator=coordinator,
                description=description,
                deco_serial=str(deco.serial),
            )
        ]

    async_add_deco_entities(entry, async_add_entities, deco_entities)


class InvisDecoNightlightEntity(PartEntity, InvisDecoEntity, LightEntity):
    """The InvisDeco Pro's dimmable nightlight."""

    part = NIGHTLIGHT
    _attr_color_mode = ColorMode.BRIGHTNESS
    # Home Assistant only reads these class defaults; none is ever changed.
    _attr_supported_color_modes = {ColorMode.BRIGHTNESS}  # noqa: RUF012

    @property
    def level(self) -> int:
        """Return the level to light at when none is asked for: the last, or full."""
        state = self.coordinator.data.nightlight
        return state.brightness if state and state.brightness else FULL

    @property
    @override
    def is_on(self) -> bool | None:
        """Return whether the nightlight is lit (at 0 % it is dark)."""
        state = self.coordinator.data.nightlight
        return None if state is None else state.on and state.brightness > 0

    @property
    @override
    def brightness(self) -> int | None:
        """Return the nightlight's brightness."""
        return to_ha(self.level) if self.is_on else None

    @invisoutlet_action
    @override
    async def async_turn_on(self, /, **kwargs: Any) -> None:
        """Light the nightlight, at the asked brightness or the last one."""
        brightness = kwargs.get(ATTR_BRIGHTNESS)
        level = self.level if brightness is None else to_device(brightness)
        await self.coordinator.client.set_nightlight(on=True, brightness=level)

    @invisoutlet_action
    @override
    async def async_turn_off(self, /, **kwargs: Any) -> None:
        """Switch the nightlight off; it keeps its brightness for next time."""
        await self.coordinator.client.set_nightlight(on=False, brightness=self.level)


class ColorLightPartEntity(PartEntity, InvisDecoEntity):
    """An entity of the Aura's colour light: the light itself, or its effect speed."""

    part = COLOR_LIGHT

    @property
    def settings(self) -> ColorLightSettings:
        """Return what the light shows, as settings that would show it again."""
        return ColorLightSettings.of(self.coordinator.data.color_light or UNKNOWN)


class InvisDecoColorLightEntity(ColorLightPartEntity, LightEntity):
    """The InvisDeco Aura's colour light, summed up as one colour and brightness."""

    # Home Assistant only reads these class defaults; none is ever changed.
    _attr_supported_color_modes = {ColorMode.COLOR_TEMP, ColorMode.HS}  # noqa: RUF012
    _attr_supported_features = LightEntityFeature.EFFECT
    _attr_min_color_temp_kelvin = MIN_KELVIN
    _attr_max_color_temp_kelvin = MAX_KELVIN
    _attr_effect_list = [EFFECT_OFF, *EFFECTS]  # noqa: RUF012

    @property
    @override
    def is_on(self) -> bool | None:
        """Return whether any LED is lit."""
        state = self.coordinator.data.color_light
        return None if state is None else state.on

    @property
    @override
    def brightness(self) -> int | None:
        """Return the brightness of the brightest lit LED."""
        return to_ha(self.settings.brightness) if self.is_on else None

    @property
    @override
    def color_mode(self) -> ColorMode | None:
        """Return temperature or colour; brightness alone for effects of own colours."""
        state = self.coordinator.data.color_light or UNKNOWN
        # An effect this integration does not know is shown as a static colour.
        effect = state.effect or ColorEffect.STATIC_HSV
        if effect is ColorEffect.STATIC_TEMPERATURE:
            return ColorMode.COLOR_TEMP
        if effect not in STATIC and (effect not in SHOWS_COLORS or state.random_colors):
            return ColorMode.BRIGHTNESS
        return ColorMode.HS

    @property
    @override
    def hs_color(self) -> tuple[float, float] | None:
        """Return the colour of the first lit LED."""
        settings = self.settings
        return (settings.hue, settings.saturation)

    @property
    @override
    def color_temp_kelvin(self) -> int | None:
        """Return the colour temperature of the first lit LED."""
        return self.settings.kelvin

    @property
    @override
    def effect(self) -> str | None:
        """Return the running effect; EFFECT_OFF for a static colour."""
        state = self.coordinator.data.color_light
        if state is None or state.effect is None:
            return None
        return EFFECT_OFF if state.effect in STATIC else EFFECT_NAMES[state.effect]

    @invisoutlet_action
    @override
    async def async_turn_on(self, /, **kwargs: Any) -> None:
        """Light it; what the call leaves out (effect, colour, level) stays."""
        await turned_on(self.settings, kwargs).send(self.coordinator.client)

    @invisoutlet_action
    @override
    async def async_turn_off(self, /, **kwargs: Any) -> None:
        """Switch every LED off; effect, colour and level stay for next time."""
        await replace(self.settings, on=False).send(self.coordinator.client)


# The light of each kind of InvisDeco.
LIGHTS: dict[
    DecoKind,
    tuple[
        type[InvisDecoNightlightEntity | InvisDecoColorLightEntity],
        LightEntityDescription,
    ],
] = {
    DecoKind.PRO: (InvisDecoNightlightEntity, NIGHTLIGHT_DESCRIPTION),
    DecoKind.AURA: (InvisDecoColorLightEntity, COLOR_LIGHT_DESCRIPTION),
}
