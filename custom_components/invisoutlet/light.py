"""The InvisDeco's light: the Pro's nightlight, or the Aura's colour light."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, override

# Home Assistant moved these names to light.const after 2025.4, and no longer exports
# them from light itself; light still has them at run time on every version we support.
from homeassistant.components.light import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_BRIGHTNESS,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_EFFECT,
    ATTR_HS_COLOR,
    EFFECT_OFF,
    ColorMode,
    LightEntity,
    LightEntityDescription,
    LightEntityFeature,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import UndefinedType

from .color_light import (
    FULL,
    MAX_KELVIN,
    MIN_KELVIN,
    UNKNOWN,
    ColorLightPartEntity,
    ColorLightSettings,
    kelvin_within,
    to_device,
    to_ha,
)
from .const import DOMAIN
from .coordinator import InvisOutletConfigEntry
from .deco_entities import async_add_deco_entities
from .entity import InvisDecoEntity, InvisDecoEntityDescription
from .helpers import invisoutlet_action
from .pyinvisoutlet import Accessory, ColorEffect, DecoKind, DevicePart

# One command at a time: each waits for the InvisDeco to report its new state.
PARALLEL_UPDATES = 1

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


@dataclass(frozen=True, kw_only=True)
class InvisDecoLightEntityDescription(
    LightEntityDescription, InvisDecoEntityDescription
):
    """Describes the light of one kind of InvisDeco."""


NIGHTLIGHT_DESCRIPTION = InvisDecoLightEntityDescription(
    key="nightlight",
    translation_key="nightlight",
    exists_fn=lambda device: device.deco_kind is DecoKind.PRO,
)
COLOR_LIGHT_DESCRIPTION = InvisDecoLightEntityDescription(
    key="color_light",
    translation_key="color_light",
    exists_fn=lambda device: device.deco_kind is DecoKind.AURA,
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
    async_add_deco_entities(
        entry,
        async_add_entities,
        [
            (InvisDecoNightlightEntity, (NIGHTLIGHT_DESCRIPTION,)),
            (InvisDecoColorLightEntity, (COLOR_LIGHT_DESCRIPTION,)),
        ],
    )


class InvisDecoNightlightEntity(InvisDecoEntity, LightEntity):
    """The InvisDeco Pro's dimmable nightlight."""

    part = DevicePart.NIGHTLIGHT
    shows = frozenset({DevicePart.NAMES})
    _attr_color_mode = ColorMode.BRIGHTNESS
    # Home Assistant only reads these class defaults; none is ever changed.
    _attr_supported_color_modes = {ColorMode.BRIGHTNESS}  # noqa: RUF012

    @property
    @override
    def name(self) -> str | UndefinedType | None:
        """Return the name the owner gave the nightlight on the device, if any."""
        names = self.device.names
        own = names.get(Accessory.NIGHTLIGHT) if names else None
        return own or super().name

    @property
    def level(self) -> int:
        """Return the level to light at when none is asked for: the last, or full."""
        state = self.device.nightlight
        return state.brightness if state and state.brightness else FULL

    @property
    @override
    def is_on(self) -> bool | None:
        """Return whether the nightlight is lit (at 0 % it is dark)."""
        state = self.device.nightlight
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
        state = self.device.color_light
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
        state = self.device.color_light or UNKNOWN
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
        state = self.device.color_light
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
