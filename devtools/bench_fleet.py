"""Run many simulated outlets in one process for the benchmark (devtools/bench.py).

``python -m devtools.bench_fleet N [--sensor-interval S]`` starts N simulators on
random 127.0.0.1 ports (pushing moving readings every S seconds if given), prints one
JSON line ``[[serial, tcp_port], ...]``, then takes commands on stdin, answering
``done`` to each, until SIGTERM, SIGINT or the end of stdin:

- ``flood K``: every outlet pushes its unchanged readings K times, then presses its
  top outlet, a change that marks the end of the flood on the receiving side.
"""

from __future__ import annotations

import argparse
import asyncio
from contextlib import AsyncExitStack
import json
import signal
import sys

from tests.simulator import InvisOutletSimulator, SimulatedDevice

SENSORS = 11


async def serve(count: int, sensor_interval: float | None) -> None:
    """Serve `count` outlets until told to stop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with AsyncExitStack() as stack:
        simulators = []
        for index in range(count):
            # Each its own serials and MAC addresses, as real outlets have: outlets
            # sharing an address would be one device that flips at every poll.
            device = SimulatedDevice(
                serial=f"11A1F7{index:05X}",
                mac=_mac(0x24_0A_C4_00_00_00 + index),
                deco_serial=f"0003C{index:05X}",
                deco_mac=_mac(0x24_0A_C4_80_00_00 + index),
                sensor_push_interval=sensor_interval,
            )
            simulator = InvisOutletSimulator(device=device)
            await stack.enter_async_context(simulator)
            simulators.append(simulator)
        outlets = [[sim.device.serial, sim.tcp_port] for sim in simulators]
        sys.stdout.write(json.dumps(outlets) + "\n")
        sys.stdout.flush()
        commands = asyncio.ensure_future(_take_commands(simulators))
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({commands, stopping}, return_when=asyncio.FIRST_COMPLETED)
        for task in (commands, stopping):
            task.cancel()


async def _take_commands(simulators: list[InvisOutletSimulator]) -> None:
    """Carry out the commands read from stdin until it ends."""
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), sys.stdin
    )
    while line := await reader.readline():
        verb, _, argument = line.decode().partition(" ")
        if verb == "flood":
            times = int(argument)
            await asyncio.gather(*(_flood(sim, times) for sim in simulators))
        sys.stdout.write("done\n")
        sys.stdout.flush()


async def _flood(simulator: InvisOutletSimulator, times: int) -> None:
    """Push the same readings `times` times, then press the top outlet."""
    await simulator.flood(SENSORS, simulator.device.sensor_args(), times)
    await simulator.press_outlet(1)


def _mac(value: int) -> str:
    """Return a MAC address written as the outlet writes it."""
    return ":".join(f"{byte:02X}" for byte in value.to_bytes(6))


def main() -> None:
    """Read the command line and serve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--sensor-interval", type=float, default=None)
    args = parser.parse_args()
    asyncio.run(serve(args.count, args.sensor_interval))


if __name__ == "__main__":
    main()
