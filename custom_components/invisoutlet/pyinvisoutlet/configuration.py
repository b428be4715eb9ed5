"""The outlet's own settings (protocol.md §6.2-6.3); MQTT credentials never kept."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Self

from .exceptions import InvisOutletProtocolError
from .fields import as_bool, as_int, reject, shape

# The blocks of the settings answer; the credentials in sys_prefs are never read.
_BLOCKS = ("acc_prefs", "sys_prefs")
# How many elements of a list-wrapped answer are looked at for those blocks.
_WRAPPED = 4


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
        """Parse {acc_prefs, sys_prefs}, also list-wrapped; errors never show values."""
        answer = _answer_of(args)
        prefs = _block(answer, "acc_prefs")
        values = []
        for setting in Setting:
            value = prefs.get(setting.value)
            if value is None:
                continue
            try:
                values.append((setting, as_int(value, setting.value)))
            except InvisOutletProtocolError:
                reject(f"a {setting.value} setting that is not an integer")
        return cls(values=tuple(values), mqtt_enabled=_mqtt_enabled(answer))

    def get(self, setting: Setting) -> int | None:
        """Return the value of one setting, None when the device does not report it."""
        return dict(self.values).get(setting)

    @property
    def reported(self) -> frozenset[Setting]:
        """Return the settings this device reports."""
        return frozenset(setting for setting, _ in self.values)


def _answer_of(args: object) -> dict[str, Any]:
    """Return the settings object, also when a list wraps it or splits it in blocks."""
    if isinstance(args, dict):
        return args
    wrapped = args[:_WRAPPED] if isinstance(args, list) else []
    objects = [item for item in wrapped if isinstance(item, dict)]
    if not objects:
        # Only the shape: the answer carries the MQTT password (§6.2).
        msg = f"settings are not an object: {shape(args)}"
        raise InvisOutletProtocolError(msg)
    answer: dict[str, Any] = {}
    for item in objects:
        for key in _BLOCKS:
            if key in item:
                answer.setdefault(key, item[key])
    return answer


def _mqtt_enabled(answer: dict[str, Any]) -> bool | None:
    """Return sys_prefs.mqtt.enabled; the rest of that block is never read."""
    mqtt = _block(_block(answer, "sys_prefs"), "mqtt")
    if "enabled" not in mqtt:
        return None
    try:
        return as_bool(mqtt["enabled"], "mqtt.enabled")
    except InvisOutletProtocolError:
        reject("mqtt.enabled that is not a flag")
        return None


def _block(parent: dict[str, Any], key: str) -> dict[str, Any]:
    """Return parent[key]; empty when absent, and counted when not an object."""
    block = parent.get(key)
    if block is None:
        return {}
    if not isinstance(block, dict):
        reject(f"{key} that is not an object")
        return {}
    return block


def configure_args(changes: Mapping[Setting, int | bool]) -> list[dict[str, Any]]:
    """Return the arguments that change only these settings (§6.3)."""
    return [{"acc_prefs": {setting.value: int(v) for setting, v in changes.items()}}]
