"""Asynchronous client for the Intecular InvisOutlet local API.

Written as a standalone library: it never imports Home Assistant. Consumers see
methods and models, never callback numbers or raw messages.
"""

from .accessories import ColorLightState, Led, NightlightState, SensorReadings
from .client import OCCUPANCY_CALIBRATION_SECONDS, InvisOutlet
from .configuration import AnySetting, AwaySetting, DeviceConfiguration, Setting
from .const import (
    Accessory,
    CallbackName,
    ColorEffect,
    DecoKind,
    DecoUpdateMethod,
    FirmwareComponent,
    FirmwareError,
    MqttAction,
    Outlet,
    UpdateTarget,
)
from .decoder import JsonStreamDecoder
from .design import (
    LED_COUNT,
    MAX_KELVIN,
    MIN_KELVIN,
    Design,
    InvalidDesignError,
    InvalidDesignReason,
    LedColor,
)
from .device import Device, DevicePart
from .exceptions import (
    InvisOutletCommandError,
    InvisOutletConnectionError,
    InvisOutletError,
    InvisOutletProtocolError,
    InvisOutletTimeoutError,
    InvisOutletUpdateError,
    InvisOutletWrongDeviceError,
)
from .firmware import Firmware, FirmwareProgress
from .link import Backoff
from .liveness import DECO_SILENCE_LIMIT
from .models import (
    AccessoryNames,
    DecoModule,
    FirmwareStatus,
    OutletInfo,
    OutletModule,
    OutletStates,
    is_newer,
)
from .names import MAX_NAME, InvalidNameError, InvalidNameReason, checked_name
from .ota import InstalledVersions, OtaPhase, OtaTimeouts
from .probe import PROBE_ORDER, ProbeResult, probe
from .transport import DEFAULT_PORTS, Transport, redirect_guard

# The library's own version (CHANGELOG.md beside this file); its wheel is built with it.
__version__ = "2.0.0"

__all__ = [
    "DECO_SILENCE_LIMIT",
    "DEFAULT_PORTS",
    "LED_COUNT",
    "MAX_KELVIN",
    "MAX_NAME",
    "MIN_KELVIN",
    "OCCUPANCY_CALIBRATION_SECONDS",
    "PROBE_ORDER",
    "Accessory",
    "AccessoryNames",
    "AnySetting",
    "AwaySetting",
    "Backoff",
    "CallbackName",
    "ColorEffect",
    "ColorLightState",
    "DecoKind",
    "DecoModule",
    "DecoUpdateMethod",
    "Design",
    "Device",
    "DeviceConfiguration",
    "DevicePart",
    "Firmware",
    "FirmwareComponent",
    "FirmwareError",
    "FirmwareProgress",
    "FirmwareStatus",
    "InstalledVersions",
    "InvalidDesignError",
    "InvalidDesignReason",
    "InvalidNameError",
    "InvalidNameReason",
    "InvisOutlet",
    "InvisOutletCommandError",
    "InvisOutletConnectionError",
    "InvisOutletError",
    "InvisOutletProtocolError",
    "InvisOutletTimeoutError",
    "InvisOutletUpdateError",
    "InvisOutletWrongDeviceError",
    "JsonStreamDecoder",
    "Led",
    "LedColor",
    "MqttAction",
    "NightlightState",
    "OtaPhase",
    "OtaTimeouts",
    "Outlet",
    "OutletInfo",
    "OutletModule",
    "OutletStates",
    "ProbeResult",
    "SensorReadings",
    "Setting",
    "Transport",
    "UpdateTarget",
    "checked_name",
    "is_newer",
    "probe",
    "redirect_guard",
]
