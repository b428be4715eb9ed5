"""Faulty replies: duplicates, late replies, and requests refused (PUBACK 0)."""

from __future__ import annotations

import logging

from homeassistant.components.update import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_INSTALLED_VERSION,
    ATTR_LATEST_VERSION,
)
from homeassistant.const import (
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.common import (
    install_error,
)
from tests.simulator import (
    InvisOutletSimulator,
)

from .helpers import (
    CANNOT_READ_UPDATES_LINE,
    DEVICE_INFO,
    FIRMWARE_STATUS,
    SHORT_REQUESTS,
    START,
    assert_logged_away_and_back_once,
    assert_translated,
    attribute,
    finish,
    in_progress,
    messages,
    our_records,
    reply_to,
    round_trip,
    state_of,
)


@pytest.mark.parametrize("callback_name", [DEVICE_INFO, FIRMWARE_STATUS])
async def test_duplicate_reply_is_ignored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    callback_name: int,
) -> None:
    """A reply that comes again after its request completed changes nothing."""
    coordinator = entry.runtime_data.device
    await coordinator.config_entry.runtime_data.firmware.async_refresh()
    request = simulator.requests_for(callback_name)[-1]
    requests = len(simulator.requests)
    await simulator.send_raw(reply_to(simulator, request))
    await round_trip(entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    # At most one re-read: a stray 12 is indistinguishable from a restart push.
    assert len(simulator.requests) - requests <= 3
    assert state_of(hass) == STATE_ON
    assert coordinator.last_update_success
    assert not our_records(caplog, logging.WARNING)
    await finish(hass, entry, simulator, caplog)


@SHORT_REQUESTS
async def test_reply_after_its_request_timed_out_is_ignored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A reply that comes after its request gave up is dropped; the next poll works."""
    coordinator = entry.runtime_data.device
    simulator.faults.silent_callbacks = {DEVICE_INFO}
    asked = len(simulator.requests_for(DEVICE_INFO))
    refresh = hass.async_create_task(coordinator.async_refresh())
    late = await simulator.wait_for_request(DEVICE_INFO, count=asked + 1)
    # The outlet keeps talking, so the link is not taken for dead (see test_20).
    await simulator.push(11, [1, {}])
    await refresh
    assert state_of(hass) == STATE_UNAVAILABLE
    simulator.faults.silent_callbacks = set()
    requests = len(simulator.requests)
    await simulator.send_raw(reply_to(simulator, late))
    await round_trip(entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(simulator.requests) == requests + 1  # only the round trip's 12
    assert state_of(hass) == STATE_UNAVAILABLE  # a stale reply proves nothing
    await coordinator.async_refresh()
    assert state_of(hass) == STATE_ON
    assert_logged_away_and_back_once(caplog)
    await finish(hass, entry, simulator, caplog)


async def test_puback_0_to_device_info_makes_the_outlet_unavailable(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """12 refused is a failed poll: unavailable once, back when 12 is answered."""
    coordinator = entry.runtime_data.device
    simulator.faults.puback_zero = {DEVICE_INFO}
    for _ in range(3):
        await coordinator.async_refresh()
    assert state_of(hass) == STATE_UNAVAILABLE
    simulator.faults.puback_zero = set()
    await coordinator.async_refresh()
    assert state_of(hass) == STATE_ON
    assert_logged_away_and_back_once(caplog)
    await finish(hass, entry, simulator, caplog)


async def test_puback_0_to_available_updates_keeps_the_last_versions(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """20 refused keeps the outlet available with what 20 said last (one warning)."""
    coordinator = entry.runtime_data.device
    simulator.faults.puback_zero = {FIRMWARE_STATUS}
    simulator.device.outlet_fw_available = "1.4.0"
    for _ in range(3):
        await coordinator.config_entry.runtime_data.firmware.async_refresh()
    assert state_of(hass) == STATE_ON
    assert attribute(hass, ATTR_LATEST_VERSION) == "1.3.0"
    warnings = our_records(caplog, logging.WARNING)
    assert len(warnings) == len(messages(warnings, CANNOT_READ_UPDATES_LINE)) == 1
    simulator.faults.puback_zero = set()
    await coordinator.config_entry.runtime_data.firmware.async_refresh()
    assert attribute(hass, ATTR_LATEST_VERSION) == "1.4.0"
    await finish(hass, entry, simulator, caplog)


async def test_puback_0_to_install_is_start_rejected(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """21 refused ends the install at once with ota_start_rejected."""
    simulator.faults.puback_zero = {START}
    error = await install_error(hass)
    assert_translated(error, "ota_start_rejected")
    assert len(simulator.requests_for(START)) == 1
    assert (state_of(hass), in_progress(hass)) == (STATE_ON, False)
    assert attribute(hass, ATTR_INSTALLED_VERSION) == "1.2.0"
    simulator.faults.puback_zero = set()
    await finish(hass, entry, simulator, caplog)
