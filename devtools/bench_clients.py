"""The three clients the side-by-side benchmark compares, behind one small interface.

- ``ours``: ``InvisOutlet`` of ``custom_components.invisoutlet.pyinvisoutlet``, with
  only the calls the integration uses (connect, outlet_info, subscribe_device,
  close): readings reach the subscriber as the coordinator hears of them, as device
  changes.
- ``theirs``: ``InvisOutletClient`` of ``invisoutlet`` 1.1.5 (PyPI). It tries TCP
  first and falls back to the WebSocket; for the WebSocket figures it is told to
  prefer the WebSocket (its ``_preferred_name``, what a reconnect uses).
- ``minimal``: the least a client can do. TCP: ``asyncio.Protocol`` and
  ``json.JSONDecoder.raw_decode``; WebSocket: a bare ``aiohttp`` ``ws_connect``
  (one session per client) and ``json.loads``. Both retry like the libraries do by
  default (1 s, doubling).

Each reports a pushed sensor reading's ``distance`` to its one listener: the
simulator counts pushes in it (devtools/bench_pusher.py).
"""

from __future__ import annotations

import asyncio
import codecs
from collections.abc import Callable
import contextlib
import importlib
import json
from typing import Any, Protocol

import aiohttp

from custom_components.invisoutlet.pyinvisoutlet import (
    Device,
    DevicePart,
    InvisOutlet,
    Transport,
)
from devtools.bench_sizes import HOST, WAIT

OUTLET_INFO = 12
SENSORS = 11
# Both libraries' default reconnect delays: the first, and the cap of the doubling.
RETRY_FIRST = 1.0
RETRY_MAX = 60.0

type Listener = Callable[[int], None]


class BenchClient(Protocol):
    """What every figure needs of a client."""

    async def connect(self) -> None:
        """Open the link; from then on keep it open until close()."""

    async def info(self) -> object:
        """Ask for device information and return the answer."""

    def on_reading(self, listener: Listener) -> None:
        """Call listener with the distance of every pushed sensor reading."""

    async def close(self) -> None:
        """Close the link for good."""


class Ours:
    """Our library."""

    def __init__(self, transport: str, tcp_port: int, ws_port: int) -> None:
        """Prepare a client of one transport."""
        if transport == "tcp":
            self._client = InvisOutlet(
                host=HOST, transport=Transport.TCP, port=tcp_port
            )
        else:
            self._client = InvisOutlet(
                host=HOST, transport=Transport.WEBSOCKET, port=ws_port
            )

    async def connect(self) -> None:
        """Open the link."""
        await self._client.connect()

    async def info(self) -> object:
        """Read the outlet's information."""
        return await self._client.outlet_info()

    def on_reading(self, listener: Listener) -> None:
        """Subscribe to device changes, as the integration does; pass on readings."""

        def changed(device: Device, parts: frozenset[DevicePart]) -> None:
            if DevicePart.SENSORS in parts and device.sensors is not None:
                assert device.sensors.movement_energy is not None
                listener(int(device.sensors.movement_energy))

        self._client.subscribe_device(changed)

    async def close(self) -> None:
        """Close the link."""
        await self._client.close()


class Theirs:
    """invisoutlet 1.1.5, imported by name: only the benchmark's venv has it."""

    def __init__(self, transport: str, tcp_port: int, ws_port: int) -> None:
        """Prepare a client that prefers one transport."""
        library = importlib.import_module("invisoutlet")
        self._client: Any = library.InvisOutletClient(
            HOST, port=ws_port, tcp_port=tcp_port
        )
        self._transport = transport
        if transport == "ws":
            # It tries TCP first, then the WebSocket; it tries first what worked last.
            self._client._preferred_name = "ws"

    async def connect(self) -> None:
        """Open the link, on the transport under test."""
        await self._client.connect()
        if self._client.transport_name != self._transport:
            raise RuntimeError(f"theirs connected over {self._client.transport_name}")

    async def info(self) -> object:
        """Read the device information."""
        return await self._client.get_device_info()

    def on_reading(self, listener: Listener) -> None:
        """Subscribe to sensor data."""

        def reading(data: Any) -> None:
            listener(data.movement_energy)

        self._client.on_sensor_data(reading)

    async def close(self) -> None:
        """Close the link."""
        await self._client.close()


class Minimal:
    """The least a client does: requests by packetID, pushes by callback, retries."""

    def __init__(self) -> None:
        """Prepare; nothing is open before connect()."""
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._listener: Listener | None = None
        self._packet_id = 0
        self._up = False
        self._closing = False
        self._retrying: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        """Open the link."""
        await self._open()
        self._up = True

    async def info(self) -> object:
        """Send a device-information request and wait for its answer."""
        if not self._up:
            raise ConnectionError("not connected")
        self._packet_id += 1
        packet_id = self._packet_id
        future = asyncio.get_running_loop().create_future()
        self._pending[packet_id] = future
        try:
            request = {"packetID": packet_id, "payload": {"callbackName": OUTLET_INFO}}
            await self._send(json.dumps(request))
            async with asyncio.timeout(WAIT):
                return await future
        finally:
            del self._pending[packet_id]

    def on_reading(self, listener: Listener) -> None:
        """Remember the one listener."""
        self._listener = listener

    async def close(self) -> None:
        """Stop retrying and close."""
        self._closing = True
        if self._retrying is not None:
            self._retrying.cancel()
            await asyncio.wait([self._retrying])
        await self._shut()

    def dispatch(self, message: Any) -> None:
        """Hand a message to its request, or a sensor push to the listener."""
        future = self._pending.get(message.get("packetID"))
        if future is not None and not future.done():
            future.set_result(message)
            return
        payload = message.get("payload") or {}
        if payload.get("callbackName") == SENSORS and self._listener is not None:
            self._listener(payload["callbackArgs"][1]["movement_energy"])

    def lost(self) -> None:
        """Fail what waits on a dropped link, and retry unless closing."""
        self._up = False
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ConnectionError("link lost"))
        if not self._closing:
            self._retrying = asyncio.get_running_loop().create_task(self._retry())

    async def _retry(self) -> None:
        delay = RETRY_FIRST
        while True:
            await asyncio.sleep(delay)
            try:
                await self._open()
            except (OSError, aiohttp.ClientError):
                delay = min(2 * delay, RETRY_MAX)
                continue
            self._up = True
            return

    async def _open(self) -> None:
        raise NotImplementedError

    async def _send(self, text: str) -> None:
        raise NotImplementedError

    async def _shut(self) -> None:
        raise NotImplementedError


# What JSON allows between two values.
_SPACE = " \t\n\r"


class RawDecodeStream:
    """Take bare JSON objects out of a byte stream with raw_decode."""

    def __init__(self) -> None:
        """Start with nothing buffered."""
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._text = ""
        self._decoder = json.JSONDecoder()

    def feed(self, data: bytes) -> list[Any]:
        """Return the objects completed by these bytes."""
        text = self._text + self._utf8.decode(data)
        messages = []
        position = 0
        end = len(text)
        while True:
            while position < end and text[position] in _SPACE:
                position += 1
            if position == end:
                break
            try:
                message, position = self._decoder.raw_decode(text, position)
            except json.JSONDecodeError:
                break  # an incomplete object: wait for the rest
            messages.append(message)
        self._text = text[position:]
        return messages


class _Stream(asyncio.Protocol):
    """Hand the objects of a TCP stream to the minimal client."""

    def __init__(self, owner: Minimal) -> None:
        self._owner = owner
        self._stream = RawDecodeStream()

    def data_received(self, data: bytes) -> None:
        for message in self._stream.feed(data):
            self._owner.dispatch(message)

    def connection_lost(self, exc: Exception | None) -> None:
        del exc
        self._owner.lost()


class MinimalTcp(Minimal):
    """The minimal client on TCP."""

    def __init__(self, port: int) -> None:
        """Prepare a client of this port."""
        super().__init__()
        self._port = port
        self._transport: asyncio.Transport | None = None

    async def _open(self) -> None:
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(WAIT):
            self._transport, _ = await loop.create_connection(
                lambda: _Stream(self), HOST, self._port
            )

    async def _send(self, text: str) -> None:
        assert self._transport is not None
        self._transport.write(text.encode())

    async def _shut(self) -> None:
        if self._transport is not None:
            self._transport.close()


class MinimalWebSocket(Minimal):
    """The minimal client on the WebSocket."""

    def __init__(self, port: int) -> None:
        """Prepare a client of this port."""
        super().__init__()
        self._url = f"ws://{HOST}:{port}/ws"
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None

    async def _open(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with asyncio.timeout(WAIT):
            self._ws = await self._session.ws_connect(self._url)
        self._reader = asyncio.get_running_loop().create_task(self._read(self._ws))

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for frame in ws:
            if frame.type is aiohttp.WSMsgType.TEXT:
                self.dispatch(json.loads(frame.data))
        self.lost()

    async def _send(self, text: str) -> None:
        assert self._ws is not None
        await self._ws.send_str(text)

    async def _shut(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.wait([self._reader])
        if self._ws is not None:
            await self._ws.close()
        if self._session is not None:
            await self._session.close()


def make_client(kind: str, transport: str, tcp_port: int, ws_port: int) -> BenchClient:
    """Return a new, unconnected client of this kind and transport."""
    if kind == "ours":
        return Ours(transport, tcp_port, ws_port)
    if kind == "theirs":
        return Theirs(transport, tcp_port, ws_port)
    if transport == "tcp":
        return MinimalTcp(tcp_port)
    return MinimalWebSocket(ws_port)


async def close_quietly(client: BenchClient) -> None:
    """Close a client; one that fails to close is not a figure's concern."""
    with contextlib.suppress(Exception):
        async with asyncio.timeout(WAIT):
            await client.close()
