"""The InvisDeco's light: the Pro's nightlight, or the Aura's colour light."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, override

# Home Assistant moved these names to light.const after 2025.4, and no longer exports
# them from light itself; light still has them at run time on every version we support.
from homeassistant.components.light import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_BRIGHTNESS,
    EFFECT_OFF,
    ColorMode,
    LightEntity,
    LightEntityDescription,
    LightEntityFeature,
)
from homeassistant.core import HomeAssistant, ServiceResponse, callback
from homeassistant.helpers.entity_platform import (
    AddConfigEntryEntitiesCallback,
    async_get_current_platform,
)
from homeassistant.helpers.typing import UndefinedType

from .color_light import (
    DEFAULT_KELVIN,
    FULL,
    STATIC,
    ColorLightPartEntity,
    dark,
    is_lit,
    kelvin_within,
    level_of,
    lit,
    to_device,
    to_ha,
)
from .coordinator import InvisOutletConfigEntry
from .deco_entities import async_add_deco_entities
from .designs import data_of, design_of
from .entity import InvisDecoEntity, InvisDecoEntityDescription
from .helpers import invalid_design, invisoutlet_action
from .light_effects import EFFECTS, SHOWS_COLORS, effect_name, turned_on
from .pyinvisoutlet import (
    MAX_KELVIN,
    MIN_KELVIN,
    Accessory,
    ColorEffect,
    ColorLightState,
    DecoKind,
    Design,
    DevicePart,
    InvalidDesignError,
    InvalidDesignReason,
)
from .services import async_register_light_actions

# One command at a time: each waits for the InvisDeco to report its new state.
PARALLEL_UPDATES = 1


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


async def async_setup_entry(
    hass: HomeAssistant,
    entry: InvisOutletConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the light of the InvisDeco's kind whenever one is attached."""
    async_register_light_actions(async_get_current_platform())
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
    """The InvisDeco Aura's colour light: its design, shown by its first lit LED."""

    # Home Assistant only reads these class defaults; none is ever changed.
    _attr_supported_color_modes = {ColorMode.COLOR_TEMP, ColorMode.HS}  # noqa: RUF012
    _attr_supported_features = LightEntityFeature.EFFECT
    _attr_min_color_temp_kelvin = MIN_KELVIN
    _attr_max_color_temp_kelvin = MAX_KELVIN
    _attr_effect_list = [EFFECT_OFF, *EFFECTS]  # noqa: RUF012

    # The last design the InvisDeco reported lit: what turning on restores.
    _lit: Design | None = None
    # The report it was taken from, or a later one (each is looked at once).
    _looked_at: ColorLightState | None = None

    @override
    async def async_added_to_hass(self) -> None:
        """Keep the design the light reports lit, from the start."""
        self._keep_lit()
        await super().async_added_to_hass()

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Keep the design the light reports lit, then show what changed."""
        self._keep_lit()
        super()._handle_coordinator_update()

    def _keep_lit(self) -> None:
        """Remember the design the InvisDeco reports, while it is lit."""
        state = self.device.color_light
        if state is not self._looked_at and state is not None and is_lit(state):
            self._lit = self.design
        self._looked_at = state

    @property
    def held(self) -> Design:
        """Return what turning on restores: the last lit design, at today's speed."""
        design = self.design
        if not is_lit(self.light) and self._lit is not None:
            design = replace(self._lit, speed=design.speed)
        # Never seen lit, or random colours over dark LEDs: every LED lights.
        shown = any(led.on and led.brightness for led in design.leds)
        return design if shown else lit(design)

    @property
    @override
    def is_on(self) -> bool | None:
        """Return whether the light shows anything."""
        state = self.device.color_light
        return None if state is None else is_lit(state)

    @property
    @override
    def brightness(self) -> int | None:
        """Return the level of random colours, or of the brightest lit LED."""
        return to_ha(level_of(self.light)) if self.is_on else None

    @property
    @override
    def color_mode(self) -> ColorMode | None:
        """Return temperature or colour; brightness alone for effects of own colours."""
        state = self.light
        # An effect this integration does not know is shown as a static colour.
        if state.effect is None:
            return ColorMode.HS
        if state.random_colors or state.effect not in SHOWS_COLORS | STATIC:
            return ColorMode.BRIGHTNESS
        if state.effect is ColorEffect.STATIC_TEMPERATURE:
            return ColorMode.COLOR_TEMP
        return ColorMode.HS

    @property
    @override
    def hs_color(self) -> tuple[float, float] | None:
        """Return the colour of the first lit LED (of a design of several too)."""
        led = self.light.leading
        return (0, 0) if led is None else (led.hue, led.saturation)

    @property
    @override
    def color_temp_kelvin(self) -> int | None:
        """Return the colour temperature of the first lit LED."""
        led = self.light.leading
        return kelvin_within(led.kelvin if led and led.kelvin else DEFAULT_KELVIN)

    @property
    @override
    def effect(self) -> str | None:
        """Return the running effect; EFFECT_OFF for a static design."""
        return effect_name(self.light)

    @invisoutlet_action
    @override
    async def async_turn_on(self, /, **kwargs: Any) -> None:
        """Light it; what the call leaves out (design, effect, level) stays."""
        await self.async_send(turned_on(self.held, kwargs))

    @invisoutlet_action
    @override
    async def async_turn_off(self, /, **kwargs: Any) -> None:
        """Switch every LED off; the design comes back with the next turn_on."""
        await self.async_send(dark(self.design))

    @invisoutlet_action
    async def async_set_design(self, /, **data: Any) -> None:
        """Set the whole design: every LED, the effect, its speed, random colours."""
        await self.async_send(design_of(data))

    async def async_get_design(self) -> ServiceResponse:
        """Return the design the light runs, as set_design takes it."""
        state = self.light
        if state.effect is None:
            unknown = InvalidDesignError(InvalidDesignReason.UNKNOWN_EFFECT, "")
            raise invalid_design(unknown)
        return data_of(self.design)
