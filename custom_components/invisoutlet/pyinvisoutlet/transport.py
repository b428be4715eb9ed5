"""Transports to the outlet: raw TCP (revB) and WebSocket (revA)."""

from __future__ import annotations

import asyncio
import contextlib
from enum import StrEnum
import json
import logging
import re
import socket
from typing import TYPE_CHECKING, Any, Protocol

import aiohttp
from yarl import URL

from .exceptions import InvisOutletConnectionError, InvisOutletProtocolError

if TYPE_CHECKING:
    from collections.abc import Awaitable

LOGGER = logging.getLogger(__package__)

MAX_MESSAGE_SIZE = 64 * 1024
READ_SIZE = 16 * 1024
WEBSOCKET_HEARTBEAT = 10.0
# A router that forgets the connection leaves a half-open socket: probe after 15 s
# idle, every 5 s, and give up after 3 missed probes (about 30 s, protocol.md §2.4a).
TCP_KEEPALIVE = (
    (socket.TCP_KEEPIDLE, 15),
    (socket.TCP_KEEPINTVL, 5),
    (socket.TCP_KEEPCNT, 3),
)

# Linux only: acknowledge received data at once (see TcpConnection).
TCP_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)

# Where a top-level object may end: a "}" that whitespace aside is followed by the
# end of what has arrived or by anything but ",", "}" or "]". Inside valid JSON a "}"
# is always followed by one of those three, so this finds boundaries at C speed;
# json.loads confirms each candidate.
_BOUNDARY = re.compile(rb"}\s*(?=[^,}\]\s]|\Z)")
# Tokens for finding an object's exact end when a "}" inside a string fooled the
# boundary search: whole strings (skipped), braces, and a string not yet ended.
_TOKEN = re.compile(rb'(?s)"(?:[^"\\]|\\.)*"|[{}]|"')


class OversizedMessageError(InvisOutletProtocolError):
    """A message exceeded the bound; `decoded` holds what arrived before it."""

    def __init__(self, limit: int) -> None:
        """Describe the bound that was exceeded."""
        super().__init__(f"message larger than {limit} bytes")
        self.decoded: list[Any] = []


class Transport(StrEnum):
    """How the outlet serves its API."""

    TCP = "tcp"
    WEBSOCKET = "websocket"


DEFAULT_PORTS = {Transport.TCP: 3333, Transport.WEBSOCKET: 80}


class JsonStreamDecoder:
    """Split a byte stream into JSON values, resynchronising after garbage."""

    __slots__ = ("_buffer", "_limit", "_search_from")

    def __init__(self, limit: int = MAX_MESSAGE_SIZE) -> None:
        """Start with an empty buffer bounded at `limit` bytes."""
        self._buffer = bytearray()
        self._limit = limit
        self._search_from = 0

    def feed(self, data: bytes) -> list[Any]:
        """Add received bytes; return every complete JSON value they finish."""
        values: list[Any] = []
        try:
            self._feed(data, values)
        except OversizedMessageError as err:
            # Start afresh (the link is re-opened), keeping what came before.
            self._buffer.clear()
            self._search_from = 0
            err.decoded = values
            raise
        return values

    def _feed(self, data: bytes, values: list[Any]) -> None:
        """Decode what the buffer holds after adding data."""
        buffer = self._buffer
        buffer += data
        start = self._skip_to_object(0)
        while start >= 0:
            end = self._decode_at(start, values)
            if end < 0:
                break
            start = self._skip_to_object(end)
        if start < 0:
            buffer.clear()
            self._search_from = 0
        elif start:
            del buffer[:start]
            self._search_from = max(self._search_from - start, 0)
        if len(buffer) > self._limit:
            raise OversizedMessageError(self._limit)

    def _skip_to_object(self, pos: int) -> int:
        """Return the index of the next "{" at or after pos, -1 when there is none."""
        start = self._buffer.find(b"{", pos)
        skipped = self._buffer[pos : len(self._buffer) if start < 0 else start]
        if skipped.strip():
            LOGGER.debug("Skipped %d bytes that are not JSON", len(skipped))
        return start

    def _decode_at(self, start: int, values: list[Any]) -> int:
        """Decode the object starting at start; return where to go on, -1 to wait."""
        buffer = self._buffer
        search_from = max(start, self._search_from)
        if match := _BOUNDARY.search(buffer, search_from):
            outcome = self._try_decode(start, match.start() + 1, values)
            if outcome is None and (end := _object_end(buffer, start)) is not None:
                # The candidate was a "}" inside a string: decode at the exact end.
                outcome = self._try_decode(start, end, values)
            if outcome is not None:
                self._search_from = 0
                return outcome
        # Only a "}" at the current end can become a boundary once more bytes arrive.
        last_brace = buffer.rfind(b"}", start)
        self._search_from = len(buffer) if last_brace < 0 else last_brace
        return -1

    def _try_decode(self, start: int, end: int, values: list[Any]) -> int | None:
        """Decode buffer[start:end]; return where to go on, None if it is incomplete."""
        if end - start > self._limit:
            raise OversizedMessageError(self._limit)
        try:
            text = self._buffer[start:end].decode()
            values.append(json.loads(text))
        except json.JSONDecodeError as err:
            if err.pos >= len(text) or err.msg.startswith("Unterminated string"):
                return None
            if err.msg == "Extra data" and text[err.pos :].lstrip()[:1] not in ",]":
                # A "}" too many: keep the object before it, skip the rest as garbage.
                values.append(json.loads(text[: err.pos]))
                return start + len(text[: err.pos].encode())
            # Malformed, or an element of an array (followed by "," or "]"): not a
            # message. Resynchronise on the next "{".
            LOGGER.warning("Skipped malformed JSON from the outlet: %s", err)
            return start + 1
        except UnicodeDecodeError as err:
            LOGGER.warning("Skipped a message that is not UTF-8: %s", err)
            return start + 1
        except RecursionError:
            # A real, complete structure, only too deep: skip all of it at once.
            LOGGER.warning("Skipped a message nested too deeply to decode")
            return end
        return end


def _object_end(buffer: bytearray, start: int) -> int | None:
    """Return the end of the object at start, skipping strings; None if unfinished."""
    depth = 0
    for token in _TOKEN.finditer(buffer, start):
        kind = token.group()
        if kind == b"{":
            depth += 1
        elif kind == b"}":
            depth -= 1
            if depth == 0:
                return token.end()
        elif kind == b'"':
            return None
    return None


class Connection(Protocol):
    """One open link to the outlet."""

    async def send(self, message: dict[str, Any]) -> None:
        """Send one request."""

    async def receive(self) -> list[Any]:
        """Wait for data; return the JSON values it completes."""

    async def close(self) -> None:
        """Close the link."""


def encode(message: dict[str, Any]) -> str:
    """Serialise a request as compact JSON."""
    return json.dumps(message, separators=(",", ":"))


class TcpConnection:
    """Raw TCP link: bare JSON objects, requests terminated by a newline."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Wrap an open stream."""
        self._reader = reader
        self._writer = writer
        self._decoder = JsonStreamDecoder()
        self._socket = writer.get_extra_info("socket")

    @classmethod
    async def open(cls, host: str, port: int, timeout: float) -> TcpConnection:
        """Connect with keep-alive enabled."""
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(host, port)
        except TimeoutError as err:
            msg = f"timed out connecting to {host}:{port}"
            raise InvisOutletConnectionError(msg) from err
        except OSError as err:
            msg = f"cannot connect to {host}:{port}: {err}"
            raise InvisOutletConnectionError(msg) from err
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            for option, value in TCP_KEEPALIVE:
                sock.setsockopt(socket.IPPROTO_TCP, option, value)
        return cls(reader, writer)

    async def send(self, message: dict[str, Any]) -> None:
        """Write one request followed by the newline revB expects."""
        try:
            self._writer.write(encode(message).encode() + b"\n")
            await self._writer.drain()
        except OSError as err:
            msg = f"sending failed: {err}"
            raise InvisOutletConnectionError(msg) from err

    async def receive(self) -> list[Any]:
        """Read the next chunk of the stream."""
        try:
            data = await self._reader.read(READ_SIZE)
        except OSError as err:
            msg = f"receiving failed: {err}"
            raise InvisOutletConnectionError(msg) from err
        if not data:
            msg = "the outlet closed the connection"
            raise InvisOutletConnectionError(msg)
        self._acknowledge_now()
        return self._decoder.feed(data)

    def _acknowledge_now(self) -> None:
        """Send the ACK for what was read without Linux's delay of up to 40 ms."""
        # A sender with Nagle's algorithm on (as embedded TCP stacks usually are)
        # holds its next small message until this ACK: waiting for a delayed ACK
        # would add up to 40 ms to every reply that follows another.
        if TCP_QUICKACK is not None and self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.setsockopt(socket.IPPROTO_TCP, TCP_QUICKACK, 1)

    async def close(self) -> None:
        """Close the socket without waiting on a peer that may be gone."""
        self._writer.close()


class WebSocketConnection:
    """WebSocket link: one JSON object per text frame, kept alive by pings."""

    def __init__(
        self,
        websocket: aiohttp.ClientWebSocketResponse,
        owned_session: aiohttp.ClientSession | None,
    ) -> None:
        """Wrap an open WebSocket; owned_session is closed with it."""
        self._websocket = websocket
        self._owned_session = owned_session
        self._ping_unanswered = False
        # Frames go through the stream decoder too, so padding or two objects in one
        # frame still parse (protocol.md §2.5).
        self._decoder = JsonStreamDecoder()

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        timeout: float,
        session: aiohttp.ClientSession | None,
    ) -> WebSocketConnection:
        """Connect to ws://host:port/ws."""
        client = session or aiohttp.ClientSession()
        url = URL.build(scheme="ws", host=host, port=port, path="/ws")
        try:
            async with asyncio.timeout(timeout):
                # Our own keep-alive in receive(): aiohttp's heartbeat timer can be
                # re-armed by the close handshake and outlive the connection.
                websocket = await client.ws_connect(
                    url, autoping=False, max_msg_size=MAX_MESSAGE_SIZE
                )
        except BaseException as err:
            # Cancellation (close() during a connect) must not leak our session either.
            if session is None:
                await client.close()
            if isinstance(err, (TimeoutError, aiohttp.ClientError, OSError)):
                msg = f"cannot connect to {url}: {err!r}"
                raise InvisOutletConnectionError(msg) from err
            raise
        return cls(websocket, None if session else client)

    async def send(self, message: dict[str, Any]) -> None:
        """Send one request as a text frame."""
        try:
            await self._websocket.send_str(encode(message))
        except (aiohttp.ClientError, OSError, RuntimeError) as err:
            msg = f"sending failed: {err!r}"
            raise InvisOutletConnectionError(msg) from err

    async def receive(self) -> list[Any]:
        """Wait for the next frame; ping when the link has been quiet too long."""
        try:
            frame = await self._websocket.receive(timeout=WEBSOCKET_HEARTBEAT)
        except TimeoutError as err:
            if self._ping_unanswered:
                msg = "the outlet did not answer a ping"
                raise InvisOutletConnectionError(msg) from err
            self._ping_unanswered = True
            await self._control(self._websocket.ping())
            return []
        self._ping_unanswered = False
        if frame.type is aiohttp.WSMsgType.PING:
            await self._control(self._websocket.pong(frame.data))
            return []
        if frame.type is aiohttp.WSMsgType.PONG:
            return []
        if frame.type is aiohttp.WSMsgType.TEXT:
            return self._decoder.feed(frame.data.encode())
        if frame.type is aiohttp.WSMsgType.BINARY:
            return self._decoder.feed(frame.data)
        if frame.type is aiohttp.WSMsgType.ERROR and isinstance(
            frame.data, aiohttp.WebSocketError
        ):
            msg = f"message rejected: {frame.data}"
            raise InvisOutletProtocolError(msg)
        msg = f"the WebSocket closed ({frame.type.name})"
        raise InvisOutletConnectionError(msg)

    @staticmethod
    async def _control(sending: Awaitable[None]) -> None:
        """Send a ping or pong; a failure means the link is gone."""
        try:
            await sending
        except (aiohttp.ClientError, OSError, RuntimeError) as err:
            msg = f"sending a control frame failed: {err!r}"
            raise InvisOutletConnectionError(msg) from err

    async def close(self) -> None:
        """Close the WebSocket, and the session if this link created it."""
        await self._websocket.close()
        if self._owned_session is not None:
            await self._owned_session.close()


async def open_connection(
    transport: Transport,
    host: str,
    port: int,
    timeout: float,
    session: aiohttp.ClientSession | None,
) -> Connection:
    """Open a link over the given transport."""
    if transport is Transport.TCP:
        return await TcpConnection.open(host, port, timeout)
    return await WebSocketConnection.open(host, port, timeout, session)
