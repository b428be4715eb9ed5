"""Update messages with no install of ours behind them."""

from __future__ import annotations

import logging

from homeassistant.components.update import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_UPDATE_PERCENTAGE,
)
from homeassistant.const import (
    STATE_OFF,
    STATE_ON,
)
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.invisoutlet.const import (
    CONF_DECO_METHOD,
)
from tests.common import (
    DECO_FIRMWARE,
    FIRMWARE,
    WEB_INTERFACE,
    StateLog,
    start_install,
)
from tests.simulator import (
    InvisOutletSimulator,
)
from tests.waiting import wait_until

from .helpers import (
    BAR,
    FIRMWARE_STATUS,
    PROGRESS,
    RESULT,
    START,
    attribute,
    downloading,
    finish,
    in_progress,
    our_records,
    round_trip,
    state_of,
)


@pytest.mark.parametrize(
    ("options", "entity_id", "other", "stray"),
    [
        pytest.param({}, FIRMWARE, DECO_FIRMWARE, [[2, 0], [2, 1]], id="outlet"),
        pytest.param(
            {CONF_DECO_METHOD: "wifi"},
            DECO_FIRMWARE,
            FIRMWARE,
            [[1, 0], [3, 0], [1, 1]],
            id="invisdeco",
        ),
    ],
)
async def test_result_for_the_other_target_is_ignored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    *,
    entity_id: str,
    other: str,
    stray: list[list[int]],
) -> None:
    """A 23 about the other target neither ends nor fails the running install."""
    simulator.timing.step_interval = 0.05
    log, other_log = StateLog(hass, entity_id), StateLog(hass, other)
    task = await start_install(hass, entity_id)
    await wait_until(lambda: downloading(hass, entity_id))
    for args in stray:
        await simulator.push(RESULT, args)
    await task
    expected = BAR if entity_id == FIRMWARE else [None, 0, 25, 50, 75, 100, None]
    assert log.percentages() == expected
    assert not other_log.ever_in_progress()
    assert (state_of(hass, entity_id), in_progress(hass, entity_id)) == (
        STATE_OFF,
        False,
    )
    await finish(hass, entry, simulator, caplog)


async def test_late_start_answer_without_install_is_ignored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A revB late 21 with no install running shows nothing and starts nothing."""
    logs = [StateLog(hass, entity) for entity in (FIRMWARE, DECO_FIRMWARE)]
    for args in ([1, 1], [1, 0], [2, 1], [2, 0]):
        await simulator.push(START, args)
    await round_trip(entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert not any(log.ever_in_progress() for log in logs)
    assert not simulator.requests_for(START)
    assert state_of(hass) == STATE_ON
    assert not our_records(caplog, logging.WARNING)
    await finish(hass, entry, simulator, caplog)


@pytest.mark.parametrize(
    ("args", "entity_id", "shown"),
    [
        # An outlet install fills the bar's first half with its web interface.
        pytest.param([1, 30], FIRMWARE, 65, id="outlet firmware"),
        pytest.param([3, 30], WEB_INTERFACE, 15, id="web interface"),
        pytest.param([2, 30], DECO_FIRMWARE, 30, id="invisdeco"),
    ],
)
async def test_progress_without_install_is_shown_then_ends(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    *,
    args: list[int],
    entity_id: str,
    shown: int,
) -> None:
    """A 22 from nowhere shows its progress, then ends quietly when nothing follows."""
    reads = len(simulator.requests_for(FIRMWARE_STATUS))
    await simulator.push(PROGRESS, args)
    await wait_until(lambda: in_progress(hass, entity_id))
    assert attribute(hass, ATTR_UPDATE_PERCENTAGE, entity_id) == shown
    await wait_until(lambda: not in_progress(hass, entity_id))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(simulator.requests_for(FIRMWARE_STATUS)) > reads
    assert state_of(hass, entity_id) == STATE_ON
    assert not simulator.requests_for(START)
    assert not our_records(caplog, logging.WARNING)
    await finish(hass, entry, simulator, caplog)
