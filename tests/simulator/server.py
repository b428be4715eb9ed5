"""``InvisOutletSimulator``: the simulated outlet as its clients and tests see it.

It serves the local API on TCP and WebSocket (``links``), answers 12 and 20 itself,
hands 21 to the OTA emulator (``ota``) and every other callback to ``DeviceApi``
(``accessories``), and applies the fault knobs (``faults``) on the way out; its HTTP
server also serves the web interface's page (``page``). The methods below are what
tests drive: pushes, raw bytes, restarts, refusals, floods.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, Self

from aiohttp import web

from .accessories import DeviceApi
from .answers import Callback
from .device import SimulatedDevice
from .faults import Faults
from .jobs import Jobs
from .links import LinkServer
from .ota import OTA_START, OtaEmulator, OtaTiming, start_args
from .page import render_page
from .wire import (
    Garbage,
    RecordedRequest,
    break_types,
    garbage,
    int_or_none,
    malformed,
    random_packet_id,
)

if TYPE_CHECKING:
    from types import TracebackType

    from .answers import Answer
    from .clients import Client

_LOGGER = logging.getLogger(__name__)

DEVICE_INFO = 12
AVAILABLE_UPDATES = 20


class InvisOutletSimulator(LinkServer):
    """Serve the InvisOutlet local API on TCP and WebSocket like the real device."""

    def __init__(
        self,
        *,
        device: SimulatedDevice | None = None,
        timing: OtaTiming | None = None,
        faults: Faults | None = None,
        host: str = "127.0.0.1",
        tcp_port: int = 0,
        ws_port: int = 0,
    ) -> None:
        """Prepare a simulator; nothing listens before start()."""
        super().__init__(host, tcp_port, ws_port)
        self.device = device or SimulatedDevice()
        self.timing = timing or OtaTiming()
        self.faults = faults or Faults()
        self.requests: list[RecordedRequest] = []
        self._greeting: asyncio.Future[None] | None = None
        self._hung = False
        self._jobs = Jobs()
        self._ota = OtaEmulator(self)
        self._api = DeviceApi(self)

    async def __aenter__(self) -> Self:
        """Start serving."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop serving."""
        await self.stop()

    @property
    def ota_running(self) -> bool:
        """Return whether a firmware update is in progress."""
        return self._ota.running

    @property
    def silent(self) -> bool:
        """Return whether the outlet is hung after a boot (``silent_after_boot``)."""
        return self._hung and self.faults.silent_after_boot

    async def start(self) -> None:
        """Open both listeners; ports chosen here are kept for later reopening."""
        self._hung = False
        await self._open()
        await self._listen()
        if self.faults.refuse_connections:
            await self._stop_listening()
        self._api.start()
        self.set_drop_every(self.faults.drop_every)

    async def stop(self) -> None:
        """Stop everything: jobs, update, listeners, connections and tasks."""
        self._running = False
        await self._jobs.cancel()
        await self._api.stop()
        await self._ota.cancel()
        await self._close()
        if self._greeting is not None:
            self._greeting.cancel()
            self._greeting = None

    async def set_refusing(self, refusing: bool) -> None:
        """Close the listeners and drop every client, or reopen on the same ports."""
        self.faults.refuse_connections = refusing
        if refusing:
            await self._stop_listening()
        else:
            await self._listen()

    def set_drop_every(self, seconds: float | None) -> None:
        """Abort every client connection every so many seconds; None stops it."""
        self.faults.drop_every = seconds
        if seconds is not None and self._running:
            self._jobs.start("drop every", self._drop_periodically)

    def set_sensor_push_interval(self, seconds: float | None) -> None:
        """Push moving readings every so many seconds; None stops it."""
        self.device.sensor_push_interval = seconds
        if self._running:
            self._api.start()

    async def push(self, callback_name: int, args: Any) -> None:
        """Push a message to every connected client (random packetID, no PUBACK)."""
        message = self._push_message(callback_name, args)
        # Readings arrive every few seconds; at info they would bury everything else.
        level = logging.DEBUG if callback_name == Callback.SENSORS else logging.INFO
        _LOGGER.log(
            level, "Push %s %s to %d client(s)", callback_name, args, len(self._clients)
        )
        await asyncio.gather(*(client.send(message) for client in list(self._clients)))

    async def send_raw(self, data: bytes) -> None:
        """Send bytes to every TCP client and as a text frame to every WS client."""
        await asyncio.gather(*(client.send_raw(data) for client in list(self._clients)))

    async def garbage_burst(self, count: int, kind: Garbage | str) -> None:
        """Send count malformed messages of one kind back to back to every client."""
        pieces = [garbage(Garbage(kind), self.device.serial) for _ in range(count)]
        _LOGGER.info("Sending %d %s message(s)", count, kind)

        async def feed(client: Client) -> None:
            for piece in pieces:
                await client.send_raw(piece)

        await asyncio.gather(*(feed(client) for client in list(self._clients)))

    async def flood(self, callback_name: int, args: Any, count: int) -> None:
        """Push count messages back to back, as fast as the clients take them."""
        message = self._push_message(callback_name, args)
        _LOGGER.info("Flooding %d push(es) of %s", count, callback_name)

        async def feed(client: Client) -> None:
            for _ in range(count):
                await client.send(message)

        await asyncio.gather(*(feed(client) for client in list(self._clients)))

    async def press_outlet(self, outlet: int) -> None:
        """Toggle outlet 1 or 2 with its own button; every client gets a 9 push."""
        await self._api.press_outlet(outlet)

    async def set_readings(self, **changes: Any) -> None:
        """Change readings (callback 11 keys) and push 11 if the InvisDeco is there."""
        await self._api.set_readings(**changes)

    async def reboot(self, duration: float | None = None) -> None:
        """Restart the outlet on its own; the first client after boot gets a 12 push."""
        await self.restart(
            self.timing.reboot_duration if duration is None else duration
        )

    async def restart(
        self, duration: float, *, come_back: bool = True
    ) -> asyncio.Future[None]:
        """Reboot the outlet; the future resolves once a client is greeted after boot.

        Without ``come_back`` the outlet stays down (the refusal knob stays set) until
        set_refusing(False).
        """
        greeted = self._arm_greeting()
        await self._stop_listening()
        if not come_back:
            self.faults.refuse_connections = True
            return greeted
        await asyncio.sleep(duration)
        if not self.faults.refuse_connections:
            self._hung = self.faults.silent_after_boot
            await self._listen()
            if self.faults.reboot_loop:
                self._jobs.start("reboot loop", self._reboot_repeatedly)
        return greeted

    async def start_external_ota(self, target: int, method: int = 0) -> None:
        """Start an update as the vendor app would; raise if the device would refuse."""
        if not self._ota.accept(target, method, self.faults.ota_failure):
            raise RuntimeError(f"The device would refuse OTA target {target}")
        self._ota.launch()

    async def wait_for_request(
        self,
        callback_name: int,
        timeout: float = 5.0,
        count: int = 1,
    ) -> RecordedRequest:
        """Wait until ``count`` requests of a callback arrived; return the last one."""
        await self._wait_until(
            lambda: len(self.requests_for(callback_name)) >= count, timeout
        )
        return self.requests_for(callback_name)[-1]

    async def wait_ota_done(self, timeout: float = 5.0) -> None:
        """Wait until the running firmware update, if any, has finished."""
        await self._ota.wait_done(timeout)

    def requests_for(self, callback_name: int) -> list[RecordedRequest]:
        """Return the recorded requests of one callback, oldest first."""
        return [req for req in self.requests if req.callback_name == callback_name]

    async def _drop_periodically(self) -> None:
        while (interval := self.faults.drop_every) is not None:
            await asyncio.sleep(interval)
            _LOGGER.info("Dropping %d client(s) (drop_every)", len(self._clients))
            self._abort_all()

    async def _reboot_repeatedly(self) -> None:
        while self.faults.reboot_loop:
            await asyncio.sleep(self.timing.reboot_duration)
            if self.faults.reboot_loop:
                await self.restart(self.timing.reboot_duration)

    def _arm_greeting(self) -> asyncio.Future[None]:
        if self._greeting is None or self._greeting.done():
            self._greeting = asyncio.get_running_loop().create_future()
        return self._greeting

    async def _on_connect(self, client: Client) -> None:
        """Push 12 to the first client after a restart (quirk Q10)."""
        if self.silent:
            return
        greeting, self._greeting = self._greeting, None
        if greeting is None or greeting.done():
            return
        _LOGGER.info("Push %s (boot) to the first client", DEVICE_INFO)
        await client.send(self._push_message(DEVICE_INFO, self.device.device_info()))
        if not greeting.done():
            greeting.set_result(None)

    async def _handle_page(self, _request: web.Request) -> web.Response:
        """Serve the web interface's page: which outlet this is."""
        return web.Response(text=render_page(self.device), content_type="text/html")

    async def _on_message(self, client: Client, message: dict[str, Any]) -> None:
        payload = message.get("payload")
        payload = payload if isinstance(payload, dict) else {}
        request = RecordedRequest(
            transport=client.transport,
            packet_id=int_or_none(message.get("packetID")),
            callback_name=int_or_none(payload.get("callbackName")),
            args=payload.get("callbackArgs"),
            raw=message,
        )
        self.requests.append(request)
        self._signal()
        _LOGGER.info(
            "%s request %s %s", client.transport, request.callback_name, request.args
        )
        if request.packet_id is None or request.callback_name is None:
            _LOGGER.debug("Ignoring a message that is not a request: %s", message)
            return
        await self._respond(client, request)

    async def _respond(self, client: Client, request: RecordedRequest) -> None:
        name, packet_id = request.callback_name, request.packet_id
        assert name is not None
        assert packet_id is not None
        faults = self.faults
        if self.silent:
            return
        if name in faults.drop_on:
            client.abort()
            return
        if name in faults.malformed_reply:
            await client.send_raw(malformed(self.device.serial, packet_id, name))
            return
        if name in faults.puback_zero:
            await client.send(self._envelope(packet_id, 0, None))
            return
        if (answer := self._api.answer(name, request.args)) is not None:
            await self._deliver(client, packet_id, name, answer)
            return
        ota = start_args(request.args) if name == OTA_START else None
        accepted = ota is not None and self._ota.accept(*ota, faults.ota_failure)
        if name not in faults.silent_callbacks:
            await client.send(self._reply(packet_id, name, accepted))
        # revB restarts only after its reply went out, as the device does.
        if accepted:
            self._ota.launch()

    async def _deliver(
        self, client: Client, packet_id: int, name: int, answer: Answer
    ) -> None:
        """Send a DeviceApi answer, then let the device act on it."""
        if answer.reply and name not in self.faults.silent_callbacks:
            reply = self._envelope(packet_id, answer.puback, answer.payload)
            await client.send(self._tampered(reply, packet_id, name))
        if answer.then is not None:
            await answer.then()

    def _reply(self, packet_id: int, name: int, ota_accepted: bool) -> dict[str, Any]:
        """Build the reply to 12, 20, 21 or a callback the device does not know."""
        if name == DEVICE_INFO:
            puback = 1 if self.faults.include_puback_on_12 else None
            args = self.device.device_info()
        elif name == AVAILABLE_UPDATES:
            puback, args = 1, self.device.available_updates()
        elif name == OTA_START:
            puback, args = int(ota_accepted), None
        else:
            puback, args = 1, None
        payload = None if args is None else {"callbackName": name, "callbackArgs": args}
        return self._tampered(
            self._envelope(packet_id, puback, payload), packet_id, name
        )

    def _tampered(
        self, reply: dict[str, Any], packet_id: int, name: int
    ) -> dict[str, Any]:
        """Apply the wrong_types and wrong_packet_id knobs to a reply."""
        if name in self.faults.wrong_types:
            break_types(reply)
        if name in self.faults.wrong_packet_id:
            reply["packetID"] = packet_id + 1 if packet_id < 999_999 else 100_000
        return reply

    def _push_message(self, callback_name: int, args: Any) -> dict[str, Any]:
        # A push's packetID is meaningless (§3.3); the device picks a random one.
        payload = {"callbackName": callback_name, "callbackArgs": args}
        return self._envelope(random_packet_id(), None, payload)

    def _envelope(
        self, packet_id: int, puback: int | None, payload: Any
    ) -> dict[str, Any]:
        message: dict[str, Any] = {"sn": self.device.serial, "packetID": packet_id}
        if puback is not None:
            message["PUBACK"] = puback
        if payload is not None:
            message["payload"] = payload
        return message
