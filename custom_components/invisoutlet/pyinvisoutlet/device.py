"""The device as the library knows it: one immutable snapshot, merged as news comes."""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import StrEnum
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from .accessories import ColorLightState, NightlightState, SensorReadings
from .builder import builder, replacer
from .configuration import DeviceConfiguration
from .const import DecoKind, FirmwareComponent
from .models import AccessoryNames, DecoModule, FirmwareStatus, OutletInfo, OutletStates

if TYPE_CHECKING:
    from .firmware import FirmwareProgress


class DevicePart(StrEnum):
    """A part of the device's state; subscribers learn which parts changed."""

    INFO = "info"
    # The faceplate attached changed: fitted, removed, back, another one, or it went
    # silent (no readings within the limit) or spoke again.
    DECO = "deco"
    OUTLETS = "outlets"
    NAMES = "names"
    SENSORS = "sensors"
    NIGHTLIGHT = "nightlight"
    COLOR_LIGHT = "color_light"
    CONFIGURATION = "configuration"
    MQTT = "mqtt"
    FIRMWARE = "firmware"
    PROGRESS = "progress"
    # Another outlet answers at the address (or the right one again).
    IDENTITY = "identity"


# Where each model read or pushed goes.
PART_OF_MODEL: dict[type[Any], DevicePart] = {
    OutletInfo: DevicePart.INFO,
    OutletStates: DevicePart.OUTLETS,
    AccessoryNames: DevicePart.NAMES,
    SensorReadings: DevicePart.SENSORS,
    NightlightState: DevicePart.NIGHTLIGHT,
    ColorLightState: DevicePart.COLOR_LIGHT,
    DeviceConfiguration: DevicePart.CONFIGURATION,
    FirmwareStatus: DevicePart.FIRMWARE,
}
# What a refresh reads, in this order: MQTT after the settings that say whether to ask.
READ_PARTS = (
    DevicePart.OUTLETS,
    DevicePart.NAMES,
    DevicePart.SENSORS,
    DevicePart.NIGHTLIGHT,
    DevicePart.COLOR_LIGHT,
    DevicePart.CONFIGURATION,
    DevicePart.MQTT,
)
# What belongs to the faceplate that reported it: forgotten when it goes away.
DECO_PARTS = frozenset(
    {
        DevicePart.SENSORS,
        DevicePart.NIGHTLIGHT,
        DevicePart.COLOR_LIGHT,
        DevicePart.CONFIGURATION,
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Device:
    """Everything the outlet reported; None where a part is unknown or absent."""

    info: OutletInfo
    outlets: OutletStates | None = None
    names: AccessoryNames | None = None
    sensors: SensorReadings | None = None
    nightlight: NightlightState | None = None
    color_light: ColorLightState | None = None
    configuration: DeviceConfiguration | None = None
    # Whether the outlet is connected to its MQTT broker (asked only while MQTT is on).
    mqtt_connected: bool | None = None
    # The last available-updates answer, and the install running now.
    firmware: FirmwareStatus | None = None
    progress: FirmwareProgress | None = None
    # Components asked to install that wait for another install to end (part PROGRESS).
    queued: frozenset[FirmwareComponent] = frozenset()
    # The serial of another outlet answering at the address (a moved lease), if any.
    foreign_serial: str | None = None
    # The faceplate is online for the outlet, but its readings stopped (liveness.py).
    deco_silent: bool = False

    @property
    def deco(self) -> DecoModule | None:
        """Return the InvisDeco attached, if any (online or not)."""
        return _attached(self.info)

    @property
    def deco_kind(self) -> DecoKind | None:
        """Return the kind of the InvisDeco attached, if any."""
        deco = self.deco
        return deco.kind if deco is not None else None

    def value(self, part: DevicePart) -> Any:
        """Return what is known of a part; None while it is unknown."""
        return getattr(self, _FIELD_OF[part], None)

    def wants(self, part: DevicePart) -> bool:
        """Return whether a refresh reads this part (only what this device has)."""
        # An offline faceplate answers nothing: its parts are read when it is back.
        online = self.info.deco_present
        if part is DevicePart.SENSORS:
            return online
        if part is DevicePart.NIGHTLIGHT:
            return online and self.deco_kind is DecoKind.PRO
        if part is DevicePart.COLOR_LIGHT:
            return online and self.deco_kind is DecoKind.AURA
        if part is DevicePart.MQTT:
            return bool(self.configuration and self.configuration.mqtt_enabled)
        return part in READ_PARTS

    def merged(
        self, part: DevicePart, value: Any
    ) -> tuple[Device, frozenset[DevicePart]]:
        """Return the device with a part's new value, and the parts that changed."""
        if part is DevicePart.INFO:
            return self._with_info(value)
        name = _FIELD_OF[part]
        current = getattr(self, name, None)
        if current is value or current == value:
            return self, _NOTHING
        if (
            part is DevicePart.CONFIGURATION
            and not value.mqtt_enabled
            and self.mqtt_connected is not None
        ):
            # Forgotten: MQTT switched on again is never judged on an old answer.
            changes = {name: value, "mqtt_connected": None}
            return self._replaced(changes), frozenset({part, DevicePart.MQTT})
        # One field, as every push changes (readings every few seconds): no loop.
        return _REPLACE[part](self, value), _ONLY[part]

    def _with_info(self, info: OutletInfo) -> tuple[Device, frozenset[DevicePart]]:
        """Return the device with new information; a faceplate gone forgets its own."""
        if info == self.info:
            return self, frozenset()
        changes: dict[str, Any] = {"info": info}
        changed = {DevicePart.INFO}
        before, after = self.deco, _attached(info)
        if _serial(before) != _serial(after):
            changed.add(DevicePart.DECO)
            # Another faceplate's readings, lights and settings are not this one's.
            for part in DECO_PARTS:
                if self.value(part) is not None:
                    changes[_FIELD_OF[part]] = None
                    changed.add(part)
        elif before is not None and after is not None and before.online != after.online:
            changed.add(DevicePart.DECO)
        return self._replaced(changes), frozenset(changed)

    def _replaced(self, changes: dict[str, Any]) -> Device:
        """Return a copy with these fields changed (dataclasses.replace, cheaper)."""
        values = list(_all_fields(self))
        for name, value in changes.items():
            values[_INDEX_OF[name]] = value
        return _build_device(*values)


def _attached(info: OutletInfo) -> DecoModule | None:
    """Return the faceplate information reports, online or not; None for none."""
    deco = info.deco
    return deco if deco is not None and deco.serial is not None else None


def _serial(deco: DecoModule | None) -> str | None:
    """Return the serial of a faceplate, or None for none."""
    return None if deco is None else deco.serial


# Parts whose field is named otherwise.
_FIELDS = {DevicePart.MQTT: "mqtt_connected", DevicePart.IDENTITY: "foreign_serial"}
# The field of every part, looked up on every merge.
_FIELD_OF = {part: _FIELDS.get(part, part.value) for part in DevicePart}
_FIELD_NAMES = tuple(field.name for field in fields(Device))
_INDEX_OF = {name: index for index, name in enumerate(_FIELD_NAMES)}
# Every field's value at once, in field order (at C speed).
_all_fields = attrgetter(*_FIELD_NAMES)
_build_device = builder(Device)
# A copy of the device with one part's field replaced, for each part held in one.
_REPLACE = {
    part: replacer(Device, name)
    for part, name in _FIELD_OF.items()
    if name in _INDEX_OF
}
# What merged() returns as changed: nothing, or one part (made once each).
_NOTHING: frozenset[DevicePart] = frozenset()
_ONLY = {part: frozenset({part}) for part in DevicePart}
