"""1 MiB of garbage on the link, then a valid push: what each client makes of it.

Run by ``scripts/bench --stages`` (devtools/bench_stages.py), which writes the
table into its section of BENCHMARKS.md. Each episode runs over a real socket
against a fresh simulator (tests/simulator) in this process, on 127.0.0.1: the
simulator writes the megabyte, then one sensor push; the client has GARBAGE_WAIT
seconds to deliver the push. Ours' CPU for the megabyte is its stream decoder alone,
set against decoding as many bytes of valid messages (devtools/bench_decoder.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
import importlib
import logging
from typing import Any

from devtools.bench_decoder import MIB, garbage, garbage_times
from devtools.bench_pusher import sensor_push
from devtools.bench_report import cell
from tests.simulator import InvisOutletSimulator
from tests.simulator.wire import oversized

HOST = "127.0.0.1"
# Far above what delivering a push after a megabyte takes (a few ms).
GARBAGE_WAIT = 3.0
# What each episode writes before the push, by its row in the table.
EPISODES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "printable garbage": ("tcp", lambda: garbage("printable")),
    "binary garbage": ("tcp", lambda: garbage("binary")),
    "an unterminated string": ("tcp", lambda: garbage("unterminated")),
    "one 1 MiB message, WebSocket": ("ws", lambda: oversized(MIB)),
}
OUR_LOGGER = "custom_components.invisoutlet.pyinvisoutlet"
THEIR_LOGGER = "invisoutlet"


@dataclass
class Outcome:
    """What one episode did to one client."""

    delivered: bool
    link_kept: bool
    records: int


class _Count(logging.Handler):
    """Count the log records of one logger tree."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        del record  # only counted
        self.count += 1


async def episode(
    data: bytes,
    logger_name: str,
    connect: Callable[[InvisOutletSimulator, asyncio.Event], Awaitable[Any]],
) -> Outcome:
    """Run one episode against a fresh simulator; return what the client did."""
    async with InvisOutletSimulator(host=HOST) as simulator:
        heard = asyncio.Event()
        client = await connect(simulator, heard)
        logger = logging.getLogger(logger_name)
        counter, level = _Count(), logger.level
        logger.addHandler(counter)
        logger.setLevel(logging.DEBUG)
        try:
            await simulator.send_raw(data)
            await simulator.send_raw(sensor_push(simulator, 4242))
            try:
                async with asyncio.timeout(GARBAGE_WAIT):
                    await heard.wait()
            except TimeoutError:
                pass
        finally:
            logger.removeHandler(counter)
            logger.setLevel(level)
        outcome = Outcome(
            delivered=heard.is_set(),
            link_kept=simulator.accepted_count == 1 and client.connected,
            records=counter.count,
        )
        await client.close()
    return outcome


async def ours(
    simulator: InvisOutletSimulator, heard: asyncio.Event, *, ws: bool
) -> Any:
    """Connect our client; heard is set when the push's reading is merged."""
    from custom_components.invisoutlet.pyinvisoutlet import (  # noqa: PLC0415
        DevicePart,
        InvisOutlet,
        Transport,
    )

    client = InvisOutlet(
        host=HOST,
        transport=Transport.WEBSOCKET if ws else Transport.TCP,
        port=simulator.ws_port if ws else simulator.tcp_port,
    )
    await client.connect()
    await client.outlet_info()

    def changed(device: Any, parts: frozenset[Any]) -> None:
        sensors = device.sensors
        if DevicePart.SENSORS in parts and sensors and sensors.movement_energy == 4242:
            heard.set()

    client.subscribe_device(changed)
    return client


class _Theirs:
    """Their client, with the connected flag the episode reads."""

    def __init__(self, simulator: InvisOutletSimulator, ws: bool) -> None:
        library: Any = importlib.import_module("invisoutlet")
        self.client: Any = library.InvisOutletClient(
            HOST, port=simulator.ws_port, tcp_port=simulator.tcp_port
        )
        self.ws = ws
        self.lost = False
        self.client.on_disconnect(self._lost)

    def _lost(self, *_args: Any) -> None:
        self.lost = True

    @property
    def connected(self) -> bool:
        """Return whether the first link is still the one in use."""
        return not self.lost

    async def close(self) -> None:
        """Close the client."""
        await self.client.close()


async def theirs(
    simulator: InvisOutletSimulator, heard: asyncio.Event, *, ws: bool
) -> Any:
    """Connect their client; heard is set when their sensor callback has the push."""
    wrapper = _Theirs(simulator, ws)
    if ws:
        wrapper.client._preferred_name = "ws"
    await wrapper.client.connect()
    await wrapper.client.get_device_info()
    wrapper.client.on_sensor_data(
        lambda data: heard.set() if data.movement_energy == 4242 else None
    )
    return wrapper


def decode_cpu() -> dict[str, list[float]]:
    """Return ours' decoder CPU per run: each megabyte, as many valid bytes, ms."""
    from custom_components.invisoutlet.pyinvisoutlet import transport  # noqa: PLC0415

    times = garbage_times(transport.READ_SIZE)
    return {
        name: [1000 * seconds for seconds in times[kind][0]]
        for name, kind in (
            ("valid messages", "valid"),
            ("printable garbage", "printable"),
            ("binary garbage", "binary"),
            ("an unterminated string", "unterminated"),
        )
    }


async def outcomes() -> dict[str, dict[str, Outcome]]:
    """Return, for each episode, what ours and theirs made of it."""
    results: dict[str, dict[str, Outcome]] = {}
    for name, (link, make) in EPISODES.items():
        ws = link == "ws"
        data = make()
        results[name] = {
            "ours": await episode(data, OUR_LOGGER, partial(ours, ws=ws)),
            "theirs": await episode(data, THEIR_LOGGER, partial(theirs, ws=ws)),
        }
    return results


def garbage_section(
    cpu: dict[str, list[float]], outcomes: dict[str, dict[str, Outcome]]
) -> str:
    """Return the garbage subsection of the stages section: its text and table."""

    def shown(outcome: Outcome) -> str:
        return (
            f"{'yes' if outcome.delivered else '**no**'} | "
            f"{'yes' if outcome.link_kept else '**no**'} | {outcome.records}"
        )

    lines = [
        (
            "| 1 MiB of …, then a push | ours: decoder CPU, ms "
            "| ours: push delivered | link kept | log records "
            "| theirs: push delivered | link kept | log records |"
        ),
        "|---|---|---|---|---|---|---|---|",
        f"| valid messages (the bound) | {cell(cpu['valid messages'])} | | | | | | |",
    ]
    for name, by_client in outcomes.items():
        decoder = cell(cpu[name]) if name in cpu else "-"
        lines.append(
            f"| {name} | {decoder} | {shown(by_client['ours'])} "
            f"| {shown(by_client['theirs'])} |"
        )
    table = "\n".join(lines)
    return f"""### Garbage on the link

Each row: a fresh simulator writes 1 MiB of it to a connected client, then one
sensor push; the client has {GARBAGE_WAIT:.0f} s to deliver the push. "Link kept": the
same connection carries it (the simulator accepted one, the client never saw it
drop). Log records: everything the client's library logged over the episode, at
any level. The decoder CPU is ours' stream decoder alone on the megabyte and the
push (the median of 5 runs, then their spread), against as many bytes of valid
messages (TCP rows; on the WebSocket one frame is one message).

{table}"""
