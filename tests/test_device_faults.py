"""What a user sees when the outlet misbehaves, on the library mock.

How the library copes with faults of the stream (garbage, spoilt or stray messages,
refused, repeated and late replies) is specified once, in
tests/pyinvisoutlet/test_stream_faults.py and test_link.py; here, only what reaches
Home Assistant: the library's errors, its link changes and its device changes.
"""

from __future__ import annotations

from datetime import timedelta
import logging
from unittest.mock import MagicMock

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.update import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_IN_PROGRESS,
    ATTR_INSTALLED_VERSION,
    ATTR_LATEST_VERSION,
)
from homeassistant.const import STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.invisoutlet.const import DOMAIN
from custom_components.invisoutlet.pyinvisoutlet import (
    FirmwareError,
    InvisOutletCommandError,
    InvisOutletError,
    InvisOutletTimeoutError,
    InvisOutletUpdateError,
)

from .common import FIRMWARE, StateLog, install_error
from .library_mock import answers, firmware_status, link, outlet_info, push

OUR_LOGGER = "custom_components.invisoutlet"
POLL = timedelta(seconds=61)
AVAILABLE_UPDATES_POLL = timedelta(hours=6, seconds=1)

pytestmark = pytest.mark.usefixtures("mocked_integration")


async def later(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    """Move the clock on and let what fell due finish."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def state_of(hass: HomeAssistant) -> str:
    """Return the state of the outlet's firmware entity."""
    state = hass.states.get(FIRMWARE)
    assert state is not None
    return state.state


def attribute(hass: HomeAssistant, name: str) -> object:
    """Return one attribute of the outlet's firmware entity."""
    state = hass.states.get(FIRMWARE)
    assert state is not None
    return state.attributes.get(name)


def our_lines(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    """Return what the integration logged at exactly this level."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith(OUR_LOGGER) and record.levelno == level
    ]


def assert_away_and_back_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    """Check for one warning (unavailable), one info line (back), no error."""
    warnings = our_lines(caplog, logging.WARNING)
    infos = our_lines(caplog, logging.INFO)
    assert len(warnings) == 1
    assert "is unavailable" in warnings[0]
    assert len(infos) == 1
    assert "recovered" in infos[0]
    assert not our_lines(caplog, logging.ERROR)


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(InvisOutletCommandError("refused OUTLET_INFO"), id="refused"),
        pytest.param(InvisOutletTimeoutError("no answer"), id="unanswered"),
    ],
)
async def test_device_information_failing_on_a_live_link_is_an_outage_told_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_invisoutlet: MagicMock,
    caplog: pytest.LogCaptureFixture,
    error: InvisOutletError,
) -> None:
    """Refused or unanswered polls: unavailable, one warning; back, one info line."""
    caplog.set_level(logging.INFO, logger=OUR_LOGGER)
    mock_invisoutlet.outlet_info.side_effect = error
    for _ in range(3):
        await later(hass, freezer, POLL)
    assert state_of(hass) == STATE_UNAVAILABLE

    answers(mock_invisoutlet, "outlet_info")
    await later(hass, freezer, POLL)

    assert state_of(hass) == STATE_ON
    assert_away_and_back_logged_once(caplog)


async def test_device_news_while_unavailable_waits_for_the_next_poll(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_invisoutlet: MagicMock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A late reply or a push proves nothing: only a poll makes the outlet available."""
    caplog.set_level(logging.INFO, logger=OUR_LOGGER)
    mock_invisoutlet.outlet_info.side_effect = InvisOutletTimeoutError("no answer")
    await later(hass, freezer, POLL)

    push(mock_invisoutlet, outlet_info(fw_rev="1.2.1"))
    await hass.async_block_till_done()
    assert state_of(hass) == STATE_UNAVAILABLE

    answers(mock_invisoutlet, "outlet_info")
    await later(hass, freezer, POLL)
    assert state_of(hass) == STATE_ON
    assert_away_and_back_logged_once(caplog)


async def test_link_dropped_and_back_at_once_never_shows_the_outlet_unavailable(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The library resynchronising (an oversized message) is no outage to a user."""
    caplog.set_level(logging.INFO, logger=OUR_LOGGER)
    shown = StateLog(hass, FIRMWARE)
    reads = mock_invisoutlet.outlet_info.await_count

    link(mock_invisoutlet, up=False)
    link(mock_invisoutlet, up=True)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert mock_invisoutlet.outlet_info.await_count == reads + 1
    assert not shown.ever(STATE_UNAVAILABLE)
    assert state_of(hass) == STATE_ON
    assert our_lines(caplog, logging.WARNING) == []


async def test_available_updates_answered_again_show_the_new_versions(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    mock_firmware: MagicMock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """After refusals (one warning) the next answer is shown at once."""
    answer = mock_firmware.available.side_effect
    mock_firmware.available.side_effect = InvisOutletCommandError("refused")
    for _ in range(3):
        await later(hass, freezer, AVAILABLE_UPDATES_POLL)
    assert attribute(hass, ATTR_LATEST_VERSION) == "1.3.0"

    mock_firmware.available.side_effect = answer
    mock_firmware.available.return_value = firmware_status(available_fw_rev="1.4.0")
    await later(hass, freezer, AVAILABLE_UPDATES_POLL)

    assert attribute(hass, ATTR_LATEST_VERSION) == "1.4.0"
    assert len(our_lines(caplog, logging.WARNING)) == 1


async def test_install_the_outlet_refuses_leaves_the_update_offered(
    hass: HomeAssistant, mock_firmware: MagicMock
) -> None:
    """Refused at the start: a translated error, nothing installed, still offered."""
    mock_firmware.install.side_effect = InvisOutletUpdateError(
        FirmwareError.START_REJECTED
    )

    error = await install_error(hass)

    assert (error.translation_domain, error.translation_key) == (
        DOMAIN,
        "ota_start_rejected",
    )
    mock_firmware.install.assert_awaited_once()
    assert state_of(hass) == STATE_ON
    assert attribute(hass, ATTR_INSTALLED_VERSION) == "1.2.0"
    assert not attribute(hass, ATTR_IN_PROGRESS)
