"""The outlet's own settings (protocol.md §6.2-6.3); MQTT credentials never kept."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from ipaddress import ip_address
from typing import Any, Self

from .exceptions import InvisOutletProtocolError
from .fields import MAX_TEXT, as_bool, as_int, reject, shape

# The blocks of the settings answer; the credentials in sys_prefs are never read.
_BLOCKS = ("acc_prefs", "sys_prefs")
# The object in acc_prefs that holds away mode's settings.
AWAY_MODE = "homeAwayMode"
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


class AwaySetting(StrEnum):
    """A setting of away mode (acc_prefs.homeAwayMode); the value is the device's key.

    Away mode switches the outlets and the nightlight on and off at random while
    nobody is home; the vendor documents neither the ranges nor the duration unit.
    """

    ENABLED = "enabled"
    OUTLET_1 = "outlet1Enabled"
    OUTLET_2 = "outlet2Enabled"
    NIGHTLIGHT = "nightlightEnabled"
    MIN_BRIGHTNESS = "minBrightness"
    MAX_BRIGHTNESS = "maxBrightness"
    MIN_ON_DURATION = "minOnDuration"
    MAX_ON_DURATION = "maxOnDuration"
    MIN_OFF_DURATION = "minOffDuration"
    MAX_OFF_DURATION = "maxOffDuration"


type AnySetting = Setting | AwaySetting


@dataclass(frozen=True, slots=True)
class DeviceConfiguration:
    """The settings the device reports, whether it has MQTT on, and its address."""

    values: tuple[tuple[Setting, int], ...]
    mqtt_enabled: bool | None
    # Away mode's settings, as the device reports them.
    away: tuple[tuple[AwaySetting, int], ...] = ()
    # The outlet's address on its network (sys_prefs.internet.ip, read only).
    ip_address: str | None = None

    @classmethod
    def from_args(cls, args: object) -> Self:
        """Parse {acc_prefs, sys_prefs}, also list-wrapped; errors never show values."""
        answer = _answer_of(args)
        prefs = _block(answer, "acc_prefs")
        system = _block(answer, "sys_prefs")
        return cls(
            values=_integers(prefs, Setting),
            mqtt_enabled=_mqtt_enabled(system),
            away=_integers(_block(prefs, AWAY_MODE), AwaySetting),
            ip_address=_ip_address(system),
        )

    def get(self, setting: AnySetting) -> int | None:
        """Return the value of one setting, None when the device does not report it."""
        values: dict[AnySetting, int] = dict(self.values)
        values.update(self.away)
        return values.get(setting)

    @property
    def reported(self) -> frozenset[AnySetting]:
        """Return the settings this device reports."""
        settings: set[AnySetting] = {setting for setting, _ in self.values}
        settings.update(setting for setting, _ in self.away)
        return frozenset(settings)


def _integers[S: StrEnum](
    block: dict[str, Any], settings: Iterable[S]
) -> tuple[tuple[S, int], ...]:
    """Return the settings a block reports; one that is no integer is left out."""
    values = []
    for setting in settings:
        value = block.get(setting.value)
        if value is None:
            continue
        try:
            values.append((setting, as_int(value, setting.value)))
        except InvisOutletProtocolError:
            reject(f"a {setting.value} setting that is not an integer")
    return tuple(values)


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


def _mqtt_enabled(system: dict[str, Any]) -> bool | None:
    """Return sys_prefs.mqtt.enabled; the rest of that block is never read."""
    mqtt = _block(system, "mqtt")
    if "enabled" not in mqtt:
        return None
    try:
        return as_bool(mqtt["enabled"], "mqtt.enabled")
    except InvisOutletProtocolError:
        reject("mqtt.enabled that is not a flag")
        return None


def _ip_address(system: dict[str, Any]) -> str | None:
    """Return sys_prefs.internet.ip if it is an IP address (the DNS servers: never)."""
    value = _block(system, "internet").get("ip")
    if value is None:
        return None
    if isinstance(value, str) and len(value) <= MAX_TEXT:
        try:
            return str(ip_address(value.strip()))
        except ValueError:
            pass
    reject("an internet.ip that is not an IP address")
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


def configure_args(
    changes: Mapping[AnySetting, int | bool],
    current: DeviceConfiguration | None = None,
) -> list[dict[str, Any]]:
    """Return the arguments that change these settings (§6.3).

    A setting of acc_prefs goes alone, as [LIB] sends it. Away mode's go as the whole
    homeAwayMode object, the changes merged into what the device reported last: no
    source says whether the firmware merges a partial object or takes it for the
    whole one (resetting the keys left out); the vendor app sends whole objects, and
    a whole object means the same under either reading.
    """
    prefs: dict[str, Any] = {
        setting.value: int(value)
        for setting, value in changes.items()
        if isinstance(setting, Setting)
    }
    away = {
        setting.value: int(value)
        for setting, value in changes.items()
        if isinstance(setting, AwaySetting)
    }
    if away:
        reported = current.away if current is not None else ()
        prefs[AWAY_MODE] = {setting.value: value for setting, value in reported} | away
    return [{"acc_prefs": prefs}]
