"""Specification of probe(): how an outlet serves its API, and what it says it is.

revB serves raw TCP, revA the WebSocket; probe() tries TCP first (protocol.md §2.4a)
and answers with the first transport on which the outlet gives its information.
"""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    DEFAULT_PORTS,
    PROBE_ORDER,
    InvisOutletConnectionError,
    ProbeResult,
    Transport,
    probe,
)
from tests.simulator import Faults, InvisOutletSimulator

from .conftest import HOST, SERIAL, SHORT_TIMEOUT, WAIT, unused_port, with_faults


def order(
    simulator: InvisOutletSimulator, *, tcp: int | None = None, ws: int | None = None
) -> tuple[tuple[Transport, int], ...]:
    """Return the probe order with the simulator's ports, or the ports given."""
    return (
        (Transport.TCP, simulator.tcp_port if tcp is None else tcp),
        (Transport.WEBSOCKET, simulator.ws_port if ws is None else ws),
    )


def running_tasks() -> list[asyncio.Task[object]]:
    """Return the client tasks still alive in this loop."""
    return [
        task
        for task in asyncio.all_tasks()
        if task.get_name().startswith("invisoutlet ") and not task.done()
    ]


def test_probe_tries_tcp_first_on_the_default_ports() -> None:
    """TCP 3333 (revB) first, then the WebSocket on port 80 (revA)."""
    transports = [transport for transport, _ in PROBE_ORDER]
    ports = [port for _, port in PROBE_ORDER]

    assert transports == [Transport.TCP, Transport.WEBSOCKET]
    assert ports == [3333, 80]
    assert ports == [DEFAULT_PORTS[transport] for transport in transports]


async def test_probe_finds_an_outlet_over_tcp(
    simulator: InvisOutletSimulator,
) -> None:
    """An outlet that answers on TCP is found there, with its information."""
    result = await probe(HOST, order=order(simulator), timeout=WAIT)

    assert result.transport is Transport.TCP
    assert result.port == simulator.tcp_port
    assert result.info.serial == SERIAL
    assert result.info.deco is not None
    assert [r.transport for r in simulator.requests] == ["tcp"]


async def test_probe_falls_back_to_the_websocket(
    simulator: InvisOutletSimulator,
) -> None:
    """Nothing on TCP: the WebSocket is tried next and answers."""
    result = await probe(HOST, order=order(simulator, tcp=unused_port()), timeout=WAIT)

    assert result == ProbeResult(
        transport=Transport.WEBSOCKET, port=simulator.ws_port, info=result.info
    )
    assert result.info.serial == SERIAL


@with_faults(silent_callbacks={12})
async def test_probe_gives_up_on_a_port_that_does_not_answer(
    simulator: InvisOutletSimulator, faults: Faults
) -> None:
    """A transport that connects but never answers 12 counts as no outlet there."""
    with pytest.raises(InvisOutletConnectionError, match="no InvisOutlet answered"):
        await probe(HOST, order=order(simulator), timeout=SHORT_TIMEOUT)

    assert len(simulator.requests_for(12)) == 2


async def test_probe_uses_the_session_given(
    simulator: InvisOutletSimulator,
) -> None:
    """A caller's aiohttp session carries the WebSocket and stays open."""
    async with aiohttp.ClientSession() as session:
        result = await probe(
            HOST,
            session=session,
            order=order(simulator, tcp=unused_port()),
            timeout=WAIT,
        )

        assert result.transport is Transport.WEBSOCKET
        assert not session.closed


async def test_probe_leaves_no_link_open(simulator: InvisOutletSimulator) -> None:
    """Whatever it finds, probe() closes every link it opened."""
    await probe(HOST, order=order(simulator, tcp=unused_port()), timeout=WAIT)

    assert running_tasks() == []
    async with asyncio.timeout(WAIT):
        while simulator.connection_count:  # noqa: ASYNC110 - the simulator's state
            await asyncio.sleep(0.01)


@pytest.mark.usefixtures("socket_enabled")
async def test_probe_of_nothing_raises_with_every_reason() -> None:
    """Nothing answers anywhere: a connection error naming each transport tried."""
    nowhere = ((Transport.TCP, unused_port()), (Transport.WEBSOCKET, unused_port()))

    with pytest.raises(InvisOutletConnectionError) as raised:
        await probe(HOST, order=nowhere, timeout=SHORT_TIMEOUT)

    message = str(raised.value)
    assert message.startswith("no InvisOutlet answered at 127.0.0.1 (")
    assert "tcp: " in message
    assert "websocket: " in message
    assert running_tasks() == []


@with_faults(wrong_types={12})
async def test_probe_skips_a_transport_whose_answer_is_not_an_outlets(
    simulator: InvisOutletSimulator,
) -> None:
    """Something that answers with nonsense is not an InvisOutlet."""
    with pytest.raises(InvisOutletConnectionError, match="no InvisOutlet answered"):
        await probe(HOST, order=order(simulator), timeout=WAIT)
