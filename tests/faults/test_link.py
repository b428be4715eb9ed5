"""Faults of the link: refusals, silence, timeouts and resets mid-request."""

from __future__ import annotations

import asyncio
from dataclasses import replace
import logging
from unittest.mock import patch

from homeassistant.config_entries import (
    ConfigEntryState,
)
from homeassistant.const import (
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

import custom_components.invisoutlet as integration
from custom_components.invisoutlet.pyinvisoutlet import (
    Backoff,
)
from tests.common import (
    FIRMWARE,
    StateLog,
    install_error,
)
from tests.conftest import FAST_OTA
from tests.simulator import (
    InvisOutletSimulator,
)
from tests.waiting import wait_until

from .helpers import (
    BOTH_TRANSPORTS,
    CANNOT_READ_UPDATES_LINE,
    COORDINATOR_OTA_TIMEOUTS,
    DEVICE_INFO,
    FIRMWARE_STATUS,
    OUR_LOGGER,
    SHORT_REQUESTS,
    SHORT_TIMEOUT,
    START,
    WAIT,
    ConnectAttempts,
    assert_logged_away_and_back_once,
    assert_translated,
    attribute,
    finish,
    in_progress,
    messages,
    our_records,
    state_of,
)

# 1 s of test time stands for 100 s: 0.01 s doubling to a 0.6 s cap is the
# integration's 1 s doubling to 60 s (const.RECONNECT_BACKOFF), so 1.2 s of refusal
# is two minutes. Over 120 s that backoff tries at 1, 3, 7, 15, 31, 63 and 123 s.
SCALED_BACKOFF = Backoff(initial=0.01, maximum=0.6, reboot=0.01)
SCALED_TWO_MINUTES = 1.2


@pytest.mark.parametrize("backoff", [SCALED_BACKOFF], ids=["scaled 1:100"])
async def test_refusing_for_two_minutes_then_back(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two minutes refused (scaled 1:100): few attempts, one warning, one info line."""
    coordinator = entry.runtime_data.device
    attempts = ConnectAttempts(monkeypatch)
    await simulator.set_refusing(True)
    # The polls of those two minutes (firing time would also fire the backoff).
    for _ in range(2):
        await coordinator.async_refresh()
    assert state_of(hass) == STATE_UNAVAILABLE
    await asyncio.sleep(SCALED_TWO_MINUTES)
    await simulator.set_refusing(False)
    failed = attempts.failed
    await wait_until(lambda: coordinator.last_update_success)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass) == STATE_ON
    # Capped exponential backoff: about 6 attempts, not one per initial delay (120).
    # A slow machine makes fewer, never more (the cap itself: pyinvisoutlet tests).
    assert 1 <= failed <= 9, attempts.outcomes
    # The first attempt after the outlet accepts again connects.
    assert attempts.outcomes[failed:] == [True]
    assert simulator.accepted_count == 2
    assert_logged_away_and_back_once(caplog)
    await finish(hass, entry, simulator, caplog)


@SHORT_REQUESTS
async def test_accepting_but_never_answering_is_an_outage(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An outlet that stops answering: install fails translated, unavailable, back."""
    coordinator = entry.runtime_data.device
    simulator.faults.silent_callbacks = {DEVICE_INFO, FIRMWARE_STATUS, START}
    error = await install_error(hass)
    assert_translated(error, "command_timeout")
    assert not simulator.requests_for(START)
    for _ in range(2):
        await coordinator.async_refresh()
    assert state_of(hass) == STATE_UNAVAILABLE
    simulator.faults.silent_callbacks = set()
    # Unanswered 12s made the client re-open the link; the new link refreshes.
    await wait_until(lambda: coordinator.last_update_success)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass) == STATE_ON
    assert_logged_away_and_back_once(caplog)
    await finish(hass, entry, simulator, caplog)


@SHORT_REQUESTS
async def test_timed_out_request_opens_a_new_link(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A poll that times out is taken as a dead link and a new one is opened."""
    # On loopback a silent outlet stands in for a half-open link: the client
    # cannot tell the two apart.
    simulator.faults.silent_callbacks = {DEVICE_INFO}
    await entry.runtime_data.device.async_refresh()
    try:
        await simulator.wait_for_connections(2, timeout=WAIT)
    except TimeoutError:
        reopened = False
    else:
        reopened = True
    simulator.faults.silent_callbacks = set()
    await finish(hass, entry, simulator, caplog)
    assert reopened


async def test_never_answering_at_setup_is_retried_without_leaks(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Set-up against a silent outlet is retried and closes its connection."""
    caplog.set_level(logging.DEBUG, logger=OUR_LOGGER)
    simulator.faults.silent_callbacks = {DEVICE_INFO}
    mock_config_entry.add_to_hass(hass)
    with patch.object(integration, "REQUEST_TIMEOUT", SHORT_TIMEOUT):
        await hass.config_entries.async_setup(mock_config_entry.entry_id)
        retrying = mock_config_entry.state
        await wait_until(lambda: simulator.connection_count == 0)
        simulator.faults.silent_callbacks = set()
        assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    assert retrying is ConfigEntryState.SETUP_RETRY
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert state_of(hass) == STATE_ON
    await finish(hass, mock_config_entry, simulator, caplog)


@BOTH_TRANSPORTS
async def test_reset_during_available_updates_keeps_the_outlet_available(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A reset while the cloud is asked keeps the last answer; the link comes back."""
    simulator.faults.drop_on = {FIRMWARE_STATUS}
    for _ in range(2):
        await entry.runtime_data.firmware.async_refresh()
    simulator.faults.drop_on = set()
    await wait_until(lambda: entry.runtime_data.client.connected)
    await entry.runtime_data.device.async_refresh()
    assert state_of(hass) == STATE_ON
    assert attribute(hass, "latest_version") == "1.3.0"
    assert (
        len(messages(our_records(caplog, logging.WARNING), CANNOT_READ_UPDATES_LINE))
        == 1
    )
    await finish(hass, entry, simulator, caplog)


@BOTH_TRANSPORTS
async def test_reset_in_the_middle_of_a_request(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A reset mid-request is one outage, logged once each way, then reconnected."""
    coordinator = entry.runtime_data.device
    simulator.faults.drop_on = {DEVICE_INFO}
    for _ in range(2):
        await coordinator.async_refresh()
    assert state_of(hass) == STATE_UNAVAILABLE
    simulator.faults.drop_on = set()
    await wait_until(lambda: coordinator.last_update_success)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass) == STATE_ON
    assert simulator.accepted_count >= 2
    assert_logged_away_and_back_once(caplog)
    await finish(hass, entry, simulator, caplog)


async def test_reset_when_the_install_starts(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A reset on 21 that starts nothing ends the install as stalled, translated."""
    monkeypatch.setattr(COORDINATOR_OTA_TIMEOUTS, replace(FAST_OTA, start=0.3))
    simulator.faults.drop_on = {START}
    firmware = StateLog(hass, FIRMWARE)
    error = await install_error(hass)
    assert_translated(error, "ota_stalled")
    assert not firmware.ever(STATE_UNAVAILABLE)
    assert (state_of(hass), in_progress(hass)) == (STATE_ON, False)
    simulator.faults.drop_on = set()
    await finish(hass, entry, simulator, caplog)
