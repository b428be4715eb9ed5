"""The outlet's own settings (protocol.md §6.2-6.3); MQTT credentials never kept."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Self

from .exceptions import InvisOutletProtocolError
from .fields import as_block, as_bool, as_int


class Setting(StrEnum):
    """A setting of `acc_prefs`; the value is the device's key."""

    OUTLET_POWER_INDICATOR = "outletPwrIndicatorOn"
    INDICATOR_BRIGHTNESS = "pmIndicatorBrightness"
    TOUCH_CONTROL = "capacitiveCtrl"
    MAGIC_TOUCH = "magicTouchCtrl"
    AQI_COLOR = "aqiColorRGBFeature"
    MOTION_AWAY = "motionAwayFeature"
    ADAPTIVE_NIGHTLIGHT = "adaptiveNightlightFeature"
    ADAPTIVE_SENSITIVITY = "adaptiveSensitivity"
    ADAPTIVE_MIN_BRIGHTNESS = "adaptiveMinBrightness"
    ADAPTIVE_MAX_BRIGHTNESS = "adaptiveMaxBrightness"
    OCCUPANCY_NIGHTLIGHT = "occupancyNightlightFeature"
    OCCUPANCY_OVERRIDE = "overrideAdaptiveOccupancyNightlightFeature"


@dataclass(frozen=True, slots=True)
class DeviceConfiguration:
    """The settings the device reports, and whether it has MQTT switched on."""

    values: tuple[tuple[Setting, int], ...]
    mqtt_enabled: bool | None

    @classmethod
    def from_args(cls, args: object) -> Self:
        """Parse {acc_prefs, sys_prefs}; unknown settings are left out."""
        prefs = as_block(args, "acc_prefs") or {}
        values = []
        for setting in Setting:
            value = prefs.get(setting.value)
            if value is None:
                continue
            try:
                values.append((setting, as_int(value, setting.value)))
            except InvisOutletProtocolError:
                continue
        return cls(values=tuple(values), mqtt_enabled=_mqtt_enabled(args))

    def get(self, setting: Setting) -> int | None:
        """Return the value of one setting, None when the device does not report it."""
        return dict(self.values).get(setting)

    @property
    def reported(self) -> frozenset[Setting]:
        """Return the settings this device reports."""
        return frozenset(setting for setting, _ in self.values)


def _mqtt_enabled(args: object) -> bool | None:
    """Return sys_prefs.mqtt.enabled; the rest of that block is never read."""
    system = as_block(args, "sys_prefs") or {}
    mqtt = system.get("mqtt")
    if not isinstance(mqtt, dict) or "enabled" not in mqtt:
        return None
    try:
        return as_bool(mqtt["enabled"], "mqtt.enabled")
    except InvisOutletProtocolError:
        return None


def configure_args(changes: Mapping[Setting, int | bool]) -> list[dict[str, Any]]:
    """Return the arguments that change only these settings (§6.3)."""
    return [{"acc_prefs": {setting.value: int(v) for setting, v in changes.items()}}]
