"""Serve one simulated outlet for the side-by-side benchmark, pushing on command.

``python -m devtools.bench_pusher`` starts the simulator (tests/simulator) on random
127.0.0.1 ports, prints one JSON line ``{"tcp": port, "ws": port, "control": port}``
and serves until SIGTERM, SIGINT or the end of stdin. A client process sends commands
on the control port, one line each, and gets one JSON line back:

- ``pace FIRST COUNT RATE``: push COUNT sensor readings, RATE a second, whose
  ``distance`` counts up from FIRST (carried as the movement energy, a reading
  whose range, unlike the radar distance's, holds every count); answers the time
  each push was written.
- ``burst FIRST COUNT``: write COUNT such pushes at once (TCP: back to back in one
  write; WebSocket: one text frame each, all in one write); answers when it began.
- ``refuse SECONDS``: drop every client and refuse connections for SECONDS, then
  accept again; answers when the listeners were open again.

Times are ``time.perf_counter()``: the system-wide monotonic clock on Linux, so the
client process can subtract them from its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
import time
from typing import Any

from devtools.bench_sizes import HOST, WAIT
from tests.simulator import InvisOutletSimulator, Transport
from tests.simulator.clients import Client, WebSocketClient
from tests.simulator.wire import encode, random_packet_id

SENSORS = 11


def sensor_push(simulator: InvisOutletSimulator, distance: int) -> bytes:
    """Return a callback 11 push carrying `distance` as its movement energy."""
    kind, readings = simulator.device.sensor_args()
    message = {
        "sn": simulator.device.serial,
        "packetID": random_packet_id(),
        "payload": {
            "callbackName": SENSORS,
            "callbackArgs": [kind, {**readings, "movement_energy": distance}],
        },
    }
    return encode(message)


def text_frame(data: bytes) -> bytes:
    """Return data as one unmasked WebSocket text frame, as a server writes it."""
    size = len(data)
    if size < 126:
        header = bytes((0x81, size))
    elif size < 1 << 16:
        header = bytes((0x81, 126)) + size.to_bytes(2)
    else:
        header = bytes((0x81, 127)) + size.to_bytes(8)
    return header + data


class Pusher:
    """Carry out the control commands on one simulator."""

    def __init__(self, simulator: InvisOutletSimulator) -> None:
        """Drive this simulator."""
        self.simulator = simulator

    def _clients(self) -> list[Client]:
        # Writing to each client directly: the public push() gathers one task per
        # client per message, which would make the simulator the slower side.
        return list(self.simulator._clients)

    async def pace(self, first: int, count: int, rate: float) -> list[float]:
        """Push `count` readings `rate` a second; return when each was written."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        sent = []
        for index in range(count):
            data = sensor_push(self.simulator, first + index)
            await asyncio.sleep(max(0.0, start + index / rate - loop.time()))
            sent.append(time.perf_counter())
            for client in self._clients():
                await client.send_raw(data)
        return sent

    async def burst(self, first: int, count: int) -> float:
        """Write `count` pushes at once to every client; return when writing began."""
        pushes = [sensor_push(self.simulator, first + index) for index in range(count)]
        stream = b"".join(pushes)
        frames = b"".join(text_frame(push) for push in pushes)
        began = time.perf_counter()
        for client in self._clients():
            if isinstance(client, WebSocketClient):
                # Frames written raw, all at once: aiohttp's send_str per frame is
                # slower than the clients under test read them.
                transport = client._request.transport
                assert transport is not None
                transport.write(frames)
            else:
                assert client.transport is Transport.TCP
                await client.send_raw(stream)
        return began

    async def refuse(self, seconds: float) -> float:
        """Drop every client, refuse for `seconds`, accept; return when accepting."""
        await self.simulator.set_refusing(True)
        await asyncio.sleep(seconds)
        await self.simulator.set_refusing(False)
        return time.perf_counter()

    async def handle(self, line: str) -> Any:
        """Carry out one command line and return its answer."""
        verb, *args = line.split()
        if verb == "pace":
            return await self.pace(int(args[0]), int(args[1]), float(args[2]))
        if verb == "burst":
            return await self.burst(int(args[0]), int(args[1]))
        if verb == "refuse":
            return await self.refuse(float(args[0]))
        raise ValueError(f"unknown command {line!r}")


async def _control(
    pusher: Pusher, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Answer the commands of one control connection until it closes."""
    try:
        while line := await reader.readline():
            async with asyncio.timeout(WAIT):
                answer = await pusher.handle(line.decode())
            writer.write(json.dumps(answer).encode() + b"\n")
            await writer.drain()
    finally:
        writer.close()


async def _stdin_closed() -> None:
    """Return when stdin ends: the benchmark that started this process is gone."""
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), sys.stdin
    )
    while await reader.read(4096):
        pass


async def serve() -> None:
    """Serve the simulator and its control port until told to stop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with InvisOutletSimulator(host=HOST) as simulator:
        pusher = Pusher(simulator)
        control = await asyncio.start_server(
            lambda reader, writer: _control(pusher, reader, writer), HOST, 0
        )
        ports = {
            "tcp": simulator.tcp_port,
            "ws": simulator.ws_port,
            "control": control.sockets[0].getsockname()[1],
        }
        sys.stdout.write(json.dumps(ports) + "\n")
        sys.stdout.flush()
        stopping = asyncio.ensure_future(stop.wait())
        closed = asyncio.ensure_future(_stdin_closed())
        await asyncio.wait({stopping, closed}, return_when=asyncio.FIRST_COMPLETED)
        for task in (stopping, closed):
            task.cancel()
        control.close()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(5):
                await control.wait_closed()


def main() -> None:
    """Serve until stopped."""
    asyncio.run(serve())


if __name__ == "__main__":
    main()
