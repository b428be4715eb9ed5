"""Every install path end to end: Home Assistant, the real client, the simulator."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from unittest.mock import patch

from homeassistant.components.update import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_IN_PROGRESS,
    ATTR_INSTALLED_VERSION,
    ATTR_LATEST_VERSION,
    ATTR_UPDATE_PERCENTAGE,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.invisoutlet.const import CONF_DECO_METHOD, DOMAIN
from custom_components.invisoutlet.pyinvisoutlet import OtaTimeouts

from .common import (
    DECO_FIRMWARE,
    DECO_SERIAL,
    FIRMWARE,
    SERIAL,
    WEB_INTERFACE,
    StateLog,
    get_device,
    install,
    install_error,
    start_install,
)
from .simulator import InvisOutletSimulator, OtaFailure, SimulatedDevice
from .waiting import wait_until

AVAILABLE_UPDATES = 20  # the simulator's callback number for available updates
FIRMWARE_MODULE = "custom_components.invisoutlet.pyinvisoutlet.firmware"


def entity_registry_entry_id(hass: HomeAssistant) -> str:
    """Return the id of the only config entry."""
    return hass.config_entries.async_entries(DOMAIN)[0].entry_id


@pytest.mark.usefixtures("init_integration")
async def test_devices_for_outlet_and_invisdeco(hass: HomeAssistant) -> None:
    """The InvisDeco is its own device, connected through the outlet."""
    outlet = get_device(hass, SERIAL)
    deco = get_device(hass, DECO_SERIAL)
    assert (outlet.manufacturer, outlet.model, outlet.serial_number) == (
        "Intecular",
        "InvisOutlet",
        SERIAL,
    )
    assert outlet.sw_version == "1.2.0"
    # The simulator's TCP port is not the outlet's own: its web interface is unknown.
    assert outlet.configuration_url is None
    assert (dr.CONNECTION_NETWORK_MAC, "24:0a:c4:12:34:56") in outlet.connections
    assert deco.via_device_id == outlet.id
    assert (deco.model, deco.sw_version) == ("InvisDeco Aura", "0.5.0")


@pytest.mark.usefixtures("init_integration")
async def test_outlet_install_on_revb_follows_the_restart_to_the_new_version(
    hass: HomeAssistant,
    simulator: InvisOutletSimulator,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A revB outlet restarts twice; the entity stays available and ends up to date."""
    firmware, web = StateLog(hass, FIRMWARE), StateLog(hass, WEB_INTERFACE)
    await install(hass, FIRMWARE)
    # One bar for the whole download: the web interface, then the firmware.
    assert (
        web.percentages()
        == firmware.percentages()
        == [None, 0, 12, 25, 37, 50, 62, 75, 87, 100, None]
    )
    assert all(attrs["state"] != STATE_UNAVAILABLE for attrs in firmware.states)
    state = hass.states.get(FIRMWARE)
    assert state is not None
    assert state.state == STATE_OFF
    assert state.attributes[ATTR_INSTALLED_VERSION] == "1.3.0"
    assert state.attributes[ATTR_IN_PROGRESS] is False
    web_state = hass.states.get(WEB_INTERFACE)
    assert web_state is not None
    assert web_state.attributes[ATTR_INSTALLED_VERSION] == "0.3.0"
    assert get_device(hass, SERIAL).sw_version == "1.3.0"
    assert [r.args for r in simulator.requests_for(21)] == [[1, 0]]


@pytest.mark.parametrize("transport", ["websocket"])
@pytest.mark.parametrize("device", [SimulatedDevice(hardware="A")])
@pytest.mark.usefixtures("init_integration")
async def test_outlet_install_on_reva_over_websocket(hass: HomeAssistant) -> None:
    """A revA outlet acknowledges 21, keeps the link while downloading, restarts."""
    firmware = StateLog(hass, FIRMWARE)
    await install(hass, FIRMWARE)
    assert firmware.percentages() == [None, 0, 12, 25, 37, 50, 62, 75, 87, 100, None]
    state = hass.states.get(FIRMWARE)
    assert state is not None
    assert state.attributes[ATTR_INSTALLED_VERSION] == "1.3.0"


@pytest.mark.parametrize("device", [SimulatedDevice(outlet_fw_available="1.2.0")])
@pytest.mark.usefixtures("init_integration")
async def test_web_interface_only_install(hass: HomeAssistant) -> None:
    """With only the web interface out of date, its install ends on its own result."""
    web = StateLog(hass, WEB_INTERFACE)
    firmware_before = hass.states.get(FIRMWARE)
    assert firmware_before is not None
    assert firmware_before.state == STATE_OFF
    await install(hass, WEB_INTERFACE)
    assert web.percentages() == [None, 0, 25, 50, 75, 100, None]
    state = hass.states.get(WEB_INTERFACE)
    assert state is not None
    assert (state.state, state.attributes[ATTR_INSTALLED_VERSION]) == (
        STATE_OFF,
        "0.3.0",
    )


@pytest.mark.parametrize(
    ("options", "expected_args"),
    [
        ({CONF_DECO_METHOD: "wifi"}, [[2, 0]]),
        ({CONF_DECO_METHOD: "via_outlet"}, [[2, 1]]),
        ({}, [[2, 0]]),
    ],
    ids=["wifi", "via_outlet", "automatic"],
)
@pytest.mark.usefixtures("init_integration")
async def test_invisdeco_install_by_each_method(
    hass: HomeAssistant, simulator: InvisOutletSimulator, expected_args: list[list[int]]
) -> None:
    """The InvisDeco updates by the chosen method and waits for its restart."""
    deco = StateLog(hass, DECO_FIRMWARE)
    await install(hass, DECO_FIRMWARE)
    assert [r.args for r in simulator.requests_for(21)] == expected_args
    assert deco.percentages() == [None, 0, 25, 50, 75, 100, None]
    assert all(attrs["state"] != STATE_UNAVAILABLE for attrs in deco.states)
    state = hass.states.get(DECO_FIRMWARE)
    assert state is not None
    assert (state.state, state.attributes[ATTR_INSTALLED_VERSION]) == (
        STATE_OFF,
        "0.5.1",
    )


@pytest.mark.usefixtures("init_integration")
async def test_invisdeco_automatic_method_retries_via_outlet(
    hass: HomeAssistant,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """When the update over Wi-Fi fails, the automatic method retries via the outlet."""
    simulator.faults.ota_failure = OtaFailure.WIFI_FAILS
    await install(hass, DECO_FIRMWARE)
    assert [r.args for r in simulator.requests_for(21)] == [[2, 0], [2, 1]]
    state = hass.states.get(DECO_FIRMWARE)
    assert state is not None
    assert state.attributes[ATTR_INSTALLED_VERSION] == "0.5.1"
    assert "trying the next method" in caplog.text


@pytest.mark.parametrize(
    ("failure", "entity_id", "options", "reason"),
    [
        (OtaFailure.START_REJECTED, FIRMWARE, {}, "ota_start_rejected"),
        (OtaFailure.LATE_REJECTED, FIRMWARE, {}, "ota_failed"),
        (OtaFailure.DOWNLOAD_FAILED, FIRMWARE, {}, "ota_failed"),
        (OtaFailure.STALL, FIRMWARE, {}, "ota_stalled"),
        (OtaFailure.SILENT, DECO_FIRMWARE, {CONF_DECO_METHOD: "wifi"}, "ota_stalled"),
        (OtaFailure.NOT_BACK, FIRMWARE, {}, "ota_device_not_back"),
        (OtaFailure.VERSION_UNCHANGED, FIRMWARE, {}, "ota_version_unchanged"),
        (
            OtaFailure.WIFI_FAILS,
            DECO_FIRMWARE,
            {CONF_DECO_METHOD: "wifi"},
            "ota_failed",
        ),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_failed_install_raises_its_translated_error(
    hass: HomeAssistant,
    simulator: InvisOutletSimulator,
    failure: OtaFailure,
    entity_id: str,
    reason: str,
) -> None:
    """Each way an update fails is reported as its own translated error."""
    simulator.faults.ota_failure = failure
    error = await install_error(hass, entity_id)
    assert error.translation_domain == DOMAIN
    assert error.translation_key == reason
    assert not in_progress(hass, entity_id)


@pytest.mark.usefixtures("init_integration")
async def test_failure_message_is_readable(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """The error a user sees is a sentence, not a key."""
    simulator.faults.ota_failure = OtaFailure.START_REJECTED
    error = await install_error(hass, FIRMWARE)
    assert str(error).startswith("The device refused to start the update.")


@pytest.mark.usefixtures("init_integration")
async def test_another_invisdeco_after_its_update_is_named_as_the_reason(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """A swapped faceplate is named as such; the outlet's address is not blamed."""
    simulator.faults.ota_failure = OtaFailure.DIFFERENT_DECO
    error = await install_error(hass, DECO_FIRMWARE)
    assert error.translation_key == "ota_different_deco"
    assert "Another InvisDeco" in str(error)
    assert "address" not in str(error)


@pytest.mark.usefixtures("init_integration")
async def test_install_waits_for_an_update_started_elsewhere_then_runs(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """An outlet update started in the vendor app runs: the InvisDeco's waits for it."""
    simulator.timing.step_interval = 0.05
    firmware = StateLog(hass, FIRMWARE)
    await simulator.start_external_ota(1)
    await wait_until(lambda: in_progress(hass, FIRMWARE))
    await install(hass, DECO_FIRMWARE)
    assert 50 in firmware.percentages()
    assert installed_versions(hass) == ("1.3.0", "0.3.0", "0.5.1")
    assert [r.args for r in simulator.requests_for(21)] == [[2, 0]]


@pytest.mark.usefixtures("init_integration")
async def test_update_all_updates_all(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """Update all: one install of the outlet for two entities, then the InvisDeco's."""
    await asyncio.gather(
        install(hass, FIRMWARE),
        install(hass, WEB_INTERFACE),
        install(hass, DECO_FIRMWARE),
    )
    assert installed_versions(hass) == ("1.3.0", "0.3.0", "0.5.1")
    assert [r.args for r in simulator.requests_for(21)] == [[1, 0], [2, 0]]
    for entity_id in (FIRMWARE, WEB_INTERFACE, DECO_FIRMWARE):
        state = hass.states.get(entity_id)
        assert state is not None
        assert (state.state, state.attributes[ATTR_IN_PROGRESS]) == (STATE_OFF, False)


@pytest.mark.usefixtures("init_integration")
async def test_update_all_shows_the_waiting_invisdeco_in_progress(
    hass: HomeAssistant,
) -> None:
    """While the outlet downloads, the InvisDeco waits in progress, with no bar yet."""
    deco = StateLog(hass, DECO_FIRMWARE)
    deco_while_outlet_downloads: list[tuple[bool, int | None]] = []

    @callback
    def look(event: Event[EventStateChangedData]) -> None:
        new, deco_state = event.data["new_state"], hass.states.get(DECO_FIRMWARE)
        if new is not None and new.attributes.get(ATTR_UPDATE_PERCENTAGE) is not None:
            assert deco_state is not None
            attributes = deco_state.attributes
            deco_while_outlet_downloads.append(
                (attributes[ATTR_IN_PROGRESS], attributes[ATTR_UPDATE_PERCENTAGE])
            )

    async_track_state_change_event(hass, FIRMWARE, look)
    await asyncio.gather(install(hass, FIRMWARE), install(hass, DECO_FIRMWARE))
    assert deco_while_outlet_downloads
    assert set(deco_while_outlet_downloads) == {(True, None)}
    # Waiting, then its own install: one bar, never "up to date" in between.
    assert deco.percentages() == [None, 0, 25, 50, 75, 100, None]
    assert [attrs["state"] for attrs in deco.states][-1:] == [STATE_OFF]
    assert all(attrs["state"] == STATE_ON for attrs in deco.states[:-1])


@pytest.mark.usefixtures("init_integration")
async def test_second_install_of_an_entity_shown_in_progress_is_refused_at_once(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """Home Assistant itself refuses an entity that shows its install running."""
    simulator.timing.step_interval = 0.05
    first = await start_install(hass)
    error = await install_error(hass, FIRMWARE)
    # Untranslated on 2025.4, its own update_in_progress key since.
    assert error.translation_key in {None, "update_in_progress"}
    # At once: refused while the first install still runs, not queued behind it.
    assert not first.done()
    assert in_progress(hass, FIRMWARE)
    await first
    assert [r.args for r in simulator.requests_for(21)] == [[1, 0]]


@pytest.mark.usefixtures("init_integration")
async def test_double_click_is_refused_as_an_install_in_progress(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """Two installs of one entity at once: one runs, the other is ota_in_progress."""
    outcomes = await asyncio.gather(
        install(hass, FIRMWARE), install(hass, FIRMWARE), return_exceptions=True
    )
    errors = [outcome for outcome in outcomes if outcome is not None]
    assert len(errors) == 1
    assert isinstance(errors[0], HomeAssistantError)
    assert (errors[0].translation_domain, errors[0].translation_key) == (
        DOMAIN,
        "ota_in_progress",
    )
    assert installed_versions(hass)[0] == "1.3.0"
    assert [r.args for r in simulator.requests_for(21)] == [[1, 0]]


@pytest.mark.usefixtures("init_integration")
async def test_update_entity_returns_at_once_during_an_install(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """Checking for updates during an install neither waits nor asks the device."""
    assert await async_setup_component(hass, "homeassistant", {})
    simulator.timing.step_interval = 0.05
    first = await start_install(hass)
    checks = len(simulator.requests_for(AVAILABLE_UPDATES))
    await hass.services.async_call(
        "homeassistant", "update_entity", {ATTR_ENTITY_ID: FIRMWARE}, blocking=True
    )
    # It returned while the install still runs, not once the install ended.
    assert not first.done()
    assert in_progress(hass, FIRMWARE)
    assert len(simulator.requests_for(AVAILABLE_UPDATES)) == checks
    await first


@pytest.mark.usefixtures("init_integration")
async def test_first_progress_of_an_update_started_elsewhere_is_shown(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """The very first progress message of a vendor-app update shows at once."""
    await simulator.push(22, [3, 5])
    await wait_until(lambda: in_progress(hass, WEB_INTERFACE))
    state = hass.states.get(WEB_INTERFACE)
    assert state is not None
    # 5 % of the web interface: the first half of the whole download's bar.
    assert state.attributes[ATTR_UPDATE_PERCENTAGE] == 2
    await hass.config_entries.async_unload(entity_registry_entry_id(hass))


@pytest.mark.usefixtures("init_integration")
async def test_update_entity_rechecks_available_updates(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """homeassistant.update_entity reads available updates (20) at once."""
    assert await async_setup_component(hass, "homeassistant", {})
    before = len(simulator.requests_for(20))
    simulator.device.outlet_fw_available = "1.4.0"
    await hass.services.async_call(
        "homeassistant", "update_entity", {ATTR_ENTITY_ID: FIRMWARE}, blocking=True
    )
    assert len(simulator.requests_for(20)) == before + 1
    state = hass.states.get(FIRMWARE)
    assert state is not None
    assert state.attributes[ATTR_LATEST_VERSION] == "1.4.0"


@pytest.mark.parametrize("device", [SimulatedDevice(deco_online=False)])
@pytest.mark.usefixtures("init_integration")
async def test_offline_invisdeco_is_unavailable(hass: HomeAssistant) -> None:
    """An InvisDeco that is attached but offline shows as unavailable."""
    state = hass.states.get(DECO_FIRMWARE)
    assert state is not None
    assert state.state == STATE_UNAVAILABLE
    outlet = hass.states.get(FIRMWARE)
    assert outlet is not None
    assert outlet.state == STATE_ON


@pytest.mark.parametrize("device", [SimulatedDevice(deco_attached=False)])
async def test_invisdeco_attached_later_gets_its_entity_without_reload(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: InvisOutletSimulator,
) -> None:
    """A faceplate fitted after setup appears at the next refresh."""
    assert hass.states.get(DECO_FIRMWARE) is None
    simulator.device.deco_attached = True
    await init_integration.runtime_data.device.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    state = hass.states.get(DECO_FIRMWARE)
    assert state is not None
    assert state.state == STATE_ON


def installed_versions(hass: HomeAssistant) -> tuple[str | None, ...]:
    """Return the installed versions shown: firmware, web interface, InvisDeco."""
    states = [hass.states.get(e) for e in (FIRMWARE, WEB_INTERFACE, DECO_FIRMWARE)]
    return tuple(
        state.attributes[ATTR_INSTALLED_VERSION] if state else None for state in states
    )


def in_progress(hass: HomeAssistant, entity_id: str) -> bool:
    """Return whether an entity shows an install in progress."""
    state = hass.states.get(entity_id)
    return state is not None and bool(state.attributes.get(ATTR_IN_PROGRESS))


# Time limits small enough that the whole install's limit is 1.5 s.
TIGHT = OtaTimeouts(
    start=0.2, progress=0.04, reboot=0.25, verify=0.2, poll_interval=0.05
)


@pytest.fixture
def tight_limits() -> Iterator[None]:
    """Give the entry set up next these time limits."""
    with patch("custom_components.invisoutlet.OTA_TIMEOUTS", TIGHT):
        yield


# What ends an install that a limit cut short: the whole install's, or a phase's.
LIMIT_REACHED = {"ota_timed_out", "ota_device_not_back", "ota_version_unchanged"}


@pytest.mark.usefixtures("tight_limits", "init_integration")
async def test_an_outlet_silent_after_restarting_ends_the_install_at_a_limit(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """An outlet that accepts the link but never answers again: a limit ends it."""
    simulator.timing.reboot_duration = 0.03
    simulator.faults.silent_after_boot = True
    # The read of what the device offers afterwards goes unanswered too: keep it short.
    with patch(f"{FIRMWARE_MODULE}.FINAL_READ_TIMEOUT", 0.2):
        error = await install_error(hass, FIRMWARE)
    assert error.translation_domain == DOMAIN
    assert error.translation_key in LIMIT_REACHED
    assert not in_progress(hass, FIRMWARE)
    simulator.faults.silent_after_boot = False


@pytest.mark.parametrize(
    "misbehave",
    [
        pytest.param("reboot_loop", id="restarts in a loop"),
        pytest.param("drop_every", id="drops the link every 50 ms"),
    ],
)
@pytest.mark.usefixtures("tight_limits", "init_integration")
async def test_every_install_ends_whatever_the_outlet_does(
    hass: HomeAssistant, simulator: InvisOutletSimulator, misbehave: str
) -> None:
    """Whatever the outlet does once the install started, the install ends."""
    simulator.timing.reboot_duration = 0.03
    if misbehave == "drop_every":
        simulator.set_drop_every(0.05)
    else:
        setattr(simulator.faults, misbehave, True)
    (outcome,) = await asyncio.gather(install(hass, FIRMWARE), return_exceptions=True)
    # It may get through regardless; if not, the user reads why.
    assert outcome is None or (
        isinstance(outcome, HomeAssistantError) and outcome.translation_domain == DOMAIN
    )
    state = hass.states.get(FIRMWARE)
    assert state is not None
    assert not state.attributes.get(ATTR_IN_PROGRESS)
    simulator.faults.silent_after_boot = simulator.faults.reboot_loop = False
    simulator.set_drop_every(None)


@pytest.mark.parametrize(
    "device", [SimulatedDevice(outlet_fw_available="1.1.0", www_fw_available="0.1.2")]
)
@pytest.mark.usefixtures("init_integration")
async def test_older_offered_version_is_no_update_and_is_refused(
    hass: HomeAssistant,
) -> None:
    """An offer older than what runs shows no update; installing it is refused."""
    state = hass.states.get(FIRMWARE)
    assert state is not None
    assert state.state == STATE_OFF
    error = await install_error(hass, FIRMWARE)
    assert error.translation_key == "ota_downgrade"
