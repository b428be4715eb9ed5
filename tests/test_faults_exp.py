"""Scratch experiments (deleted afterwards)."""
from __future__ import annotations
import asyncio, logging
from datetime import timedelta
from unittest.mock import patch
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
import pytest
from .simulator import InvisOutletSimulator

async def setup(hass, entry, timeout=10.0):
    with patch("custom_components.invisoutlet.REQUEST_TIMEOUT", timeout):
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()

async def test_dup12(hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: InvisOutletSimulator, caplog) -> None:
    await setup(hass, mock_config_entry, 0.2)
    original = simulator._respond
    async def twice(client, request):
        await original(client, request)
        if request.callback_name == 12:
            await asyncio.sleep(0.01)
            await original(client, request)
    simulator._respond = twice
    n = len(simulator.requests_for(12))
    c = mock_config_entry.runtime_data.client
    c.subscribe(12, lambda m: print("PUSH12", m.packet_id, list(c._pending)))
    od = c._dispatch
    def d(v):
        print("DISPATCH", v.get("packetID"), v.get("payload", {}).get("callbackName"), list(c._pending), asyncio.get_running_loop().time())
        od(v)
    c._dispatch = d
    await mock_config_entry.runtime_data.async_refresh()
    await asyncio.sleep(0.5)
    print("12 requests in 0.5 s:", len(simulator.requests_for(12)) - n, "20:", len(simulator.requests_for(20)))
    simulator._respond = original
    await asyncio.sleep(0.1)
    await hass.config_entries.async_unload(mock_config_entry.entry_id)
    await hass.async_block_till_done()

async def test_wrongid12(hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: InvisOutletSimulator, caplog) -> None:
    await setup(hass, mock_config_entry, 0.2)
    simulator.faults.wrong_packet_id = {12}
    n = len(simulator.requests_for(12))
    await mock_config_entry.runtime_data.async_refresh()
    await asyncio.sleep(0.5)
    print("12 requests in 0.5 s:", len(simulator.requests_for(12)) - n)
    print([ (r.levelname, r.getMessage()[:100]) for r in caplog.records if r.levelno>=logging.WARNING])
    simulator.faults.wrong_packet_id = set()
    await asyncio.sleep(0.3)
    await hass.config_entries.async_unload(mock_config_entry.entry_id)
    await hass.async_block_till_done()

async def test_silent20(hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: InvisOutletSimulator, caplog) -> None:
    await setup(hass, mock_config_entry, 0.2)
    simulator.faults.silent_callbacks = {20}
    await mock_config_entry.runtime_data.async_refresh_firmware()
    print("state", hass.states.get("update.invisoutlet_11a1f7000fe_firmware").state)
    print([ (r.levelname, r.getMessage()[:100]) for r in caplog.records if r.levelno>=logging.WARNING])
    await hass.config_entries.async_unload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
