"""What the integration knows of one outlet, and how each part of it is read."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from typing import Any

from .pyinvisoutlet import (
    AccessoryNames,
    ColorLightState,
    DecoKind,
    DeviceConfiguration,
    InvisOutlet,
    NightlightState,
    OutletInfo,
    OutletStates,
    SensorReadings,
)


@dataclass(frozen=True, slots=True)
class DeviceState:
    """What the outlet last reported; None where a part is unknown or absent."""

    info: OutletInfo
    outlets: OutletStates | None = None
    names: AccessoryNames | None = None
    sensors: SensorReadings | None = None
    nightlight: NightlightState | None = None
    color_light: ColorLightState | None = None
    configuration: DeviceConfiguration | None = None
    mqtt_connected: bool | None = None

    @property
    def deco_kind(self) -> DecoKind | None:
        """Return the kind of the InvisDeco attached and online, if any."""
        deco = self.info.deco
        return deco.kind if deco is not None and self.info.deco_present else None


@dataclass(frozen=True, kw_only=True)
class Part[T]:
    """One part of the device's state: how to read it, when, and where it goes."""

    model: type[T]
    read: Callable[[InvisOutlet], Coroutine[Any, Any, T]]
    wanted: Callable[[DeviceState], bool]
    store: Callable[[DeviceState, T], DeviceState]
    # Where it is kept: None until the device has reported it.
    value: Callable[[DeviceState], T | None]
    # Whether the device pushes it when it changes.
    pushed: bool = False


OUTLETS = Part(
    model=OutletStates,
    read=lambda client: client.outlets(),
    wanted=lambda _: True,
    store=lambda state, value: replace(state, outlets=value),
    value=lambda state: state.outlets,
    pushed=True,
)
NAMES = Part(
    model=AccessoryNames,
    read=lambda client: client.accessory_names(),
    wanted=lambda _: True,
    store=lambda state, value: replace(state, names=value),
    value=lambda state: state.names,
)
SENSORS = Part(
    model=SensorReadings,
    read=lambda client: client.sensors(),
    wanted=lambda state: state.info.deco_present,
    store=lambda state, value: replace(state, sensors=value),
    value=lambda state: state.sensors,
    pushed=True,
)
NIGHTLIGHT = Part(
    model=NightlightState,
    read=lambda client: client.nightlight(),
    wanted=lambda state: state.deco_kind is DecoKind.PRO,
    store=lambda state, value: replace(state, nightlight=value),
    value=lambda state: state.nightlight,
    pushed=True,
)
COLOR_LIGHT = Part(
    model=ColorLightState,
    read=lambda client: client.color_light(),
    wanted=lambda state: state.deco_kind is DecoKind.AURA,
    store=lambda state, value: replace(state, color_light=value),
    value=lambda state: state.color_light,
    pushed=True,
)


def _with_configuration(state: DeviceState, value: DeviceConfiguration) -> DeviceState:
    """Return the state with new settings; MQTT switched off is not connected."""
    # Forgotten, so that MQTT switched on again is never judged on an old answer.
    connected = state.mqtt_connected if value.mqtt_enabled else None
    return replace(state, configuration=value, mqtt_connected=connected)


CONFIGURATION = Part(
    model=DeviceConfiguration,
    read=lambda client: client.configuration(),
    wanted=lambda _: True,
    store=_with_configuration,
    value=lambda state: state.configuration,
)
# Whether the outlet is connected to its MQTT broker: asked only while MQTT is on.
MQTT = Part(
    model=bool,
    read=lambda client: client.mqtt_connected(),
    wanted=lambda state: bool(
        state.configuration is not None and state.configuration.mqtt_enabled
    ),
    store=lambda state, value: replace(state, mqtt_connected=value),
    value=lambda state: state.mqtt_connected,
)
# MQTT after the settings: whether to ask depends on the settings just read.
PARTS: tuple[Part[Any], ...] = (
    OUTLETS,
    NAMES,
    SENSORS,
    NIGHTLIGHT,
    COLOR_LIGHT,
    CONFIGURATION,
    MQTT,
)
