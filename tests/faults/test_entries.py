"""Entries and the InvisDeco: reload during an install, added twice, deco offline."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from homeassistant.components.update import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_IN_PROGRESS,
    ATTR_INSTALLED_VERSION,
)
from homeassistant.config_entries import (
    SOURCE_USER,
    SOURCE_ZEROCONF,
    ConfigEntryState,
)
from homeassistant.const import (
    CONF_HOST,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.invisoutlet.const import (
    CONF_DECO_METHOD,
    DOMAIN,
)
from tests.common import (
    DECO_FIRMWARE,
    WEB_INTERFACE,
    StateLog,
    install_error,
    start_install,
    zeroconf_info,
)
from tests.conftest import FAST_OTA
from tests.simulator import (
    InvisOutletSimulator,
    OtaFailure,
)
from tests.waiting import wait_until

from .helpers import (
    COORDINATOR_OTA_TIMEOUTS,
    START,
    assert_translated,
    attribute,
    downloading,
    finish,
    in_progress,
    state_of,
)


async def test_reload_during_an_install(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Reloading mid-install ends the wait translated; the new entry follows it."""
    simulator.timing.step_interval = 0.05
    task = await start_install(hass)
    await wait_until(lambda: downloading(hass, WEB_INTERFACE))
    assert await hass.config_entries.async_reload(entry.entry_id)
    with pytest.raises(HomeAssistantError) as error:
        await task
    assert_translated(error.value, "ota_interrupted")
    assert entry.state is ConfigEntryState.LOADED
    await wait_until(lambda: in_progress(hass))
    await wait_until(lambda: not in_progress(hass), timeout=5.0)
    assert (state_of(hass), attribute(hass, ATTR_INSTALLED_VERSION)) == (
        STATE_OFF,
        "1.3.0",
    )
    assert len(simulator.requests_for(START)) == 1
    await finish(hass, entry, simulator, caplog)


@pytest.mark.parametrize("source", [SOURCE_USER, SOURCE_ZEROCONF])
@pytest.mark.usefixtures("probe_simulator")
async def test_same_outlet_added_twice_aborts(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    source: str,
) -> None:
    """Adding the configured outlet again aborts; the running entry is untouched."""
    coordinator = entry.runtime_data.device
    data: Any = {CONF_HOST: "127.0.0.1"}
    if source == SOURCE_ZEROCONF:
        data = zeroconf_info(host="127.0.0.1")
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": source}, data=data
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.runtime_data.device is coordinator
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1
    await wait_until(lambda: simulator.connection_count == 1)  # the probe is closed
    assert coordinator.client.connected
    assert state_of(hass) == STATE_ON
    await finish(hass, entry, simulator, caplog)


def shown_before_the_end(log: StateLog) -> list[str]:
    """Return the states an entity showed until its install stopped showing."""
    last = max(i for i, attrs in enumerate(log.states) if attrs.get(ATTR_IN_PROGRESS))
    return [attrs["state"] for attrs in log.states[: last + 1]]


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({CONF_DECO_METHOD: "wifi"}, id="wifi"),
        pytest.param(
            {},
            id="automatic",
        ),
    ],
)
async def test_invisdeco_offline_during_its_own_update(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An InvisDeco that does not come back fails as ota_device_not_back."""
    monkeypatch.setattr(COORDINATOR_OTA_TIMEOUTS, replace(FAST_OTA, reboot=0.3))
    simulator.faults.ota_failure = OtaFailure.NOT_BACK
    deco = StateLog(hass, DECO_FIRMWARE)
    error = await install_error(hass, DECO_FIRMWARE)
    assert error.translation_domain == DOMAIN
    assert STATE_UNAVAILABLE not in shown_before_the_end(deco)
    assert state_of(hass, DECO_FIRMWARE) == STATE_UNAVAILABLE
    assert state_of(hass) == STATE_ON
    simulator.device.deco_rebooting = False  # it is back
    await entry.runtime_data.device.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass, DECO_FIRMWARE) == STATE_ON
    await finish(hass, entry, simulator, caplog)
    assert_translated(error, "ota_device_not_back")
