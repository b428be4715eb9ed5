"""Specification of the transports: the JSON stream decoder and the two connections.

The decoder tests are pure (no sockets). The connection tests talk to tiny local peers
on 127.0.0.1 that let a test write exactly the bytes or frames it needs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
import json
import socket
import struct
from typing import Any
from unittest.mock import AsyncMock

import aiohttp
from aiohttp import web
import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    InvisOutletConnectionError,
    InvisOutletProtocolError,
    JsonStreamDecoder,
    Transport,
    transport,
)
from custom_components.invisoutlet.pyinvisoutlet.decoder import (
    MAX_MESSAGE_SIZE,
    OversizedMessageError,
)
from custom_components.invisoutlet.pyinvisoutlet.transport import (
    TCP_KEEPALIVE,
    Connection,
    TcpConnection,
    WebSocketConnection,
    encode,
    open_connection,
)

from .conftest import HOST, WAIT, Recorder, unused_port

REPLY = {"sn": "11A1F7000FE", "packetID": 373184, "PUBACK": 1}
# Nested objects, a multi-byte character, an emoji and "}{" inside a string: every
# byte position of this message is a place where a read can end.
TRICKY = {
    "sn": "11A1F7000FE",
    "packetID": 839379,
    "payload": {
        "callbackName": 4,
        "callbackArgs": [{"accessory": 1, "name": "Küche }{ 💡"}, {"x": {}}],
    },
}


def compact(value: Any) -> bytes:
    """Return the compact JSON the device writes."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def feed_all(decoder: JsonStreamDecoder, *chunks: bytes) -> list[Any]:
    """Feed chunks in order; return every value they complete."""
    values: list[Any] = []
    for chunk in chunks:
        values += decoder.feed(chunk)
    return values


def sized_object(size: int) -> bytes:
    """Return a valid JSON object of exactly size bytes."""
    head, tail = b'{"data":"', b'"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


# The stream decoder ---------------------------------------------------------------


def test_decodes_one_message() -> None:
    """One complete object comes out as one value."""
    assert JsonStreamDecoder().feed(compact(REPLY)) == [REPLY]


def test_decodes_several_messages_in_one_chunk() -> None:
    """Objects packed into one read come out in order."""
    second = {**REPLY, "packetID": 221040}
    chunk = compact(REPLY) + compact(second) + compact(TRICKY)

    assert JsonStreamDecoder().feed(chunk) == [REPLY, second, TRICKY]


def test_empty_read_yields_nothing() -> None:
    """Feeding no bytes returns no value."""
    assert JsonStreamDecoder().feed(b"") == []


@pytest.mark.parametrize("split", range(1, len(compact(TRICKY))))
def test_decodes_a_message_split_at_any_byte(split: int) -> None:
    """A message split at any byte, even inside a UTF-8 character, decodes once."""
    data = compact(TRICKY)
    decoder = JsonStreamDecoder()

    assert decoder.feed(data[:split]) == []
    assert decoder.feed(data[split:]) == [TRICKY]


def test_decodes_a_message_fed_byte_by_byte() -> None:
    """A message that arrives one byte per read decodes when its last byte comes."""
    data = compact(TRICKY) + compact(REPLY)
    decoder = JsonStreamDecoder()

    values = feed_all(decoder, *(data[i : i + 1] for i in range(len(data))))

    assert values == [TRICKY, REPLY]


def test_skips_whitespace_and_garbage_between_messages() -> None:
    """Whitespace and non-JSON bytes between objects are dropped."""
    chunk = compact(REPLY) + b" \r\n\t garbage ## " + compact(TRICKY) + b"\n"

    assert JsonStreamDecoder().feed(chunk) == [REPLY, TRICKY]


def test_skips_garbage_that_contains_an_opening_brace() -> None:
    """A "{" in the garbage is not mistaken for the start of the next object."""
    chunk = b'noise { not json "x ' + compact(REPLY)

    assert JsonStreamDecoder().feed(chunk) == [REPLY]


def test_skips_an_unfinished_brace_that_arrived_alone() -> None:
    """A lone "{" in an earlier read does not swallow the object that follows."""
    decoder = JsonStreamDecoder()

    assert decoder.feed(b"junk {") == []
    assert decoder.feed(compact(REPLY)) == [REPLY]


def test_skips_a_malformed_object_and_decodes_the_next() -> None:
    """An object that is not valid JSON is dropped; the next one still decodes."""
    chunk = b'{"packetID":1,"payload":}' + compact(REPLY)

    assert JsonStreamDecoder().feed(chunk) == [REPLY]


def test_brace_pair_inside_a_string_is_not_a_boundary() -> None:
    """A "}{" inside a string value does not end the object."""
    value = {"name": "a}{b", "other": "}", "more": "{"}

    assert JsonStreamDecoder().feed(compact(value) + compact(REPLY)) == [value, REPLY]


def test_decodes_pretty_printed_objects() -> None:
    """Indented objects with newlines between them decode."""
    text = json.dumps(TRICKY, indent=4) + "\n\n" + json.dumps(REPLY, indent="\t")

    assert JsonStreamDecoder().feed(text.encode()) == [TRICKY, REPLY]


def test_decodes_pretty_printed_objects_in_pieces() -> None:
    """Indented objects fed in small pieces decode to the same values."""
    data = (json.dumps(TRICKY, indent=4) + "\n" + json.dumps(REPLY, indent=2)).encode()
    decoder = JsonStreamDecoder()

    values = feed_all(decoder, *(data[i : i + 7] for i in range(0, len(data), 7)))

    assert values == [TRICKY, REPLY]


@pytest.mark.parametrize(
    "chunks",
    [
        pytest.param([b'{"a":1}}', b'{"b":2}'], id="separate reads"),
        pytest.param([b'{"a":1}}{"b":2}'], id="one read"),
        pytest.param([b'{"a":1} }\n{"b":2}'], id="with whitespace"),
    ],
)
def test_drops_a_stray_closing_brace(chunks: list[bytes]) -> None:
    """A "}" too many after an object is dropped; both objects decode."""
    assert feed_all(JsonStreamDecoder(), *chunks) == [{"a": 1}, {"b": 2}]


def test_skips_an_object_with_invalid_utf8() -> None:
    """An object holding bytes that are not UTF-8 is dropped; the next decodes."""
    chunk = b'{"name":"\xff\xfe"}' + compact(REPLY)

    assert JsonStreamDecoder().feed(chunk) == [REPLY]


@pytest.mark.parametrize(
    ("opening", "depth", "limit"),
    [
        pytest.param(b"[", 30_000, MAX_MESSAGE_SIZE, id="30000 arrays in 64 KiB"),
        pytest.param(b'{"a":', 10_000, MAX_MESSAGE_SIZE, id="10000 objects in 64 KiB"),
        pytest.param(b"[", 100_000, 1_000_000, id="100000 arrays"),
        pytest.param(b'{"a":', 100_000, 1_000_000, id="100000 objects"),
    ],
)
def test_survives_deeply_nested_json(opening: bytes, depth: int, limit: int) -> None:
    """Deeply nested JSON never crashes the decoder; the next message decodes."""
    closing = b"]" if opening == b"[" else b"}"
    nested = b'{"deep":' + opening * depth + b"0" + closing * depth + b"}"
    assert len(nested) <= limit
    decoder = JsonStreamDecoder(limit=limit)

    values = decoder.feed(nested + compact(REPLY))
    # Python 3.13's parser gives up (RecursionError: skipped); 3.14's decodes it.
    assert values[-1] == REPLY
    assert len(values) <= 2
    assert decoder.feed(compact(TRICKY)) == [TRICKY]


def test_skips_json_that_is_not_an_object() -> None:
    """Arrays, strings, numbers and null at the top level are not messages."""
    chunk = b'[1,2] "text" 42 null true ' + compact(REPLY) + b" [3] " + compact(TRICKY)

    assert JsonStreamDecoder().feed(chunk) == [REPLY, TRICKY]


def test_object_of_exactly_the_limit_is_accepted() -> None:
    """An object of exactly 64 KiB, even when it arrives in two reads, decodes."""
    data = sized_object(MAX_MESSAGE_SIZE)
    decoder = JsonStreamDecoder()

    assert decoder.feed(data[:-1]) == []
    assert decoder.feed(data[-1:]) == [json.loads(data)]


def test_object_over_the_limit_raises() -> None:
    """A complete object over 64 KiB raises a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="larger than 65536"):
        JsonStreamDecoder().feed(sized_object(MAX_MESSAGE_SIZE + 1))


def test_decoder_is_usable_after_an_oversized_object() -> None:
    """After rejecting an oversized object the decoder decodes the next message."""
    decoder = JsonStreamDecoder()
    with pytest.raises(InvisOutletProtocolError):
        decoder.feed(sized_object(70_000))

    assert decoder.feed(compact(REPLY)) == [REPLY]


def test_pending_buffer_over_the_limit_raises() -> None:
    """An unfinished object that grows past 64 KiB raises a protocol error."""
    decoder = JsonStreamDecoder()
    assert decoder.feed(b'{"data":"' + b"x" * (MAX_MESSAGE_SIZE - 9)) == []

    with pytest.raises(InvisOutletProtocolError, match="larger than 65536"):
        decoder.feed(b"x")


def test_decoder_is_usable_after_its_buffer_overflowed() -> None:
    """After an overflow the buffer is empty and the next message decodes."""
    decoder = JsonStreamDecoder()
    with pytest.raises(InvisOutletProtocolError):
        decoder.feed(b"{" + b"x" * MAX_MESSAGE_SIZE)

    assert decoder.feed(compact(REPLY)) == [REPLY]


def test_large_message_in_small_reads_decodes() -> None:
    """A 60 KB message with many nested objects, in 1 KB reads, decodes once."""
    value = {"items": [{"id": i, "name": f"n{i}"} for i in range(2_500)]}
    data = compact(value)
    assert 50_000 < len(data) < MAX_MESSAGE_SIZE
    decoder = JsonStreamDecoder()

    values = feed_all(decoder, *(data[i : i + 1024] for i in range(0, len(data), 1024)))

    assert values == [value]


def test_large_message_in_one_byte_reads_decodes() -> None:
    """A 60 KB message that arrives one byte per read decodes once."""
    data = sized_object(60_000)
    decoder = JsonStreamDecoder()

    values = feed_all(decoder, *(data[i : i + 1] for i in range(len(data))))

    assert values == [json.loads(data)]


@pytest.mark.parametrize(
    "trailer",
    [
        pytest.param(b"\x00", id="NUL"),
        pytest.param(b"garbage", id="text"),
        pytest.param(b" \r\n#", id="whitespace and text"),
    ],
)
def test_trailing_garbage_does_not_hold_back_a_complete_object(trailer: bytes) -> None:
    """An object followed by non-JSON bytes in the same read comes out at once."""
    assert JsonStreamDecoder().feed(compact(REPLY) + trailer) == [REPLY]


@pytest.mark.parametrize("trailer", [b"]", b","])
def test_object_followed_by_a_comma_or_bracket_is_an_array_element(
    trailer: bytes,
) -> None:
    """An object followed by "," or "]" is part of an array, not a message."""
    decoder = JsonStreamDecoder()

    assert decoder.feed(compact(REPLY) + trailer) == []
    assert decoder.feed(compact(TRICKY)) == [TRICKY]


def test_braces_inside_strings_cost_linear_time() -> None:
    """Many "}" inside string values still decode in one pass (no quadratic work)."""
    body = b'{"v":[' + b",".join(b'"a}b"' for _ in range(8000)) + b"]}"

    assert JsonStreamDecoder().feed(body) == [json.loads(body)]


def test_values_before_an_oversized_message_are_kept() -> None:
    """A reply decoded in the same read as an oversized message is not lost."""
    decoder = JsonStreamDecoder()

    with pytest.raises(OversizedMessageError) as raised:
        decoder.feed(compact(REPLY) + sized_object(70_000))
    assert raised.value.decoded == [REPLY]


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


async def test_tcp_receive_raises_on_an_oversized_message(
    tcp: tuple[TcpConnection, RawPeer],
) -> None:
    """A message over 64 KiB is a protocol error."""
    connection, peer = tcp
    await peer.write(sized_object(70_000))

    with pytest.raises(InvisOutletProtocolError):
        await receive_until(connection, 1)


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


async def test_tcp_open_raises_when_refused(socket_enabled: None) -> None:
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


async def test_ws_oversized_frame_raises_protocol_error(
    ws: tuple[WebSocketConnection, web.WebSocketResponse],
) -> None:
    """A frame over 64 KiB is refused as a protocol error."""
    connection, peer = ws
    await peer.send_str(sized_object(70_000).decode())

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


async def test_ws_open_failure_leaves_an_injected_session_open(
    socket_enabled: None,
) -> None:
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


def test_braces_in_strings_arriving_in_pieces_are_parsed_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A message full of "}" inside strings, fed 3 bytes at a time, costs one parse."""
    parses: list[int] = []
    real_loads = json.loads

    def counted_loads(text: str) -> Any:
        parses.append(len(text))
        return real_loads(text)

    monkeypatch.setattr(json, "loads", counted_loads)
    body = compact({"v": ["a}b" * 50 for _ in range(200)], "w": "}" * 2000})
    decoder = JsonStreamDecoder()

    values = feed_all(decoder, *(body[i : i + 3] for i in range(0, len(body), 3)))

    assert values == [json.loads(body)]
    # Before: one parse of everything so far per arriving "}" (quadratic).
    assert len(parses) <= 3
    assert sum(parses) <= 3 * len(body)


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(b'{"n":' + b"1" * 5000 + b"}", id="integer too long to convert"),
        pytest.param(b'{"name":"\xc3"}', id="cut UTF-8 character"),
        pytest.param(b'{"a":[}', id="mismatched brackets"),
        pytest.param(b'{"a" 1}', id="missing colon"),
    ],
)
def test_anything_the_parser_rejects_skips_only_that_message(bad: bytes) -> None:
    """Whatever the JSON parser raises, that message is skipped and the next comes."""
    skipped: list[str] = []
    decoder = JsonStreamDecoder(on_skip=lambda reason, _: skipped.append(reason))

    assert decoder.feed(bad + compact(REPLY)) == [REPLY]
    assert skipped
    assert decoder.feed(compact(TRICKY)) == [TRICKY]


def test_a_stretch_of_garbage_is_reported_once() -> None:
    """A megabyte of bytes that are not JSON is one skip, not one per byte or line."""
    skipped: list[str] = []
    decoder = JsonStreamDecoder(on_skip=lambda reason, _: skipped.append(reason))
    garbage = b"no json here at all; just text\n" * 32_000

    assert decoder.feed(garbage + compact(REPLY)) == [REPLY]
    assert skipped == ["bytes that are not JSON"]
