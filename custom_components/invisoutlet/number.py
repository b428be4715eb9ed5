"""Numbers of the InvisDeco: its settings with a level, the Aura's effect speed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import override

from homeassistant.components.number import (
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import PERCENTAGE, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .color_light import ColorLightPartEntity
from .coordinator import InvisOutletConfigEntry
from .deco_entities import async_add_deco_entities
from .entity import (
    InvisDecoEntityDescription,
    InvisDecoSettingEntity,
    SettingEntityDescription,
    has_nightlight,
)
from .helpers import invisoutlet_action, whole_number
from .pyinvisoutlet import DecoKind, Setting

# One command at a time: each waits for the InvisDeco to report its new state.
PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class InvisDecoNumberEntityDescription(
    NumberEntityDescription, InvisDecoEntityDescription
):
    """Describes a number of the InvisDeco."""


EFFECT_SPEED = InvisDecoNumberEntityDescription(
    key="effect_speed",
    exists_fn=lambda device: device.deco_kind is DecoKind.AURA,
    translation_key="effect_speed",
    entity_category=EntityCategory.CONFIG,
    native_min_value=0,
    native_max_value=7,
    native_step=1,
)


@dataclass(frozen=True, kw_only=True)
class InvisDecoSettingNumberEntityDescription(
    NumberEntityDescription, SettingEntityDescription
):
    """Describes one setting that is a level."""


# Every setting of acc_prefs is the InvisDeco's: its LEDs, touch pads and nightlight.
# The adaptive nightlight's exist only where there is a nightlight (a Pro, §6.11).
SETTING_NUMBERS: tuple[InvisDecoSettingNumberEntityDescription, ...] = (
    InvisDecoSettingNumberEntityDescription(
        key="indicator_brightness",
        translation_key="indicator_brightness",
        entity_category=EntityCategory.CONFIG,
        native_min_value=1,
        native_max_value=100,
        native_step=1,
        native_unit_of_measurement=PERCENTAGE,
        mode=NumberMode.SLIDER,
        setting=Setting.INDICATOR_BRIGHTNESS,
    ),
    InvisDecoSettingNumberEntityDescription(
        key="adaptive_min_brightness",
        translation_key="adaptive_min_brightness",
        exists_fn=has_nightlight,
        entity_category=EntityCategory.CONFIG,
        native_min_value=0,
        native_max_value=100,
        native_step=1,
        native_unit_of_measurement=PERCENTAGE,
        mode=NumberMode.BOX,
        setting=Setting.ADAPTIVE_MIN_BRIGHTNESS,
    ),
    InvisDecoSettingNumberEntityDescription(
        key="adaptive_max_brightness",
        translation_key="adaptive_max_brightness",
        exists_fn=has_nightlight,
        entity_category=EntityCategory.CONFIG,
        native_min_value=0,
        native_max_value=100,
        native_step=1,
        native_unit_of_measurement=PERCENTAGE,
        mode=NumberMode.BOX,
        setting=Setting.ADAPTIVE_MAX_BRIGHTNESS,
    ),
    InvisDecoSettingNumberEntityDescription(
        key="adaptive_sensitivity",
        translation_key="adaptive_sensitivity",
        exists_fn=has_nightlight,
        entity_category=EntityCategory.CONFIG,
        # The vendor app's scale; the device documents no range (protocol.md §6.2).
        native_min_value=0,
        native_max_value=10,
        native_step=1,
        mode=NumberMode.SLIDER,
        setting=Setting.ADAPTIVE_SENSITIVITY,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: InvisOutletConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the InvisDeco's settings, and an Aura's effect speed, once attached."""
    async_add_deco_entities(
        entry,
        async_add_entities,
        [
            (InvisDecoSettingNumberEntity, SETTING_NUMBERS),
            (InvisDecoEffectSpeedEntity, (EFFECT_SPEED,)),
        ],
    )


class InvisDecoEffectSpeedEntity(ColorLightPartEntity, NumberEntity):
    """How fast the colour light's effect runs, 0 to 7."""

    @property
    @override
    def native_value(self) -> int | None:
        """Return the speed the colour light reports."""
        state = self.device.color_light
        return None if state is None else state.speed

    @invisoutlet_action
    @override
    async def async_set_native_value(self, /, value: float) -> None:
        """Send the speed with the light's design as it is: LEDs, effect, colours."""
        await self.async_send(replace(self.design, speed=whole_number(value)))


class InvisDecoSettingNumberEntity(InvisDecoSettingEntity, NumberEntity):
    """A setting of the InvisDeco that is a level."""

    entity_description: InvisDecoSettingNumberEntityDescription

    @property
    @override
    def native_value(self) -> int | None:
        """Return the level the outlet reports."""
        return self.setting_value

    @invisoutlet_action
    @override
    async def async_set_native_value(self, /, value: float) -> None:
        """Send the level; the state is what the outlet then reports."""
        await self.async_change(whole_number(value))
