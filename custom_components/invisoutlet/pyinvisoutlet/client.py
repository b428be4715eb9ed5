"""The InvisOutlet client: reads and commands as methods, pushes as models."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
import logging
from typing import TYPE_CHECKING, Any, Self, cast

from .accessories import ColorLightState, NightlightState, SensorReadings
from .configuration import AnySetting, DeviceConfiguration, configure_args
from .const import (
    Accessory,
    CallbackName,
    ColorEffect,
    DecoUpdateMethod,
    MqttAction,
    Outlet,
    UpdateTarget,
)
from .design import Design, LedColor, design_args, design_rows
from .device import PART_OF_MODEL, READ_PARTS, Device, DevicePart
from .envelope import Message
from .exceptions import (
    InvisOutletCommandError,
    InvisOutletConnectionError,
    InvisOutletError,
    InvisOutletTimeoutError,
    InvisOutletWrongDeviceError,
)
from .firmware import Firmware
from .link import Backoff, Link, LinkListener, discard
from .liveness import DECO_SILENCE_LIMIT, Silence
from .models import AccessoryNames, FirmwareStatus, OutletInfo, OutletStates
from .names import names_args
from .ota import OtaTimeouts
from .transport import Transport

if TYPE_CHECKING:
    import aiohttp

LOGGER = logging.getLogger(__package__)

# The colour light's selector: 5 is the nightlight ring (protocol.md §6.13).
COLOR_LIGHT = 5
# How long a command waits for the device's own report before reading it.
CONFIRM_TIMEOUT = 1.0
# Recommended duration of an occupancy calibration (protocol.md §6.16).
OCCUPANCY_CALIBRATION_SECONDS = 30

type Model = (
    OutletInfo | OutletStates | SensorReadings | NightlightState | ColorLightState
)
type DeviceListener = Callable[[Device, frozenset[DevicePart]], None]

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


@dataclass(slots=True)
class _Feed[T]:
    """One kind of state: its subscribers, the arguments last taken and their model."""

    parse: Callable[[Message], T]
    listeners: list[Callable[[T], None]] = field(default_factory=list)
    # The arguments of the last message taken, and the model they (or equal ones)
    # gave; None: the next message is news whatever it holds (a new link session).
    last_args: Any = None
    last_model: T | None = None
    waiters: list[asyncio.Future[T]] = field(default_factory=list)

    def take(self, message: Message) -> T | None:
        """Give waiters a message's model; return the model when it is news."""
        args = message.args
        if args == self.last_args and self.last_args is not None:
            # No news: equal arguments give an equal model (one link session is one
            # outlet, whose serial cannot change). Kept as these arguments, so that
            # a read of this very message finds its model (model_of).
            self.last_args = args
            self._resolve_waiters()
            return None
        model = self.parse(message)
        self.last_args, self.last_model = args, model
        self._resolve_waiters()
        return model

    def tell(self, model: T) -> None:
        """Give news to every subscriber."""
        for listener in tuple(self.listeners):
            try:
                listener(model)
            except Exception:
                # One failing subscriber must not starve the others of this state.
                LOGGER.exception("Subscriber of %s failed", type(model).__name__)

    def model_of(self, message: Message) -> T:
        """Return the model of a message this feed took, else parse it (raising why)."""
        if message.args is self.last_args and self.last_args is not None:
            return cast("T", self.last_model)
        return self.parse(message)

    def _resolve_waiters(self) -> None:
        """Give waiters the last model, news or not."""
        if self.waiters:
            model = self.last_model
            for waiter in self.waiters:
                if not waiter.done():
                    waiter.set_result(cast("T", model))
            self.waiters.clear()


class InvisOutlet:
    """An InvisOutlet and its InvisDeco, over one persistent link it holds."""

    def __init__(
        self,
        *,
        host: str,
        transport: Transport = Transport.TCP,
        port: int | None = None,
        session: aiohttp.ClientSession | None = None,
        request_timeout: float = 10.0,
        connect_timeout: float = 10.0,
        backoff: Backoff | None = None,
        serial: str | None = None,
        ota_timeouts: OtaTimeouts | None = None,
        deco_silence_limit: float = DECO_SILENCE_LIMIT,
    ) -> None:
        """Describe the outlet; a serial given is the only outlet taken as this one.

        An online InvisDeco whose readings stop for ``deco_silence_limit`` seconds is
        reported silent (``Device.deco_silent``) until its next reading.
        """
        self._link = Link(
            host=host,
            transport=transport,
            port=port,
            session=session,
            request_timeout=request_timeout,
            connect_timeout=connect_timeout,
            backoff=backoff or _DEFAULT_BACKOFF,
        )
        self.serial = serial
        # The serial of another outlet answering at the address, before any device.
        self._foreign: str | None = None
        self._device: Device | None = None
        # States that came before the first information, in arrival order.
        self._early: dict[DevicePart, Any] = {}
        self._device_listeners: list[DeviceListener] = []
        # One feed per kind of state, made when its first message or subscriber comes.
        self._feeds: dict[type[Any], _Feed[Any]] = {}
        self._link.receiver = self._take
        self._link.subscribe_link(self._link_changed)
        self._silence = Silence(deco_silence_limit, self._merge_silence)
        # Installs on this outlet: one entry point, its state part of the device's.
        self.firmware = Firmware(self, timeouts=ota_timeouts)
        self.firmware.subscribe(self._firmware_changed)

    def __repr__(self) -> str:
        """Return which outlet this is, and how it is reached."""
        return f"InvisOutlet(host={self.host!r}, transport={self.transport!r})"

    async def __aenter__(self) -> Self:
        """Connect on entering the context."""
        await self.connect()
        return self

    async def __aexit__(self, *_exc_info: object) -> None:
        """Close on leaving the context."""
        await self.close()

    # The link ------------------------------------------------------------------------

    @property
    def host(self) -> str:
        """Return the address in use (zeroconf may move it)."""
        return self._link.host

    @property
    def transport(self) -> Transport:
        """Return the transport of the link."""
        return self._link.transport

    @property
    def port(self) -> int | None:
        """Return the configured port, None for the transport's default."""
        return self._link.port

    @property
    def effective_port(self) -> int:
        """Return the port in use: the configured one or the transport's default."""
        return self._link.effective_port

    @property
    def connected(self) -> bool:
        """Return whether the link is up."""
        return self._link.connected

    async def connect(self) -> None:
        """Open the link; from then on keep it open until close()."""
        await self._link.connect()

    async def close(self) -> None:
        """Stop following installs and close the link; nothing keeps running."""
        await self.firmware.close()
        await self._link.close()
        # Last: closing the installer may still tell news, the link is down now.
        self._silence.close()

    def subscribe_link(self, listener: LinkListener) -> Callable[[], None]:
        """Call listener with True when the link comes up and False when it drops."""
        return self._link.subscribe_link(listener)

    def reconnect_now(self, host: str | None = None) -> None:
        """Cut a reconnect wait short, optionally at a new address."""
        self._link.reconnect_now(host)

    # The device ----------------------------------------------------------------------

    @property
    def device(self) -> Device | None:
        """Return everything known of the device; None before its information."""
        return self._device

    def subscribe_device(self, listener: DeviceListener) -> Callable[[], None]:
        """Call listener with the device and the parts that changed, on every change."""
        self._device_listeners.append(listener)
        return partial(discard, self._device_listeners, listener)

    async def update(self) -> Device:
        """Read everything the device has and return it; a refused read keeps the last.

        Raises InvisOutletWrongDeviceError when another outlet answers at the address.
        """
        if self._device is None or not self.firmware.installing:
            # During an install the installer reads the information itself after
            # each restart; reading it here too would double what an install asks.
            await self.outlet_info()
        for part in READ_PARTS:
            device = self._identified()
            if device.wants(part):
                await self._read_part(part)
        return self._identified()

    def subscribe[T: Model](
        self, model: type[T], listener: Callable[[T], None]
    ) -> Callable[[], None]:
        """Call listener with every new state of this kind, read or pushed."""
        listeners = self._feed(model).listeners
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
        message = await self._link.request(CallbackName.FIRMWARE_STATUS)
        return FirmwareStatus.from_args(message.args)

    async def configuration(self) -> DeviceConfiguration:
        """Read the device's settings."""
        message = await self._link.request(CallbackName.CONFIGURATION)
        return self._merged(DeviceConfiguration.from_args(message.args))

    async def accessory_names(self) -> AccessoryNames:
        """Read the names the owner gave the outlets and the nightlight."""
        message = await self._link.request(CallbackName.ACCESSORY_NAMES)
        return self._merged(AccessoryNames.from_args(message.args))

    async def mqtt_connected(self) -> bool:
        """Return whether the outlet is connected to its MQTT broker."""
        connected = await self.mqtt_discovery(action=MqttAction.CHECK)
        self._merge(DevicePart.MQTT, connected)
        return connected

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

    async def configure(self, *, changes: Mapping[AnySetting, int | bool]) -> None:
        """Change these settings; away mode's go with the rest of away mode as read."""
        device = self._device
        current = device.configuration if device is not None else None
        await self._link.request(
            CallbackName.CONFIGURE, configure_args(changes, current)
        )

    async def set_accessory_name(self, *, accessory: Accessory, name: str) -> None:
        """Name an outlet or the nightlight on the device; the other names go along.

        Raises InvalidNameError, before sending anything, for a name that is empty,
        too long or holds control characters.
        """
        device = self._device
        known = device.names if device is not None else None
        await self._link.request(
            CallbackName.SET_ACCESSORY_NAMES, names_args(known, accessory, name)
        )

    async def restart(self) -> None:
        """Restart the outlet; it answers nothing and the link returns by itself."""
        await self._link.send_only(CallbackName.RESTART, restarts=True)

    async def restart_deco(self) -> None:
        """Restart the InvisDeco."""
        await self._link.request(CallbackName.RESTART_DECO)

    async def reset_deco(self) -> None:
        """Clear the InvisDeco's air-quality calibration."""
        await self._link.request(CallbackName.RESET_DECO)

    async def calibrate_occupancy(
        self, *, seconds: int = OCCUPANCY_CALIBRATION_SECONDS
    ) -> None:
        """Measure the empty room for the radar; it starts 10 s after this."""
        await self._link.request(CallbackName.CALIBRATE_OCCUPANCY, [seconds])

    async def calibrate_climate(self, *, temperature: float, humidity: float) -> None:
        """Tell the InvisDeco the temperature (°C) and humidity (%) measured by it."""
        args = [round(temperature * 1000), round(humidity * 1000)]
        await self._link.request(CallbackName.CALIBRATE_CLIMATE, args)

    async def mqtt_discovery(self, *, action: MqttAction) -> bool:
        """Check MQTT, or clear or publish its discovery; return the verdict."""
        try:
            await self._link.request(CallbackName.MQTT, [int(action)])
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
        if not self._link.connected:
            msg = f"not connected to {self.host}"
            raise InvisOutletConnectionError(msg)
        # The vendor sends method 0 with the outlet target (protocol.md §4.3).
        args = [int(target), int(method) if target is UpdateTarget.DECO else 0]
        try:
            await self._link.request(CallbackName.START_UPDATE, args, timeout=timeout)
        except InvisOutletCommandError:
            return False
        except InvisOutletConnectionError:
            # Expected on revB: the outlet restarts before it answers.
            return None
        return True

    # Internals -----------------------------------------------------------------------

    async def _read[T: Model](self, model: type[T], args: list[Any] | None = None) -> T:
        """Read one state; its feed tells the subscribers when it is news."""
        message = await self._link.request(_PARSERS[model][0], args)
        # The reply went through the feed as it arrived: its model is there, unless
        # the feed could not parse it; then parsing it again raises why.
        feed: _Feed[T] = self._feed(model)
        return feed.model_of(message)

    async def _command[T: Model](
        self, model: type[T], callback_name: CallbackName, args: list[Any]
    ) -> T:
        """Send a command, then take the state from the device: its push, or a read."""
        waiter = self._wait_for(model)
        try:
            await self._link.request(callback_name, args)
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
        self._feed(model).waiters.append(future)
        return future

    def _feed(self, model: type[Any]) -> _Feed[Any]:
        """Return the feed of a kind of state, made the first time it is needed."""
        if (feed := self._feeds.get(model)) is None:
            feed = self._feeds[model] = _Feed(_PARSERS[model][1])
        return feed

    def _take(self, message: Message, replied: bool) -> None:
        """Take a message: merge the state it holds when it is news, then tell it.

        Only pushes of readings are signs of the faceplate's life, news or not.
        """
        try:
            if (model := _MODEL_OF_CALLBACK.get(message.callback_name)) is None:
                return
            feed = self._feed(model)
            if (state := feed.take(message)) is not None:
                try:
                    self._merge(PART_OF_MODEL[model], state)
                except Exception:
                    LOGGER.exception("Merging %s failed", model.__name__)
                feed.tell(state)
        finally:
            if not replied and message.callback_name == CallbackName.SENSORS:
                self._silence.heard()

    def _link_changed(self, up: bool) -> None:
        """Start each link session knowing nothing: the outlet may have restarted."""
        if up:
            self._forget_seen()
        self._watch_deco()

    def _forget_seen(self) -> None:
        """Take the next state of every kind as news, whatever came before."""
        for feed in self._feeds.values():
            feed.last_args = None

    async def _read_part(self, part: DevicePart) -> None:
        """Read one part; a refusal or a garbled answer keeps what was known."""
        try:
            await getattr(self, _READERS[part])()
        except InvisOutletTimeoutError:
            if not self.connected:
                raise
            # One part unanswered on a live link: keep what was known of it.
            LOGGER.debug("Reading %s from %s timed out", part, self.host)
        except InvisOutletConnectionError:
            raise
        except InvisOutletError as err:
            # The error names the part, never its content (settings hold credentials).
            LOGGER.debug("Reading %s from %s failed: %s", part, self.host, type(err))

    def _identified(self) -> Device:
        """Return the device, or raise when another outlet answers at the address."""
        device = self._device
        if device is None or device.foreign_serial is not None:
            found = device.foreign_serial if device else self._foreign
            raise InvisOutletWrongDeviceError(self.host, self.serial, found)
        return device

    def _merged[T](self, model: T) -> T:
        """Merge a model that was read (never pushed) and return it."""
        self._merge(PART_OF_MODEL[type(model)], model)
        return model

    def _merge(self, part: DevicePart, value: Any) -> None:
        """Merge a part's new value, in arrival order; tell subscribers what changed."""
        if part is DevicePart.INFO:
            self._merge_info(value)
            return
        device = self._device
        if device is None:
            # Before the first information: kept until it says whose it is.
            self._early[part] = value
            return
        if device.foreign_serial is not None:
            # Nothing another outlet says is this one's; not seen either, so that
            # the same state from this outlet is merged when it comes.
            self._forget_seen()
            return
        self._publish(*device.merged(part, value))

    def _merge_info(self, info: OutletInfo) -> None:
        """Take device information, or note that another outlet answers."""
        device = self._device
        if self.serial is not None and info.serial != self.serial:
            self._foreign = info.serial
            self._early.clear()
            self._forget_seen()
            if device is not None and device.foreign_serial != info.serial:
                changed = frozenset({DevicePart.IDENTITY})
                self._publish(replace(device, foreign_serial=info.serial), changed)
            return
        self._foreign = None
        if device is None:
            self.serial = self.serial or info.serial
            firmware = self.firmware
            new = Device(
                info=info,
                firmware=firmware.status,
                progress=firmware.progress,
                queued=firmware.queued,
            )
            for part, value in self._early.items():
                new, _ = new.merged(part, value)
            self._early.clear()
            self._publish(new, _ALL_PARTS)
            return
        if device.foreign_serial is not None:
            device = replace(device, foreign_serial=None)
            new, changed = device.merged(DevicePart.INFO, info)
            self._publish(new, changed | {DevicePart.IDENTITY})
            return
        self._publish(*device.merged(DevicePart.INFO, info))

    def _firmware_changed(self) -> None:
        """Merge the available updates and the install's progress."""
        if (device := self._device) is None:
            return
        firmware = self.firmware
        status, progress, queued = firmware.status, firmware.progress, firmware.queued
        changed = {
            part
            for part, old, new in (
                (DevicePart.FIRMWARE, device.firmware, status),
                (
                    DevicePart.PROGRESS,
                    (device.progress, device.queued),
                    (progress, queued),
                ),
            )
            if old != new
        }
        if changed:
            new_device = replace(
                device, firmware=status, progress=progress, queued=queued
            )
            self._publish(new_device, frozenset(changed))

    def _publish(self, device: Device, changed: frozenset[DevicePart]) -> None:
        """Keep the new device and tell every subscriber, when anything changed."""
        if not changed:
            return
        self._device = device
        for listener in tuple(self._device_listeners):
            try:
                listener(device, changed)
            except Exception:
                # One failing subscriber must not starve the others of the news.
                LOGGER.exception("Device subscriber of %s failed", self.host)
        # After every subscriber: news of silence it causes comes after this news.
        # Only these parts (and the link) decide whether to watch: not every reading.
        if not changed.isdisjoint(_WATCH_PARTS):
            self._watch_deco()

    def _watch_deco(self) -> None:
        """Listen for the faceplate's readings while it is online, linked, not updating.

        An install restarts the faceplate: its silence then is the install's business.
        """
        device = self._device
        self._silence.watch(
            self.connected
            and device is not None
            and device.foreign_serial is None
            and device.info.deco_present
            and device.progress is None
        )

    def _merge_silence(self, silent: bool) -> None:
        """Merge whether the faceplate went silent or speaks again."""
        device = self._device
        if device is not None and device.deco_silent != silent:
            new = replace(device, deco_silent=silent)
            self._publish(new, frozenset({DevicePart.DECO}))


# The state each callback carries, for those the client follows.
_MODEL_OF_CALLBACK: dict[int | None, type[Any]] = {
    callback: model for model, (callback, _) in _PARSERS.items()
}
_READ_ARGS: dict[type[Any], list[Any]] = {ColorLightState: [COLOR_LIGHT]}
# The defaults are immutable: one serves every client.
_DEFAULT_BACKOFF = Backoff()
# What the first device information brings: everything.
_ALL_PARTS = frozenset(DevicePart)
# What _watch_deco looks at, besides the link.
_WATCH_PARTS = frozenset({DevicePart.INFO, DevicePart.IDENTITY, DevicePart.PROGRESS})
# How a refresh reads each part: the client's method of that name.
_READERS: dict[DevicePart, str] = {
    DevicePart.OUTLETS: "outlets",
    DevicePart.NAMES: "accessory_names",
    DevicePart.SENSORS: "sensors",
    DevicePart.NIGHTLIGHT: "nightlight",
    DevicePart.COLOR_LIGHT: "color_light",
    DevicePart.CONFIGURATION: "configuration",
    DevicePart.MQTT: "mqtt_connected",
}
