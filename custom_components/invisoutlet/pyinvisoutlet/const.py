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

    @property
    def label(self) -> str:
        """Return what the request asks, in words (for messages people read)."""
        return _LABELS[self]


# What each request asks, as it reads in "did not answer … in time" or "refused …".
_LABELS = {
    CallbackName.CONFIGURATION: "a request for its settings",
    CallbackName.CONFIGURE: "a change of its settings",
    CallbackName.ACCESSORY_NAMES: "a request for the outlet and nightlight names",
    CallbackName.SET_ACCESSORY_NAMES: "a change of the outlet and nightlight names",
    CallbackName.RESTART: "a restart",
    CallbackName.NETWORK_RESET: "a network reset",
    CallbackName.FACTORY_RESET: "a factory reset",
    CallbackName.OUTLETS: "a request for the outlet states",
    CallbackName.SET_OUTLET: "a command to switch an outlet",
    CallbackName.SENSORS: "a request for the sensor readings",
    CallbackName.OUTLET_INFO: "a request for device information",
    CallbackName.SET_NIGHTLIGHT: "a command to set the nightlight",
    CallbackName.NIGHTLIGHT: "a request for the nightlight state",
    CallbackName.SET_COLOR_LIGHT: "a command to set the colour light",
    CallbackName.COLOR_LIGHT: "a request for the colour light state",
    CallbackName.FIRMWARE_STATUS: "a request for available updates",
    CallbackName.START_UPDATE: "a request to start a firmware update",
    CallbackName.UPDATE_PROGRESS: "a firmware update progress message",
    CallbackName.UPDATE_RESULT: "a firmware update result",
    CallbackName.RESTART_DECO: "a restart of the InvisDeco",
    CallbackName.RESET_DECO: "a reset of the InvisDeco's air-quality calibration",
    CallbackName.CALIBRATE_OCCUPANCY: "a calibration of the occupancy sensor",
    CallbackName.MQTT: "a request about MQTT",
    CallbackName.CALIBRATE_CLIMATE: "a calibration of the climate sensor",
}


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

    @property
    def label(self) -> str:
        """Return the method in words (for messages people read)."""
        return (
            "over its own Wi-Fi" if self is DecoUpdateMethod.WIFI else "via the outlet"
        )


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
    # Another outlet answered at the address after the restart.
    DIFFERENT_DEVICE = "different_device"
    # Another InvisDeco is attached to the outlet after the restart.
    DIFFERENT_DECO = "different_deco"
    TIMED_OUT = "timed_out"
    # Not the device's doing: the caller stopped following (unload, shutdown).
    INTERRUPTED = "interrupted"
