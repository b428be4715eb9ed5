"""What the benchmark's figures share: Home Assistant, its outlets, the fleet child."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
import json
from pathlib import Path
import sys

from homeassistant import loader
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

# Imported before Home Assistant's loader looks for custom integrations, so that this
# repository's custom_components is the one it finds, not the test harness's own.
import custom_components.invisoutlet  # noqa: F401
from tests.simulator import InvisOutletSimulator

ROOT = Path(__file__).resolve().parent.parent
WAIT = 10.0


@asynccontextmanager
async def home_assistant() -> AsyncIterator[HomeAssistant]:
    """Run an in-process Home Assistant that loads this custom integration."""
    async with async_test_home_assistant() as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        yield hass
        await hass.async_stop(force=True)


async def add_outlet(hass: HomeAssistant, serial: str, port: int) -> MockConfigEntry:
    """Add and set up an entry for one simulated outlet."""
    entry = MockConfigEntry(
        domain="invisoutlet",
        unique_id=serial,
        title=f"InvisOutlet {serial}",
        data={"host": "127.0.0.1", "transport": "tcp", "port": port},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def outlet_of(simulator: InvisOutletSimulator) -> tuple[str, int]:
    """Return a simulator's serial and TCP port."""
    return simulator.device.serial, simulator.tcp_port


def percentile(values: list[float], share: float) -> float:
    """Return the value below which `share` of the values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def until(condition: Callable[[], bool]) -> None:
    """Wait until condition() holds."""
    async with asyncio.timeout(WAIT):
        while not condition():  # noqa: ASYNC110 - the condition is another task's state
            await asyncio.sleep(0.005)


@dataclass(frozen=True)
class Fleet:
    """Simulated outlets served by a child process, and a line to command them."""

    outlets: list[tuple[str, int]]
    process: asyncio.subprocess.Process

    async def command(self, line: str) -> None:
        """Send a command (devtools/bench_fleet.py) and wait until it is done."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(f"{line}\n".encode())
        await self.process.stdin.drain()
        async with asyncio.timeout(60):
            answer = await self.process.stdout.readline()
        assert answer.strip() == b"done", answer


@asynccontextmanager
async def run_fleet(
    count: int, sensor_interval: float | None = None
) -> AsyncIterator[Fleet]:
    """Run `count` simulators in a child process, so they cost this process nothing."""
    pushing = (
        [] if sensor_interval is None else [f"--sensor-interval={sensor_interval}"]
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "devtools.bench_fleet",
        str(count),
        *pushing,
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    async with asyncio.timeout(60):
        line = await process.stdout.readline()
    try:
        outlets = [(serial, port) for serial, port in json.loads(line)]
        yield Fleet(outlets, process)
    finally:
        process.terminate()
        await process.wait()
