"""Asynchronous client for the InvisOutlet local API."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, field
from functools import partial
import logging
import random
from typing import TYPE_CHECKING, Any, Self

from .decoder import OversizedMessageError
from .exceptions import (
    InvisOutletCommandError,
    InvisOutletConnectionError,
    InvisOutletError,
    InvisOutletProtocolError,
    InvisOutletTimeoutError,
)
from .models import (
    Callback,
    DecoUpdateMethod,
    DeviceInfo,
    FirmwareStatus,
    Message,
    UpdateTarget,
)
from .transport import DEFAULT_PORTS, Connection, Transport, open_connection

if TYPE_CHECKING:
    import aiohttp

LOGGER = logging.getLogger(__package__)

type PushListener = Callable[[Message], None]
type LinkListener = Callable[[bool], None]


@dataclass(frozen=True, kw_only=True)
class Backoff:
    """Delays between reconnect attempts, in seconds."""

    initial: float = 1.0
    maximum: float = 60.0
    # While a reboot is expected the outlet is back within seconds: retry at this pace.
    reboot: float = 1.0


@dataclass(frozen=True, slots=True)
class _Pending:
    """A request waiting for its reply."""

    callback_name: int
    future: asyncio.Future[Message]


@dataclass(kw_only=True)
class InvisOutlet:
    """One persistent connection to an InvisOutlet, reconnecting by itself."""

    host: str
    transport: Transport = Transport.TCP
    port: int | None = None
    session: aiohttp.ClientSession | None = None
    request_timeout: float = 10.0
    connect_timeout: float = 10.0
    backoff: Backoff = field(default_factory=Backoff)

    _connection: Connection | None = field(default=None, init=False, repr=False)
    _runner: asyncio.Task[None] | None = field(default=None, init=False, repr=False)
    _pending: dict[int, _Pending] = field(default_factory=dict, init=False, repr=False)
    _push_listeners: dict[int, list[PushListener]] = field(
        default_factory=dict, init=False, repr=False
    )
    _link_listeners: list[LinkListener] = field(
        default_factory=list, init=False, repr=False
    )
    _wake: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)
    _reboot_expected: bool = field(default=False, init=False, repr=False)
    _received_at: float = field(default=0.0, init=False, repr=False)
    # packetIDs whose requests gave up waiting: a late reply to one is not a push.
    _expired: deque[int] = field(
        default_factory=lambda: deque(maxlen=64), init=False, repr=False
    )

    @property
    def connected(self) -> bool:
        """Return whether the link is up."""
        return self._connection is not None

    @property
    def effective_port(self) -> int:
        """Return the port in use: the configured one or the transport's default."""
        return self.port or DEFAULT_PORTS[self.transport]

    async def connect(self) -> None:
        """Open the link; from then on keep it open until close()."""
        if self._runner is not None:
            return
        connection = await self._open()
        self._link_up(connection)
        self._runner = asyncio.create_task(
            self._run(connection), name=f"invisoutlet {self.host}"
        )

    async def close(self) -> None:
        """Close the link and stop reconnecting; nothing keeps running."""
        runner, self._runner = self._runner, None
        if runner is not None:
            runner.cancel()
            await asyncio.wait([runner])
        if (connection := self._connection) is not None:
            self._connection = None
            self._fail_pending()
            await connection.close()

    async def __aenter__(self) -> Self:
        """Connect on entering the context."""
        await self.connect()
        return self

    async def __aexit__(self, *_exc_info: object) -> None:
        """Close on leaving the context."""
        await self.close()

    def subscribe(
        self, callback_name: int, listener: PushListener
    ) -> Callable[[], None]:
        """Call listener with every push of this callback; return an unsubscribe."""
        listeners = self._push_listeners.setdefault(callback_name, [])
        listeners.append(listener)
        return partial(_discard, listeners, listener)

    def subscribe_link(self, listener: LinkListener) -> Callable[[], None]:
        """Call listener with True when the link comes up and False when it drops."""
        self._link_listeners.append(listener)
        return partial(_discard, self._link_listeners, listener)

    def expect_reboot(self, expected: bool) -> None:
        """Retry quickly while the outlet is expected to restart."""
        self._reboot_expected = expected
        if expected:
            self._wake.set()

    def reconnect_now(self, host: str | None = None) -> None:
        """Cut the current wait short, optionally at a new address."""
        if host is not None:
            self.host = host
        self._wake.set()

    async def request(
        self,
        callback_name: int,
        args: list[Any] | None = None,
        *,
        timeout: float | None = None,
    ) -> Message:
        """Send a request and return its reply; PUBACK 0 raises a command error."""
        if (connection := self._connection) is None:
            msg = f"not connected to {self.host}"
            raise InvisOutletConnectionError(msg)
        packet_id = self._new_packet_id()
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._pending[packet_id] = _Pending(callback_name, future)
        payload: dict[str, Any] = {"callbackName": callback_name}
        if args is not None:
            payload["callbackArgs"] = args
        sent_at = asyncio.get_running_loop().time()
        try:
            await connection.send({"packetID": packet_id, "payload": payload})
            async with asyncio.timeout(
                self.request_timeout if timeout is None else timeout
            ):
                message = await future
        except TimeoutError as err:
            self._expired.append(packet_id)
            if callback_name == Callback.DEVICE_INFO and self._received_at < sent_at:
                # 12 is answered by the outlet alone (20 and 21 may wait on the cloud
                # or a restart): not a byte since it was sent means the link is dead,
                # a half-open socket after a router forgot it. Open a new one (§2.5).
                LOGGER.debug("Nothing received from %s; reconnecting", self.host)
                if self._connection is connection:
                    self._connection = None  # no new request may use it
                await connection.close()
            msg = f"{self.host} did not answer callback {callback_name} in time"
            raise InvisOutletTimeoutError(msg) from err
        finally:
            del self._pending[packet_id]
        if message.puback == 0:
            msg = f"{self.host} refused callback {callback_name}"
            raise InvisOutletCommandError(msg)
        return message

    async def device_info(self) -> DeviceInfo:
        """Read device information (callback 12)."""
        return DeviceInfo.from_message(await self.request(Callback.DEVICE_INFO))

    async def firmware_status(self) -> FirmwareStatus:
        """Read installed and available firmware versions (callback 20)."""
        return FirmwareStatus.from_message(await self.request(Callback.FIRMWARE_STATUS))

    async def start_firmware_update(
        self,
        target: UpdateTarget,
        method: DecoUpdateMethod = DecoUpdateMethod.WIFI,
        *,
        timeout: float | None = None,
    ) -> bool | None:
        """Send callback 21; return its immediate answer, None when none came."""
        if not self.connected:
            msg = f"not connected to {self.host}"
            raise InvisOutletConnectionError(msg)
        # The vendor sends method 0 with the outlet target (protocol.md §4.3).
        args = [int(target), int(method) if target is UpdateTarget.DECO else 0]
        try:
            await self.request(Callback.START_UPDATE, args, timeout=timeout)
        except InvisOutletCommandError:
            return False
        except InvisOutletConnectionError:
            # Expected on revB: the outlet restarts before it answers.
            return None
        return True

    async def _open(self) -> Connection:
        """Open a new link to the current host."""
        return await open_connection(
            self.transport,
            self.host,
            self.effective_port,
            self.connect_timeout,
            self.session,
        )

    async def _run(self, connection: Connection) -> None:
        """Read from the link; when it drops, reconnect, forever (until cancelled)."""
        delay = self.backoff.initial
        while True:
            if await self._read_until_lost(connection):
                delay = self.backoff.initial
            connection, delay = await self._reconnect(delay)

    async def _read_until_lost(self, connection: Connection) -> bool:
        """Dispatch messages until the link fails; return whether any arrived."""
        received = False
        loop = asyncio.get_running_loop()
        try:
            while True:
                values = await connection.receive()
                self._received_at = loop.time()
                for value in values:
                    received = True
                    self._dispatch(value)
        except OversizedMessageError as err:
            for value in err.decoded:
                self._dispatch(value)
            LOGGER.warning(
                "Dropped the link to %s to resynchronise: %s", self.host, err
            )
        except InvisOutletError as err:
            LOGGER.debug("Link to %s lost: %s", self.host, err)
        self._connection = None
        self._fail_pending()
        await connection.close()
        self._notify_link(False)
        return received

    async def _reconnect(self, delay: float) -> tuple[Connection, float]:
        """Retry with capped exponential backoff; return the link and the next delay."""
        while True:
            await self._sleep(self.backoff.reboot if self._reboot_expected else delay)
            delay = min(delay * 2, self.backoff.maximum)
            try:
                connection = await self._open()
            except InvisOutletConnectionError as err:
                LOGGER.debug("Reconnecting to %s failed: %s", self.host, err)
                continue
            except Exception:  # nothing may end the reconnect loop
                LOGGER.warning("Reconnecting to %s failed", self.host, exc_info=True)
                continue
            self._link_up(connection)
            return connection, delay

    async def _sleep(self, delay: float) -> None:
        """Wait for delay seconds, or less when woken by reconnect_now()."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay):
                await self._wake.wait()
        # Cleared after waiting: a wake-up during a connect attempt is not forgotten.
        self._wake.clear()

    def _link_up(self, connection: Connection) -> None:
        """Adopt a new link and tell the listeners."""
        self._connection = connection
        LOGGER.debug("Connected to %s over %s", self.host, self.transport)
        self._notify_link(True)

    def _notify_link(self, up: bool) -> None:
        """Tell every link listener about a change."""
        for listener in list(self._link_listeners):
            try:
                listener(up)
            except Exception:
                LOGGER.exception("Link listener failed")

    def _fail_pending(self) -> None:
        """Fail every request in flight: its reply cannot come any more."""
        for pending in self._pending.values():
            if not pending.future.done():
                pending.future.set_exception(
                    InvisOutletConnectionError(f"link to {self.host} lost")
                )

    def _dispatch(self, value: Any) -> None:
        """Route one decoded message to its request or to the push listeners."""
        try:
            message = Message.from_json(value)
        except InvisOutletProtocolError as err:
            LOGGER.warning("Ignored a message from %s: %s", self.host, err)
            return
        pending = self._pending.get(message.packet_id) if message.packet_id else None
        if pending is not None and _is_reply(message, pending.callback_name):
            if not pending.future.done():
                pending.future.set_result(message)
            return
        if message.callback_name is None or message.packet_id in self._expired:
            LOGGER.debug("Ignored a stale reply from %s: %.200r", self.host, value)
            return
        for listener in list(self._push_listeners.get(message.callback_name, ())):
            try:
                listener(message)
            except Exception:
                LOGGER.exception(
                    "Push listener for callback %s failed", message.callback_name
                )

    def _new_packet_id(self) -> int:
        """Return a six-digit packetID no request in flight uses."""
        while True:
            # Correlation only, not security: the device takes any six digits.
            packet_id = random.randint(100_000, 999_999)  # noqa: S311
            if packet_id not in self._pending:
                return packet_id


def _discard[T](items: list[T], item: T) -> None:
    """Remove item from items if it is still there (unsubscribing twice is harmless)."""
    with contextlib.suppress(ValueError):
        items.remove(item)


def _is_reply(message: Message, callback_name: int) -> bool:
    """Return whether a message with a pending packetID answers that request."""
    # A 21 carrying arguments is revB's late answer, whatever its packetID (§4.10).
    if message.callback_name == Callback.START_UPDATE and message.args is not None:
        return False
    return message.puback is not None or message.callback_name == callback_name
