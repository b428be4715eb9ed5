"""The InvisOutlet's two outlets and away mode, and the settings that are on or off."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, override

# Home Assistant moved the device classes to switch.const after 2025.4 and no longer
# exports them from switch itself; they are still there at run time.
from homeassistant.components.switch import (  # type: ignore[attr-defined,unused-ignore]
    SwitchDeviceClass,
    SwitchEntity,
    SwitchEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import UndefinedType

from .coordinator import InvisOutletConfigEntry
from .deco_entities import async_add_deco_entities, async_add_outlet_entities
from .entity import (
    InvisDecoSettingEntity,
    InvisOutletEntity,
    InvisOutletSettingEntity,
    SettingEntityDescription,
    has_nightlight,
    reports,
)
from .helpers import invisoutlet_action
from .pyinvisoutlet import AwaySetting, DevicePart, Outlet, Setting

# One command at a time: each waits for the outlet to report its new state.
PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class InvisOutletSwitchEntityDescription(SwitchEntityDescription):
    """Describes one outlet; its number is also its accessory id."""

    outlet: Outlet


OUTLET_SWITCHES: tuple[InvisOutletSwitchEntityDescription, ...] = (
    InvisOutletSwitchEntityDescription(
        key="outlet_1",
        translation_key="outlet_1",
        device_class=SwitchDeviceClass.OUTLET,
        outlet=Outlet.TOP,
    ),
    InvisOutletSwitchEntityDescription(
        key="outlet_2",
        translation_key="outlet_2",
        device_class=SwitchDeviceClass.OUTLET,
        outlet=Outlet.BOTTOM,
    ),
)


@dataclass(frozen=True, kw_only=True)
class InvisDecoSettingSwitchEntityDescription(
    SwitchEntityDescription, SettingEntityDescription
):
    """Describes one setting that is on (1) or off (0)."""


# Every setting of acc_prefs is the InvisDeco's: its LEDs, touch pads and nightlight.
# Each exists where the outlet reports it, and only for a faceplate that has what it
# sets: the air-quality colour where the faceplate measures air quality (a Pro,
# protocol.md §6.10), the nightlight's settings where it has one (a Pro, §6.11).
SETTING_SWITCHES: tuple[InvisDecoSettingSwitchEntityDescription, ...] = (
    InvisDecoSettingSwitchEntityDescription(
        key="outlet_power_indicator",
        translation_key="outlet_power_indicator",
        entity_category=EntityCategory.CONFIG,
        setting=Setting.OUTLET_POWER_INDICATOR,
    ),
    InvisDecoSettingSwitchEntityDescription(
        key="touch_control",
        translation_key="touch_control",
        entity_category=EntityCategory.CONFIG,
        setting=Setting.TOUCH_CONTROL,
    ),
    InvisDecoSettingSwitchEntityDescription(
        key="magic_touch",
        translation_key="magic_touch",
        entity_category=EntityCategory.CONFIG,
        setting=Setting.MAGIC_TOUCH,
    ),
    InvisDecoSettingSwitchEntityDescription(
        key="aqi_color",
        translation_key="aqi_color",
        exists_fn=reports("aqi"),
        entity_category=EntityCategory.CONFIG,
        setting=Setting.AQI_COLOR,
    ),
    InvisDecoSettingSwitchEntityDescription(
        key="motion_away_alert",
        translation_key="motion_away_alert",
        entity_category=EntityCategory.CONFIG,
        setting=Setting.MOTION_AWAY,
    ),
    InvisDecoSettingSwitchEntityDescription(
        key="adaptive_nightlight",
        translation_key="adaptive_nightlight",
        exists_fn=has_nightlight,
        entity_category=EntityCategory.CONFIG,
        setting=Setting.ADAPTIVE_NIGHTLIGHT,
    ),
    InvisDecoSettingSwitchEntityDescription(
        key="occupancy_nightlight",
        translation_key="occupancy_nightlight",
        exists_fn=has_nightlight,
        entity_category=EntityCategory.CONFIG,
        setting=Setting.OCCUPANCY_NIGHTLIGHT,
    ),
    InvisDecoSettingSwitchEntityDescription(
        key="occupancy_nightlight_override",
        translation_key="occupancy_nightlight_override",
        exists_fn=has_nightlight,
        entity_category=EntityCategory.CONFIG,
        setting=Setting.OCCUPANCY_OVERRIDE,
    ),
)


# Away mode switches the outlets (and the nightlight) at random while nobody is home:
# on and off, and which outlets take part, are the outlet's.
AWAY_SWITCHES: tuple[InvisDecoSettingSwitchEntityDescription, ...] = (
    InvisDecoSettingSwitchEntityDescription(
        key="away_mode",
        translation_key="away_mode",
        setting=AwaySetting.ENABLED,
    ),
    InvisDecoSettingSwitchEntityDescription(
        key="away_mode_outlet_1",
        translation_key="away_mode_outlet_1",
        entity_category=EntityCategory.CONFIG,
        setting=AwaySetting.OUTLET_1,
    ),
    InvisDecoSettingSwitchEntityDescription(
        key="away_mode_outlet_2",
        translation_key="away_mode_outlet_2",
        entity_category=EntityCategory.CONFIG,
        setting=AwaySetting.OUTLET_2,
    ),
)
# Whether the nightlight takes part is the InvisDeco's.
AWAY_NIGHTLIGHT = InvisDecoSettingSwitchEntityDescription(
    key="away_mode_nightlight",
    translation_key="away_mode_nightlight",
    entity_category=EntityCategory.CONFIG,
    setting=AwaySetting.NIGHTLIGHT,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: InvisOutletConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add both outlets, and the settings the outlet reports."""
    coordinator = entry.runtime_data.device
    async_add_entities(
        InvisOutletSwitchEntity(coordinator=coordinator, description=description)
        for description in OUTLET_SWITCHES
    )
    async_add_outlet_entities(
        entry, async_add_entities, [(InvisOutletSettingSwitchEntity, AWAY_SWITCHES)]
    )
    async_add_deco_entities(
        entry,
        async_add_entities,
        [(InvisDecoSettingSwitchEntity, (*SETTING_SWITCHES, AWAY_NIGHTLIGHT))],
    )


class InvisOutletSwitchEntity(InvisOutletEntity, SwitchEntity):
    """One outlet, as the InvisOutlet reports it."""

    entity_description: InvisOutletSwitchEntityDescription
    part = DevicePart.OUTLETS
    shows = frozenset({DevicePart.NAMES})

    @property
    @override
    def name(self) -> str | UndefinedType | None:
        """Return the name the owner gave the outlet on the device, if any."""
        names = self.device.names
        own = names.get(self.entity_description.outlet) if names else None
        return own or super().name

    @property
    @override
    def is_on(self) -> bool | None:
        """Return whether the outlet is on."""
        outlets = self.device.outlets
        return (
            None if outlets is None else outlets.is_on(self.entity_description.outlet)
        )

    @invisoutlet_action
    @override
    async def async_turn_on(self, /, **kwargs: Any) -> None:
        """Switch the outlet on; its state follows the outlet's report."""
        await self.coordinator.client.set_outlet(
            outlet=self.entity_description.outlet, on=True
        )

    @invisoutlet_action
    @override
    async def async_turn_off(self, /, **kwargs: Any) -> None:
        """Switch the outlet off; its state follows the outlet's report."""
        await self.coordinator.client.set_outlet(
            outlet=self.entity_description.outlet, on=False
        )


class InvisOutletSettingSwitchEntity(InvisOutletSettingEntity, SwitchEntity):
    """A setting of the device that is on or off."""

    entity_description: InvisDecoSettingSwitchEntityDescription

    @property
    @override
    def is_on(self) -> bool | None:
        """Return whether the setting is on."""
        value = self.setting_value
        return None if value is None else value != 0

    @invisoutlet_action
    @override
    async def async_turn_on(self, /, **kwargs: Any) -> None:
        """Switch the setting on; the state is what the outlet then reports."""
        await self.async_change(1)

    @invisoutlet_action
    @override
    async def async_turn_off(self, /, **kwargs: Any) -> None:
        """Switch the setting off; the state is what the outlet then reports."""
        await self.async_change(0)


class InvisDecoSettingSwitchEntity(
    InvisOutletSettingSwitchEntity, InvisDecoSettingEntity
):
    """A setting of the InvisDeco that is on or off."""
