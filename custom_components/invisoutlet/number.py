"""Numbers of the InvisDeco: the speed of the Aura's colour-light effects."""

from __future__ import annotations

from dataclasses import replace
from typing import override

from homeassistant.components.number import NumberEntity, NumberEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import InvisOutletConfigEntry
from .device_state import COLOR_LIGHT
from .entity import InvisDecoEntity, PartEntity, async_add_deco_entities
from .helpers import invisoutlet_action
from .light import UNKNOWN, ColorLightSettings
from .pyinvisoutlet import DecoKind, DecoModule

# One command at a time: each waits for the InvisDeco to report its new state.
PARALLEL_UPDATES = 1

EFFECT_SPEED = NumberEntityDescription(
    key="effect_speed",
    translation_key="effect_speed",
    entity_category=EntityCategory.CONFIG,
    native_min_value=0,
    native_max_value=7,
    native_step=1,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: InvisOutletConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the effect speed of an InvisDeco Aura whenever one is attached."""
    coordinator = entry.runtime_data.device

    def deco_entities(deco: DecoModule) -> list[InvisDecoEntity]:
        if deco.kind is not DecoKind.AURA:
            return []
        return [
            InvisDecoEffectSpeedEntity(
                coordinator=coordinator,
                description=EFFECT_SPEED,
                deco_serial=str(deco.serial),
            )
        ]

    async_add_deco_entities(entry, async_add_entities, deco_entities)


class InvisDecoEffectSpeedEntity(PartEntity, InvisDecoEntity, NumberEntity):
    """How fast the colour light's effect runs, 0 to 7."""

    part = COLOR_LIGHT

    @property
    @override
    def available(self) -> bool:
        """Return whether the InvisDeco is there and has reported its light."""
        return super().available and self.coordinator.data.color_light is not None

    @property
    @override
    def native_value(self) -> int | None:
        """Return the speed the colour light reports."""
        state = self.coordinator.data.color_light
        return None if state is None else state.speed

    @invisoutlet_action
    @override
    async def async_set_native_value(self, /, value: float) -> None:
        """Send the speed with the light as it is: its effect, colour and level."""
        current = ColorLightSettings.of(self.coordinator.data.color_light or UNKNOWN)
        await replace(current, speed=round(value)).send(self.coordinator.client)
