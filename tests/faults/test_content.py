"""Faults in content: JSON that is no message, unknown callbacks and packetIDs."""

from __future__ import annotations

import asyncio
import logging

from homeassistant.const import (
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.common import (
    FIRMWARE,
    SERIAL,
    StateLog,
)
from tests.simulator import (
    InvisOutletSimulator,
)

from .helpers import (
    BOTH_TRANSPORTS,
    DEVICE_INFO,
    PROGRESS,
    SHORT_REQUESTS,
    SHORT_TIMEOUT,
    compact,
    finish,
    our_records,
    round_trip,
    state_of,
)


@BOTH_TRANSPORTS
async def test_json_that_is_not_an_object_is_ignored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Top-level arrays, strings, numbers and literals are not messages."""
    firmware = StateLog(hass, FIRMWARE)
    requests = len(simulator.requests)
    await simulator.send_raw(b'[1,2] "text" 42 -3.5 null true false []\n')
    await round_trip(entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.accepted_count == 1
    assert len(simulator.requests) == requests + 1  # only the round trip's 12
    assert not firmware.ever_in_progress()
    # One warning for the stretch of bytes that are not messages, not one each.
    assert len(our_records(caplog, logging.WARNING)) <= 1
    await finish(hass, entry, simulator, caplog)


async def test_array_holding_a_message_is_not_a_message(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A top-level array is not a message, even when it holds one."""
    firmware = StateLog(hass, FIRMWARE)
    payload = {"callbackName": PROGRESS, "callbackArgs": [1, 50]}
    push = {"sn": SERIAL, "packetID": 1, "payload": payload}
    await simulator.send_raw(b"[" + compact(push) + b"]")
    await entry.runtime_data.device.async_refresh()  # its reply completes the array
    await hass.async_block_till_done(wait_background_tasks=True)
    shown = firmware.ever_in_progress()
    await finish(hass, entry, simulator, caplog)
    assert not shown


@pytest.mark.parametrize(
    ("transport", "nested"),
    [
        pytest.param("tcp", b"[" * 10_000 + b"0" + b"]" * 10_000, id="tcp-arrays"),
        pytest.param("tcp", b'{"a":' * 10_000 + b"0" + b"}" * 10_000, id="tcp-objects"),
        pytest.param(
            "websocket", b'{"a":' * 10_000 + b"0" + b"}" * 10_000, id="ws-objects"
        ),
    ],
)
async def test_deeply_nested_json_is_skipped(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    nested: bytes,
) -> None:
    """JSON nested 10 000 deep is dropped, or decoded and ignored, without harm."""
    data = b'{"sn":"' + SERIAL.encode() + b'","deep":' + nested + b"}"
    assert len(data) < 64 * 1024
    await simulator.send_raw(data)
    await entry.runtime_data.device.async_refresh()
    assert entry.runtime_data.device.last_update_success
    assert simulator.accepted_count == 1
    assert state_of(hass) == STATE_ON
    await finish(hass, entry, simulator, caplog)


async def test_push_with_unknown_callback_is_ignored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Pushes of callbacks nobody follows change nothing and log nothing."""
    firmware = StateLog(hass, FIRMWARE)
    requests = len(simulator.requests)
    for name, args in ((99, [1, 2]), (0, None), (8, [{"outlet": 1, "state": 1}])):
        await simulator.push(name, args)
    await round_trip(entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(simulator.requests) == requests + 1  # only the round trip's 12
    assert not firmware.states
    assert not our_records(caplog, logging.WARNING)
    await finish(hass, entry, simulator, caplog)


async def test_acknowledgement_with_unknown_packet_id_is_ignored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A PUBACK for a packetID we never sent is dropped quietly."""
    requests = len(simulator.requests)
    await simulator.send_raw(compact({"sn": SERIAL, "packetID": 123456, "PUBACK": 1}))
    await round_trip(entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(simulator.requests) == requests + 1  # only the round trip's 12
    assert state_of(hass) == STATE_ON
    assert not our_records(caplog, logging.WARNING)
    await finish(hass, entry, simulator, caplog)


@SHORT_REQUESTS
async def test_device_info_reply_with_unknown_packet_id_starts_no_requests(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Replies to 12 with the wrong packetID time out; they start no more requests."""
    coordinator = entry.runtime_data.device
    before = len(simulator.requests_for(DEVICE_INFO))
    simulator.faults.wrong_packet_id = {DEVICE_INFO}
    await coordinator.async_refresh()  # one poll, which times out
    unavailable = state_of(hass)
    await asyncio.sleep(3 * SHORT_TIMEOUT)
    sent = len(simulator.requests_for(DEVICE_INFO)) - before
    simulator.faults.wrong_packet_id = set()
    await asyncio.sleep(2 * SHORT_TIMEOUT)  # let the requests in flight end
    await hass.async_block_till_done(wait_background_tasks=True)
    await finish(hass, entry, simulator, caplog)
    assert unavailable == STATE_UNAVAILABLE
    assert sent == 1, f"{sent} requests of 12 for one poll"
