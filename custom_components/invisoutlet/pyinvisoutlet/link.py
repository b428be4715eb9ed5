"""One persistent link to an outlet: requests, replies, pushes, reconnects."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass, field
from functools import partial
import logging
import random
from typing import TYPE_CHECKING, Any

from .const import CallbackName
from .decoder import OversizedMessageError
from .envelope import Message
from .exceptions import (
    InvisOutletCommandError,
    InvisOutletConnectionError,
    InvisOutletError,
    InvisOutletProtocolError,
    InvisOutletTimeoutError,
)
from .transport import DEFAULT_PORTS, Connection, Transport, open_connection

if TYPE_CHECKING:
    import aiohttp

LOGGER = logging.getLogger(__package__)

type MessageListener = Callable[[Message], None]
# Every message of a callback, and whether it answers a request of this link.
type MessageReceiver = Callable[[Message, bool], None]
type LinkListener = Callable[[bool], None]


@dataclass(frozen=True, kw_only=True)
class Backoff:
    """Delays between reconnect attempts, in seconds."""

    initial: float = 1.0
    maximum: float = 60.0
    # While a restart is expected the outlet is back within seconds: retry at this pace.
    reboot: float = 1.0


@dataclass(frozen=True, slots=True)
class _Pending:
    """A request waiting for its reply."""

    callback_name: int
    future: asyncio.Future[Message]


@dataclass(kw_only=True)
class Link:
    """Keep one link to an outlet open, reconnecting by itself, and route messages."""

    host: str
    transport: Transport = Transport.TCP
    port: int | None = None
    session: aiohttp.ClientSession | None = None
    request_timeout: float = 10.0
    connect_timeout: float = 10.0
    backoff: Backoff = field(default_factory=Backoff)
    # Hears every message of a callback first (the client that holds the link).
    receiver: MessageReceiver | None = None

    _connection: Connection | None = field(default=None, init=False, repr=False)
    _runner: asyncio.Task[None] | None = field(default=None, init=False, repr=False)
    _pending: dict[int, _Pending] = field(default_factory=dict, init=False, repr=False)
    _listeners: dict[int, list[MessageListener]] = field(
        default_factory=dict, init=False, repr=False
    )
    _link_listeners: list[LinkListener] = field(
        default_factory=list, init=False, repr=False
    )
    # Woken (reconnect_now, a restart expected): the next reconnect wait is cut short.
    _woken: bool = field(default=False, init=False, repr=False)
    _waking: asyncio.Future[None] | None = field(default=None, init=False, repr=False)
    _reboot_expected: bool = field(default=False, init=False, repr=False)
    _restart_requested: bool = field(default=False, init=False, repr=False)
    _received_at: float = field(default=0.0, init=False, repr=False)
    # Whether this link session brought any message (a reconnect then starts over).
    _took: bool = field(default=False, init=False, repr=False)
    # Messages skipped this link session, by reason (logged once each, then counted).
    _skipped: dict[str, int] = field(default_factory=dict, init=False, repr=False)

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

    def subscribe_link(self, listener: LinkListener) -> Callable[[], None]:
        """Call listener with True when the link comes up and False when it drops."""
        self._link_listeners.append(listener)
        return partial(discard, self._link_listeners, listener)

    def expect_reboot(self, expected: bool) -> None:
        """Retry quickly while the outlet is expected to restart."""
        self._reboot_expected = expected
        if expected:
            self._wake()

    def reconnect_now(self, host: str | None = None) -> None:
        """Cut the current wait short, optionally at a new address."""
        if host is not None:
            self.host = host
        self._wake()

    async def request(
        self,
        callback_name: CallbackName,
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
        payload: dict[str, Any] = {"callbackName": int(callback_name)}
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
            if (
                callback_name is CallbackName.OUTLET_INFO
                and self._received_at < sent_at
            ):
                # Device information is answered by the outlet alone (available
                # updates and installs may wait on the cloud or a restart): not a byte
                # since it was sent means a half-open socket. Open a new one (§2.5).
                LOGGER.debug("Nothing received from %s; reconnecting", self.host)
                if self._connection is connection:
                    self._connection = None  # no new request may use it
                await connection.close()
            msg = f"{self.host} did not answer {callback_name.label} in time"
            raise InvisOutletTimeoutError(msg) from err
        finally:
            del self._pending[packet_id]
            # Cancelled mid-request (a caller's own deadline): nobody awaits it now.
            if not future.done():
                future.cancel()
            elif not future.cancelled():
                future.exception()
        if message.puback == 0:
            msg = f"{self.host} refused {callback_name.label}"
            raise InvisOutletCommandError(msg)
        return message

    async def send_only(self, callback_name: CallbackName, *, restarts: bool) -> None:
        """Send a request that gets no reply; reconnect quickly if it restarts."""
        if (connection := self._connection) is None:
            msg = f"not connected to {self.host}"
            raise InvisOutletConnectionError(msg)
        self._restart_requested = restarts
        payload = {"callbackName": int(callback_name)}
        await connection.send({"packetID": self._new_packet_id(), "payload": payload})

    def listen(
        self, callback_name: int, listener: MessageListener
    ) -> Callable[[], None]:
        """Call listener with every message of a callback, reply or push."""
        listeners = self._listeners.setdefault(callback_name, [])
        listeners.append(listener)
        return partial(discard, listeners, listener)

    def skipped(self, reason: str, detail: object) -> None:
        """Count a message that was skipped; log the first of each kind per session."""
        count = self._skipped[reason] = self._skipped.get(reason, 0) + 1
        if count == 1:
            LOGGER.warning(
                "Skipped a message from %s (%s): %.120s; further ones are counted",
                self.host,
                reason,
                detail,
            )

    async def _open(self) -> Connection:
        """Open a new link to the current host."""
        return await open_connection(
            self.transport,
            self.host,
            self.effective_port,
            self.connect_timeout,
            self.session,
            on_skip=self.skipped,
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
        self._took = False
        try:
            # Where the transport can, messages are dispatched as they arrive.
            connection.deliver(self._take_all)
            while True:
                # Taken by a call: what was received is not kept alive by this
                # frame while it waits for more.
                self._take_all(await connection.receive())
        except OversizedMessageError as err:
            for value in err.decoded:
                self._dispatch(value)
            LOGGER.warning(
                "Dropped the link to %s to resynchronise: %s", self.host, err
            )
        except InvisOutletError as err:
            LOGGER.debug("Link to %s lost: %s", self.host, err)
        except Exception:
            # Whatever stops the reader takes the link down: never silently dead.
            LOGGER.exception("Reading from %s failed; reconnecting", self.host)
        self._connection = None
        self._fail_pending()
        await connection.close()
        self._end_session()
        self._notify_link(False)
        return self._took

    async def _reconnect(self, delay: float) -> tuple[Connection, float]:
        """Retry with capped exponential backoff; return the link and the next delay."""
        while True:
            restarting = self._reboot_expected or self._restart_requested
            await self._sleep(self.backoff.reboot if restarting else delay)
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
        if not self._woken:
            self._waking = asyncio.get_running_loop().create_future()
            try:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._waking
            finally:
                self._waking = None
        # Cleared after waiting: a wake-up during a connect attempt is not forgotten.
        self._woken = False

    def _wake(self) -> None:
        """Cut the current (or the next) reconnect wait short."""
        self._woken = True
        if self._waking is not None and not self._waking.done():
            self._waking.set_result(None)

    def _link_up(self, connection: Connection) -> None:
        """Adopt a new link and tell the listeners."""
        self._connection = connection
        self._restart_requested = False
        LOGGER.debug("Connected to %s over %s", self.host, self.transport)
        self._notify_link(True)

    def _end_session(self) -> None:
        """Log what this link session skipped beyond the first of each kind."""
        for reason, count in self._skipped.items():
            if count > 1:
                LOGGER.debug(
                    "Skipped %d messages from %s: %s", count, self.host, reason
                )
        self._skipped.clear()

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

    def _take_all(self, values: list[Any]) -> None:
        """Note that data came, and dispatch its messages in order."""
        self._received_at = asyncio.get_running_loop().time()
        if values:
            self._took = True
            for value in values:
                self._dispatch(value)

    def _dispatch(self, value: Any) -> None:
        """Route one message to its request, then to its callback's listeners."""
        try:
            message = Message.from_json(value)
        except InvisOutletProtocolError as err:
            self.skipped("not a message", err)
            return
        replied = False
        if (packet_id := message.packet_id) is not None and (
            pending := self._pending.get(packet_id)
        ):
            if replied := _is_reply(message, pending.callback_name):
                if not pending.future.done():
                    pending.future.set_result(message)
                if message.callback_name is None:
                    return
        elif message.callback_name is None:
            LOGGER.debug(
                "Ignored an acknowledgement from %s nobody waits for", self.host
            )
            return
        # Replies and pushes alike: state is state, whoever asked (§3.4).
        if self.receiver is not None:
            self._tell(message, self.receiver, replied)
        if listeners := self._listeners.get(message.callback_name or 0):
            for listener in tuple(listeners):
                self._tell(message, listener)

    def _tell(
        self, message: Message, listener: Callable[..., None], *more: bool
    ) -> None:
        """Give a message to a listener; a malformed one is counted and skipped."""
        try:
            listener(message, *more)
        except InvisOutletProtocolError as err:
            self.skipped(f"malformed callback {message.callback_name}", err)
        except Exception:
            LOGGER.exception("Listener for callback %s failed", message.callback_name)

    def _new_packet_id(self) -> int:
        """Return a six-digit packetID no request in flight uses."""
        while True:
            # Correlation only, not security: the device takes any six digits.
            packet_id = random.randint(100_000, 999_999)  # noqa: S311
            if packet_id not in self._pending:
                return packet_id


def discard[T](items: list[T], item: T) -> None:
    """Remove item from items if it is still there (unsubscribing twice is harmless)."""
    with contextlib.suppress(ValueError):
        items.remove(item)


def _is_reply(message: Message, callback_name: int) -> bool:
    """Return whether a message with a pending packetID answers that request."""
    # A 21 carrying arguments is revB's late answer, whatever its packetID (§4.10).
    if message.callback_name == CallbackName.START_UPDATE and message.args is not None:
        return False
    return message.puback is not None or message.callback_name == callback_name
