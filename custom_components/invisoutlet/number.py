"""Numbers: the settings with a level or a duration, the Aura's effect speed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import override

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
    RestoreNumber,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .color_light import ColorLightPartEntity
from .coordinator import InvisOutletConfigEntry, LocalSettings
from .deco_entities import async_add_deco_entities, async_add_outlet_entities
from .entity import (
    InvisDecoEntity,
    InvisDecoEntityDescription,
    InvisDecoSettingEntity,
    InvisOutletSettingEntity,
    SettingEntityDescription,
    has_nightlight,
    reports,
)
from .helpers import invisoutlet_action, whole_number
from .pyinvisoutlet import AnySetting, AwaySetting, DecoKind, Device, Setting

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


def level(
    key: str,
    setting: AnySetting,
    *,
    exists_fn: Callable[[Device], bool] = lambda _: True,
    at_most: AnySetting | None = None,
    at_least: AnySetting | None = None,
) -> InvisDecoSettingNumberEntityDescription:
    """Describe a brightness setting typed in as a percentage, 0-100."""
    return InvisDecoSettingNumberEntityDescription(
        key=key,
        translation_key=key,
        exists_fn=exists_fn,
        entity_category=EntityCategory.CONFIG,
        native_min_value=0,
        native_max_value=100,
        native_step=1,
        native_unit_of_measurement=PERCENTAGE,
        mode=NumberMode.BOX,
        setting=setting,
        at_most=at_most,
        at_least=at_least,
    )


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
    level(
        "adaptive_min_brightness",
        Setting.ADAPTIVE_MIN_BRIGHTNESS,
        exists_fn=has_nightlight,
    ),
    level(
        "adaptive_max_brightness",
        Setting.ADAPTIVE_MAX_BRIGHTNESS,
        exists_fn=has_nightlight,
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


# Away mode's brightness range is the nightlight's, so the InvisDeco's.
AWAY_BRIGHTNESS: tuple[InvisDecoSettingNumberEntityDescription, ...] = (
    level(
        "away_mode_min_brightness",
        AwaySetting.MIN_BRIGHTNESS,
        at_most=AwaySetting.MAX_BRIGHTNESS,
    ),
    level(
        "away_mode_max_brightness",
        AwaySetting.MAX_BRIGHTNESS,
        at_least=AwaySetting.MIN_BRIGHTNESS,
    ),
)


def away_duration(
    key: str,
    setting: AwaySetting,
    *,
    at_most: AwaySetting | None = None,
    at_least: AwaySetting | None = None,
) -> InvisDecoSettingNumberEntityDescription:
    """Describe how long away mode keeps things on or off, at least or at most."""
    return InvisDecoSettingNumberEntityDescription(
        key=key,
        translation_key=key,
        entity_category=EntityCategory.CONFIG,
        device_class=NumberDeviceClass.DURATION,
        # The vendor documents neither the unit nor a range: minutes, as a presence
        # simulation switches lights over minutes to hours, up to a day.
        native_unit_of_measurement=UnitOfTime.MINUTES,
        native_min_value=1,
        native_max_value=1440,
        native_step=1,
        mode=NumberMode.BOX,
        setting=setting,
        at_most=at_most,
        at_least=at_least,
    )


# The durations apply to the outlets and the nightlight alike: the outlet's.
AWAY_DURATIONS: tuple[InvisDecoSettingNumberEntityDescription, ...] = (
    away_duration(
        "away_mode_min_on_time",
        AwaySetting.MIN_ON_DURATION,
        at_most=AwaySetting.MAX_ON_DURATION,
    ),
    away_duration(
        "away_mode_max_on_time",
        AwaySetting.MAX_ON_DURATION,
        at_least=AwaySetting.MIN_ON_DURATION,
    ),
    away_duration(
        "away_mode_min_off_time",
        AwaySetting.MIN_OFF_DURATION,
        at_most=AwaySetting.MAX_OFF_DURATION,
    ),
    away_duration(
        "away_mode_max_off_time",
        AwaySetting.MAX_OFF_DURATION,
        at_least=AwaySetting.MIN_OFF_DURATION,
    ),
)

# Kept by Home Assistant: the InvisDeco takes the duration with each calibration
# and stores none (protocol.md §6.16 advises 30-60 s).
OCCUPANCY_CALIBRATION_DURATION = InvisDecoNumberEntityDescription(
    key="occupancy_calibration_duration",
    translation_key="occupancy_calibration_duration",
    exists_fn=reports("occupancy_state"),
    entity_category=EntityCategory.CONFIG,
    device_class=NumberDeviceClass.DURATION,
    native_unit_of_measurement=UnitOfTime.SECONDS,
    native_min_value=30,
    native_max_value=60,
    native_step=1,
    mode=NumberMode.SLIDER,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: InvisOutletConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the settings the outlet reports, and the InvisDeco's numbers once there."""
    async_add_outlet_entities(
        entry, async_add_entities, [(InvisOutletSettingNumberEntity, AWAY_DURATIONS)]
    )
    async_add_deco_entities(
        entry,
        async_add_entities,
        [
            (InvisDecoSettingNumberEntity, (*SETTING_NUMBERS, *AWAY_BRIGHTNESS)),
            (InvisDecoEffectSpeedEntity, (EFFECT_SPEED,)),
            (
                InvisDecoCalibrationDurationEntity,
                (OCCUPANCY_CALIBRATION_DURATION,),
            ),
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
    async def async_set_native_value(self, value: float) -> None:
        """Send the speed with the light's design as it is: LEDs, effect, colours."""
        await self.async_send(replace(self.design, speed=whole_number(value)))


class InvisOutletSettingNumberEntity(InvisOutletSettingEntity, NumberEntity):
    """A setting of the device that is a level or a duration."""

    entity_description: InvisDecoSettingNumberEntityDescription

    @property
    @override
    def native_value(self) -> int | None:
        """Return the level the outlet reports."""
        return self.setting_value

    @invisoutlet_action
    @override
    async def async_set_native_value(self, value: float) -> None:
        """Send the level; the state is what the outlet then reports."""
        await self.async_change(whole_number(value))


class InvisDecoSettingNumberEntity(
    InvisOutletSettingNumberEntity, InvisDecoSettingEntity
):
    """A setting of the InvisDeco that is a level."""


class InvisDecoCalibrationDurationEntity(InvisDecoEntity, RestoreNumber):
    """How long the occupancy calibration measures; kept here, not on the device."""

    @override
    async def async_added_to_hass(self) -> None:
        """Take the duration last set, if any: calibrations use it from now on."""
        last = await self.async_get_last_number_data()
        if last is not None and last.native_value is not None:
            seconds = min(max(last.native_value, self.min_value), self.max_value)
            self._local.occupancy_calibration_seconds = round(seconds)
        await super().async_added_to_hass()

    @property
    def _local(self) -> LocalSettings:
        """Return what Home Assistant keeps for this outlet."""
        return self.coordinator.config_entry.runtime_data.local

    @property
    @override
    def native_value(self) -> int:
        """Return the duration the next calibration measures for."""
        return self._local.occupancy_calibration_seconds

    @override
    async def async_set_native_value(self, value: float) -> None:
        """Keep the duration for the next calibration."""
        self._local.occupancy_calibration_seconds = round(value)
        self._show()
