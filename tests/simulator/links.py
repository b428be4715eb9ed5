"""Listening sockets and connected clients of the simulated outlet, both transports.

``LinkServer`` accepts raw TCP (hardware revB) and WebSocket at ``/ws`` (revA) on the
same host, IPv4 or IPv6 (``host="::1"``), keeps the ports it picked so that a restart
reopens them, and hands every connection and request to its subclass. The WebSocket's
HTTP server also serves the web interface's page at ``/``, as the outlet does.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import asyncio
import logging
import socket
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .clients import Client, TcpClient, WebSocketClient, read_tcp, read_websocket

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from .faults import Faults

_LOGGER = logging.getLogger(__name__)

CLOSE_TIMEOUT = 5.0


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


class LinkServer(ABC):
    """Accept clients on TCP and WebSocket and track them until they go."""

    faults: Faults

    def __init__(self, host: str, tcp_port: int, ws_port: int) -> None:
        """Prepare; nothing listens before _open() and _listen()."""
        self.host = host
        self.tcp_port = tcp_port
        self.ws_port = ws_port
        self._clients: set[Client] = set()
        self._accepted = 0
        self._handlers: set[asyncio.Task[Any]] = set()
        self._running = False
        self._tcp_server: asyncio.Server | None = None
        self._ws_runner: web.AppRunner | None = None
        self._ws_site: web.SockSite | None = None
        self._changed = asyncio.Event()

    @property
    def connection_count(self) -> int:
        """Return how many clients are connected (both transports)."""
        return len(self._clients)

    @property
    def accepted_count(self) -> int:
        """Return how many connections were accepted since start()."""
        return self._accepted

    async def drop_connections(self) -> None:
        """Abort every client connection and wait until they are gone."""
        self._abort_all()
        await self._wait_until(lambda: not self._clients, CLOSE_TIMEOUT)

    async def wait_for_connections(
        self,
        count: int,
        timeout: float = 5.0,
    ) -> None:
        """Wait until ``count`` connections were accepted since start()."""
        await self._wait_until(lambda: self._accepted >= count, timeout)

    @abstractmethod
    async def _on_connect(self, client: Client) -> None:
        """Greet a client that has just connected."""

    @abstractmethod
    async def _on_message(self, client: Client, message: dict[str, Any]) -> None:
        """Handle one object a client sent."""

    @abstractmethod
    async def _handle_page(self, request: web.Request) -> web.Response:
        """Serve the web interface's page (the WebSocket's HTTP server serves it)."""

    async def _open(self) -> None:
        app = web.Application()
        app.router.add_get("/ws", self._handle_websocket)
        app.router.add_get("/", self._handle_page)
        self._ws_runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=CLOSE_TIMEOUT
        )
        await self._ws_runner.setup()
        self._running = True

    async def _close(self) -> None:
        self._running = False
        await self._stop_listening()
        handlers = list(self._handlers)
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        if self._ws_runner is not None:
            await self._ws_runner.cleanup()
            self._ws_runner = None

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
            await asyncio.wait_for(server.wait_closed(), CLOSE_TIMEOUT)

    def _abort_all(self) -> None:
        for client in list(self._clients):
            client.abort()

    async def _handle_tcp(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        # asyncio owns this task; track it so that stop() can cancel it.
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            await self._serve(TcpClient(writer, lambda: self.faults), read_tcp(reader))
        finally:
            self._handlers.discard(task)
            writer.close()

    async def _handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if (location := self.faults.ws_redirect) is not None:
            raise web.HTTPFound(location)
        ws = web.WebSocketResponse()  # autoping answers the client's heartbeat
        await ws.prepare(request)
        await self._serve(WebSocketClient(ws, request), read_websocket(ws))
        return ws

    async def _serve(
        self, client: Client, messages: AsyncIterator[dict[str, Any]]
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
            await self._on_connect(client)
            async for message in messages:
                await self._on_message(client, message)
        except OSError as err:
            _LOGGER.debug("%s client connection failed: %s", client.transport, err)
        finally:
            self._clients.discard(client)
            self._signal()
            _LOGGER.info("%s client disconnected", client.transport)

    def _signal(self) -> None:
        """Wake every _wait_until() so it re-checks its condition."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_until(self, condition: Callable[[], bool], seconds: float) -> None:
        async with asyncio.timeout(seconds):
            while not condition():
                await self._changed.wait()
