"""Shared fixtures of the library tests: a simulated outlet and clients connected to it.

The simulator listens on 127.0.0.1 only (the one address pytest-socket lets through) on
random ports. Every test that touches a socket requests `socket_enabled` through the
`simulator` fixture; every client and simulator is closed at teardown, so that the
Home Assistant test harness finds no task or timer left behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import copy
import json
import socket
from typing import Any, Protocol

import aiohttp
import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    Backoff,
    InvisOutlet,
    OtaTimeouts,
    Transport,
)
from tests.simulator import (
    Faults,
    InvisOutletSimulator,
    OtaTiming,
    SimulatedDevice,
)

HOST = "127.0.0.1"
# The simulated outlet's serial number (tests/fixtures/outlet_info.json).
SERIAL = "11A1F7000FE"
# Fast enough that a reconnect takes a few milliseconds.
FAST_BACKOFF = Backoff(initial=0.01, maximum=0.05, reboot=0.01)
# Bound on every wait in these tests: far above what a healthy run needs.
WAIT = 2.0
# Only an upper bound: a test that wants a request to time out says so explicitly.
REQUEST_TIMEOUT = WAIT
# A short explicit timeout for requests that are meant to go unanswered.
SHORT_TIMEOUT = 0.2
# Time limits of an OTA in which every simulated update path runs in well under 1 s.
FAST_OTA = OtaTimeouts(
    start=1.0, progress=0.5, reboot=2.0, verify=1.0, poll_interval=0.05
)

TRANSPORTS = [
    pytest.param(Transport.TCP, id="tcp"),
    pytest.param(Transport.WEBSOCKET, id="websocket"),
]


class Recorder[T]:
    """Collect the values a callback receives and let a test wait for them."""

    def __init__(self) -> None:
        """Start with nothing recorded."""
        self.values: list[T] = []
        self._changed = asyncio.Event()

    def __call__(self, value: T) -> None:
        """Record one value."""
        self.values.append(value)
        self._changed.set()

    async def wait_for(self, count: int, timeout: float = WAIT) -> list[T]:
        """Wait until at least count values were recorded; return them all."""
        async with asyncio.timeout(timeout):
            while len(self.values) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.values


class ClientFactory(Protocol):
    """Build a client for the simulator; it is closed at teardown."""

    def __call__(
        self,
        *,
        transport: Transport | None = None,
        port: int | None = None,
        backoff: Backoff = FAST_BACKOFF,
        request_timeout: float = REQUEST_TIMEOUT,
        connect_timeout: float = WAIT,
        session: aiohttp.ClientSession | None = None,
    ) -> InvisOutlet:
        """Return a client that is not connected yet."""


async def assert_usable(client: InvisOutlet) -> None:
    """Check that the link answers requests (after reconnecting, if it had to)."""
    async with asyncio.timeout(WAIT):
        while not client.connected:  # noqa: ASYNC110 - state of the client's task
            await asyncio.sleep(0.01)
    info = await client.outlet_info()
    assert info.serial == SERIAL


def port_of(simulator: InvisOutletSimulator, transport: Transport) -> int:
    """Return the simulator's port for a transport."""
    return simulator.tcp_port if transport is Transport.TCP else simulator.ws_port


def unused_port() -> int:
    """Return a loopback port where nothing listens (bound once, then released)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
    return port


def envelope(
    packet_id: int,
    *,
    puback: int | None = None,
    callback_name: int | None = None,
    args: Any = None,
    serial: str = SERIAL,
) -> bytes:
    """Return one device message, compact, as the outlet would write it."""
    message: dict[str, Any] = {"sn": serial, "packetID": packet_id}
    if puback is not None:
        message["PUBACK"] = puback
    if callback_name is not None:
        message["payload"] = {"callbackName": callback_name, "callbackArgs": args}
    return json.dumps(message, separators=(",", ":")).encode()


def with_device(**fields: Any) -> pytest.MarkDecorator:
    """Run a test against a simulated device with these fields changed."""
    label = ",".join(f"{key}={value}" for key, value in fields.items())
    return pytest.mark.parametrize(
        "device", [pytest.param(SimulatedDevice(**fields), id=label)], indirect=True
    )


def with_pro(**fields: Any) -> pytest.MarkDecorator:
    """Run a test against a simulated outlet with an InvisDeco Pro (nightlight)."""
    label = ",".join(["pro", *(f"{key}={value}" for key, value in fields.items())])
    return pytest.mark.parametrize(
        "device",
        [pytest.param(SimulatedDevice.pro(**fields), id=label)],
        indirect=True,
    )


def with_faults(**knobs: Any) -> pytest.MarkDecorator:
    """Run a test against a simulator with these fault knobs set."""
    label = ",".join(f"{key}={value}" for key, value in knobs.items())
    return pytest.mark.parametrize(
        "faults", [pytest.param(Faults(**knobs), id=label)], indirect=True
    )


@pytest.fixture
def device(request: pytest.FixtureRequest) -> SimulatedDevice:
    """Return the simulated device: revB, InvisDeco attached, everything outdated.

    Parametrize indirectly (with_device) to change it; each test gets its own copy,
    since a simulated update changes the versions.
    """
    template: SimulatedDevice = getattr(request, "param", SimulatedDevice())
    return copy.deepcopy(template)


@pytest.fixture
def faults(request: pytest.FixtureRequest) -> Faults:
    """Return the simulator's fault knobs, all off; tests flip them.

    Parametrize indirectly (with_faults) to start with some on; each test gets its
    own copy, so that flipping a knob never leaks into the next test.
    """
    template: Faults = getattr(request, "param", Faults())
    return copy.deepcopy(template)


@pytest.fixture
def timing() -> OtaTiming:
    """Return the pace of simulated updates (milliseconds per step)."""
    return OtaTiming()


@pytest.fixture
async def simulator(
    socket_enabled: None,
    device: SimulatedDevice,
    faults: Faults,
    timing: OtaTiming,
) -> AsyncIterator[InvisOutletSimulator]:
    """Run a simulated outlet on 127.0.0.1 (random TCP and WebSocket ports)."""
    async with InvisOutletSimulator(
        device=device, faults=faults, timing=timing, host=HOST
    ) as sim:
        yield sim


@pytest.fixture(params=TRANSPORTS)
def transport(request: pytest.FixtureRequest) -> Transport:
    """Return the transport under test; both, where they must behave alike."""
    value: Transport = request.param
    return value


@pytest.fixture
async def make_client(
    simulator: InvisOutletSimulator, transport: Transport
) -> AsyncIterator[ClientFactory]:
    """Return a factory of clients for the simulator; all are closed at teardown."""
    clients: list[InvisOutlet] = []

    def factory(
        *,
        transport: Transport | None = transport,
        port: int | None = None,
        backoff: Backoff = FAST_BACKOFF,
        request_timeout: float = REQUEST_TIMEOUT,
        connect_timeout: float = WAIT,
        session: aiohttp.ClientSession | None = None,
    ) -> InvisOutlet:
        link = transport or Transport.TCP
        client = InvisOutlet(
            host=HOST,
            transport=link,
            port=port or port_of(simulator, link),
            session=session,
            backoff=backoff,
            request_timeout=request_timeout,
            connect_timeout=connect_timeout,
        )
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.close()


@pytest.fixture
async def client(make_client: ClientFactory) -> InvisOutlet:
    """Return a client connected to the simulator with fast reconnects."""
    outlet = make_client()
    await outlet.connect()
    return outlet


@pytest.fixture
def links(client: InvisOutlet) -> Recorder[bool]:
    """Record every link change of the connected client (True up, False down)."""
    recorder = Recorder[bool]()
    client.subscribe_link(recorder)
    return recorder


@pytest.fixture
def created_sessions(
    monkeypatch: pytest.MonkeyPatch,
) -> list[aiohttp.ClientSession]:
    """Record every aiohttp session the library creates for itself."""
    created: list[aiohttp.ClientSession] = []
    real = aiohttp.ClientSession

    def spy(*args: Any, **kwargs: Any) -> aiohttp.ClientSession:
        session = real(*args, **kwargs)
        created.append(session)
        return session

    monkeypatch.setattr(aiohttp, "ClientSession", spy)
    return created
