"""Versions: restarts on its own, available updates failing or equal to installed."""

from __future__ import annotations

import logging

from homeassistant.components.update import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_INSTALLED_VERSION,
    ATTR_LATEST_VERSION,
)
from homeassistant.const import (
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.common import (
    DECO_FIRMWARE,
    FIRMWARE,
    WEB_INTERFACE,
    StateLog,
    install,
    install_error,
)
from tests.simulator import (
    InvisOutletSimulator,
    SimulatedDevice,
)

from .helpers import (
    CANNOT_READ_UPDATES_LINE,
    FIRMWARE_STATUS,
    SHORT_REQUESTS,
    START,
    UNAVAILABLE_LINE,
    assert_translated,
    attribute,
    finish,
    in_progress,
    messages,
    our_records,
    state_of,
)


async def test_outlet_restart_on_its_own_rereads_everything(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A restart (not an OTA) with a 12 push re-reads 12 and 20 and stays available."""
    firmware = StateLog(hass, FIRMWARE)
    reads = len(simulator.requests_for(FIRMWARE_STATUS))
    simulator.device.outlet_fw = "1.3.0"
    await simulator.reboot()
    await simulator.wait_for_request(FIRMWARE_STATUS, count=reads + 1)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (state_of(hass), attribute(hass, ATTR_INSTALLED_VERSION)) == (
        STATE_OFF,
        "1.3.0",
    )
    assert not firmware.ever(STATE_UNAVAILABLE)
    assert not firmware.ever_in_progress()
    assert not our_records(caplog, logging.WARNING)
    await finish(hass, entry, simulator, caplog)


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"puback_zero": {FIRMWARE_STATUS}}, id="PUBACK 0"),
        pytest.param({"wrong_types": {FIRMWARE_STATUS}}, id="wrong types"),
        pytest.param(
            {"silent_callbacks": {FIRMWARE_STATUS}},
            id="no answer",
        ),
        pytest.param(
            {"malformed_reply": {FIRMWARE_STATUS}},
            id="malformed",
        ),
    ],
)
@SHORT_REQUESTS
async def test_available_updates_failing_while_device_info_works(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    fault: dict[str, set[int]],
) -> None:
    """20 failing (12 fine) keeps the outlet available with the last versions."""
    coordinator = entry.runtime_data.device
    for knob, value in fault.items():
        setattr(simulator.faults, knob, value)
    simulator.device.outlet_fw_available = "1.4.0"
    for _ in range(2):
        await coordinator.config_entry.runtime_data.firmware.async_refresh()
    shown = (state_of(hass), attribute(hass, ATTR_LATEST_VERSION))
    warnings = our_records(caplog, logging.WARNING)
    for knob in fault:
        setattr(simulator.faults, knob, set())
    await finish(hass, entry, simulator, caplog)
    assert shown == (STATE_ON, "1.3.0")
    assert not messages(warnings, UNAVAILABLE_LINE)
    assert len(messages(warnings, CANNOT_READ_UPDATES_LINE)) == 1


@pytest.mark.parametrize(
    "device",
    [
        pytest.param(
            SimulatedDevice(
                outlet_fw_available="1.2.0",
                www_fw_available="0.1.2",
                deco_fw_available="0.5.0",
            ),
            id="equal",
        )
    ],
)
async def test_available_equal_to_installed_is_up_to_date(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Available equal to installed shows up to date, and there is nothing to start."""
    for entity_id in (FIRMWARE, WEB_INTERFACE, DECO_FIRMWARE):
        assert state_of(hass, entity_id) == STATE_OFF
    with pytest.raises(HomeAssistantError):  # refused by Home Assistant itself
        await install(hass)
    assert not simulator.requests_for(START)
    await finish(hass, entry, simulator, caplog)


async def test_install_when_20_now_offers_the_installed_version(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Install after the device caught up elsewhere: translated, then up to date."""
    device = simulator.device
    device.outlet_fw_available, device.www_fw_available = "1.2.0", "0.1.2"
    assert state_of(hass) == STATE_ON  # what 20 said before
    error = await install_error(hass)
    assert_translated(error, "no_update_available")
    assert not simulator.requests_for(START)
    assert (state_of(hass), in_progress(hass)) == (STATE_OFF, False)
    assert state_of(hass, WEB_INTERFACE) == STATE_OFF
    await finish(hass, entry, simulator, caplog)
