"""Whole-device figures: commands end to end, readings pushed, unchanged pushes.

Part of ``scripts/bench`` (devtools/bench.py). Home Assistant is the test harness's
instance in this process; the simulators run in a child process where their cost
must not count (the pushed readings and the unchanged pushes), and in this process
for the commands (a command's time includes the simulator's answer).
"""

from __future__ import annotations

import asyncio
from functools import partial
import time

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
import psutil

from devtools.bench_harness import (
    add_outlet,
    home_assistant,
    outlet_of,
    run_fleet,
    until,
)
from tests.simulator import InvisOutletSimulator

SWITCH = "switch.invisoutlet_{serial}_floor_lamp"
ACTION_GAP = 0.055
LIGHT = "light.invisdeco_0003c44076_color_light"


async def command_latencies(count: int) -> dict[str, list[float]]:
    """Measure action -> device -> state for a switch and a light, turned off and on."""
    async with InvisOutletSimulator() as simulator, home_assistant() as hass:
        serial, port = outlet_of(simulator)
        switch = SWITCH.format(serial=serial.lower())
        latencies: dict[str, list[float]] = {"switch": [], "light": []}
        await add_outlet(hass, serial, port)
        for index in range(count):
            # Paced below the bound of 20 state writes per entity a second, which
            # back-to-back actions would otherwise measure (a hand is far slower).
            await asyncio.sleep(ACTION_GAP)
            service = "turn_on" if index % 2 else "turn_off"
            for domain, entity_id in (("switch", switch), ("light", LIGHT)):
                wanted = "on" if index % 2 else "off"
                start = time.perf_counter()
                await hass.services.async_call(
                    domain, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
                )
                await until(partial(_shows, hass, entity_id, wanted))
                latencies[domain].append(time.perf_counter() - start)
    return latencies


async def pushed_readings_cpu(outlets: int, seconds: float, settle: float) -> float:
    """Return the CPU (% of a core) while every outlet pushes readings each second."""
    process = psutil.Process()
    async with (
        run_fleet(outlets, sensor_interval=1.0) as fleet,
        home_assistant() as hass,
    ):
        for outlet in fleet.outlets:
            await add_outlet(hass, *outlet)
        await asyncio.sleep(settle)
        before = process.cpu_times()
        await asyncio.sleep(seconds)
        after = process.cpu_times()
    busy = (after.user + after.system) - (before.user + before.system)
    return 100 * busy / seconds


async def unchanged_push_cost(pushes: int, settle: float) -> tuple[float, int]:
    """Return the CPU of one push that changes nothing, and the states written."""
    process = psutil.Process()
    async with run_fleet(1) as fleet, home_assistant() as hass:
        serial, port = fleet.outlets[0]
        switch = SWITCH.format(serial=serial.lower())
        await add_outlet(hass, serial, port)
        await asyncio.sleep(settle)
        written: list[str] = []

        @callback
        def changed(event: Event[EventStateChangedData]) -> None:
            written.append(event.data["entity_id"])

        hass.bus.async_listen("state_changed", changed)
        switch_before = _state(hass, switch)
        before = process.cpu_times()
        await fleet.command(f"flood {pushes}")
        # The press after the flood arrives after every push of it (one TCP stream).
        await until(lambda: _state(hass, switch) != switch_before)
        after = process.cpu_times()
    busy = (after.user + after.system) - (before.user + before.system)
    states = [entity_id for entity_id in written if entity_id != switch]
    return busy / pushes, len(states)


def _shows(hass: HomeAssistant, entity_id: str, wanted: str) -> bool:
    """Return whether an entity's state is the one wanted."""
    return _state(hass, entity_id) == wanted


def _state(hass: HomeAssistant, entity_id: str) -> str | None:
    """Return an entity's state, if it has one."""
    state = hass.states.get(entity_id)
    return None if state is None else state.state
