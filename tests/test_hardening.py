"""What a hostile or broken device cannot do: stall the loop, grow entities, leak text.

End to end on the simulator where the link matters (floods); on the library mock
where only the integration's handling does.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from dataclasses import replace
import json
from typing import Any
from unittest.mock import MagicMock

from homeassistant.components.update import ATTR_INSTALLED_VERSION  # type: ignore[attr-defined,unused-ignore]
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.discovery_flow import DiscoveryKey
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.invisoutlet.const import CONF_TRANSPORT, DOMAIN

from .common import DECO_SERIAL, FIRMWARE, SERIAL, get_device
from .library_mock import Writes, outlet_info, push
from .simulator import InvisOutletSimulator, SimulatedDevice

PROGRESS, OUTLET_INFO = 22, 12
# A flood is thousands of messages: what it costs is counted per message, never timed.
FLOOD = 2000


def compact(message: dict[str, Any]) -> bytes:
    """Return a message as the device writes it."""
    return json.dumps(message, separators=(",", ":")).encode()


@pytest.mark.usefixtures("init_integration")
async def test_progress_flood_keeps_the_loop_responsive(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """Thousands of the same progress push: written once, requests still answered."""
    writes = Writes(hass, FIRMWARE)
    await simulator.flood(PROGRESS, [1, 50], 5000)
    answered = await hass.config_entries.async_entries(DOMAIN)[
        0
    ].runtime_data.client.outlet_info()
    await hass.async_block_till_done()
    assert answered.serial == SERIAL
    # The install started elsewhere shows once; the same push again is no news.
    assert writes.count <= 2


@pytest.mark.usefixtures("init_integration")
async def test_device_information_flood_starts_no_task_per_message(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """Information that changes with every push costs no task and no query each."""
    tasks_before = len(asyncio.all_tasks())
    checks_before = len(simulator.requests_for(20))
    info = simulator.device.device_info()
    writes = Writes(hass, FIRMWARE)
    burst = b""
    for index in range(FLOOD):
        info["IM"]["fw_rev"] = f"1.2.{index % 2}"
        message = {"sn": SERIAL, "packetID": 1, "payload": {}}
        message["payload"] = {"callbackName": OUTLET_INFO, "callbackArgs": info}
        burst += compact(message)
    await simulator.send_raw(burst)
    client = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.client
    await client.outlet_info()
    await hass.async_block_till_done()
    assert len(asyncio.all_tasks()) <= tasks_before + 3
    # Bounded per entity (20 a second), not one write per message.
    assert writes.count < FLOOD / 10
    # Debounced: one check of available updates, not one per changed version.
    assert len(simulator.requests_for(20)) <= checks_before + 1


async def test_replaced_invisdeco_flapping_does_not_grow_entities(
    hass: HomeAssistant,
    mocked_integration: MockConfigEntry,
    mock_invisoutlet: MagicMock,
    entity_registry: er.EntityRegistry,
) -> None:
    """A serial that changes from reading to reading adds no entities."""
    before = len(
        er.async_entries_for_config_entry(entity_registry, mocked_integration.entry_id)
    )
    info = outlet_info()
    assert info.deco is not None
    for index in range(50):
        serial = f"FLAP{index:06d}"
        push(mock_invisoutlet, replace(info, deco=replace(info.deco, serial=serial)))
    await hass.async_block_till_done()
    after = er.async_entries_for_config_entry(
        entity_registry, mocked_integration.entry_id
    )
    assert len(after) == before


async def test_replaced_invisdeco_gets_its_entities_and_the_old_ones_go(
    hass: HomeAssistant,
    mocked_integration: MockConfigEntry,
    mock_invisoutlet: MagicMock,
    entity_registry: er.EntityRegistry,
) -> None:
    """A new faceplate, read twice in a row, replaces the old one's entities."""
    before = er.async_entries_for_config_entry(
        entity_registry, mocked_integration.entry_id
    )
    info = outlet_info()
    assert info.deco is not None
    new = replace(info, deco=replace(info.deco, serial="0003C4NEW1"))
    mock_invisoutlet.outlet_info.return_value = new
    push(mock_invisoutlet, new)
    push(mock_invisoutlet, replace(new, outlet=replace(new.outlet, hw_rev="B2")))
    await hass.async_block_till_done(wait_background_tasks=True)
    after = er.async_entries_for_config_entry(
        entity_registry, mocked_integration.entry_id
    )
    assert len(after) == len(before)
    assert not [e for e in after if DECO_SERIAL in e.unique_id]
    assert [e for e in after if "0003C4NEW1" in e.unique_id]


async def test_absurd_device_text_is_bounded_and_cleaned(
    hass: HomeAssistant,
    mocked_integration: MockConfigEntry,
    mock_invisoutlet: MagicMock,
) -> None:
    """A version of thousands of characters with control codes still shows, bounded."""
    push(mock_invisoutlet, outlet_info(fw_rev="1.3.\x1b[31m" + "9" * 10_000))
    await hass.async_block_till_done()
    state = hass.states.get(FIRMWARE)
    assert state is not None
    shown = state.attributes[ATTR_INSTALLED_VERSION]
    assert len(shown) <= 64
    assert "\x1b" not in shown


@pytest.mark.usefixtures("mock_invisoutlet", "mock_firmware")
async def test_diagnostics_hold_no_identifier_even_in_discovery_keys(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    """An entry that came from zeroconf leaks neither serial nor address."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"InvisOutlet {SERIAL}",
        unique_id=SERIAL,
        source="zeroconf",
        data={CONF_HOST: "127.0.0.1", "transport": "tcp", "port": 3333},
        discovery_keys={
            "zeroconf": (
                DiscoveryKey(
                    domain="zeroconf", key=f"{SERIAL}._invis._tcp.local.", version=1
                ),
            )
        },
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    text = json.dumps(await get_diagnostics_for_config_entry(hass, hass_client, entry))
    for secret in (SERIAL, DECO_SERIAL, "24:0A:C4", "24:0a:c4", "127.0.0.1"):
        assert secret not in text


@pytest.mark.usefixtures("mock_firmware")
async def test_ipv6_address_gives_a_working_device_link(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """An outlet at an IPv6 literal gets a device-page link with the brackets."""
    mock_invisoutlet.host = "fe80::1"
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry, data={**config_entry.data, CONF_HOST: "fe80::1"}
    )
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert get_device(hass, SERIAL).configuration_url == "http://[fe80::1]"


@pytest.mark.usefixtures("socket_enabled")
async def test_outlets_reporting_a_placeholder_mac_stay_separate_devices(
    hass: HomeAssistant, device_registry: dr.DeviceRegistry
) -> None:
    """Two outlets that both say 00:00:00:00:00:00 stay two devices, not one."""
    placeholder = "00:00:00:00:00:00"
    async with AsyncExitStack() as stack:
        for index in range(2):
            device = SimulatedDevice(
                serial=f"11A1F7000A{index}",
                mac=placeholder,
                deco_serial=f"0003C0000{index}",
                deco_mac=placeholder,
            )
            simulator = InvisOutletSimulator(device=device)
            await stack.enter_async_context(simulator)
            MockConfigEntry(
                domain=DOMAIN,
                unique_id=device.serial,
                data={
                    CONF_HOST: "127.0.0.1",
                    CONF_TRANSPORT: "tcp",
                    CONF_PORT: simulator.tcp_port,
                },
            ).add_to_hass(hass)
        # Setting up the integration sets up both entries.
        assert await async_setup_component(hass, DOMAIN, {})
        await hass.async_block_till_done()
        for entry in hass.config_entries.async_entries(DOMAIN):
            devices = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
            assert len(devices) == 2  # its outlet and its InvisDeco, no one else's
            assert all(device.connections == set() for device in devices)
            await hass.config_entries.async_unload(entry.entry_id)
