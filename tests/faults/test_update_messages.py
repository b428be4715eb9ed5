"""Faulty update messages: odd field types, bad progress, duplicate results."""

from __future__ import annotations

from collections.abc import Callable
import logging
from typing import Any

from homeassistant.components.update import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_INSTALLED_VERSION,
    ATTR_UPDATE_PERCENTAGE,
)
from homeassistant.const import (
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.common import (
    DECO_FIRMWARE,
    FIRMWARE,
    WEB_INTERFACE,
    StateLog,
    install,
    start_install,
)
from tests.simulator import (
    InvisOutletSimulator,
    SimulatedDevice,
)
from tests.waiting import wait_until

from .helpers import (
    BAR,
    DEVICE_INFO,
    PROGRESS,
    RECOVERED_LINE,
    RESULT,
    SHORT_REQUESTS,
    START,
    UNAVAILABLE_LINE,
    assert_outlet_install_succeeds,
    attribute,
    downloading,
    finish,
    in_progress,
    messages,
    our_records,
    push_twice,
    round_trip,
    state_of,
)


def _set_fw_rev(value: Any) -> Callable[[dict[str, Any]], None]:
    """Return a change of 12 that sets IM.fw_rev."""

    def change(info: dict[str, Any]) -> None:
        info["IM"]["fw_rev"] = value

    return change


def _drop_pm(info: dict[str, Any]) -> None:
    """Leave the PM block out of 12."""
    del info["PM"]


def change_device_info(
    monkeypatch: pytest.MonkeyPatch,
    simulator: InvisOutletSimulator,
    change: Callable[[dict[str, Any]], None],
) -> None:
    """Make the simulator's 12 answers (and pushes) carry a change."""
    original = simulator.device.device_info

    def changed() -> dict[str, Any]:
        info = original()
        change(info)
        return info

    monkeypatch.setattr(simulator.device, "device_info", changed)


@pytest.mark.parametrize(
    ("change", "installed", "deco_state"),
    [
        # fw_rev null: the installed version comes from 20 instead.
        pytest.param(_set_fw_rev(None), "1.2.0", STATE_ON, id="fw_rev null"),
        pytest.param(_set_fw_rev(1), "1", STATE_ON, id="fw_rev a number"),
        # No PM (as while the InvisDeco restarts): only its entity is unavailable.
        pytest.param(_drop_pm, "1.2.0", STATE_UNAVAILABLE, id="PM missing"),
    ],
)
async def test_tolerated_field_types_in_device_info(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    *,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[dict[str, Any]], None],
    installed: str,
    deco_state: str,
) -> None:
    """A null or numeric fw_rev, or no PM block, still shows the outlet."""
    change_device_info(monkeypatch, simulator, change)
    await entry.runtime_data.device.async_refresh()
    assert state_of(hass) == STATE_ON
    assert attribute(hass, ATTR_INSTALLED_VERSION) == installed
    assert state_of(hass, DECO_FIRMWARE) == deco_state
    assert not our_records(caplog, logging.WARNING)
    await finish(hass, entry, simulator, caplog)


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param({"wrong_types": {DEVICE_INFO}}, id="fw_rev null, PM a string"),
        pytest.param({"malformed_reply": {DEVICE_INFO}}, id="malformed JSON"),
    ],
)
@SHORT_REQUESTS
async def test_unusable_device_info_is_a_failed_poll(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    broken: dict[str, set[int]],
) -> None:
    """12 of the wrong shape is a failed poll, logged once; back when fixed."""
    coordinator = entry.runtime_data.device
    for knob, value in broken.items():
        setattr(simulator.faults, knob, value)
    for _ in range(2):
        await coordinator.async_refresh()
    assert state_of(hass) == STATE_UNAVAILABLE
    for knob in broken:
        setattr(simulator.faults, knob, set())
    await coordinator.async_refresh()
    assert state_of(hass) == STATE_ON
    unavailable = messages(our_records(caplog, logging.WARNING), UNAVAILABLE_LINE)
    assert len(unavailable) == 1
    assert len(messages(our_records(caplog, logging.INFO), RECOVERED_LINE)) == 1
    await finish(hass, entry, simulator, caplog)


BAD_UPDATE_PUSHES = (
    (PROGRESS, {"type": 1, "percent": 60}),
    (PROGRESS, "60"),
    (PROGRESS, [1]),
    (PROGRESS, ["one", 60]),
    (PROGRESS, [9, 60]),
    (RESULT, {"type": 1, "ok": 0}),
    (RESULT, None),
    (START, "1,0"),
)


async def test_update_pushes_with_args_not_a_list_are_ignored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Malformed 21/22/23 pushes neither start, move nor end an update."""
    for name, args in BAD_UPDATE_PUSHES:
        await simulator.push(name, args)
    await round_trip(entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert not in_progress(hass)
    simulator.timing.step_interval = 0.05
    firmware = StateLog(hass, FIRMWARE)
    task = await start_install(hass)
    await wait_until(lambda: downloading(hass, WEB_INTERFACE))
    for name, args in BAD_UPDATE_PUSHES:
        await simulator.push(name, args)
    await task
    assert firmware.percentages() == BAR
    assert attribute(hass, ATTR_INSTALLED_VERSION) == "1.3.0"
    await finish(hass, entry, simulator, caplog)


@pytest.mark.parametrize(
    "device", [pytest.param(SimulatedDevice(www_fw_available="0.1.2"), id="fw only")]
)
async def test_progress_out_of_range_or_backwards_is_clamped(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Progress below 0 shows 0, above 100 shows 100, and never goes back."""
    simulator.timing.progress_steps = (-5, 40, 20, 150, 30, 100)
    firmware = StateLog(hass, FIRMWARE)
    await install(hass)
    assert firmware.percentages() == [None, 0, 40, 100, None]
    shown = [a[ATTR_UPDATE_PERCENTAGE] for a in firmware.states]
    assert all(0 <= value <= 100 for value in shown if value is not None)
    assert (state_of(hass), attribute(hass, ATTR_INSTALLED_VERSION)) == (
        STATE_OFF,
        "1.3.0",
    )
    await finish(hass, entry, simulator, caplog)


async def test_duplicate_result_is_ignored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every 23 sent twice changes nothing: one install, one success."""
    push_twice(monkeypatch, simulator, RESULT)
    await assert_outlet_install_succeeds(hass)
    firmware = StateLog(hass, FIRMWARE)
    await simulator.push(RESULT, [1, 1])  # once more, after the end
    await round_trip(entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert not firmware.ever_in_progress()
    assert not our_records(caplog, logging.WARNING)
    await finish(hass, entry, simulator, caplog)
