"""Benchmark the integration against the simulator and write BENCHMARKS.md.

``scripts/bench`` runs ``python -m devtools.bench``; ``--smoke`` runs every figure with
tiny sizes and writes nothing, so the test suite can check that the benchmark still
works (it asserts no timings). Each figure is measured several times; the report
gives the median and the spread (min-max) of the repeats, the command and the machine.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass, field
import datetime as dt
import gc
import json
import os
from pathlib import Path
import platform
import random
import shlex
import statistics
import sys
import time
import tracemalloc
from typing import Any
from unittest.mock import patch

from homeassistant import const as ha_const
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
import psutil

from custom_components.invisoutlet.const import RECONNECT_BACKOFF
from custom_components.invisoutlet.pyinvisoutlet import (
    Backoff,
    InvisOutlet,
    JsonStreamDecoder,
)
from devtools.bench_device import (
    command_latencies,
    pushed_readings_cpu,
    unchanged_push_cost,
)
from devtools.bench_harness import (
    ROOT,
    WAIT,
    add_outlet,
    home_assistant,
    outlet_of,
    percentile,
    run_fleet,
    until,
)
from devtools.bench_report import HEADING as SIDE_BY_SIDE
from tests.simulator import InvisOutletSimulator, OtaTiming, SimulatedDevice

FIRMWARE = "update.invisoutlet_{serial}_firmware"


@dataclass(frozen=True)
class Sizes:
    """How much work each figure does."""

    pushes: int = 1000
    decoder_messages: int = 20_000
    setups: int = 20
    outlets: int = 50
    idle_seconds: float = 60.0
    reconnects: int = 10
    otas: int = 20
    soak_pushes: int = 1000
    soak_reconnects: int = 100
    commands: int = 200
    unchanged_pushes: int = 20_000
    pushing_seconds: float = 30.0
    # How long set-up outlets are left alone before a figure is taken.
    settle_seconds: float = 5.0
    # The gap before each timed push (and loopback trip), below the bound of 20
    # state writes per entity a second.
    push_gap: float = 0.055
    repeats: int = 5


SMOKE = Sizes(
    pushes=30,
    decoder_messages=300,
    setups=2,
    outlets=3,
    idle_seconds=0.1,
    reconnects=1,
    otas=2,
    soak_pushes=30,
    soak_reconnects=2,
    commands=4,
    unchanged_pushes=50,
    pushing_seconds=0.1,
    settle_seconds=0.05,
    push_gap=0.001,
    repeats=1,
)


@dataclass
class Figure:
    """One measured figure: its target and the value of every repeat."""

    name: str
    target: str
    unit: str
    values: list[float] = field(default_factory=list)
    limit: float | None = None
    # The target is a floor (throughput), not a ceiling (time).
    at_least: bool = False
    note: str = ""

    @property
    def median(self) -> float:
        """Return the median of the repeats."""
        return statistics.median(self.values)

    def row(self) -> str:
        """Return the Markdown table row."""
        spread = f"{min(self.values):.3g}-{max(self.values):.3g}"
        met = ""
        if self.limit is not None:
            ok = (
                self.median >= self.limit
                if self.at_least
                else self.median <= self.limit
            )
            met = "yes" if ok else "NO"
        return (
            f"| {self.name} | {self.target} | {self.median:.3g} {self.unit} | "
            f"{spread} | {met} | {self.note} |"
        )


# Figures ------------------------------------------------------------------------------


# Pushes timed for the latency figure.
LATENCY_PUSHES = 200


async def push_latency(pushes: int, gap: float) -> tuple[list[float], list[float]]:
    """Measure an outlet's push -> the switch's state, and the raw loopback trip."""
    async with InvisOutletSimulator() as simulator, home_assistant() as hass:
        await add_outlet(hass, *outlet_of(simulator))
        waiting: dict[str, asyncio.Future[float]] = {}

        @callback
        def changed(event: Event[EventStateChangedData]) -> None:
            new = event.data["new_state"]
            if new is None or not new.entity_id.startswith("switch."):
                return
            if (future := waiting.pop(new.state, None)) is not None:
                future.set_result(time.perf_counter())

        hass.bus.async_listen("state_changed", changed)
        latencies = []
        loop = asyncio.get_running_loop()
        for index in range(min(pushes, LATENCY_PUSHES)):
            # Paced below the integration's bound of 20 writes per entity a second,
            # which would otherwise be what this measures (a hand is slower still).
            await asyncio.sleep(gap)
            # The top outlet (on in the fixture) switched by hand: off, on, off, ...
            on = index % 2 == 1
            future = loop.create_future()
            waiting["on" if on else "off"] = future
            start = time.perf_counter()
            await simulator.push(9, [int(on), 0])
            async with asyncio.timeout(WAIT):
                latencies.append(await future - start)
        raw = await loopback_round_trips(len(latencies), gap)
    return latencies, raw


async def loopback_round_trips(count: int, gap: float) -> list[float]:
    """Measure the TCP loopback round trip of a compact 22 message, echoed back.

    Paced as the pushes are: a message after an idle gap takes longer than one of a
    back-to-back stream (cold caches, a sleeping loop), on the loopback as in HA.
    """
    message = (
        b'{"sn":"11A1F7000FE","packetID":839379,'
        b'"payload":{"callbackName":22,"callbackArgs":[1,96]}}'
    )

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            writer.write(data)
        writer.close()

    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    times = []
    for _ in range(count):
        await asyncio.sleep(gap)
        start = time.perf_counter()
        writer.write(message)
        await reader.readexactly(len(message))
        times.append(time.perf_counter() - start)
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()
    return times


def recorded_stream(messages: int) -> tuple[list[bytes], list[bytes]]:
    """Return device messages and the same bytes cut into split and coalesced reads."""
    rng = random.Random(1)  # noqa: S311 - reproducible test data, not security
    simulator_device = SimulatedDevice()
    bodies: list[bytes] = []
    for index in range(messages):
        kind = index % 10
        if kind == 0:
            args: Any = simulator_device.device_info()
            name = 12
        elif kind == 1:
            args, name = simulator_device.available_updates(), 20
        else:
            args, name = [1 + index % 3, index % 101], 22
        message = {"sn": "11A1F7000FE", "packetID": 100000 + index, "PUBACK": 1}
        message["payload"] = {"callbackName": name, "callbackArgs": args}
        bodies.append(json.dumps(message, separators=(",", ":")).encode())
    stream = b"".join(bodies)
    chunks, position = [], 0
    while position < len(stream):
        # Reads of 1 byte to 4 KiB: most split a message, many hold several.
        size = rng.choice((1, 7, 64, 200, 1500, 4096))
        chunks.append(stream[position : position + size])
        position += size
    return bodies, chunks


def decoder_ratio(messages: int) -> float:
    """Return decoder throughput over json.loads throughput on the same objects."""
    bodies, chunks = recorded_stream(messages)
    start = time.perf_counter()
    for body in bodies:
        json.loads(body)
    loads = time.perf_counter() - start
    decoder = JsonStreamDecoder()
    decoded = 0
    start = time.perf_counter()
    for chunk in chunks:
        decoded += len(decoder.feed(chunk))
    stream = time.perf_counter() - start
    assert decoded == len(bodies)
    return loads / stream


async def setup_times(count: int) -> list[float]:
    """Measure setting up one config entry against the simulator."""
    async with InvisOutletSimulator() as simulator, home_assistant() as hass:
        times = []
        for _ in range(count + 1):
            start = time.perf_counter()
            entry = await add_outlet(hass, *outlet_of(simulator))
            times.append(time.perf_counter() - start)
            await hass.config_entries.async_remove(entry.entry_id)
            await hass.async_block_till_done()
    return times[1:]  # the first one also imports the integration


async def fleet(outlets: int, idle_seconds: float) -> dict[str, float]:
    """Load many outlets in one Home Assistant: how long it takes, then idle CPU."""
    process = psutil.Process()
    async with (
        run_fleet(outlets) as simulated,
        home_assistant() as hass,
    ):
        ports = simulated.outlets
        # The first outlet pays for imports and caches; the others are what scales.
        await add_outlet(hass, *ports[0])
        start = time.perf_counter()
        await asyncio.gather(*(add_outlet(hass, *outlet) for outlet in ports[1:]))
        loaded = time.perf_counter() - start
        cpu = process.cpu_times()
        await asyncio.sleep(idle_seconds)
        after = process.cpu_times()
        busy = (after.user + after.system) - (cpu.user + cpu.system)
        assert len(hass.config_entries.async_entries("invisoutlet")) == outlets
    return {"loaded_s": loaded, "idle_cpu_percent": 100 * busy / idle_seconds}


async def fleet_memory(outlets: int) -> dict[str, float]:
    """Load many outlets again, tracing allocations (slower): memory each."""
    process = psutil.Process()
    async with (
        run_fleet(outlets) as simulated,
        home_assistant() as hass,
    ):
        ports = simulated.outlets
        await add_outlet(hass, *ports[0])
        gc.collect()
        rss = process.memory_info().rss
        tracemalloc.start()
        heap = tracemalloc.get_traced_memory()[0]
        await asyncio.gather(*(add_outlet(hass, *outlet) for outlet in ports[1:]))
        gc.collect()
        others = max(1, outlets - 1)
        heap_each = (tracemalloc.get_traced_memory()[0] - heap) / others
        tracemalloc.stop()
        rss_each = (process.memory_info().rss - rss) / others
    return {
        "heap_mib_per_outlet": heap_each / 2**20,
        "rss_mib_per_outlet": rss_each / 2**20,
    }


async def reconnect_times(count: int) -> list[float]:
    """Measure the simulator accepting again -> link up, while a reboot is expected."""
    async with InvisOutletSimulator() as simulator:
        client = InvisOutlet(
            host="127.0.0.1", port=simulator.tcp_port, backoff=RECONNECT_BACKOFF
        )
        up = asyncio.Event()
        client.subscribe_link(lambda is_up: up.set() if is_up else None)
        await client.connect()
        client._link.expect_reboot(True)
        times = []
        for _ in range(count):
            up.clear()
            await simulator.set_refusing(True)
            # Reopen at a random point of the retry cycle, as a real reboot would.
            await asyncio.sleep(random.uniform(0.1, 0.6))  # noqa: S311
            start = time.perf_counter()
            await simulator.set_refusing(False)
            async with asyncio.timeout(WAIT):
                await up.wait()
            times.append(time.perf_counter() - start)
        await client.close()
    return times


async def ota_overheads(count: int) -> list[float]:
    """Measure a whole update.install when the device itself takes no time."""
    timing = OtaTiming(start_delay=0, step_interval=0, reboot_duration=0)
    instant = Backoff(initial=0, maximum=0, reboot=0)
    async with (
        InvisOutletSimulator(timing=timing) as simulator,
        home_assistant() as hass,
    ):
        with patch("custom_components.invisoutlet.RECONNECT_BACKOFF", instant):
            await add_outlet(hass, *outlet_of(simulator))
        entity = FIRMWARE.format(serial=simulator.device.serial.lower())
        times = []
        for _ in range(count + 1):
            simulator.device.outlet_fw, simulator.device.www_fw = "1.2.0", "0.1.2"
            await _refresh(hass)
            start = time.perf_counter()
            await hass.services.async_call(
                "update", "install", {"entity_id": entity}, blocking=True
            )
            times.append(time.perf_counter() - start)
    return times[1:]


# What an install itself asks: device information, available updates, the install.
FIRMWARE_CALLBACKS = frozenset({12, 20, 21})


async def requests_per_install(hardware: str) -> tuple[int, int]:
    """Install once from Home Assistant; return firmware requests and all requests."""
    timing = OtaTiming(start_delay=0, step_interval=0, reboot_duration=0)
    instant = Backoff(initial=0, maximum=0, reboot=0)
    device = SimulatedDevice(hardware=hardware)
    async with (
        InvisOutletSimulator(device=device, timing=timing) as simulator,
        home_assistant() as hass,
    ):
        with patch("custom_components.invisoutlet.RECONNECT_BACKOFF", instant):
            await add_outlet(hass, *outlet_of(simulator))
        entity = FIRMWARE.format(serial=simulator.device.serial.lower())
        before = len(simulator.requests)
        await hass.services.async_call(
            "update", "install", {"entity_id": entity}, blocking=True
        )
        during = simulator.requests[before:]
    firmware = [r for r in during if r.callback_name in FIRMWARE_CALLBACKS]
    return len(firmware), len(during)


async def _refresh(hass: HomeAssistant) -> None:
    """Read device information and available updates again on every entry."""
    for entry in hass.config_entries.async_entries("invisoutlet"):
        await entry.runtime_data.device.async_refresh()
        await entry.runtime_data.firmware.async_refresh()


async def soak(pushes: int, reconnects: int) -> dict[str, float]:
    """Many progress pushes and reconnects: memory and task counts before and after."""
    async with InvisOutletSimulator() as simulator, home_assistant() as hass:
        with patch(
            "custom_components.invisoutlet.RECONNECT_BACKOFF",
            Backoff(initial=0.01, maximum=0.05, reboot=0.01),
        ):
            entry = await add_outlet(hass, *outlet_of(simulator))
        client = entry.runtime_data.client
        await _push_burst(simulator, 10)
        gc.collect()
        before = (_python_memory(), len(asyncio.all_tasks()))
        await _push_burst(simulator, pushes)
        for _ in range(reconnects):
            await simulator.drop_connections()
            await until(lambda: client.connected)
        await hass.async_block_till_done()
        gc.collect()
        after = (_python_memory(), len(asyncio.all_tasks()))
    return {
        "memory_before_mib": before[0],
        "memory_after_mib": after[0],
        "tasks_before": before[1],
        "tasks_after": after[1],
    }


async def _push_burst(simulator: InvisOutletSimulator, count: int) -> None:
    """Push progress messages of the web-interface phase."""
    for index in range(count):
        await simulator.push(22, [3, index % 101])
    await asyncio.sleep(0.05)


def _python_memory() -> float:
    """Return the process's resident memory in MiB."""
    return float(psutil.Process().memory_info().rss) / 2**20


# Running and reporting ----------------------------------------------------------------


async def run(sizes: Sizes) -> tuple[list[Figure], dict[str, float]]:
    """Measure every figure `sizes.repeats` times."""
    latency = Figure("outlet push → switch state, p99", "≤ 2 ms", "ms", limit=2.0)
    ratio = Figure(
        "outlet push → state p99 / raw loopback round trip p99",
        "≤ 10x",
        "x",
        limit=10.0,
        note=f"both paced {1000 * sizes.push_gap:.0f} ms apart: a message after an "
        "idle gap is slower on the loopback too (p99 ~0.3 ms against ~0.05 ms back "
        "to back)",
    )
    p50 = Figure("outlet push → switch state, median", "(info)", "ms")
    decoder = Figure(
        "TCP decoder throughput / json.loads, split+coalesced stream",
        "≥ 0.5x",
        "x",
        limit=0.5,
        at_least=True,
    )
    setup = Figure("one config entry set up", "median ≤ 50 ms", "ms", limit=50.0)
    loaded = Figure("50 outlets loaded", "≤ 2 s", "s", limit=2.0)
    memory = Figure(
        "memory per outlet (Python heap, tracemalloc)", "≤ 1 MiB", "MiB", limit=1.0
    )
    rss = Figure("memory per outlet (RSS; coarse)", "(info)", "MiB")
    idle = Figure("idle CPU over 60 s, 50 outlets", "≤ 1 % of a core", "%", limit=1.0)
    reconnect = Figure(
        "reconnect after OTA reboot (accepting → link up), max of run",
        "≤ 0.3 s",
        "s",
        limit=0.3,
    )
    ota = Figure("integration overhead of one OTA, zero device delays", "≤ 20 ms", "ms")
    ota.limit = 20.0
    install_requests = {
        hardware: Figure(
            f"requests an outlet install makes, rev{hardware}",
            "≤ 6",
            "",
            limit=6.0,
            note="device information, available updates (≤ 2), the install itself",
        )
        for hardware in ("A", "B")
    }
    all_requests = Figure(
        "all requests during an outlet install, revB",
        "(info)",
        "",
        note="with the whole-device re-read after each of its two restarts",
    )
    commands = {
        kind: Figure(f"{kind}: action → device → state, p99", "≤ 5 ms", "ms", limit=5.0)
        for kind in ("switch", "light")
    }
    unchanged = Figure(
        "push that changes nothing: CPU per push", "≤ 50 µs", "µs", limit=50.0
    )
    unchanged_states = Figure(
        "push that changes nothing: states written", "0", "", limit=0.0
    )
    pushing = Figure(
        "CPU, 50 outlets pushing readings every second",
        "≤ 2 % of a core",
        "%",
        limit=2.0,
        note="every reading changes at every push (the simulator's drift): "
        "~190 state writes/s, most of the CPU Home Assistant's own",
    )
    for _ in range(sizes.repeats):
        for kind, values in (await command_latencies(sizes.commands)).items():
            commands[kind].values.append(1000 * percentile(values, 0.99))
        cost, written = await unchanged_push_cost(
            sizes.unchanged_pushes, sizes.settle_seconds
        )
        unchanged.values.append(1e6 * cost)
        unchanged_states.values.append(written)
        pushing.values.append(
            await pushed_readings_cpu(
                sizes.outlets, sizes.pushing_seconds, sizes.settle_seconds
            )
        )
        latencies, raw = await push_latency(sizes.pushes, sizes.push_gap)
        latency.values.append(1000 * percentile(latencies, 0.99))
        p50.values.append(1000 * statistics.median(latencies))
        ratio.values.append(percentile(latencies, 0.99) / percentile(raw, 0.99))
        decoder.values.append(decoder_ratio(sizes.decoder_messages))
        setup.values.append(1000 * statistics.median(await setup_times(sizes.setups)))
        result = await fleet(sizes.outlets, sizes.idle_seconds)
        loaded.values.append(result["loaded_s"])
        idle.values.append(result["idle_cpu_percent"])
        result = await fleet_memory(sizes.outlets)
        memory.values.append(result["heap_mib_per_outlet"])
        rss.values.append(result["rss_mib_per_outlet"])
        reconnect.values.append(max(await reconnect_times(sizes.reconnects)))
        ota.values.append(1000 * statistics.median(await ota_overheads(sizes.otas)))
        for hardware, figure in install_requests.items():
            firmware, everything = await requests_per_install(hardware)
            figure.values.append(firmware)
            if hardware == "B":
                all_requests.values.append(everything)
    soaked = await soak(sizes.soak_pushes, sizes.soak_reconnects)
    figures = [
        latency,
        p50,
        ratio,
        decoder,
        setup,
        loaded,
        memory,
        rss,
        idle,
        reconnect,
        ota,
        *install_requests.values(),
        all_requests,
        *commands.values(),
        unchanged,
        unchanged_states,
        pushing,
    ]
    return figures, soaked


def machine() -> str:
    """Describe the machine and software the figures were measured on."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = psutil.virtual_memory().total / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB; {platform.platform()}; "
        f"Python {platform.python_version()}; Home Assistant {ha_const.__version__}"
    )


def report(figures: list[Figure], soaked: dict[str, float], sizes: Sizes) -> str:
    """Return BENCHMARKS.md."""
    command = "scripts/bench" + "".join(f" {shlex.quote(a)}" for a in sys.argv[1:])
    rows = "\n".join(figure.row() for figure in figures)
    soak_rows = "\n".join(f"| {key} | {value:.3g} |" for key, value in soaked.items())
    return f"""# Benchmarks

Measured by `{command}` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.

Machine: {machine()}.

Each figure is the median of {sizes.repeats} runs, with the spread (min-max) of the
runs. Sizes per run: {sizes.pushes} progress pushes, a {sizes.decoder_messages}-message
recorded stream, {sizes.setups} set-ups, {sizes.outlets} outlets idle for
{sizes.idle_seconds:.0f} s, {sizes.reconnects} reconnects, {sizes.otas} updates,
{sizes.commands} actions per entity, {sizes.unchanged_pushes} unchanged pushes,
{sizes.outlets} outlets pushing readings for {sizes.pushing_seconds:.0f} s. Ratios are
measured side by side in the same run. Home Assistant runs in process (the test
harness's instance); the simulator runs in the same process except for the 50-outlet
figures and the unchanged pushes, where it runs in a child process so its cost is not
counted; each simulated outlet and InvisDeco there has its own serial and MAC address.
The 50 outlets are loaded twice: timed, then again with tracemalloc for the memory
figures (tracing slows loading several times over).

| Figure | Target | Median | Spread | Met | Note |
|---|---|---|---|---|---|
{rows}

## Soak

{sizes.soak_pushes} progress pushes and {sizes.soak_reconnects} reconnects on one
outlet; resident memory and asyncio task counts before and after.

| Measure | Value |
|---|---|
{soak_rows}
"""


def side_by_side(path: Path) -> str:
    """Return the side-by-side section already in the file (its own run writes it)."""
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    start = current.find(SIDE_BY_SIDE)
    return "" if start < 0 else "\n" + current[start:]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no report")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else Sizes()
    figures, soaked = asyncio.run(run(sizes))
    text = report(figures, soaked, sizes)
    if args.smoke:
        print(text)
    else:
        args.output.write_text(text + side_by_side(args.output), encoding="utf-8")
        print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
