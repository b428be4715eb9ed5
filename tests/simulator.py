"""Simulate an InvisOutlet with its InvisDeco on 127.0.0.1 for tests and demos.

The simulator is an independent implementation of the device's local API
(protocol.md), so it never imports the integration. It always serves both transports:
raw TCP (bare JSON objects, hardware revB) and a WebSocket at ``/ws`` (one JSON object
per text frame, hardware revA); ``SimulatedDevice.hardware`` only changes how an
outlet update behaves.

Fault knobs live in ``Faults`` and may be flipped while the simulator runs. Three of
them shape the TCP byte stream only: ``split_writes``, ``coalesce`` and
``garbage_between``; a WebSocket client always gets one message per frame. For an
oversized message, send ``oversized()`` (or any large payload) with ``send_raw``.

Run ``python -m tests.simulator --help`` for the standalone demo server.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import argparse
import asyncio
import codecs
from dataclasses import dataclass, field
from enum import StrEnum
import json
import logging
import secrets
import signal
import socket
import sys
from typing import TYPE_CHECKING, Any, Self

from aiohttp import WSMsgType, web

from .simulator_ota import (
    OTA_START,
    OtaEmulator,
    OtaFailure,
    OtaTiming,
    SimulatedDevice,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Sequence
    from types import TracebackType

__all__ = [
    "Faults",
    "InvisOutletSimulator",
    "OtaFailure",
    "OtaTiming",
    "RecordedRequest",
    "SimulatedDevice",
    "Transport",
    "main",
    "oversized",
]

_LOGGER = logging.getLogger(__name__)

DEVICE_INFO = 12
AVAILABLE_UPDATES = 20
# Restart, network reset and factory reset get no reply (§3.2); none is acted on here.
NO_REPLY_CALLBACKS = frozenset({5, 6, 7})

_READ_SIZE = 65_536
_MAX_REQUEST_BUFFER = 1_048_576
_COALESCE_COUNT = 3
_COALESCE_DELAY = 0.005
_CLOSE_TIMEOUT = 5.0


class Transport(StrEnum):
    """Name the two transports of the local API."""

    TCP = "tcp"
    WEBSOCKET = "websocket"


@dataclass
class Faults:
    """Switch on misbehaviour; everything is off by default.

    ``refuse_connections`` is read by start(); at run time use set_refusing(), which
    keeps this field in step. A callback in ``silent_callbacks`` still acts (a 21 still
    starts the update, as when the device's reply is lost, quirk Q1).
    """

    split_writes: bool = False
    coalesce: bool = False
    garbage_between: bytes = b""
    include_puback_on_12: bool = False
    silent_callbacks: set[int] = field(default_factory=set)
    wrong_packet_id: set[int] = field(default_factory=set)
    malformed_reply: set[int] = field(default_factory=set)
    wrong_types: set[int] = field(default_factory=set)
    puback_zero: set[int] = field(default_factory=set)
    drop_on: set[int] = field(default_factory=set)
    refuse_connections: bool = False
    ota_failure: OtaFailure | None = None


@dataclass
class RecordedRequest:
    """Remember one request as the simulator received it."""

    transport: Transport
    packet_id: int | None
    callback_name: int | None
    args: Any
    raw: dict[str, Any]


def oversized(size: int = 70_000) -> bytes:
    """Return a valid push of exactly ``size`` bytes, for ``send_raw``."""
    head = b'{"sn":"OVERSIZED","packetID":123456,"payload":{"callbackName":11,'
    head += b'"callbackArgs":["'
    tail = b'"]}}'
    return head + b"x" * max(0, size - len(head) - len(tail)) + tail


def _encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode()


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _random_packet_id() -> int:
    return 100_000 + secrets.randbelow(900_000)


def _object_end(text: str) -> int | None:
    """Return the index just past the object opening ``text``, or None if incomplete."""
    depth = 0
    in_string = escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif in_string:
            escaped = char == "\\"
            in_string = char != '"'
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return index + 1
    return None


class _RequestDecoder:
    """Pull JSON objects out of a client's byte stream and skip anything invalid."""

    def __init__(self) -> None:
        self._text = ""
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._json = json.JSONDecoder()

    def feed(self, data: bytes) -> list[dict[str, Any]]:
        """Add received bytes and return every complete object."""
        self._text += self._utf8.decode(data)
        objects: list[dict[str, Any]] = []
        while True:
            self._text = self._text.lstrip()
            if not self._text:
                break
            if not self._text.startswith("{"):
                self._skip_to_object()
                continue
            try:
                value, end = self._json.raw_decode(self._text)
            except json.JSONDecodeError:
                if (invalid_end := _object_end(self._text)) is None:
                    self._bound()
                    break
                _LOGGER.debug("Skipping invalid JSON: %r", self._text[:invalid_end])
                self._text = self._text[invalid_end:]
            else:
                objects.append(value)
                self._text = self._text[end:]
        return objects

    def _skip_to_object(self) -> None:
        start = self._text.find("{")
        skipped = self._text if start < 0 else self._text[:start]
        _LOGGER.debug("Skipping non-JSON input: %r", skipped)
        self._text = "" if start < 0 else self._text[start:]

    def _bound(self) -> None:
        # An object that never ends must not grow the buffer forever.
        if len(self._text) > _MAX_REQUEST_BUFFER:
            _LOGGER.debug("Dropping %d bytes of unfinished input", len(self._text))
            self._text = ""


class _Client(ABC):
    """Talk to one connected client, whatever the transport."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        # Writes of two tasks (a reply and an OTA push) must not interleave.
        self._lock = asyncio.Lock()

    async def send(self, message: dict[str, Any]) -> None:
        """Send one message; a vanished client is not an error."""
        await self._deliver(_encode(message), is_message=True)

    async def send_raw(self, data: bytes) -> None:
        """Send bytes exactly as given."""
        await self._deliver(data, is_message=False)

    @abstractmethod
    def abort(self) -> None:
        """Drop the connection at once, without a closing handshake."""

    @abstractmethod
    async def _write(self, data: bytes, *, is_message: bool) -> None:
        """Put data on the wire."""

    async def _deliver(self, data: bytes, *, is_message: bool) -> None:
        async with self._lock:
            try:
                await self._write(data, is_message=is_message)
            except OSError as err:
                _LOGGER.debug("Write to %s client failed: %s", self.transport, err)


class _TcpClient(_Client):
    """Write to a TCP client through the fault knobs."""

    def __init__(
        self, writer: asyncio.StreamWriter, faults: Callable[[], Faults]
    ) -> None:
        super().__init__(Transport.TCP)
        self._writer = writer
        self._faults = faults
        self._pending: list[bytes] = []
        self._flush_timer: asyncio.TimerHandle | None = None

    def abort(self) -> None:
        """Drop the connection at once, without a closing handshake."""
        self._pending.clear()
        self._cancel_flush()
        self._writer.transport.abort()

    async def _write(self, data: bytes, *, is_message: bool) -> None:
        faults = self._faults()
        if is_message:
            data = faults.garbage_between + data
        if faults.coalesce:
            self._queue(data)
            return
        self._flush()
        if faults.split_writes:
            await self._write_bytewise(data)
        elif not self._writer.is_closing():
            self._writer.write(data)
            await self._writer.drain()

    async def _write_bytewise(self, data: bytes) -> None:
        for index in range(len(data)):
            if self._writer.is_closing():
                return
            self._writer.write(data[index : index + 1])
            await self._writer.drain()
            # Yield, so that the client gets a chance to read every byte on its own.
            await asyncio.sleep(0)

    def _queue(self, data: bytes) -> None:
        self._pending.append(data)
        if len(self._pending) >= _COALESCE_COUNT:
            self._flush()
        elif self._flush_timer is None:
            loop = asyncio.get_running_loop()
            self._flush_timer = loop.call_later(_COALESCE_DELAY, self._flush)

    def _cancel_flush(self) -> None:
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None

    def _flush(self) -> None:
        self._cancel_flush()
        if self._pending and not self._writer.is_closing():
            self._writer.write(b"".join(self._pending))
        self._pending.clear()


class _WebSocketClient(_Client):
    """Write to a WebSocket client, one text frame per message."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request) -> None:
        super().__init__(Transport.WEBSOCKET)
        self._ws = ws
        self._request = request

    def abort(self) -> None:
        """Drop the connection at once, without a closing handshake."""
        if (transport := self._request.transport) is not None:
            transport.abort()

    async def _write(self, data: bytes, *, is_message: bool) -> None:
        del is_message  # stream faults do not apply to frames
        if not self._ws.closed:
            await self._ws.send_str(data.decode(errors="replace"))


async def _read_tcp(reader: asyncio.StreamReader) -> AsyncIterator[dict[str, Any]]:
    decoder = _RequestDecoder()
    while data := await reader.read(_READ_SIZE):
        for message in decoder.feed(data):
            yield message


async def _read_websocket(
    ws: web.WebSocketResponse,
) -> AsyncIterator[dict[str, Any]]:
    async for frame in ws:
        if frame.type is WSMsgType.TEXT:
            data = frame.data.encode()
        elif frame.type is WSMsgType.BINARY:
            data = frame.data
        else:
            continue
        # A frame is self-contained, but may still hold several objects or padding.
        for message in _RequestDecoder().feed(data):
            yield message


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    # Reopening on the same port must work while old connections sit in TIME_WAIT.
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _ota_args(args: Any) -> tuple[int, int] | None:
    """Return (target, method) from 21's arguments; the method is optional (Q12)."""
    if not isinstance(args, list) or not 1 <= len(args) <= 2:
        return None
    target = _int_or_none(args[0])
    method = _int_or_none(args[1]) if len(args) > 1 else 0
    if target is None or method is None:
        return None
    return target, method


def _break_types(reply: dict[str, Any]) -> None:
    """Give a reply fields of the wrong type."""
    payload = reply.get("payload", {})
    name = payload.get("callbackName")
    if name == DEVICE_INFO:
        payload["callbackArgs"]["IM"]["fw_rev"] = None
        payload["callbackArgs"]["PM"] = "InvisDeco"
    elif name == AVAILABLE_UPDATES:
        payload["callbackArgs"] = list(payload["callbackArgs"].values())
    else:
        reply["PUBACK"] = str(reply.get("PUBACK", 1))


class InvisOutletSimulator:
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
        self.device = device or SimulatedDevice()
        self.timing = timing or OtaTiming()
        self.faults = faults or Faults()
        self.host = host
        self.tcp_port = tcp_port
        self.ws_port = ws_port
        self.requests: list[RecordedRequest] = []
        self._clients: set[_Client] = set()
        self._accepted = 0
        self._handlers: set[asyncio.Task[Any]] = set()
        self._running = False
        self._tcp_server: asyncio.Server | None = None
        self._ws_runner: web.AppRunner | None = None
        self._ws_site: web.SockSite | None = None
        self._greeting: asyncio.Future[None] | None = None
        self._changed = asyncio.Event()
        self._ota = OtaEmulator(self)

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
    def connection_count(self) -> int:
        """Return how many clients are connected (both transports)."""
        return len(self._clients)

    @property
    def accepted_count(self) -> int:
        """Return how many connections were accepted since start()."""
        return self._accepted

    @property
    def ota_running(self) -> bool:
        """Return whether a firmware update is in progress."""
        return self._ota.running

    async def start(self) -> None:
        """Open both listeners; ports chosen here are kept for later reopening."""
        app = web.Application()
        app.router.add_get("/ws", self._handle_websocket)
        self._ws_runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=_CLOSE_TIMEOUT
        )
        await self._ws_runner.setup()
        self._running = True
        await self._listen()
        if self.faults.refuse_connections:
            await self._stop_listening()

    async def stop(self) -> None:
        """Stop everything: update, listeners, connections and tasks."""
        self._running = False
        await self._ota.cancel()
        await self._stop_listening()
        handlers = list(self._handlers)
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        if self._greeting is not None:
            self._greeting.cancel()
            self._greeting = None
        if self._ws_runner is not None:
            await self._ws_runner.cleanup()
            self._ws_runner = None

    async def set_refusing(self, refusing: bool) -> None:
        """Close the listeners and drop every client, or reopen on the same ports."""
        self.faults.refuse_connections = refusing
        if refusing:
            await self._stop_listening()
        else:
            await self._listen()

    async def push(self, callback_name: int, args: Any) -> None:
        """Push a message to every connected client (random packetID, no PUBACK)."""
        message = self._push_message(callback_name, args)
        _LOGGER.info(
            "Push %s %s to %d client(s)", callback_name, args, len(self._clients)
        )
        await asyncio.gather(*(client.send(message) for client in list(self._clients)))

    async def send_raw(self, data: bytes) -> None:
        """Send bytes to every TCP client and as a text frame to every WS client."""
        await asyncio.gather(*(client.send_raw(data) for client in list(self._clients)))

    async def drop_connections(self) -> None:
        """Abort every client connection and wait until they are gone."""
        for client in list(self._clients):
            client.abort()
        await self._wait_until(lambda: not self._clients, _CLOSE_TIMEOUT)

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
            await self._listen()
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

    async def wait_for_connections(
        self,
        count: int,
        timeout: float = 5.0,
    ) -> None:
        """Wait until ``count`` connections were accepted since start()."""
        await self._wait_until(lambda: self._accepted >= count, timeout)

    async def wait_ota_done(self, timeout: float = 5.0) -> None:
        """Wait until the running firmware update, if any, has finished."""
        await self._ota.wait_done(timeout)

    def requests_for(self, callback_name: int) -> list[RecordedRequest]:
        """Return the recorded requests of one callback, oldest first."""
        return [req for req in self.requests if req.callback_name == callback_name]

    @property
    def _listening(self) -> bool:
        return self._tcp_server is not None

    async def _listen(self) -> None:
        if not self._running or self._listening:
            return
        tcp_sock = _listening_socket(self.host, self.tcp_port)
        self.tcp_port = tcp_sock.getsockname()[1]
        self._tcp_server = await asyncio.start_server(self._handle_tcp, sock=tcp_sock)
        ws_sock = _listening_socket(self.host, self.ws_port)
        self.ws_port = ws_sock.getsockname()[1]
        assert self._ws_runner is not None
        self._ws_site = web.SockSite(self._ws_runner, ws_sock)
        await self._ws_site.start()

    async def _stop_listening(self) -> None:
        server, self._tcp_server = self._tcp_server, None
        site, self._ws_site = self._ws_site, None
        if server is not None:
            server.close()
        if site is not None:
            await site.stop()
        await self.drop_connections()
        if server is not None:
            await asyncio.wait_for(server.wait_closed(), _CLOSE_TIMEOUT)

    def _arm_greeting(self) -> asyncio.Future[None]:
        if self._greeting is None or self._greeting.done():
            self._greeting = asyncio.get_running_loop().create_future()
        return self._greeting

    async def _handle_tcp(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        # asyncio owns this task; track it so that stop() can cancel it.
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            await self._serve(
                _TcpClient(writer, lambda: self.faults), _read_tcp(reader)
            )
        finally:
            self._handlers.discard(task)
            writer.close()

    async def _handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()  # autoping answers the client's heartbeat
        await ws.prepare(request)
        await self._serve(_WebSocketClient(ws, request), _read_websocket(ws))
        return ws

    async def _serve(
        self, client: _Client, messages: AsyncIterator[dict[str, Any]]
    ) -> None:
        if not self._listening:
            # Accepted in the instant before the listeners closed: the device is down.
            client.abort()
            return
        self._accepted += 1
        self._clients.add(client)
        self._signal()
        _LOGGER.info("%s client connected", client.transport)
        try:
            await self._greet_after_boot(client)
            async for message in messages:
                await self._on_message(client, message)
        except OSError as err:
            _LOGGER.debug("%s client connection failed: %s", client.transport, err)
        finally:
            self._clients.discard(client)
            self._signal()
            _LOGGER.info("%s client disconnected", client.transport)

    async def _greet_after_boot(self, client: _Client) -> None:
        """Push 12 to the first client after a restart (quirk Q10)."""
        greeting, self._greeting = self._greeting, None
        if greeting is None or greeting.done():
            return
        _LOGGER.info("Push %s (boot) to the first client", DEVICE_INFO)
        await client.send(self._push_message(DEVICE_INFO, self.device.device_info()))
        if not greeting.done():
            greeting.set_result(None)

    async def _on_message(self, client: _Client, message: dict[str, Any]) -> None:
        payload = message.get("payload")
        payload = payload if isinstance(payload, dict) else {}
        request = RecordedRequest(
            transport=client.transport,
            packet_id=_int_or_none(message.get("packetID")),
            callback_name=_int_or_none(payload.get("callbackName")),
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

    async def _respond(self, client: _Client, request: RecordedRequest) -> None:
        name, packet_id = request.callback_name, request.packet_id
        assert name is not None
        assert packet_id is not None
        faults = self.faults
        if name in faults.drop_on:
            client.abort()
            return
        if name in faults.malformed_reply:
            await client.send_raw(self._malformed(packet_id, name))
            return
        if name in faults.puback_zero:
            await client.send(self._envelope(packet_id, 0, None))
            return
        ota = _ota_args(request.args) if name == OTA_START else None
        accepted = ota is not None and self._ota.accept(*ota, faults.ota_failure)
        if name not in faults.silent_callbacks and name not in NO_REPLY_CALLBACKS:
            await client.send(self._reply(packet_id, name, accepted))
        # revB restarts only after its reply went out, as the device does.
        if accepted:
            self._ota.launch()

    def _reply(self, packet_id: int, name: int, ota_accepted: bool) -> dict[str, Any]:
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
        reply = self._envelope(packet_id, puback, payload)
        if name in self.faults.wrong_types:
            _break_types(reply)
        if name in self.faults.wrong_packet_id:
            reply["packetID"] = packet_id + 1 if packet_id < 999_999 else 100_000
        return reply

    def _push_message(self, callback_name: int, args: Any) -> dict[str, Any]:
        # A push's packetID is meaningless (§3.3); the device picks a random one.
        payload = {"callbackName": callback_name, "callbackArgs": args}
        return self._envelope(_random_packet_id(), None, payload)

    def _envelope(
        self, packet_id: int, puback: int | None, payload: dict[str, Any] | None
    ) -> dict[str, Any]:
        message: dict[str, Any] = {"sn": self.device.serial, "packetID": packet_id}
        if puback is not None:
            message["PUBACK"] = puback
        if payload is not None:
            message["payload"] = payload
        return message

    def _malformed(self, packet_id: int, name: int) -> bytes:
        # Balanced braces and closed strings, so a resynchronising client recovers.
        serial = json.dumps(self.device.serial)
        start = f'{{"sn":{serial},"packetID":{packet_id},"PUBACK":1,'
        start += f'"payload":{{"callbackName":{name},"callbackArgs":'
        return start.encode() + b"\x00#garbage#}}"

    def _signal(self) -> None:
        """Wake every _wait_until() so it re-checks its condition."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_until(self, condition: Callable[[], bool], seconds: float) -> None:
        async with asyncio.timeout(seconds):
            while not condition():
                await self._changed.wait()


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    defaults = SimulatedDevice()
    parser = argparse.ArgumentParser(
        prog="python -m tests.simulator",
        description="Run a simulated InvisOutlet (TCP and WebSocket) until stopped.",
    )
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="address to listen on")
    add("--tcp-port", type=int, default=3333, help="raw TCP port (revB)")
    add("--ws-port", type=int, default=8080, help="WebSocket port, path /ws (revA)")
    add("--hardware", choices=["A", "B"], default="B", help="hardware revision")
    add("--serial", default=defaults.serial, help="outlet serial number")
    add("--outlet-fw", default=defaults.outlet_fw)
    add("--outlet-fw-available", default=defaults.outlet_fw_available)
    add("--www-fw", default=defaults.www_fw)
    add("--www-fw-available", default=defaults.www_fw_available)
    add("--no-deco", action="store_true", help="no InvisDeco attached")
    add("--deco-offline", action="store_true", help="InvisDeco attached but offline")
    add("--deco-fw", default=defaults.deco_fw)
    add("--deco-fw-available", default=defaults.deco_fw_available)
    add("--step-interval", type=float, default=1.0, help="seconds between progress")
    add("--reboot-duration", type=float, default=5.0, help="seconds of a reboot")
    add("--ota-failure", choices=[failure.value for failure in OtaFailure])
    return parser.parse_args(argv)


def _simulator_from(args: argparse.Namespace) -> InvisOutletSimulator:
    device = SimulatedDevice(
        hardware=args.hardware,
        serial=args.serial,
        outlet_fw=args.outlet_fw,
        outlet_fw_available=args.outlet_fw_available,
        www_fw=args.www_fw,
        www_fw_available=args.www_fw_available,
        deco_attached=not args.no_deco,
        deco_online=not args.deco_offline,
        deco_fw=args.deco_fw,
        deco_fw_available=args.deco_fw_available,
    )
    timing = OtaTiming(
        step_interval=args.step_interval,
        progress_steps=tuple(range(0, 101, 10)),
        reboot_duration=args.reboot_duration,
    )
    failure = OtaFailure(args.ota_failure) if args.ota_failure else None
    return InvisOutletSimulator(
        device=device,
        timing=timing,
        faults=Faults(ota_failure=failure),
        host=args.host,
        tcp_port=args.tcp_port,
        ws_port=args.ws_port,
    )


async def _run_standalone(simulator: InvisOutletSimulator) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    async with simulator:
        host = simulator.host
        sys.stdout.write(
            f"InvisOutlet simulator listening on tcp://{host}:{simulator.tcp_port}"
            f" and ws://{host}:{simulator.ws_port}/ws\n"
        )
        sys.stdout.flush()
        # A standalone server runs until it is told to stop; no timeout on purpose.
        await stopping.wait()
    _LOGGER.info("Simulator stopped")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the simulator standalone until SIGINT or SIGTERM."""
    simulator = _simulator_from(_parse_args(argv))
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    asyncio.run(_run_standalone(simulator))
    return 0


if __name__ == "__main__":
    sys.exit(main())
