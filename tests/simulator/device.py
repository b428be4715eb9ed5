"""The whole state of one simulated InvisOutlet and its InvisDeco.

Every initial value comes from ``tests/fixtures`` (``outlet_info`` for the identity and
an InvisDeco Aura, ``firmware_status`` for the versions, and one file per accessory), so
the default device is revB, has an Aura attached and online, and has every component
out of date. ``SimulatedDevice.pro()`` gives the same outlet with the InvisDeco Pro of
``outlet_info_pro``. Tests may change any field, before or while the simulator runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Self

from .fixtures import load_fixture
from .lights import ColorLight
from .ota import TYPE_FIRMWARE, TYPE_WWW

_INFO = load_fixture("outlet_info")
_IM: dict[str, Any] = _INFO["IM"]
_PM: dict[str, Any] = _INFO["PM"]
_FIRMWARE = load_fixture("firmware_status")
_SENSORS: dict[str, list[Any]] = {
    "aura": load_fixture("sensors_aura"),
    "pro": load_fixture("sensors_pro"),
}
_NIGHTLIGHT_ON, _NIGHTLIGHT_BRIGHTNESS = load_fixture("nightlight")

type NamesShape = Literal["bare", "wrapped", "payload"]
type ConfigPlacement = Literal["callbackArgs", "payload"]


def _outlets() -> list[bool]:
    return [bool(state) for state in load_fixture("outlets")]


def _names() -> dict[int, str]:
    return {
        entry["accessory"]: entry["name"] for entry in load_fixture("accessory_names")
    }


def _color_light() -> ColorLight:
    return ColorLight.from_args(load_fixture("color_light"))


@dataclass
class SimulatedDevice:
    """Hold the mutable state of one InvisOutlet and its InvisDeco.

    ``readings`` left empty is filled from the sensor fixture of ``deco_type``.
    ``sensor_push_interval`` (seconds, None = off) paces the periodic 11 push;
    ``deco_restart_duration`` is how long the InvisDeco is away after a 24;
    ``calibration_step`` is the length of each phase of a 25 or 26 calibration.
    """

    hardware: str = _IM["hw_rev"]
    serial: str = _IM["sn"]
    mac: str = _IM["MAC"]
    outlet_fw: str = _IM["fw_rev"]
    outlet_fw_available: str = _FIRMWARE["IM"]["available_fw_rev"]
    www_fw: str = _FIRMWARE["IM"]["www_fw_rev"]
    www_fw_available: str = _FIRMWARE["IM"]["available_www_fw_rev"]
    deco_attached: bool = True
    deco_online: bool = _PM["online"]
    deco_serial: str = _PM["sn"]
    deco_mac: str = _PM["MAC"]
    deco_type: str = _PM["type"]
    deco_fw: str = _PM["fw_rev"]
    deco_fw_available: str = _FIRMWARE["PM"]["available_fw_rev"]
    deco_rebooting: bool = False
    deco_hw_rev: str = _PM["hw_rev"]
    radar: dict[str, str] = field(default_factory=lambda: dict(_PM["radar"]))
    outlets: list[bool] = field(default_factory=_outlets)
    names: dict[int, str] = field(default_factory=_names)
    names_shape: NamesShape = "bare"
    readings: dict[str, Any] = field(default_factory=dict)
    nightlight_on: bool = bool(_NIGHTLIGHT_ON)
    nightlight_brightness: int = _NIGHTLIGHT_BRIGHTNESS
    color_light: ColorLight = field(default_factory=_color_light)
    configuration: dict[str, Any] = field(
        default_factory=lambda: load_fixture("configuration")
    )
    config_placement: ConfigPlacement = "callbackArgs"
    mqtt_connected: bool = False
    mqtt_discovery_published: bool = False
    sensor_push_interval: float | None = None
    deco_restart_duration: float = 0.05
    calibration_step: float = 0.02

    def __post_init__(self) -> None:
        """Take the readings of the attached InvisDeco kind unless some were given."""
        if not self.readings:
            self.readings = dict(self._sensor_fixture[1])

    @classmethod
    def pro(cls, **changes: Any) -> Self:
        """Return the outlet of ``outlet_info_pro``, with an InvisDeco Pro."""
        pm = load_fixture("outlet_info_pro")["PM"]
        deco = {
            "deco_online": pm["online"],
            "deco_serial": pm["sn"],
            "deco_mac": pm["MAC"],
            "deco_type": pm["type"],
            "deco_fw": pm["fw_rev"],
            "deco_hw_rev": pm["hw_rev"],
            "radar": pm["radar"],
        }
        return cls(**{**deco, **changes})

    @property
    def is_revb(self) -> bool:
        """Return whether the outlet is revB hardware (restarts as an update starts)."""
        return self.hardware.upper() == "B"

    @property
    def is_pro(self) -> bool:
        """Return whether the InvisDeco is a Pro (nightlight) rather than an Aura."""
        return self.deco_type.lower() == "pro"

    @property
    def outlet_fw_pending(self) -> bool:
        """Return whether newer outlet firmware is available."""
        return self.outlet_fw != self.outlet_fw_available

    @property
    def www_pending(self) -> bool:
        """Return whether a newer web interface (WWW partition) is available."""
        return self.www_fw != self.www_fw_available

    @property
    def deco_pending(self) -> bool:
        """Return whether newer InvisDeco firmware is available."""
        return self.deco_attached and self.deco_fw != self.deco_fw_available

    @property
    def deco_updatable(self) -> bool:
        """Return whether the InvisDeco can take an update right now."""
        return self.deco_online and not self.deco_rebooting and self.deco_pending

    @property
    def deco_reachable(self) -> bool:
        """Return whether an InvisDeco is attached, online and not rebooting."""
        return self.deco_attached and self.deco_online and not self.deco_rebooting

    @property
    def reports_deco(self) -> bool:
        """Return whether 12 and 20 carry a PM block (not while the deco reboots)."""
        return self.deco_attached and not self.deco_rebooting

    @property
    def mqtt_enabled(self) -> bool:
        """Return ``sys_prefs.mqtt.enabled`` of the configuration."""
        return bool(self.configuration["sys_prefs"]["mqtt"]["enabled"])

    @mqtt_enabled.setter
    def mqtt_enabled(self, enabled: bool) -> None:
        self.configuration["sys_prefs"]["mqtt"]["enabled"] = int(enabled)

    @property
    def mqtt_linked(self) -> bool:
        """Return whether MQTT is enabled and the broker is connected."""
        return self.mqtt_enabled and self.mqtt_connected

    def device_info(self) -> dict[str, Any]:
        """Build the callbackArgs of a callback 12 reply."""
        info: dict[str, Any] = {
            "IM": {
                "sn": self.serial,
                "MAC": self.mac,
                "device": "InvisOutlet",
                "fw_rev": self.outlet_fw,
                "hw_rev": self.hardware,
            }
        }
        if self.reports_deco:
            info["PM"] = {
                "online": self.deco_online,
                "sn": self.deco_serial,
                "MAC": self.deco_mac,
                "device": "InvisDeco",
                "type": self.deco_type,
                "fw_rev": self.deco_fw,
                "hw_rev": self.deco_hw_rev,
                "radar": dict(self.radar),
            }
        return info

    def available_updates(self) -> dict[str, Any]:
        """Build the callbackArgs of a callback 20 reply."""
        updates: dict[str, Any] = {
            "IM": {
                "fw_rev": self.outlet_fw,
                "available_fw_rev": self.outlet_fw_available,
                "www_fw_rev": self.www_fw,
                "available_www_fw_rev": self.www_fw_available,
            }
        }
        if self.reports_deco:
            updates["PM"] = {
                "fw_rev": self.deco_fw,
                "available_fw_rev": self.deco_fw_available,
            }
        return updates

    def pending_outlet_types(self) -> list[int]:
        """Return the outlet phases to run, web interface first (quirk Q7)."""
        return [
            kind
            for kind, pending in (
                (TYPE_WWW, self.www_pending),
                (TYPE_FIRMWARE, self.outlet_fw_pending),
            )
            if pending
        ]

    def outlet_args(self) -> list[int]:
        """Build the callbackArgs of a callback 9 reply or push."""
        return [int(state) for state in self.outlets]

    def name_list(self) -> list[dict[str, Any]]:
        """Return the accessory names; the nightlight's only with an InvisDeco."""
        return [
            {"accessory": accessory, "name": name}
            for accessory, name in sorted(self.names.items())
            if accessory != 3 or self.deco_attached
        ]

    def sensor_args(self) -> list[Any]:
        """Build the callbackArgs of a callback 11 reply or push."""
        return [self._sensor_fixture[0], dict(self.readings)]

    def nightlight_args(self) -> list[int]:
        """Build the callbackArgs of a callback 15 reply or push."""
        return [int(self.nightlight_on), self.nightlight_brightness]

    @property
    def _sensor_fixture(self) -> list[Any]:
        # A faceplate of unknown kind (a bad state, quirk Q11) reports like an Aura.
        return _SENSORS.get(self.deco_type.lower(), _SENSORS["aura"])
