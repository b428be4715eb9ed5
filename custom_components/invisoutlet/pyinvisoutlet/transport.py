"""Transports to the outlet: raw TCP (revB) and WebSocket (revA)."""

from __future__ import annotations

import asyncio
import contextlib
from enum import StrEnum
from functools import partial
import json
import logging
import socket
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Protocol, cast

import aiohttp
import orjson
from yarl import URL

from . import sessions
from .decoder import MAX_MESSAGE_SIZE, JsonStreamDecoder, SkipListener, log_skip
from .exceptions import InvisOutletConnectionError, InvisOutletProtocolError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

LOGGER = logging.getLogger(__package__)

READ_SIZE = 16 * 1024
# A socket closed with nothing left to send closes within one loop iteration.
CLOSE_TIMEOUT = 1.0
WEBSOCKET_HEARTBEAT = 10.0
# aiohttp closes the WebSocket on a frame over its limit: it cannot skip one. Frames
# up to this bound are received and, when over MAX_MESSAGE_SIZE, skipped like any
# message over the bound; the link survives them.
MAX_FRAME_SIZE = 2 * 1024 * 1024
# A router that forgets the connection leaves a half-open socket: probe after 15 s
# idle, every 5 s, and give up after 3 missed probes (about 30 s, protocol.md §2.4a).
TCP_KEEPALIVE = (
    (socket.TCP_KEEPIDLE, 15),
    (socket.TCP_KEEPINTVL, 5),
    (socket.TCP_KEEPCNT, 3),
)

# Linux only: acknowledge received data at once (see TcpConnection).
TCP_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)


class Transport(StrEnum):
    """How the outlet serves its API."""

    TCP = "tcp"
    WEBSOCKET = "websocket"


DEFAULT_PORTS = {Transport.TCP: 3333, Transport.WEBSOCKET: 80}


class Connection(Protocol):
    """One open link to the outlet."""

    async def send(self, message: dict[str, Any]) -> None:
        """Send one request."""

    async def receive(self) -> list[Any]:
        """Wait for data; return the JSON values it completes."""

    def deliver(self, take: Callable[[list[Any]], object]) -> None:
        """Hand each read's values to take as it arrives, where the transport can.

        receive() then returns only what came before, and raises when the link ends.
        """

    async def close(self) -> None:
        """Close the link."""


def redirect_guard() -> aiohttp.TraceConfig:
    """Return a trace config that refuses to follow any HTTP redirect.

    The outlet's WebSocket never redirects: a redirect could only send the link to
    another host. aiohttp's ws_connect follows redirects, so a session used for the
    outlet must carry this (the library's own sessions always do).
    """
    guard = aiohttp.TraceConfig()

    async def refuse(
        _session: aiohttp.ClientSession,
        _context: SimpleNamespace,
        params: aiohttp.TraceRequestRedirectParams,
    ) -> None:
        msg = f"refused a redirect from {params.url.host} ({params.response.status})"
        raise InvisOutletConnectionError(msg)

    # aiohttp 3.11 annotates its signals wrongly (fixed in later releases).
    guard.on_request_redirect.append(refuse)  # type: ignore[arg-type,unused-ignore]
    return guard


# One encoder for every request: json.dumps with separators builds a new one per call.
_ENCODER = json.JSONEncoder(separators=(",", ":"))


def encode(message: dict[str, Any]) -> str:
    """Serialise a request as compact JSON."""
    return _ENCODER.encode(message)


class _TcpStream(asyncio.BufferedProtocol):
    """Decode the stream as it arrives; hand it on at once, or keep it for receive().

    A protocol, not asyncio's stream reader: no buffer between the socket and the
    decoder, no future per read, and once the link takes deliveries no task switch
    between a reply arriving and its request learning of it. Each read goes into a
    buffer of READ_SIZE bytes made for it (an idle link holds none). Without a taker
    the receiver takes everything decoded each time it wakes, which is after every
    read (one read a loop iteration): what waits here is one read's messages at most.
    """

    __slots__ = (
        "_drained",
        "_gone",
        "_read_buffer",
        "_received",
        "decoder",
        "ended",
        "failure",
        "socket",
        "take",
        "transport",
        "values",
    )

    def __init__(self, on_skip: SkipListener) -> None:
        """Start with nothing received."""
        self.decoder = JsonStreamDecoder(on_skip=on_skip)
        self.values: list[Any] = []
        self.take: Callable[[list[Any]], object] | None = None
        # What a taker (or the decoder) raised: the link ends with it.
        self.failure: Exception | None = None
        self._read_buffer: memoryview | None = None
        self.transport: asyncio.Transport | None = None
        self.socket: socket.socket | None = None
        # Why the stream ended (None while it is open), for receive() and send().
        self.ended: InvisOutletConnectionError | None = None
        self._received: asyncio.Future[None] | None = None
        self._drained: asyncio.Future[None] | None = None
        # Resolved once the socket is closed (made when close() waits for it).
        self._gone: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport and its socket."""
        self.transport = cast("asyncio.Transport", transport)
        self.socket = transport.get_extra_info("socket")

    def get_buffer(self, sizehint: int) -> memoryview:
        """Read at most READ_SIZE bytes, whatever asyncio would read at once."""
        del sizehint
        buffer = self._read_buffer = memoryview(bytearray(READ_SIZE))
        return buffer

    def buffer_updated(self, nbytes: int) -> None:
        """Decode what arrived and wake the receiver."""
        self._acknowledge_now()
        # asyncio calls get_buffer() before each call of this.
        data = cast("memoryview", self._read_buffer)[:nbytes]
        self._read_buffer = None
        try:
            values = self.decoder.feed(data)
            if self.take is not None:
                self.take(values)
                return
        except Exception as err:  # noqa: BLE001 - raised to the receiver instead
            # Whatever stops the reader takes the link down: never silently dead.
            self.failure = err
            if self.transport is not None:
                self.transport.close()
            self._wake()
            return
        self.values += values
        self._wake()

    def eof_received(self) -> bool:
        """Take the device's close as the end of the link."""
        self._end(InvisOutletConnectionError("the outlet closed the connection"))
        return False  # close our end too

    def connection_lost(self, exc: Exception | None) -> None:
        """End the link; a writer waiting for the socket to drain is released."""
        msg = "the connection closed" if exc is None else f"receiving failed: {exc}"
        self._end(InvisOutletConnectionError(msg))
        self.transport = None
        for future in (self._drained, self._gone):
            if future is not None and not future.done():
                future.set_result(None)

    def pause_writing(self) -> None:
        """Hold senders until the socket takes more."""
        if self._drained is None or self._drained.done():
            self._drained = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        """Release senders."""
        if self._drained is not None and not self._drained.done():
            self._drained.set_result(None)

    async def wait_received(self) -> None:
        """Return once something arrived (or the stream ended) since last taken."""
        if self.values or self.ended is not None:
            return
        self._received = asyncio.get_running_loop().create_future()
        try:
            await self._received
        finally:
            self._received = None

    async def closed(self) -> None:
        """Return once the socket is closed."""
        if self.transport is None:
            return
        self._gone = asyncio.get_running_loop().create_future()
        await self._gone

    async def drained(self) -> None:
        """Return once the socket takes more to send."""
        if self._drained is not None:
            await self._drained

    def _wake(self) -> None:
        """Wake the receiver, if one waits."""
        if self._received is not None and not self._received.done():
            self._received.set_result(None)

    def _end(self, reason: InvisOutletConnectionError) -> None:
        """Note why the stream ended (the first reason holds) and wake the receiver."""
        if self.ended is None:
            self.ended = reason
        self._wake()

    def _acknowledge_now(self) -> None:
        """Send the ACK for what was read without Linux's delay of up to 40 ms."""
        # A sender with Nagle's algorithm on (as embedded TCP stacks usually are)
        # holds its next small message until this ACK: waiting for a delayed ACK
        # would add up to 40 ms to every reply that follows another.
        if TCP_QUICKACK is not None and self.socket is not None:
            with contextlib.suppress(OSError):
                self.socket.setsockopt(socket.IPPROTO_TCP, TCP_QUICKACK, 1)


class TcpConnection:
    """Raw TCP link: bare JSON objects, requests terminated by a newline."""

    __slots__ = ("_stream",)

    def __init__(self, stream: _TcpStream) -> None:
        """Wrap an open stream."""
        self._stream = stream

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        timeout: float,
        on_skip: SkipListener = log_skip,
    ) -> TcpConnection:
        """Connect with keep-alive enabled; on_skip hears of every message skipped."""
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                _, stream = await loop.create_connection(
                    partial(_TcpStream, on_skip), host, port
                )
        except TimeoutError as err:
            msg = f"timed out connecting to {host}:{port}"
            raise InvisOutletConnectionError(msg) from err
        except OSError as err:
            msg = f"cannot connect to {host}:{port}: {err}"
            raise InvisOutletConnectionError(msg) from err
        if (sock := stream.socket) is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            for option, value in TCP_KEEPALIVE:
                sock.setsockopt(socket.IPPROTO_TCP, option, value)
        return cls(stream)

    @property
    def socket(self) -> socket.socket | None:
        """Return the underlying socket (for its options), if there is one."""
        return self._stream.socket

    async def send(self, message: dict[str, Any]) -> None:
        """Write one request followed by the newline revB expects."""
        stream = self._stream
        if stream.ended is not None or stream.transport is None:
            msg = f"sending failed: {stream.ended or 'not connected'}"
            raise InvisOutletConnectionError(msg)
        stream.transport.write(encode(message).encode() + b"\n")
        await stream.drained()

    async def receive(self) -> list[Any]:
        """Wait for data; return the messages decoded since the last call."""
        stream = self._stream
        await stream.wait_received()
        values = stream.values
        if values:
            stream.values = []
            return values
        if stream.failure is not None:
            raise stream.failure
        if stream.ended is not None:
            raise stream.ended
        return values

    def deliver(self, take: Callable[[list[Any]], object]) -> None:
        """Hand each read's values to take from within the read itself."""
        self._stream.take = take

    async def close(self) -> None:
        """Close the socket; wait for it only when nothing is left to send.

        With nothing to send, the socket is closed within one loop iteration: wait
        for that, so that nothing of the link is left to run after close(). With
        data still queued, a peer that may be gone is not waited for.
        """
        stream = self._stream
        if (transport := stream.transport) is None:
            return
        transport.close()
        if transport.get_write_buffer_size() == 0:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(CLOSE_TIMEOUT):
                    await stream.closed()


class WebSocketConnection:
    """WebSocket link: one JSON object per text frame, kept alive by pings."""

    def __init__(
        self,
        websocket: aiohttp.ClientWebSocketResponse,
        owned_session: aiohttp.ClientSession | None,
        on_skip: SkipListener = log_skip,
    ) -> None:
        """Wrap an open WebSocket; owned_session (borrowed) is given back with it."""
        self._websocket = websocket
        self._owned_session = owned_session
        self._on_skip = on_skip
        self._ping_unanswered = False
        # One keep-alive timer for all frames (a timeout per frame costs more than
        # the frame): when it finds the link quiet it cancels the waiting receive().
        self._heard_at: float | None = None
        self._deadline: asyncio.TimerHandle | None = None
        self._waiter: asyncio.Task[Any] | None = None
        self._expired = False

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        timeout: float,
        session: aiohttp.ClientSession | None,
        on_skip: SkipListener = log_skip,
    ) -> WebSocketConnection:
        """Connect to ws://host:port/ws."""
        client = session or sessions.borrow(redirect_guard)
        url = URL.build(scheme="ws", host=host, port=port, path="/ws")
        try:
            async with asyncio.timeout(timeout):
                # Our own keep-alive in receive(): aiohttp's heartbeat timer can be
                # re-armed by the close handshake and outlive the connection.
                websocket = await client.ws_connect(
                    url, autoping=False, max_msg_size=MAX_FRAME_SIZE
                )
        except BaseException as err:
            # Cancellation (close() during a connect) must not leak our session either.
            if session is None:
                await sessions.give_back(client)
            if isinstance(err, (TimeoutError, aiohttp.ClientError, OSError)):
                msg = f"cannot connect to {url}: {err!r}"
                raise InvisOutletConnectionError(msg) from err
            raise
        return cls(websocket, None if session else client, on_skip)

    async def send(self, message: dict[str, Any]) -> None:
        """Send one request as a text frame."""
        try:
            await self._websocket.send_str(encode(message))
        except (aiohttp.ClientError, OSError, RuntimeError) as err:
            msg = f"sending failed: {err!r}"
            raise InvisOutletConnectionError(msg) from err

    async def receive(self) -> list[Any]:
        """Wait for the next frame; ping when the link has been quiet too long."""
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        if self._heard_at is None:
            self._heard_at = loop.time()
        if self._deadline is None:
            self._deadline = loop.call_at(
                self._heard_at + WEBSOCKET_HEARTBEAT, self._check_quiet
            )
        self._waiter = task
        try:
            frame = await self._websocket.receive()
        except asyncio.CancelledError:
            expired, self._expired = self._expired, False
            if not expired or (task is not None and task.uncancel()):
                self._stop_keepalive()
                raise  # cancelled by its owner
            return await self._quiet(loop.time())
        except TimeoutError:
            return await self._quiet(loop.time())
        finally:
            self._waiter = None
        self._heard_at = loop.time()
        self._ping_unanswered = False
        if frame.type is aiohttp.WSMsgType.TEXT:
            return self._text_frame(frame.data)
        return await self._other_frame(frame)

    async def _other_frame(self, frame: aiohttp.WSMessage) -> list[Any]:
        """Answer a ping, decode a binary frame, or report the end of the link."""
        if frame.type is aiohttp.WSMsgType.PING:
            await self._control(self._websocket.pong(frame.data))
            return []
        if frame.type is aiohttp.WSMsgType.PONG:
            return []
        if frame.type is aiohttp.WSMsgType.BINARY:
            try:
                text = frame.data.decode()
            except UnicodeDecodeError:
                return self._frame_through_decoder(frame.data)
            return self._text_frame(text)
        self._stop_keepalive()
        if frame.type is aiohttp.WSMsgType.ERROR and isinstance(
            frame.data, aiohttp.WebSocketError
        ):
            msg = f"message rejected: {frame.data}"
            raise InvisOutletProtocolError(msg)
        msg = f"the WebSocket closed ({frame.type.name})"
        raise InvisOutletConnectionError(msg)

    def _check_quiet(self) -> None:
        """Cancel the waiting receive() once nothing came for a whole interval."""
        self._deadline = None
        if self._waiter is None or self._heard_at is None:
            return  # not waiting: the next receive() arms the timer again
        due = self._heard_at + WEBSOCKET_HEARTBEAT
        loop = asyncio.get_running_loop()
        if loop.time() < due:
            self._deadline = loop.call_at(due, self._check_quiet)
            return
        self._expired = True
        self._waiter.cancel()

    async def _quiet(self, now: float) -> list[Any]:
        """Ping after a quiet interval; a second one without an answer is the end."""
        if self._ping_unanswered:
            self._stop_keepalive()
            msg = "the outlet did not answer a ping"
            raise InvisOutletConnectionError(msg)
        self._ping_unanswered = True
        self._heard_at = now
        await self._control(self._websocket.ping())
        return []

    def _text_frame(self, text: str) -> list[Any]:
        """Return the messages of a frame; one object parses at C speed."""
        if len(text) <= MAX_MESSAGE_SIZE:
            try:
                value = orjson.loads(text)
            except ValueError:
                pass  # several, padding, garbage, ...: the stream decoder sorts it out
            else:
                if (
                    type(value) is dict
                    and value
                    and (
                        len(text) <= MAX_MESSAGE_SIZE // 4
                        or text.isascii()
                        or len(text.encode()) <= MAX_MESSAGE_SIZE
                    )
                ):
                    return [value]
        return self._frame_through_decoder(text.encode())

    def _frame_through_decoder(self, data: bytes) -> list[Any]:
        """Decode a frame that is not one plain object (protocol.md §2.5)."""
        # A frame holds whole messages: nothing carries over to the next one.
        decoder = JsonStreamDecoder(on_skip=self._on_skip)
        values = decoder.feed(data)
        decoder.finish()
        return values

    def _stop_keepalive(self) -> None:
        """Stop the keep-alive timer: the link is ending."""
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    async def _control(self, sending: Awaitable[None]) -> None:
        """Send a ping or pong; a failure means the link is gone."""
        try:
            await sending
        except (aiohttp.ClientError, OSError, RuntimeError) as err:
            self._stop_keepalive()
            msg = f"sending a control frame failed: {err!r}"
            raise InvisOutletConnectionError(msg) from err

    def deliver(self, take: Callable[[list[Any]], object]) -> None:
        """Keep receive() as the way in: aiohttp queues the frames for it anyway."""
        del take

    async def close(self) -> None:
        """Close the WebSocket; give back the library's session if this link used it."""
        self._stop_keepalive()
        await self._websocket.close()
        if self._owned_session is not None:
            await sessions.give_back(self._owned_session)


async def open_connection(
    transport: Transport,
    host: str,
    port: int,
    timeout: float,
    session: aiohttp.ClientSession | None,
    *,
    on_skip: SkipListener = log_skip,
) -> Connection:
    """Open a link over the given transport; on_skip hears of skipped messages."""
    if transport is Transport.TCP:
        return await TcpConnection.open(host, port, timeout, on_skip)
    return await WebSocketConnection.open(host, port, timeout, session, on_skip)
