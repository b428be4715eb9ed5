"""Numbers and codes of the InvisOutlet local API (protocol.md §1, §6.1)."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class CallbackName(IntEnum):
    """Every callback of the local API this library knows."""

    CONFIGURATION = 1
    CONFIGURE = 2
    ACCESSORY_NAMES = 3
    SET_ACCESSORY_NAMES = 4
    RESTART = 5
    NETWORK_RESET = 6
    FACTORY_RESET = 7
    OUTLETS = 9
    SET_OUTLET = 10
    SENSORS = 11
    OUTLET_INFO = 12
    SET_NIGHTLIGHT = 14
    NIGHTLIGHT = 15
    SET_COLOR_LIGHT = 17
    COLOR_LIGHT = 18
    FIRMWARE_STATUS = 20
    START_UPDATE = 21
    UPDATE_PROGRESS = 22
    UPDATE_RESULT = 23
    RESTART_DECO = 24
    RESET_DECO = 25
    CALIBRATE_OCCUPANCY = 26
    MQTT = 27
    CALIBRATE_CLIMATE = 28


class UpdateTarget(IntEnum):
    """What a firmware install updates."""

    OUTLET = 1
    DECO = 2


class FirmwareComponent(IntEnum):
    """One installable piece of firmware (the type of progress and results)."""

    OUTLET_FIRMWARE = 1
    DECO_FIRMWARE = 2
    WEB_INTERFACE = 3


class DecoUpdateMethod(IntEnum):
    """How the InvisDeco receives its firmware."""

    WIFI = 0
    VIA_OUTLET = 1


class DecoKind(StrEnum):
    """Which InvisDeco faceplate is attached."""

    PRO = "pro"
    AURA = "aura"


class Outlet(IntEnum):
    """The two outlets of an InvisOutlet (accessory ids 1 and 2)."""

    TOP = 1
    BOTTOM = 2


class Accessory(IntEnum):
    """What the owner can name on the device (accessory ids, protocol.md §6.4)."""

    TOP_OUTLET = 1
    BOTTOM_OUTLET = 2
    NIGHTLIGHT = 3


class ColorEffect(IntEnum):
    """What the InvisDeco Aura's colour light shows."""

    STATIC_HSV = 1
    STATIC_TEMPERATURE = 2
    BREATHING = 3
    STROBING = 4
    COLOR_CYCLE = 5
    RAINBOW = 6
    STARRY_NIGHT = 7


class MqttAction(IntEnum):
    """What callback 27 asks the outlet to do about MQTT."""

    CHECK = 0
    CLEAR_DISCOVERY = 1
    PUBLISH_DISCOVERY = 2


class FirmwareError(StrEnum):
    """Why a firmware install did not succeed (neutral; callers word it)."""

    NO_UPDATE = "no_update"
    DOWNGRADE = "downgrade"
    IN_PROGRESS = "in_progress"
    START_REJECTED = "start_rejected"
    FAILED = "failed"
    STALLED = "stalled"
    DEVICE_NOT_BACK = "device_not_back"
    VERSION_UNCHANGED = "version_unchanged"
    DIFFERENT_DEVICE = "different_device"
    TIMED_OUT = "timed_out"
    # Not the device's doing: the caller stopped following (unload, shutdown).
    INTERRUPTED = "interrupted"
