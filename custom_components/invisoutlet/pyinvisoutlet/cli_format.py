"""What the command line prints: a line per part of the device, JSON, a progress bar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
import json
from typing import Any, TextIO

from . import (
    ColorLightState,
    Device,
    DevicePart,
    FirmwareComponent,
    FirmwareProgress,
    FirmwareStatus,
    OutletStates,
    ProbeResult,
    SensorReadings,
    UpdateTarget,
)

COMPONENTS = {
    FirmwareComponent.OUTLET_FIRMWARE: "outlet firmware",
    FirmwareComponent.WEB_INTERFACE: "web interface",
    FirmwareComponent.DECO_FIRMWARE: "InvisDeco firmware",
}
TARGETS = {UpdateTarget.OUTLET: "outlet", UpdateTarget.DECO: "InvisDeco"}
# The readings and their units as the device sends them (protocol.md §6.10).
READINGS = (
    ("temperature", " °C"),
    ("humidity", " %"),
    ("pressure", " Pa"),
    ("aqi", ""),
    ("co2", " ppm"),
    ("bvoc", " ppm"),
    ("illuminance", " lx"),
    ("distance", " cm"),
    ("occupancy_state", ""),
    ("movement_energy", ""),
    ("aqi_accuracy", ""),
)
BAR_WIDTH = 30
# Without a terminal, one line per phase and per tenth of the download.
PLAIN_STEP = 10


def device_lines(
    device: Device, parts: frozenset[DevicePart] | None = None
) -> list[str]:
    """Return a line per part (every part known, or only these), in a fixed order."""
    return [
        f"{_PARTS[part][0]}: {_PARTS[part][1](device)}"
        for part in DevicePart
        if (part in parts if parts is not None else device.value(part) is not None)
    ]


def probe_lines(found: ProbeResult) -> list[str]:
    """Return how an outlet answered, and what it is."""
    info = found.info
    lines = [
        f"transport: {found.transport}",
        f"port: {found.port}",
        f"serial: {info.serial}",
        f"firmware: {info.outlet.fw_rev or '?'}",
        f"hardware: {info.outlet.hw_rev or '?'}",
    ]
    if (deco := info.deco) is not None and deco.serial is not None:
        lines.append(f"InvisDeco: {deco.serial}, firmware {deco.fw_rev or '?'}")
    return lines


def probe_json(found: ProbeResult) -> dict[str, Any]:
    """Return how an outlet answered, and what it is, for --json."""
    return {
        "transport": found.transport,
        "port": found.port,
        "info": asdict(found.info),
    }


def firmware_lines(status: FirmwareStatus) -> list[str]:
    """Return, per component, what is installed and what is available."""
    lines = []
    for component, label in COMPONENTS.items():
        installed, available = status.installed(component), status.available(component)
        if installed is None and available is None:
            continue
        if status.offers(component):
            verdict = f"{available} available"
        elif status.offers_older(component):
            verdict = f"up to date (the older {available} offered is never installed)"
        else:
            verdict = "up to date"
        lines.append(f"{label}: {installed or '?'}, {verdict}")
    return lines


def firmware_json(status: FirmwareStatus) -> dict[str, Any]:
    """Return installed and available versions per component, for --json."""
    return {
        component.name.lower(): {
            "installed": status.installed(component),
            "available": status.available(component),
            "update": status.offers(component),
        }
        for component in COMPONENTS
    }


def device_json(device: Device) -> dict[str, Any]:
    """Return the whole device as plain data, for --json."""
    data = asdict(device)
    data["deco_kind"] = device.deco_kind
    if (settings := device.configuration) is not None:
        data["configuration"]["values"] = {
            setting.value: value for setting, value in settings.values
        }
    if (names := device.names) is not None:
        data["names"] = {str(accessory): name for accessory, name in names.names}
    return data


def dumps(data: Any) -> str:
    """Return data as indented JSON (sets as sorted lists)."""
    return json.dumps(data, indent=2, default=sorted, ensure_ascii=False)


class ProgressPrinter:
    """Show an install's progress: a bar redrawn in place on a terminal, else lines."""

    def __init__(self, stream: TextIO) -> None:
        """Write to stream; a bar only when it is a terminal."""
        self._stream = stream
        self._tty = stream.isatty()
        self._last = ""

    def show(self, progress: FirmwareProgress | None) -> None:
        """Show the progress now, when it changed what is shown."""
        if progress is None:
            return
        if self._tty:
            line = f"{_bar(progress.percent)} {_doing(progress)}"
            if line != self._last:
                self._stream.write(f"\r{line:<{len(self._last)}}")
                self._stream.flush()
        else:
            line = progress_text(progress, step=PLAIN_STEP)
            if line != self._last:
                self._stream.write(f"{line}\n")
        self._last = line

    def end(self) -> None:
        """End the bar's line, if one was drawn."""
        if self._tty and self._last:
            self._stream.write("\n")
        self._last = ""


def progress_text(progress: FirmwareProgress, step: int = 1) -> str:
    """Return what an install is doing, its percentage rounded down to step."""
    if progress.percent is None:
        return _doing(progress)
    return f"{_doing(progress)} {progress.percent // step * step} %"


def _doing(progress: FirmwareProgress) -> str:
    """Return what an install is working on, and in which phase."""
    step = progress.step
    label = COMPONENTS[step] if step is not None else TARGETS[progress.target]
    return f"{label}: {progress.phase}"


def _bar(percent: int | None) -> str:
    """Return a bar of the percentage; an empty one while indeterminate."""
    filled = 0 if percent is None else BAR_WIDTH * percent // 100
    shown = "  ? %" if percent is None else f"{percent:3d} %"
    return f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {shown}"


def _info(device: Device) -> str:
    outlet = device.info.outlet
    return (
        f"{device.info.serial}, {outlet.device or 'InvisOutlet'}, hardware "
        f"{outlet.hw_rev or '?'}, firmware {outlet.fw_rev or '?'}, MAC {outlet.mac}"
    )


def _deco(device: Device) -> str:
    if (deco := device.deco) is None:
        return "none"
    state = "online" if deco.online else "offline"
    return (
        f"{deco.serial}, {deco.model or deco.device or 'InvisDeco'}, hardware "
        f"{deco.hw_rev or '?'}, firmware {deco.fw_rev or '?'}, {state}"
    )


def _outlets(device: Device) -> str:
    return outlets_text(device.outlets)


def outlets_text(states: OutletStates | None) -> str:
    """Return whether each outlet is on."""
    if states is None:
        return "unknown"
    return f"1 {_on(states.top)}, 2 {_on(states.bottom)}"


def _names(device: Device) -> str:
    names = device.names.names if device.names is not None else ()
    return ", ".join(f"{accessory} {name!r}" for accessory, name in names) or "none"


def _sensors(device: Device) -> str:
    readings: SensorReadings | None = device.sensors
    if readings is None:
        return "unknown"
    shown = [
        f"{name} {value:g}{unit}"
        for name, unit in READINGS
        if (value := getattr(readings, name)) is not None
    ]
    return ", ".join(shown) or "none valid"


def _nightlight(device: Device) -> str:
    if (light := device.nightlight) is None:
        return "unknown"
    return f"{_on(light.on)}, {light.brightness} %"


def _color_light(device: Device) -> str:
    light: ColorLightState | None = device.color_light
    if light is None:
        return "unknown"
    effect = light.effect.name.lower() if light.effect is not None else "unknown"
    text = f"{_on(light.on)}, {light.brightness} %, {effect}"
    if (led := light.leading) is not None:
        colour = (
            f"{led.kelvin} K" if led.kelvin else f"hue {led.hue} sat {led.saturation}"
        )
        text += f", {colour}"
    return text + (", random colours" if light.random_colors else "")


def _configuration(device: Device) -> str:
    if (settings := device.configuration) is None:
        return "unknown"
    shown = [f"{setting.value}={value}" for setting, value in settings.values]
    shown.append(f"MQTT {_on(settings.mqtt_enabled)}")
    return ", ".join(shown)


def _mqtt(device: Device) -> str:
    connected = device.mqtt_connected
    return "unknown" if connected is None else ("connected" if connected else "down")


def _firmware(device: Device) -> str:
    if (status := device.firmware) is None:
        return "unknown"
    offered = [
        f"{label} {status.available(component)}"
        for component, label in COMPONENTS.items()
        if status.offers(component)
    ]
    return ", ".join(offered) or "up to date"


def _progress(device: Device) -> str:
    progress = device.progress
    return "none running" if progress is None else progress_text(progress)


def _identity(device: Device) -> str:
    if (foreign := device.foreign_serial) is not None:
        return f"another outlet ({foreign}) answers at this address"
    return f"outlet {device.info.serial} answers"


def _on(value: bool | None) -> str:
    return "unknown" if value is None else ("on" if value else "off")


# How each part is called, and how it reads.
_PARTS: dict[DevicePart, tuple[str, Callable[[Device], str]]] = {
    DevicePart.INFO: ("outlet", _info),
    DevicePart.DECO: ("InvisDeco", _deco),
    DevicePart.OUTLETS: ("outlets", _outlets),
    DevicePart.NAMES: ("names", _names),
    DevicePart.SENSORS: ("readings", _sensors),
    DevicePart.NIGHTLIGHT: ("nightlight", _nightlight),
    DevicePart.COLOR_LIGHT: ("colour light", _color_light),
    DevicePart.CONFIGURATION: ("settings", _configuration),
    DevicePart.MQTT: ("MQTT broker", _mqtt),
    DevicePart.FIRMWARE: ("available updates", _firmware),
    DevicePart.PROGRESS: ("install", _progress),
    DevicePart.IDENTITY: ("identity", _identity),
}
