"""An autospecced library, fed from tests/fixtures, for the HA-side tests.

Patched where the integration imports it (`custom_components.invisoutlet.InvisOutlet`,
`...Firmware`, `...config_flow.probe`). Tests push state and move installs with the
helpers below, the way the real library would call the integration back.
"""

from __future__ import annotations

from collections.abc import Callable
import json
from pathlib import Path
from types import MethodType
from typing import Any, cast
from unittest.mock import MagicMock

from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import Event, EventStateEventData, HomeAssistant, callback

from custom_components.invisoutlet.pyinvisoutlet import (
    AccessoryNames,
    ColorLightState,
    DeviceConfiguration,
    DevicePart,
    FirmwareStatus,
    InvisOutlet,
    NightlightState,
    OutletInfo,
    OutletStates,
    SensorReadings,
    Transport,
)
from custom_components.invisoutlet.pyinvisoutlet.device import PART_OF_MODEL


def load_fixture(name: str) -> Any:
    """Return tests/fixtures/<name>.json (the simulator starts from the same files)."""
    path = Path(__file__).parent / "fixtures" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def outlet_info(name: str = "outlet_info", **im: Any) -> OutletInfo:
    """Return device information from a fixture, with IM fields changed."""
    args = load_fixture(name)
    args["IM"].update(im)
    return OutletInfo.from_args(args)


def deco_info(name: str = "outlet_info", **pm: Any) -> OutletInfo:
    """Return device information from a fixture, with PM fields changed."""
    args = load_fixture(name)
    args["PM"].update(pm)
    return OutletInfo.from_args(args)


def no_deco_info() -> OutletInfo:
    """Return device information of the outlet without an InvisDeco."""
    args = load_fixture("outlet_info")
    del args["PM"]
    return OutletInfo.from_args(args)


def sensor_readings(name: str = "sensors_aura", /, **readings: Any) -> SensorReadings:
    """Return readings from a fixture with keys changed (None leaves one out)."""
    device_type, values = load_fixture(name)
    values.update(readings)
    reported = {key: value for key, value in values.items() if value is not None}
    return SensorReadings.from_args([device_type, reported])


def color_light_state(
    effect: int | None = None,
    *,
    rows: list[Any] | None = None,
    speed: int = 3,
    random_brightness: int | None = None,
) -> ColorLightState:
    """Return the fixture colour light, with its effect, LEDs or speed changed.

    A random_brightness given switches random colours on, at that level.
    """
    light, fixture_effect, fixture_rows, _speed, *rest = load_fixture("color_light")
    if random_brightness is not None:
        rest = [1, random_brightness]
    args = [light, int(effect or fixture_effect), rows or fixture_rows, speed, *rest]
    return ColorLightState.from_args(args)


def configuration(*, mqtt: bool | None = None, **prefs: Any) -> DeviceConfiguration:
    """Return the fixture settings with acc_prefs keys changed (None leaves one out)."""
    args = load_fixture("configuration")
    args["acc_prefs"].update(prefs)
    args["acc_prefs"] = {k: v for k, v in args["acc_prefs"].items() if v is not None}
    if mqtt is not None:
        args["sys_prefs"]["mqtt"]["enabled"] = int(mqtt)
    return DeviceConfiguration.from_args(args)


def accessory_names() -> AccessoryNames:
    """Return the names the owner gave the outlets in the fixture."""
    return AccessoryNames.from_args(load_fixture("accessory_names"))


def firmware_status(**im: Any) -> FirmwareStatus:
    """Return available updates from the fixture, with IM fields changed."""
    args = load_fixture("firmware_status")
    args["IM"].update(im)
    return FirmwareStatus.from_args(args)


# The client's own code that keeps the device: the mock runs it for real, so that
# what the integration is given is merged exactly as the library merges it.
REAL_METHODS = (
    "update",
    "subscribe_device",
    "_read_part",
    "_identified",
    "_merged",
    "_merge",
    "_merge_info",
    "_firmware_changed",
    "_merge_silence",
    "_publish",
)
# Each read, and the part its answer is merged into (as the library's feeds do).
READS = {
    "outlet_info": DevicePart.INFO,
    "outlets": DevicePart.OUTLETS,
    "accessory_names": DevicePart.NAMES,
    "sensors": DevicePart.SENSORS,
    "nightlight": DevicePart.NIGHTLIGHT,
    "color_light": DevicePart.COLOR_LIGHT,
    "configuration": DevicePart.CONFIGURATION,
    "mqtt_connected": DevicePart.MQTT,
}


def keep_device(client: MagicMock, firmware: MagicMock, serial: str | None) -> None:
    """Make an autospecced client keep its device as the library does."""
    client.serial = serial
    client.firmware = firmware
    client._device = None
    client._foreign = None
    client._early = {}
    client._device_listeners = []
    for name in REAL_METHODS:
        setattr(client, name, MethodType(getattr(InvisOutlet, name), client))
    # As the client's constructor does: the installer's news is the device's.
    firmware.subscribe(client._firmware_changed)


def answers(client: MagicMock, name: str) -> None:
    """Make a read answer its return value, merged as the library merges a reply."""
    read = getattr(client, name)

    def answer(*_args: Any, **_kwargs: Any) -> Any:
        client._merge(READS[name], read.return_value)
        return read.return_value

    read.side_effect = answer


def prepare_client(client: MagicMock) -> None:
    """Give an autospecced client the fixture device's answers."""
    client.host = "127.0.0.1"
    client.transport = Transport.TCP
    client.connected = True
    client.outlet_info.return_value = outlet_info()
    client.firmware_status.return_value = firmware_status()
    client.outlets.return_value = OutletStates.from_args(load_fixture("outlets"))
    client.accessory_names.return_value = accessory_names()
    client.sensors.return_value = sensor_readings()
    client.nightlight.return_value = NightlightState.from_args(
        load_fixture("nightlight")
    )
    client.color_light.return_value = color_light_state()
    client.configuration.return_value = DeviceConfiguration.from_args(
        load_fixture("configuration")
    )
    # The fixture outlet has MQTT switched off; when a test switches it on, the
    # broker is not connected unless the test says so.
    client.mqtt_connected.return_value = False
    client.mqtt_discovery.return_value = True
    for name in READS:
        answers(client, name)


def prepare_pro(client: MagicMock) -> None:
    """Give an autospecced client the fixture outlet with an InvisDeco Pro."""
    client.outlet_info.return_value = outlet_info("outlet_info_pro")
    client.sensors.return_value = sensor_readings("sensors_pro")


def prepare_firmware(firmware: MagicMock) -> None:
    """Give an autospecced Firmware the fixture's available updates, no install."""
    firmware.status = None
    firmware.progress = None
    firmware.queued = frozenset()
    firmware.installing = False
    firmware.available.return_value = firmware_status()
    firmware.install.return_value = firmware.available.return_value

    async def check() -> FirmwareStatus | None:
        if not firmware.installing:
            await firmware.available()
        return cast("FirmwareStatus | None", firmware.status)

    def available() -> FirmwareStatus:
        # As the library does: the answer is kept, and its news told.
        firmware.status = firmware.available.return_value
        firmware_changed(firmware)
        return cast("FirmwareStatus", firmware.status)

    firmware.check.side_effect = check
    firmware.available.side_effect = available


def listeners_of(client: MagicMock, model: type[Any]) -> list[Callable[[Any], None]]:
    """Return every listener the integration subscribed to a kind of state."""
    return [
        cast("Callable[[Any], None]", call.args[1])
        for call in client.subscribe.call_args_list
        if call.args[0] is model
    ]


def push(client: MagicMock, model: Any) -> None:
    """Deliver a state as the library does when the device pushes it."""
    for listener in listeners_of(client, type(model)):
        listener(model)
    client._merge(PART_OF_MODEL[type(model)], model)


def deco_silent(client: MagicMock, silent: bool) -> None:
    """Tell the integration the faceplate's readings stopped, or came again."""
    # The library's own timer decides this; the mock merges its verdict as it does.
    client._merge_silence(silent)


def link(client: MagicMock, up: bool) -> None:
    """Tell the integration the link went down or came back."""
    for call in client.subscribe_link.call_args_list:
        call.args[0](up)
    client.connected = up


def firmware_changed(firmware: MagicMock) -> None:
    """Tell the integration the install progress or available updates changed."""
    for call in firmware.subscribe.call_args_list:
        call.args[0]()


class Writes:
    """Count the states written for one entity, whether they changed or not."""

    def __init__(self, hass: HomeAssistant, entity_id: str) -> None:
        """Start counting; a write that changes nothing is reported, not changed."""
        self.count = 0

        @callback
        def record(_event: Event[Any]) -> None:
            self.count += 1

        @callback
        def ours(data: EventStateEventData) -> bool:
            return data["entity_id"] == entity_id

        hass.bus.async_listen(EVENT_STATE_CHANGED, record, event_filter=ours)
        hass.bus.async_listen(EVENT_STATE_REPORTED, record, event_filter=ours)
