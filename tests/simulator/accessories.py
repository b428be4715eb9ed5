"""The whole-device callbacks: settings, names, outlets, sensors, lights, care, MQTT.

``DeviceApi.answer`` turns one request into an ``Answer``: the reply (or none) and what
the device does once the reply is out (a push, a restart, a calibration). Everything
that needs the InvisDeco (11, 14, 15, 17, 18, 24-26, 28) answers ``PUBACK`` 0 while no
InvisDeco is attached, online and booted; the nightlight (14, 15) needs a Pro and the
colour light (17, 18) an Aura. 12, 20 and 21 are the server's and the OTA's.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from typing import TYPE_CHECKING, Any

from .answers import (
    ACCEPTED,
    NO_REPLY,
    REFUSED,
    Answer,
    Callback,
    DeviceHost,
    data,
    pair,
    single,
)
from .jobs import Job, Jobs
from .sensors import (
    ACCURACY_KEYS,
    BEST_ACCURACY,
    OCCUPANCY_CALIBRATION,
    OCCUPANCY_IDLE,
    drift,
    like,
)
from .settings import merged
from .wire import int_within

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from .device import SimulatedDevice

_LOGGER = logging.getLogger(__name__)

_ACCESSORIES = range(1, 4)
_OUTLET_IDS = range(1, 3)
_FLAG = range(2)
_PERCENT = range(101)
_MQTT_ACTIONS = range(3)
_MQTT_CHECK, _MQTT_PUBLISH = 0, 2
_CALIBRATION_SECONDS = range(1, 601)
_MILLI_CELSIUS = range(-40_000, 85_001)
_MILLI_PERCENT = range(100_001)


class DeviceApi:
    """Answer the whole-device callbacks of one simulated outlet."""

    def __init__(self, host: DeviceHost) -> None:
        """Attach to the outlet whose state the callbacks read and change."""
        self._host = host
        self._jobs = Jobs()
        self._drift_step = 0
        self._handlers: dict[int, Callable[[Any], Answer]] = {
            Callback.CONFIGURATION: self._configuration,
            Callback.CONFIGURE: self._configure,
            Callback.NAMES: self._names,
            Callback.SET_NAMES: self._set_names,
            Callback.RESTART: self._restart,
            Callback.NETWORK_RESET: self._ignored,
            Callback.FACTORY_RESET: self._ignored,
            Callback.OUTLETS: self._outlets,
            Callback.SET_OUTLET: self._set_outlet,
            Callback.SENSORS: self._sensors,
            Callback.SET_NIGHTLIGHT: self._set_nightlight,
            Callback.NIGHTLIGHT: self._nightlight,
            Callback.SET_COLOR_LIGHT: self._set_color_light,
            Callback.COLOR_LIGHT: self._color_light,
            Callback.RESTART_DECO: self._restart_deco,
            Callback.RESET_DECO: self._reset_deco,
            Callback.CALIBRATE_OCCUPANCY: self._calibrate_occupancy,
            Callback.MQTT: self._mqtt,
            Callback.CALIBRATE_CLIMATE: self._calibrate_climate,
        }

    @property
    def _device(self) -> SimulatedDevice:
        return self._host.device

    def answer(self, name: int, args: Any) -> Answer | None:
        """Act on one request; None when the callback is not one of these."""
        handler = self._handlers.get(name)
        return None if handler is None else handler(args)

    def start(self) -> None:
        """Start the periodic sensor push if the device asks for one and it is off."""
        if self._device.sensor_push_interval is not None:
            self._jobs.start("sensor push", self._push_periodically)

    async def stop(self) -> None:
        """End every calibration, restart and the periodic push."""
        await self._jobs.cancel()

    async def press_outlet(self, outlet: int) -> None:
        """Toggle an outlet with its own button and push 9, as another controller."""
        if outlet not in _OUTLET_IDS:
            raise ValueError(f"No outlet {outlet}")
        self._device.outlets[outlet - 1] = not self._device.outlets[outlet - 1]
        await self._host.push(Callback.OUTLETS, self._device.outlet_args())

    async def set_readings(self, **changes: Any) -> None:
        """Change readings and push 11 at once (only while the InvisDeco is there)."""
        self._device.readings.update(changes)
        await self.push_sensors()

    async def push_sensors(self) -> None:
        """Push the readings, as the InvisDeco does while it is online."""
        if self._device.deco_reachable:
            await self._host.push(Callback.SENSORS, self._device.sensor_args())

    async def _push_periodically(self) -> None:
        while (interval := self._device.sensor_push_interval) is not None:
            await asyncio.sleep(interval)
            if self._device.deco_reachable and not self._host.silent:
                drift(self._device.readings, self._drift_step)
                self._drift_step += 1
                await self.push_sensors()

    # Settings, names, restarts -------------------------------------------------

    def _configuration(self, _args: Any) -> Answer:
        settings = copy.deepcopy(self._device.configuration)
        if self._device.config_placement == "payload":
            # Where [APP] reads it: straight under payload, beside callbackName.
            return Answer(payload={"callbackName": Callback.CONFIGURATION, **settings})
        return Answer(payload=data(Callback.CONFIGURATION, settings))

    def _configure(self, args: Any) -> Answer:
        # [APP] and [LIB] wrap the object in a one-element array; a bare one is taken.
        changes = args[0] if isinstance(args, list) and len(args) == 1 else args
        settings = merged(self._device.configuration, changes)
        if settings is None:
            return REFUSED
        self._device.configuration = settings
        return ACCEPTED

    def _names(self, _args: Any) -> Answer:
        names = self._device.name_list()
        shape = self._device.names_shape
        if shape == "wrapped":
            return Answer(payload=data(Callback.NAMES, {"payload": names}))
        if shape == "payload":
            return Answer(payload=names)
        return Answer(payload=data(Callback.NAMES, names))

    def _set_names(self, args: Any) -> Answer:
        if not isinstance(args, list) or not args:
            return REFUSED
        names: dict[int, str] = {}
        for entry in args:
            if not isinstance(entry, dict):
                return REFUSED
            accessory = int_within(entry.get("accessory"), _ACCESSORIES)
            name = entry.get("name")
            if accessory is None or not isinstance(name, str):
                return REFUSED
            names[accessory] = name
        self._device.names.update(names)
        return ACCEPTED

    def _restart(self, _args: Any) -> Answer:
        # The reboot drops this very connection, so it must not run inside its handler.
        return Answer(reply=False, then=self._reboot_soon)

    async def _reboot_soon(self) -> None:
        self._jobs.start("restart", self._host.reboot)

    def _ignored(self, _args: Any) -> Answer:
        _LOGGER.warning("Network or factory reset requested: ignored by the simulator")
        return NO_REPLY

    # Outlets and sensors --------------------------------------------------------

    def _outlets(self, _args: Any) -> Answer:
        return Answer(payload=data(Callback.OUTLETS, self._device.outlet_args()))

    def _set_outlet(self, args: Any) -> Answer:
        outlet, state = pair(args, _OUTLET_IDS, _FLAG)
        if outlet is None or state is None:
            return REFUSED
        outlets = self._device.outlets
        changed = outlets[outlet - 1] != bool(state)
        outlets[outlet - 1] = bool(state)
        return Answer(then=self._push_outlets if changed else None)

    async def _push_outlets(self) -> None:
        await self._host.push(Callback.OUTLETS, self._device.outlet_args())

    def _sensors(self, _args: Any) -> Answer:
        if not self._device.deco_reachable:
            return REFUSED
        return Answer(payload=data(Callback.SENSORS, self._device.sensor_args()))

    # Lights ---------------------------------------------------------------------

    def _set_nightlight(self, args: Any) -> Answer:
        on, brightness = pair(args, _FLAG, _PERCENT)
        if not self._has_nightlight or on is None or brightness is None:
            return REFUSED
        device = self._device
        changed = (device.nightlight_on, device.nightlight_brightness) != (
            bool(on),
            brightness,
        )
        device.nightlight_on, device.nightlight_brightness = bool(on), brightness
        return Answer(then=self._push_nightlight if changed else None)

    async def _push_nightlight(self) -> None:
        await self._host.push(Callback.NIGHTLIGHT, self._device.nightlight_args())

    def _nightlight(self, _args: Any) -> Answer:
        if not self._has_nightlight:
            return REFUSED
        return Answer(payload=data(Callback.NIGHTLIGHT, self._device.nightlight_args()))

    def _set_color_light(self, args: Any) -> Answer:
        if not self._has_color_light or not self._device.color_light.apply(args):
            return REFUSED
        # The effect restarts on every command, so the full state is pushed every time.
        return Answer(then=self._push_color_light)

    async def _push_color_light(self) -> None:
        await self._host.push(Callback.COLOR_LIGHT, self._device.color_light.args())

    def _color_light(self, args: Any) -> Answer:
        if not self._has_color_light or args != [5]:
            return REFUSED
        return Answer(
            payload=data(Callback.COLOR_LIGHT, self._device.color_light.args())
        )

    @property
    def _has_nightlight(self) -> bool:
        return self._device.deco_reachable and self._device.is_pro

    @property
    def _has_color_light(self) -> bool:
        return self._device.deco_reachable and not self._device.is_pro

    # InvisDeco care -------------------------------------------------------------

    def _restart_deco(self, _args: Any) -> Answer:
        if not self._device.deco_reachable:
            return REFUSED
        self._device.deco_online = False
        return Answer(then=self._start(self._deco_back_later))

    async def _deco_back_later(self) -> None:
        await asyncio.sleep(self._device.deco_restart_duration)
        self._device.deco_online = True
        await self._host.push(Callback.DEVICE_INFO, self._device.device_info())

    def _reset_deco(self, _args: Any) -> Answer:
        if not self._device.deco_reachable:
            return REFUSED
        return Answer(then=self._start(self._recalibrate_air_quality))

    async def _recalibrate_air_quality(self) -> None:
        readings = self._device.readings
        # An Aura has no air-quality sensor: nothing to clear, nothing to push.
        keys = [key for key in ACCURACY_KEYS if key in readings]
        if not keys:
            return
        for accuracy in range(BEST_ACCURACY + 1):
            if accuracy:
                await asyncio.sleep(self._device.calibration_step)
            readings.update(dict.fromkeys(keys, accuracy))
            await self.push_sensors()

    def _calibrate_occupancy(self, args: Any) -> Answer:
        seconds = single(args, _CALIBRATION_SECONDS)
        if not self._device.deco_reachable or seconds is None:
            return REFUSED
        return Answer(then=self._start(self._calibrate_radar))

    async def _calibrate_radar(self) -> None:
        # 4 waits for the room to empty, 5 measures, 6 stores: one step each, scaled.
        for state in OCCUPANCY_CALIBRATION:
            self._device.readings["occupancy_state"] = state
            await self.push_sensors()
            await asyncio.sleep(self._device.calibration_step)
        self._device.readings["occupancy_state"] = OCCUPANCY_IDLE
        await self.push_sensors()

    def _calibrate_climate(self, args: Any) -> Answer:
        celsius, percent = pair(args, _MILLI_CELSIUS, _MILLI_PERCENT)
        if not self._device.deco_reachable or celsius is None or percent is None:
            return REFUSED
        readings = self._device.readings
        # The reference becomes the reading: the offset is whatever makes it so.
        for key, milli in (("temp_celsius", celsius), ("humidity", percent)):
            readings[key] = like(readings.get(key, 0.0), milli / 1000)
        return Answer(then=self.push_sensors)

    def _start(self, job: Job) -> Callable[[], Awaitable[None]]:
        """Return a follow-up that (re)starts job in the background."""

        async def start() -> None:
            self._jobs.start(job.__name__, job, restart=True)

        return start

    # MQTT -----------------------------------------------------------------------

    def _mqtt(self, args: Any) -> Answer:
        action = single(args, _MQTT_ACTIONS)
        device = self._device
        if action is None or not device.mqtt_linked:
            return REFUSED
        if action != _MQTT_CHECK:
            device.mqtt_discovery_published = action == _MQTT_PUBLISH
        return ACCEPTED
