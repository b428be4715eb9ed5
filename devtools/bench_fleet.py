"""Run many simulated outlets in one process for the benchmark (devtools/bench.py).

``python -m devtools.bench_fleet N`` starts N simulators on random 127.0.0.1 ports,
prints one JSON line ``[[serial, tcp_port], ...]`` and runs until SIGTERM or SIGINT.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
import json
import signal
import sys

from tests.simulator import InvisOutletSimulator, SimulatedDevice


async def serve(count: int) -> None:
    """Serve `count` outlets until told to stop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with AsyncExitStack() as stack:
        outlets = []
        for index in range(count):
            # Each its own serials and MAC addresses, as real outlets have: outlets
            # sharing an address would be one device that flips at every poll.
            device = SimulatedDevice(
                serial=f"11A1F7{index:05X}",
                mac=_mac(0x24_0A_C4_00_00_00 + index),
                deco_serial=f"0003C{index:05X}",
                deco_mac=_mac(0x24_0A_C4_80_00_00 + index),
            )
            simulator = InvisOutletSimulator(device=device)
            await stack.enter_async_context(simulator)
            outlets.append([device.serial, simulator.tcp_port])
        sys.stdout.write(json.dumps(outlets) + "\n")
        sys.stdout.flush()
        await stop.wait()


def _mac(value: int) -> str:
    """Return a MAC address written as the outlet writes it."""
    return ":".join(f"{byte:02X}" for byte in value.to_bytes(6))


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
