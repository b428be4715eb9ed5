"""The side-by-side figures 1-8, measured in the process of one client.

Each figure is a function of a client kind and transport (devtools/bench_clients.py)
and the simulator's control port (devtools/bench_pusher.py); ``run_client`` measures
them all in order and returns one dictionary of figures.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import gc
import json
import statistics
import time
import tracemalloc
from typing import Any

from devtools.bench_clients import BenchClient, close_quietly, make_client
from devtools.bench_sizes import HOST, WAIT, Sizes

# Requests answered before the round trips are timed: imports and caches warm up.
WARM_UP = 20
# How long the reconnect figure waits between two attempts to read.
POLL = 0.001


def percentile(values: list[float], share: float) -> float:
    """Return the value below which `share` of the values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Control:
    """The simulator process's control line: one command, one JSON answer."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Use an open control connection."""
        self._reader = reader
        self._writer = writer

    @classmethod
    async def open(cls, port: int) -> Control:
        """Connect to the control port."""
        async with asyncio.timeout(WAIT):
            return cls(*await asyncio.open_connection(HOST, port))

    def send(self, command: str) -> None:
        """Send a command; its answer is read by answer()."""
        self._writer.write(f"{command}\n".encode())

    async def answer(self) -> Any:
        """Return the answer to the oldest command not yet answered."""
        async with asyncio.timeout(WAIT):
            return json.loads(await self._reader.readline())

    async def close(self) -> None:
        """Close the control connection."""
        self._writer.close()
        await self._writer.wait_closed()


@dataclass
class Sink:
    """Where a client's pushed readings go: counted, and timed when asked."""

    first: int = 0
    expected: int = 0
    count: int = 0
    last: int = -1
    times: list[float] | None = None
    finished_at: float = 0.0
    finished_cpu: float = 0.0
    done: asyncio.Event | None = None

    def expect(self, first: int, expected: int, *, timed: bool) -> asyncio.Event:
        """Start counting `expected` readings from `first`; the event marks the last."""
        self.first, self.expected, self.count, self.last = first, expected, 0, -1
        self.times = [0.0] * expected if timed else None
        self.done = asyncio.Event()
        return self.done

    def __call__(self, distance: int) -> None:
        """Take one reading."""
        if self.times is not None:
            self.times[distance - self.first] = time.perf_counter()
        self.count += 1
        self.last = distance
        if self.count == self.expected and self.done is not None:
            self.finished_at = time.perf_counter()
            self.finished_cpu = time.process_time()
            self.done.set()


class Job:
    """One client kind on one transport, with its simulator."""

    def __init__(
        self, kind: str, transport: str, ports: dict[str, int], sizes: Sizes
    ) -> None:
        """Measure this client against the simulator on these ports."""
        self.kind = kind
        self.transport = transport
        self.ports = ports
        self.sizes = sizes
        self.sink = Sink()
        # Pushed distances never repeat, so ours (which passes on news only) and the
        # others deliver every push.
        self._next_distance = 1000

    def new_client(self) -> BenchClient:
        """Return a new client, unconnected."""
        return make_client(
            self.kind, self.transport, self.ports["tcp"], self.ports["ws"]
        )

    def distances(self, count: int) -> int:
        """Reserve `count` fresh distances; return the first."""
        first = self._next_distance
        self._next_distance += count
        return first

    async def connect_first_answer(self) -> tuple[float, float]:
        """Return the median of connect + first device information and its CPU, ms."""
        times, cpu = [], []
        for index in range(self.sizes.connects + 1):
            client = self.new_client()
            start, start_cpu = time.perf_counter(), time.process_time()
            async with asyncio.timeout(WAIT):
                await client.connect()
                await client.info()
            elapsed = time.perf_counter() - start
            used = time.process_time() - start_cpu
            await close_quietly(client)
            if index:  # the first one also imports and warms up
                times.append(elapsed)
                cpu.append(used)
        return 1000 * statistics.median(times), 1000 * statistics.median(cpu)

    async def round_trips(self, client: BenchClient) -> tuple[float, float, float]:
        """Return p50, p99 and client CPU of device-information requests, in µs."""
        times = []
        for _ in range(WARM_UP):
            async with asyncio.timeout(WAIT):
                await client.info()
        start_cpu = time.process_time()
        for _ in range(self.sizes.requests):
            start = time.perf_counter()
            async with asyncio.timeout(WAIT):
                await client.info()
            times.append(time.perf_counter() - start)
        cpu = (time.process_time() - start_cpu) / self.sizes.requests
        return (
            1e6 * percentile(times, 0.5),
            1e6 * percentile(times, 0.99),
            1e6 * cpu,
        )

    async def paced(self, control: Control) -> tuple[float, float, float]:
        """Return p50, p99 and client CPU of push -> subscriber at the pace, in µs."""
        count = self.sizes.paced_pushes
        first = self.distances(count)
        done = self.sink.expect(first, count, timed=True)
        start_cpu = time.process_time()
        control.send(f"pace {first} {count} {self.sizes.push_rate}")
        sent: list[float] = await control.answer()
        async with asyncio.timeout(WAIT):
            await done.wait()
        cpu = (self.sink.finished_cpu - start_cpu) / count
        assert self.sink.times is not None
        latencies = [got - put for got, put in zip(self.sink.times, sent, strict=True)]
        assert min(latencies) > 0, "a push delivered before it was sent"
        return (
            1e6 * percentile(latencies, 0.5),
            1e6 * percentile(latencies, 0.99),
            1e6 * cpu,
        )

    async def burst(self, control: Control) -> tuple[float, float]:
        """Return the time until the last push of a burst arrived and its CPU, in ms."""
        count = self.sizes.burst
        first = self.distances(count)
        done = self.sink.expect(first, count, timed=False)
        cpu = time.process_time()
        control.send(f"burst {first} {count}")
        async with asyncio.timeout(WAIT):
            await done.wait()
        began: float = await control.answer()
        assert self.sink.last == first + count - 1, "pushes delivered out of order"
        return (
            1000 * (self.sink.finished_at - began),
            1000 * (self.sink.finished_cpu - cpu),
        )

    async def burst_peak_memory(self, control: Control) -> float:
        """Return the traced peak memory of a burst above what was there, in KiB."""
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            await self.burst(control)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        return (peak - before) / 1024

    async def reconnect(self, client: BenchClient, control: Control) -> float:
        """Return the time from the outlet accepting again to the first answer, ms."""
        control.send(f"refuse {self.sizes.refuse_seconds}")
        await _poll(client, answered=False)
        answered_at = await _poll(client, answered=True)
        accepting: float = await control.answer()
        assert answered_at > accepting, "answered while the outlet refused"
        return 1000 * (answered_at - accepting)

    async def memory_per_client(self) -> float:
        """Return the traced memory of one more connected client, in KiB."""
        clients = []
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for _ in range(self.sizes.clients):
                client = self.new_client()
                clients.append(client)
                async with asyncio.timeout(WAIT):
                    await client.connect()
                    await client.info()
            gc.collect()
            used = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
            await asyncio.gather(*(close_quietly(client) for client in clients))
        return used / 1024 / self.sizes.clients

    async def run(self) -> dict[str, float]:
        """Measure every figure of this client, in order."""
        figures: dict[str, float] = {}
        figures["connect"], figures["connect_cpu"] = await self.connect_first_answer()
        control = await Control.open(self.ports["control"])
        client = self.new_client()
        client.on_reading(self.sink)
        try:
            async with asyncio.timeout(WAIT):
                await client.connect()
            (
                figures["request_p50"],
                figures["request_p99"],
                figures["request_cpu"],
            ) = await self.round_trips(client)
            (
                figures["push_p50"],
                figures["push_p99"],
                figures["push_cpu"],
            ) = await self.paced(control)
            figures["burst"], figures["burst_cpu"] = await self.burst(control)
            figures["burst_peak"] = await self.burst_peak_memory(control)
            figures["reconnect"] = await self.reconnect(client, control)
        finally:
            await close_quietly(client)
            await control.close()
        figures["client_memory"] = await self.memory_per_client()
        return figures


async def _poll(client: BenchClient, *, answered: bool) -> float:
    """Ask until the client answers (or fails); return when it did."""
    async with asyncio.timeout(WAIT):
        while True:
            try:
                async with asyncio.timeout(1.0):
                    await client.info()
            except Exception:  # noqa: BLE001 - each library fails its own way
                if not answered:
                    return time.perf_counter()
            else:
                if answered:
                    return time.perf_counter()
            await asyncio.sleep(POLL)


def run_client(
    kind: str, transport: str, ports: dict[str, int], sizes: Sizes
) -> dict[str, float]:
    """Measure figures 1-8 of one client in this process."""
    job = Job(kind, transport, ports, sizes)
    return asyncio.run(job.run())
