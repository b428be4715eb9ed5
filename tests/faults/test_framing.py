"""Faults in framing: split, coalesced, garbled, oversized and non-UTF-8 messages."""

from __future__ import annotations

import logging

from homeassistant.components.update import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_LATEST_VERSION,
    ATTR_UPDATE_PERCENTAGE,
)
from homeassistant.const import (
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.common import (
    FIRMWARE,
    StateLog,
)
from tests.simulator import (
    InvisOutletSimulator,
    oversized,
)
from tests.waiting import wait_until

from .helpers import (
    BOTH_TRANSPORTS,
    FIRMWARE_STATUS,
    PROGRESS,
    SHORT_REQUESTS,
    UNAVAILABLE_LINE,
    assert_outlet_install_succeeds,
    attribute,
    finish,
    messages,
    our_records,
    round_trip,
    state_of,
)


@pytest.mark.parametrize("initial_faults", [{"split_writes": True}], ids=["split"])
async def test_split_writes_still_decode(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every message written one byte at a time still decodes: replies and a push."""
    assert (state_of(hass), attribute(hass, ATTR_LATEST_VERSION)) == (
        STATE_ON,
        "1.3.0",
    )
    await simulator.push(PROGRESS, [1, 40])
    # 40 % of the firmware: the second half of the bar (the web interface is due too).
    await wait_until(lambda: attribute(hass, ATTR_UPDATE_PERCENTAGE) == 70)
    await finish(hass, entry, simulator, caplog)


@pytest.mark.parametrize("initial_faults", [{"coalesce": True}], ids=["coalesce"])
async def test_coalesced_writes_still_decode(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Several messages packed into one write each reach their reader."""
    assert state_of(hass) == STATE_ON
    await assert_outlet_install_succeeds(hass)
    await finish(hass, entry, simulator, caplog)


@pytest.mark.parametrize(
    "garbage",
    [
        pytest.param(b"\r\n#garbage\x00 ", id="text"),
        pytest.param(b" }{#} {junk{ ", id="stray braces"),
        pytest.param(b"\xff\xfe#{#}\x00", id="bytes that are not UTF-8"),
    ],
)
async def test_garbage_between_objects_is_skipped(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    garbage: bytes,
) -> None:
    """Bytes that are not JSON before every message are skipped, install included."""
    simulator.faults.garbage_between = garbage
    await entry.runtime_data.device.async_refresh()
    assert entry.runtime_data.device.last_update_success
    await assert_outlet_install_succeeds(hass)
    simulator.faults.garbage_between = b""
    await finish(hass, entry, simulator, caplog)


@SHORT_REQUESTS
async def test_stray_brace_and_invalid_byte_do_not_swallow_the_next_message(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Garbage holding "{" and a non-UTF-8 byte costs no message after it."""
    simulator.faults.garbage_between = b"{\xff"
    await entry.runtime_data.device.async_refresh()
    answered = entry.runtime_data.device.last_update_success
    simulator.faults.garbage_between = b""
    await finish(hass, entry, simulator, caplog)
    assert answered


@BOTH_TRANSPORTS
async def test_oversized_message_drops_the_link_and_reconnects(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A message over 64 KiB closes the link; the client reconnects at once."""
    firmware = StateLog(hass, FIRMWARE)
    await simulator.send_raw(oversized())
    await simulator.wait_for_connections(2)
    await wait_until(lambda: entry.runtime_data.client.connected)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.accepted_count == 2
    assert state_of(hass) == STATE_ON
    assert not firmware.ever(STATE_UNAVAILABLE)
    assert not messages(our_records(caplog, logging.WARNING), UNAVAILABLE_LINE)
    await finish(hass, entry, simulator, caplog)


async def test_invalid_utf8_message_is_skipped(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A push holding bytes that are not UTF-8 is dropped; the link stays up."""
    firmware = StateLog(hass, FIRMWARE)
    reads = len(simulator.requests_for(FIRMWARE_STATUS))
    bad = b'{"sn":"\xff\xfe","packetID":1,"payload":{"callbackName":22,'
    await simulator.send_raw(bad + b'"callbackArgs":[1,50]}}')
    await round_trip(entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert not firmware.ever_in_progress()
    assert len(simulator.requests_for(FIRMWARE_STATUS)) == reads
    assert simulator.accepted_count == 1
    # Skipped and counted: one warning for the kind, whatever follows.
    assert messages(our_records(caplog, logging.WARNING), "Skipped a message")
    await finish(hass, entry, simulator, caplog)
