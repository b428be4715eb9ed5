"""Specification of the transports: the two connections and a link over them.

The connection tests talk to tiny local peers on 127.0.0.1 that let a test write
exactly the bytes or frames it needs; the garbage tests run a link against the
simulator. The decoder itself is specified in test_decoder.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
import json
import logging
import random
import socket
import struct
from typing import Any
from unittest.mock import AsyncMock

import aiohttp
from aiohttp import web
import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    CallbackName,
    InvisOutletConnectionError,
    InvisOutletProtocolError,
    Transport,
    transport,
)
from custom_components.invisoutlet.pyinvisoutlet.decoder import OVERSIZED, UNFINISHED
from custom_components.invisoutlet.pyinvisoutlet.envelope import Message
from custom_components.invisoutlet.pyinvisoutlet.link import Link
from custom_components.invisoutlet.pyinvisoutlet.transport import (
    MAX_FRAME_SIZE,
    TCP_KEEPALIVE,
    Connection,
    TcpConnection,
    WebSocketConnection,
    encode,
    open_connection,
)
from tests.simulator import InvisOutletSimulator, oversized

from .conftest import FAST_BACKOFF, HOST, WAIT, Recorder, port_of, unused_port
from .test_decoder import REPLY, TRICKY, compact, sized_object


def test_encode_is_compact_json() -> None:
    """Requests are serialised without spaces."""
    request = {"packetID": 373184, "payload": {"callbackName": 12}}

    assert encode(request) == '{"packetID":373184,"payload":{"callbackName":12}}'


# TCP ------------------------------------------------------------------------------


@dataclass
class RawPeer:
    """A device end of a TCP connection that writes whatever the test wants."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    async def write(self, data: bytes) -> None:
        """Write bytes and let them leave."""
        self.writer.write(data)
        await self.writer.drain()

    def reset(self) -> None:
        """Close with a TCP reset instead of an orderly shutdown."""
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()


@dataclass
class RawServer:
    """A TCP server on 127.0.0.1 that hands each accepted connection to the test."""

    port: int = 0
    peers: asyncio.Queue[RawPeer] = field(default_factory=asyncio.Queue)

    async def accept(self) -> RawPeer:
        """Return the next connection a client opened."""
        async with asyncio.timeout(WAIT):
            return await self.peers.get()


@pytest.fixture
async def raw_server(socket_enabled: None) -> AsyncIterator[RawServer]:
    """Run a bare TCP server; every connection is closed at teardown."""
    raw = RawServer()
    writers: list[asyncio.StreamWriter] = []

    async def accepted(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        writers.append(writer)
        await raw.peers.put(RawPeer(reader, writer))

    server = await asyncio.start_server(accepted, HOST, 0)
    raw.port = server.sockets[0].getsockname()[1]
    yield raw
    for writer in writers:
        writer.close()
    server.close()
    await server.wait_closed()


@pytest.fixture
async def tcp(raw_server: RawServer) -> AsyncIterator[tuple[TcpConnection, RawPeer]]:
    """Return a TCP connection to the bare server and the server's end of it."""
    connection = await TcpConnection.open(HOST, raw_server.port, WAIT)
    peer = await raw_server.accept()
    yield connection, peer
    await connection.close()


async def receive_until(connection: Connection, count: int) -> list[Any]:
    """Read from a connection until count values arrived."""
    values: list[Any] = []
    async with asyncio.timeout(WAIT):
        while len(values) < count:
            values += await connection.receive()
    return values


async def test_tcp_sends_compact_json_and_a_newline(
    tcp: tuple[TcpConnection, RawPeer],
) -> None:
    """Each request is one compact JSON object and a newline (revB)."""
    connection, peer = tcp
    request = {"packetID": 373184, "payload": {"callbackName": 12}}

    await connection.send(request)

    async with asyncio.timeout(WAIT):
        line = await peer.reader.readline()
    assert line == b'{"packetID":373184,"payload":{"callbackName":12}}\n'


async def test_tcp_enables_keepalive(tcp: tuple[TcpConnection, RawPeer]) -> None:
    """The socket probes an idle link so that a half-open one is noticed."""
    connection, _ = tcp
    sock = connection.socket
    assert sock is not None

    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
    for option, value in TCP_KEEPALIVE:
        assert sock.getsockopt(socket.IPPROTO_TCP, option) == value


async def test_tcp_receive_decodes_split_and_packed_writes(
    tcp: tuple[TcpConnection, RawPeer],
) -> None:
    """Messages split across writes or packed into one decode in order."""
    connection, peer = tcp
    data = compact(TRICKY) + b"\n" + compact(REPLY)

    await peer.write(data[:10])
    await peer.write(data[10:])

    assert await receive_until(connection, 2) == [TRICKY, REPLY]


async def test_tcp_receive_raises_when_the_device_closes(
    tcp: tuple[TcpConnection, RawPeer],
) -> None:
    """An orderly close by the device is a connection error."""
    connection, peer = tcp
    peer.writer.close()

    with pytest.raises(InvisOutletConnectionError, match="closed the connection"):
        await receive_until(connection, 1)


async def test_tcp_receive_raises_on_a_reset(
    tcp: tuple[TcpConnection, RawPeer],
) -> None:
    """A TCP reset by the device is a connection error."""
    connection, peer = tcp
    peer.reset()

    with pytest.raises(InvisOutletConnectionError, match="receiving failed"):
        await receive_until(connection, 1)


async def test_tcp_receive_skips_an_oversized_message(
    tcp: tuple[TcpConnection, RawPeer],
) -> None:
    """A message over 64 KiB is skipped; the one after it arrives."""
    connection, peer = tcp
    await peer.write(sized_object(70_000) + compact(REPLY))

    assert await receive_until(connection, 1) == [REPLY]


async def test_tcp_send_raises_once_the_link_is_lost(
    tcp: tuple[TcpConnection, RawPeer],
) -> None:
    """Sending on a link the device reset is a connection error."""
    connection, peer = tcp
    peer.reset()
    with pytest.raises(InvisOutletConnectionError):
        await receive_until(connection, 1)

    with pytest.raises(InvisOutletConnectionError, match="sending failed"):
        await connection.send({"packetID": 100000, "payload": {"callbackName": 12}})


async def test_tcp_close_returns_with_the_socket_closed(
    tcp: tuple[TcpConnection, RawPeer],
) -> None:
    """close() returns once the socket is closed: nothing of the link runs after it."""
    connection, peer = tcp
    sock = connection.socket
    assert sock is not None

    await connection.close()

    assert sock.fileno() == -1
    async with asyncio.timeout(WAIT):
        assert await peer.reader.read() == b""
    await connection.close()  # closing again is harmless


async def test_tcp_send_waits_while_the_socket_takes_no_more(
    tcp: tuple[TcpConnection, RawPeer],
) -> None:
    """A request waits while asyncio says the socket is full; it goes once drained."""
    connection, peer = tcp
    stream = connection._stream
    stream.pause_writing()  # what asyncio calls when its write buffer is full
    request = {"packetID": 373184, "payload": {"callbackName": 12}}

    sending = asyncio.create_task(connection.send(request))
    await asyncio.sleep(0)
    assert not sending.done()
    stream.resume_writing()

    async with asyncio.timeout(WAIT):
        await sending
        assert await peer.reader.readline() == compact(request) + b"\n"


async def test_tcp_send_waiting_for_the_socket_ends_with_the_link(
    tcp: tuple[TcpConnection, RawPeer],
) -> None:
    """A request waiting for a full socket is released when the link ends."""
    connection, peer = tcp
    connection._stream.pause_writing()
    sending = asyncio.create_task(
        connection.send({"packetID": 373184, "payload": {"callbackName": 12}})
    )
    await asyncio.sleep(0)

    peer.reset()

    async with asyncio.timeout(WAIT):
        await sending
    with pytest.raises(InvisOutletConnectionError, match="sending failed"):
        await connection.send({"packetID": 100000, "payload": {"callbackName": 12}})


@pytest.mark.usefixtures("socket_enabled")
async def test_tcp_open_raises_when_refused() -> None:
    """Connecting to a port where nothing listens is a connection error."""
    with pytest.raises(InvisOutletConnectionError, match="cannot connect"):
        await TcpConnection.open(HOST, unused_port(), WAIT)


async def test_tcp_open_raises_when_it_times_out(raw_server: RawServer) -> None:
    """A connection that does not open in time is a connection error."""
    with pytest.raises(InvisOutletConnectionError, match="timed out"):
        await TcpConnection.open(HOST, raw_server.port, 0)


# WebSocket ------------------------------------------------------------------------


@dataclass
class WebSocketServer:
    """An aiohttp server at /ws that hands each WebSocket to the test."""

    port: int = 0
    sockets: asyncio.Queue[web.WebSocketResponse] = field(default_factory=asyncio.Queue)
    received: Recorder[str] = field(default_factory=Recorder[str])
    paths: list[str] = field(default_factory=list)
    # False: pings are not answered and pongs are recorded as "PONG:<data>".
    autoping: bool = True

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """Accept a WebSocket and record the text frames the client sends."""
        self.paths.append(request.path)
        ws = web.WebSocketResponse(autoping=self.autoping)
        await ws.prepare(request)
        await self.sockets.put(ws)
        async for frame in ws:
            if frame.type is aiohttp.WSMsgType.TEXT:
                self.received(frame.data)
            elif frame.type is aiohttp.WSMsgType.PONG:
                self.received(f"PONG:{frame.data.decode()}")
        return ws

    async def accept(self) -> web.WebSocketResponse:
        """Return the next WebSocket a client opened."""
        async with asyncio.timeout(WAIT):
            return await self.sockets.get()


@pytest.fixture
async def ws_server(socket_enabled: None) -> AsyncIterator[WebSocketServer]:
    """Run a WebSocket server at ws://127.0.0.1:<port>/ws."""
    server = WebSocketServer()
    app = web.Application()
    app.router.add_get("/ws", server.handle)
    runner = web.AppRunner(app, shutdown_timeout=WAIT)
    await runner.setup()
    site = web.TCPSite(runner, HOST, 0)
    await site.start()
    server.port = runner.addresses[0][1]
    yield server
    await runner.cleanup()


@pytest.fixture
async def ws(
    ws_server: WebSocketServer,
) -> AsyncIterator[tuple[WebSocketConnection, web.WebSocketResponse]]:
    """Return a WebSocket connection (own session) and the server's end of it."""
    connection = await WebSocketConnection.open(HOST, ws_server.port, WAIT, None)
    peer = await ws_server.accept()
    yield connection, peer
    await connection.close()


async def test_ws_sends_one_compact_object_per_text_frame(
    ws_server: WebSocketServer,
    ws: tuple[WebSocketConnection, web.WebSocketResponse],
) -> None:
    """Requests go to /ws as text frames of compact JSON, without a newline."""
    connection, _ = ws
    request = {"packetID": 373184, "payload": {"callbackName": 12}}

    await connection.send(request)

    assert await ws_server.received.wait_for(1) == [encode(request)]
    assert ws_server.paths == ["/ws"]


async def test_ws_frame_with_several_objects_and_padding_decodes(
    ws: tuple[WebSocketConnection, web.WebSocketResponse],
) -> None:
    """A text frame holding two objects and whitespace yields both (§2.5)."""
    connection, peer = ws
    await peer.send_str(" " + json.dumps(REPLY) + "\n" + json.dumps(TRICKY) + " \n")

    assert await receive_until(connection, 2) == [REPLY, TRICKY]


async def test_ws_binary_frame_decodes(
    ws: tuple[WebSocketConnection, web.WebSocketResponse],
) -> None:
    """A binary frame carrying JSON is decoded like a text frame."""
    connection, peer = ws
    await peer.send_bytes(compact(TRICKY))

    assert await receive_until(connection, 1) == [TRICKY]


async def test_ws_frame_over_64_kib_costs_only_itself(
    ws_server: WebSocketServer,
) -> None:
    """A 1 MiB frame is skipped and reported; the link and the next frame survive."""
    skipped = Recorder[str]()
    connection = await WebSocketConnection.open(
        HOST, ws_server.port, WAIT, None, lambda reason, _: skipped(reason)
    )
    peer = await ws_server.accept()
    await peer.send_str(sized_object(1 << 20).decode())
    await peer.send_str(json.dumps(REPLY))

    assert await receive_until(connection, 1) == [REPLY]
    assert skipped.values == [OVERSIZED]
    await connection.close()


async def test_ws_frame_over_the_frame_limit_is_a_protocol_error(
    ws: tuple[WebSocketConnection, web.WebSocketResponse],
) -> None:
    """A frame over what aiohttp may buffer (2 MiB) is refused: aiohttp closes."""
    connection, peer = ws
    await peer.send_str(sized_object(MAX_FRAME_SIZE + 1).decode())

    with pytest.raises(InvisOutletProtocolError, match="rejected"):
        await receive_until(connection, 1)


async def test_ws_close_by_the_device_raises_connection_error(
    ws: tuple[WebSocketConnection, web.WebSocketResponse],
) -> None:
    """A WebSocket closed by the device is a connection error."""
    connection, peer = ws
    await peer.close()

    with pytest.raises(InvisOutletConnectionError, match="WebSocket closed"):
        await receive_until(connection, 1)


async def test_ws_send_after_close_raises(
    ws: tuple[WebSocketConnection, web.WebSocketResponse],
) -> None:
    """Sending on a closed WebSocket is a connection error."""
    connection, _ = ws
    await connection.close()

    with pytest.raises(InvisOutletConnectionError, match="sending failed"):
        await connection.send({"packetID": 100000, "payload": {"callbackName": 12}})


async def test_ws_close_closes_the_session_it_created(
    ws_server: WebSocketServer, created_sessions: list[aiohttp.ClientSession]
) -> None:
    """A connection that created its own session closes it with the link."""
    connection = await WebSocketConnection.open(HOST, ws_server.port, WAIT, None)
    await ws_server.accept()

    await connection.close()

    assert len(created_sessions) == 1
    assert created_sessions[0].closed


async def test_ws_close_leaves_an_injected_session_open(
    ws_server: WebSocketServer, created_sessions: list[aiohttp.ClientSession]
) -> None:
    """A session handed in by the caller is used and stays open."""
    async with aiohttp.ClientSession() as session:
        connection = await WebSocketConnection.open(HOST, ws_server.port, WAIT, session)
        await ws_server.accept()
        await connection.close()

        assert not session.closed
    assert created_sessions == [session]


@pytest.mark.parametrize(
    ("timeout", "match"),
    [(WAIT, "cannot connect"), (0, "TimeoutError")],
    ids=["refused", "timed out"],
)
async def test_ws_open_failure_raises_and_closes_the_session(
    ws_server: WebSocketServer,
    created_sessions: list[aiohttp.ClientSession],
    timeout: float,
    match: str,
) -> None:
    """A WebSocket that cannot open is a connection error; its session is closed."""
    port = unused_port() if timeout else ws_server.port

    with pytest.raises(InvisOutletConnectionError, match=match):
        await WebSocketConnection.open(HOST, port, timeout, None)

    assert [session.closed for session in created_sessions] == [True]


@pytest.mark.usefixtures("socket_enabled")
async def test_ws_open_failure_leaves_an_injected_session_open() -> None:
    """A failed connect does not close the caller's session."""
    async with aiohttp.ClientSession() as session:
        with pytest.raises(InvisOutletConnectionError):
            await WebSocketConnection.open(HOST, unused_port(), WAIT, session)
        assert not session.closed


@pytest.mark.parametrize(
    ("transport", "kind"),
    [(Transport.TCP, TcpConnection), (Transport.WEBSOCKET, WebSocketConnection)],
    ids=["tcp", "websocket"],
)
async def test_open_connection_picks_the_transport(
    raw_server: RawServer,
    ws_server: WebSocketServer,
    transport: Transport,
    kind: type[Connection],
) -> None:
    """open_connection returns the connection class of the transport."""
    port = raw_server.port if transport is Transport.TCP else ws_server.port

    connection = await open_connection(transport, HOST, port, WAIT, None)
    try:
        assert isinstance(connection, kind)
    finally:
        await connection.close()


@pytest.fixture
def quick_heartbeat(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ping after 50 ms of silence instead of 10 s."""
    monkeypatch.setattr(transport, "WEBSOCKET_HEARTBEAT", 0.05)


@pytest.mark.usefixtures("quick_heartbeat")
async def test_ws_quiet_link_is_pinged_and_stays_up(
    ws: tuple[WebSocketConnection, web.WebSocketResponse],
) -> None:
    """After a quiet interval the client pings; the answer keeps the link up."""
    connection, peer = ws
    assert await connection.receive() == []  # quiet: ping sent
    assert await connection.receive() == []  # the pong
    await peer.send_str(json.dumps(REPLY))
    assert await receive_until(connection, 1) == [REPLY]


async def test_ws_answers_the_outlets_ping(ws_server: WebSocketServer) -> None:
    """A ping from the outlet gets its pong."""
    ws_server.autoping = False
    connection = await WebSocketConnection.open(HOST, ws_server.port, WAIT, None)
    peer = await ws_server.accept()
    await peer.ping(b"hi")
    assert await connection.receive() == []
    assert await ws_server.received.wait_for(1) == ["PONG:hi"]
    await connection.close()


@pytest.mark.usefixtures("quick_heartbeat")
async def test_ws_unanswered_ping_drops_the_link(ws_server: WebSocketServer) -> None:
    """A link whose ping goes unanswered for an interval is dead."""
    ws_server.autoping = False
    connection = await WebSocketConnection.open(HOST, ws_server.port, WAIT, None)
    await ws_server.accept()
    assert await connection.receive() == []
    with pytest.raises(InvisOutletConnectionError, match="did not answer a ping"):
        await connection.receive()
    await connection.close()


async def test_ws_failed_ping_is_a_connection_error() -> None:
    """A ping that cannot be sent means the link is gone."""
    websocket = AsyncMock(spec=aiohttp.ClientWebSocketResponse)
    websocket.receive.side_effect = TimeoutError
    websocket.ping.side_effect = ConnectionResetError("reset")
    connection = WebSocketConnection(websocket, None)

    with pytest.raises(InvisOutletConnectionError, match="control frame"):
        await connection.receive()


# Garbage on a live link -----------------------------------------------------------

LIBRARY = "custom_components.invisoutlet"
MIB = 1 << 20
READINGS = [{"temp_celsius": 21.5}]


def megabyte_of(kind: str) -> bytes:
    """Return 1 MiB of one kind of garbage (the same every run)."""
    rng = random.Random(kind)  # noqa: S311 - reproducible data, not security
    if kind == "printable":
        # Printable ASCII, with "{", '"' and "}" ten times as likely as the rest.
        alphabet = [chr(code) for code in range(0x20, 0x7F)] + list('{"}' * 10)
        return "".join(rng.choices(alphabet, k=MIB)).encode()
    if kind == "binary":
        return rng.randbytes(MIB)
    return b'{"a":"' + b"x" * (MIB - 6)


@pytest.fixture
async def link(
    simulator: InvisOutletSimulator, transport: Transport
) -> AsyncIterator[Link]:
    """Return a link connected to the simulator; closed at teardown."""
    connection = Link(
        host=HOST,
        transport=transport,
        port=port_of(simulator, transport),
        backoff=FAST_BACKOFF,
        request_timeout=WAIT,
    )
    await connection.connect()
    yield connection
    await connection.close()


async def assert_costs_only_itself(
    link: Link,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    data: bytes,
) -> None:
    """Send data, then a push: the push arrives, the link stays, two records at most."""
    changes = Recorder[bool]()
    link.subscribe_link(changes)
    pushes = Recorder[Message]()
    link.listen(CallbackName.SENSORS, pushes)
    caplog.set_level(logging.DEBUG, logger=LIBRARY)
    caplog.clear()

    await simulator.send_raw(data)
    await simulator.push(CallbackName.SENSORS, READINGS)

    assert [push.args for push in await pushes.wait_for(1)] == [READINGS]
    assert changes.values == []
    assert simulator.accepted_count == 1
    assert len([r for r in caplog.records if r.name.startswith(LIBRARY)]) <= 2


@pytest.mark.parametrize("transport", [Transport.TCP], ids=["tcp"])
@pytest.mark.parametrize("kind", ["printable", "binary", "unterminated string"])
async def test_a_megabyte_of_garbage_costs_only_itself(
    link: Link,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    kind: str,
) -> None:
    """After 1 MiB of garbage on TCP the next push arrives on the same link."""
    await assert_costs_only_itself(link, simulator, caplog, megabyte_of(kind))


async def test_a_megabyte_message_costs_only_itself(
    link: Link,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 1 MiB message (one frame on WebSocket) is skipped; the link keeps going."""
    await assert_costs_only_itself(link, simulator, caplog, oversized(MIB))


async def test_ws_frame_with_an_unfinished_object_costs_only_itself(
    ws_server: WebSocketServer,
) -> None:
    """A frame whose object never ends is reported; nothing carries to the next."""
    skipped = Recorder[str]()
    connection = await WebSocketConnection.open(
        HOST, ws_server.port, WAIT, None, lambda reason, _: skipped(reason)
    )
    peer = await ws_server.accept()
    await peer.send_str('{"a":"no end')
    await peer.send_str(json.dumps(REPLY))

    assert await receive_until(connection, 1) == [REPLY]
    assert skipped.values == [UNFINISHED]
    await connection.close()


async def test_ws_receive_cancelled_by_its_owner_is_cancelled(
    ws: tuple[WebSocketConnection, web.WebSocketResponse],
) -> None:
    """Cancelling a waiting receive() cancels it: it is not taken for a quiet link."""
    connection, _ = ws
    waiting = asyncio.create_task(connection.receive())
    await asyncio.sleep(0)

    waiting.cancel()

    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert connection._deadline is None
