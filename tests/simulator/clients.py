"""One connected client per transport: how messages reach it and how its bytes arrive.

Three fault knobs shape the TCP byte stream only: ``split_writes``, ``coalesce`` and
``garbage_between``; a WebSocket client always gets one message per text frame.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import asyncio
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .wire import RequestDecoder, Transport, encode

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from .faults import Faults

_LOGGER = logging.getLogger(__name__)

_READ_SIZE = 65_536
_COALESCE_COUNT = 3
_COALESCE_DELAY = 0.005


class Client(ABC):
    """Talk to one connected client, whatever the transport."""

    def __init__(self, transport: Transport) -> None:
        """Remember the transport; writes are serialised per client."""
        self.transport = transport
        # Writes of two tasks (a reply and an OTA push) must not interleave.
        self._lock = asyncio.Lock()

    async def send(self, message: dict[str, Any]) -> None:
        """Send one message; a vanished client is not an error."""
        await self._deliver(encode(message), is_message=True)

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


class TcpClient(Client):
    """Write to a TCP client through the fault knobs."""

    def __init__(
        self, writer: asyncio.StreamWriter, faults: Callable[[], Faults]
    ) -> None:
        """Wrap the stream; the knobs are read at every write."""
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


class WebSocketClient(Client):
    """Write to a WebSocket client, one text frame per message."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request) -> None:
        """Wrap the prepared WebSocket."""
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
            # A text frame must be UTF-8: invalid bytes become U+FFFD.
            await self._ws.send_str(data.decode(errors="replace"))


async def read_tcp(reader: asyncio.StreamReader) -> AsyncIterator[dict[str, Any]]:
    """Yield every request object a TCP client sends."""
    decoder = RequestDecoder()
    while data := await reader.read(_READ_SIZE):
        for message in decoder.feed(data):
            yield message


async def read_websocket(
    ws: web.WebSocketResponse,
) -> AsyncIterator[dict[str, Any]]:
    """Yield every request object a WebSocket client sends."""
    async for frame in ws:
        if frame.type is WSMsgType.TEXT:
            data = frame.data.encode()
        elif frame.type is WSMsgType.BINARY:
            data = frame.data
        else:
            continue
        # A frame is self-contained, but may still hold several objects or padding.
        for message in RequestDecoder().feed(data):
            yield message
