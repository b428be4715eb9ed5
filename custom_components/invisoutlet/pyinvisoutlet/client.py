"""The InvisOutlet client: reads and commands as methods, pushes as models."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
import logging
from typing import Any, Self

from .accessories import ColorLightState, NightlightState, SensorReadings
from .configuration import DeviceConfiguration, Setting, configure_args
from .const import (
    CallbackName,
    ColorEffect,
    DecoUpdateMethod,
    MqttAction,
    Outlet,
    UpdateTarget,
)
from .design import Design, LedColor, design_args, design_rows
from .envelope import Message
from .exceptions import InvisOutletCommandError, InvisOutletConnectionError
from .link import Link, discard
from .models import AccessoryNames, FirmwareStatus, OutletInfo, OutletStates

LOGGER = logging.getLogger(__package__)

# The colour light's selector: 5 is the nightlight ring (protocol.md §6.13).
COLOR_LIGHT = 5
# How long a command waits for the device's own report before reading it.
CONFIRM_TIMEOUT = 1.0
# Recommended duration of an occupancy calibration (protocol.md §6.16).
OCCUPANCY_CALIBRATION_SECONDS = 30

type Model = (
    OutletInfo | OutletStates | SensorReadings | NightlightState | (ColorLightState)
)

_PARSERS: dict[type[Any], tuple[CallbackName, Callable[[Message], Any]]] = {
    OutletInfo: (
        CallbackName.OUTLET_INFO,
        lambda message: OutletInfo.from_args(message.args, message.serial),
    ),
    OutletStates: (
        CallbackName.OUTLETS,
        lambda message: OutletStates.from_args(message.args),
    ),
    SensorReadings: (
        CallbackName.SENSORS,
        lambda message: SensorReadings.from_args(message.args),
    ),
    NightlightState: (
        CallbackName.NIGHTLIGHT,
        lambda message: NightlightState.from_args(message.args),
    ),
    ColorLightState: (
        CallbackName.COLOR_LIGHT,
        lambda message: ColorLightState.from_args(message.args),
    ),
}


@dataclass
class _Feed[T]:
    """One pushed model: its listeners and the arguments last seen."""

    parse: Callable[[Message], T]
    listeners: list[Callable[[T], None]] = field(default_factory=list)
    last_args: Any = None
    waiters: list[asyncio.Future[T]] = field(default_factory=list)

    def take(self, message: Message) -> None:
        """Deliver a model to waiters, and to listeners when it is news."""
        if not self.listeners and not self.waiters:
            return  # nobody follows this kind of state: not even worth parsing
        args = message.args
        if args == self.last_args and self.last_args is not None:
            self._resolve_waiters(message)
            return
        model = self.parse(message)
        self.last_args = args
        for waiter in self.waiters:
            if not waiter.done():
                waiter.set_result(model)
        self.waiters.clear()
        for listener in tuple(self.listeners):
            try:
                listener(model)
            except Exception:
                # One failing subscriber must not starve the others of this state.
                LOGGER.exception("Subscriber of %s failed", type(model).__name__)

    def _resolve_waiters(self, message: Message) -> None:
        """Give waiters the model even when it is no news."""
        if self.waiters:
            model = self.parse(message)
            for waiter in self.waiters:
                if not waiter.done():
                    waiter.set_result(model)
            self.waiters.clear()


@dataclass(kw_only=True)
class InvisOutlet(Link):
    """An InvisOutlet and its InvisDeco, over one persistent link."""

    _feeds: dict[type[Any], _Feed[Any]] = field(
        default_factory=dict, init=False, repr=False
    )

    def __post_init__(self) -> None:
        """Route each pushed model through its feed."""
        for model, (callback_name, parse) in _PARSERS.items():
            feed = _Feed[Any](parse)
            self._feeds[model] = feed
            self.listen(callback_name, feed.take)
        self.subscribe_link(self._link_changed)

    async def __aenter__(self) -> Self:
        """Connect on entering the context."""
        await self.connect()
        return self

    async def __aexit__(self, *_exc_info: object) -> None:
        """Close on leaving the context."""
        await self.close()

    def subscribe[T: Model](
        self, model: type[T], listener: Callable[[T], None]
    ) -> Callable[[], None]:
        """Call listener with every new state of this kind, read or pushed."""
        listeners = self._feeds[model].listeners
        listeners.append(listener)
        return partial(discard, listeners, listener)

    # Reads ---------------------------------------------------------------------------

    async def outlet_info(self) -> OutletInfo:
        """Read what the outlet says about itself and its InvisDeco."""
        return await self._read(OutletInfo)

    async def outlets(self) -> OutletStates:
        """Read whether each outlet is on."""
        return await self._read(OutletStates)

    async def sensors(self) -> SensorReadings:
        """Read what the InvisDeco measures."""
        return await self._read(SensorReadings)

    async def nightlight(self) -> NightlightState:
        """Read the InvisDeco Pro's nightlight."""
        return await self._read(NightlightState)

    async def color_light(self) -> ColorLightState:
        """Read the InvisDeco Aura's colour light."""
        return await self._read(ColorLightState, [COLOR_LIGHT])

    async def firmware_status(self) -> FirmwareStatus:
        """Read installed and available firmware (the device asks the vendor cloud)."""
        message = await self.request(CallbackName.FIRMWARE_STATUS)
        return FirmwareStatus.from_args(message.args)

    async def configuration(self) -> DeviceConfiguration:
        """Read the device's settings."""
        message = await self.request(CallbackName.CONFIGURATION)
        return DeviceConfiguration.from_args(message.args)

    async def accessory_names(self) -> AccessoryNames:
        """Read the names the owner gave the outlets and the nightlight."""
        message = await self.request(CallbackName.ACCESSORY_NAMES)
        return AccessoryNames.from_args(message.args)

    async def mqtt_connected(self) -> bool:
        """Return whether the outlet is connected to its MQTT broker."""
        return await self.mqtt_discovery(action=MqttAction.CHECK)

    # Commands ------------------------------------------------------------------------

    async def set_outlet(self, *, outlet: Outlet, on: bool) -> OutletStates:
        """Switch one outlet; return the states the device then reports."""
        return await self._command(
            OutletStates, CallbackName.SET_OUTLET, [int(outlet), int(on)]
        )

    async def set_nightlight(self, *, on: bool, brightness: int) -> NightlightState:
        """Set the InvisDeco Pro's nightlight (brightness 0-100)."""
        return await self._command(
            NightlightState,
            CallbackName.SET_NIGHTLIGHT,
            [int(on), min(max(brightness, 0), 100)],
        )

    async def set_color_light(
        self,
        *,
        on: bool,
        brightness: int,
        effect: ColorEffect = ColorEffect.STATIC_HSV,
        hue: int = 0,
        saturation: int = 0,
        kelvin: int = 4000,
        speed: int | None = None,
    ) -> ColorLightState:
        """Set the InvisDeco Aura's colour light to one colour on every LED.

        Nine entries, temperature and HSV alike: a single temperature entry would
        reach LED 1 only (protocol.md §6.13). Colour cycle and starry night get the
        default second colour (design.Design.start). Raises InvalidDesignError for a
        hue, saturation or kelvin the Aura does not accept.
        """
        level = min(max(brightness, 0), 100)
        colour = (
            LedColor(on=on, brightness=level, kelvin=kelvin)
            if effect is ColorEffect.STATIC_TEMPERATURE
            else LedColor(on=on, brightness=level, hs=(hue, saturation))
        )
        design = Design.start(effect, [colour])
        args: list[Any] = [COLOR_LIGHT, int(effect), design_rows(design)]
        # Without a speed, speed and random colours stay as the device has them.
        if speed is not None:
            args += [min(max(speed, 0), 7), 0, level]
        return await self._command(ColorLightState, CallbackName.SET_COLOR_LIGHT, args)

    async def set_design(self, design: Design) -> ColorLightState:
        """Set a whole colour-light design; every LED gets its colour (design.py)."""
        return await self._command(
            ColorLightState, CallbackName.SET_COLOR_LIGHT, design_args(design)
        )

    async def configure(self, *, changes: Mapping[Setting, int | bool]) -> None:
        """Change only these settings."""
        await self.request(CallbackName.CONFIGURE, configure_args(changes))

    async def restart(self) -> None:
        """Restart the outlet; it answers nothing and the link returns by itself."""
        await self.send_only(CallbackName.RESTART, restarts=True)

    async def restart_deco(self) -> None:
        """Restart the InvisDeco."""
        await self.request(CallbackName.RESTART_DECO)

    async def reset_deco(self) -> None:
        """Clear the InvisDeco's air-quality calibration."""
        await self.request(CallbackName.RESET_DECO)

    async def calibrate_occupancy(
        self, *, seconds: int = OCCUPANCY_CALIBRATION_SECONDS
    ) -> None:
        """Measure the empty room for the radar; it starts 10 s after this."""
        await self.request(CallbackName.CALIBRATE_OCCUPANCY, [seconds])

    async def calibrate_climate(self, *, temperature: float, humidity: float) -> None:
        """Tell the InvisDeco the temperature (°C) and humidity (%) measured by it."""
        args = [round(temperature * 1000), round(humidity * 1000)]
        await self.request(CallbackName.CALIBRATE_CLIMATE, args)

    async def mqtt_discovery(self, *, action: MqttAction) -> bool:
        """Check MQTT, or clear or publish its discovery; return the verdict."""
        try:
            await self.request(CallbackName.MQTT, [int(action)])
        except InvisOutletCommandError:
            return False
        return True

    async def start_firmware_update(
        self,
        target: UpdateTarget,
        method: DecoUpdateMethod = DecoUpdateMethod.WIFI,
        *,
        timeout: float | None = None,
    ) -> bool | None:
        """Ask for an install; return its immediate answer, None when none came."""
        if not self.connected:
            msg = f"not connected to {self.host}"
            raise InvisOutletConnectionError(msg)
        # The vendor sends method 0 with the outlet target (protocol.md §4.3).
        args = [int(target), int(method) if target is UpdateTarget.DECO else 0]
        try:
            await self.request(CallbackName.START_UPDATE, args, timeout=timeout)
        except InvisOutletCommandError:
            return False
        except InvisOutletConnectionError:
            # Expected on revB: the outlet restarts before it answers.
            return None
        return True

    # Internals -----------------------------------------------------------------------

    async def _read[T: Model](self, model: type[T], args: list[Any] | None = None) -> T:
        """Read one state; its feed tells the subscribers when it is news."""
        callback_name, parse = _PARSERS[model]
        waiter = self._wait_for(model)
        try:
            message = await self.request(callback_name, args)
            # The reply went through the feed as it arrived; parsing it again here
            # only happens when the feed could not, and raises why.
            return waiter.result() if waiter.done() else parse(message)
        finally:
            waiter.cancel()

    async def _command[T: Model](
        self, model: type[T], callback_name: CallbackName, args: list[Any]
    ) -> T:
        """Send a command, then take the state from the device: its push, or a read."""
        waiter = self._wait_for(model)
        try:
            await self.request(callback_name, args)
            try:
                async with asyncio.timeout(CONFIRM_TIMEOUT):
                    return await waiter
            except TimeoutError:
                return await self._read(model, _READ_ARGS.get(model))
        finally:
            waiter.cancel()

    def _wait_for[T](self, model: type[T]) -> asyncio.Future[T]:
        """Return a future for the next state of this kind, read or pushed."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._feeds[model].waiters.append(future)
        return future

    def _link_changed(self, up: bool) -> None:
        """Start each link session knowing nothing: the outlet may have restarted."""
        if up:
            for feed in self._feeds.values():
                feed.last_args = None


_READ_ARGS: dict[type[Any], list[Any]] = {ColorLightState: [COLOR_LIGHT]}
