"""Diagnostics: useful, with every identifier redacted."""

from __future__ import annotations

from dataclasses import replace
import json
from typing import Any
from unittest.mock import patch

from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from .common import DECO_SERIAL, SERIAL, start_install, wait_for_state
from .conftest import FAST_OTA
from .simulator import InvisOutletSimulator, OtaFailure


@pytest.mark.usefixtures("mock_invisoutlet", "mock_firmware")
async def test_diagnostics_match_the_snapshot(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    mocked_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """What diagnostics hold, every identifier redacted."""
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, mocked_integration
    )
    assert diagnostics == snapshot(
        exclude=props("entry_id", "created_at", "modified_at")
    )


async def test_diagnostics_redact_serials_macs_and_host(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
) -> None:
    """Diagnostics show versions and link state but no serial, MAC or address."""
    diagnostics: Any = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    text = json.dumps(diagnostics)
    for secret in (SERIAL, DECO_SERIAL, "24:0A:C4", "127.0.0.1"):
        assert secret not in text
    assert diagnostics["connected"] is True
    assert diagnostics["transport"] == "tcp"
    assert diagnostics["device"]["info"]["outlet"]["fw_rev"] == "1.2.0"
    assert diagnostics["device"]["firmware"]["deco_fw_available"] == "0.5.1"
    assert diagnostics["device"]["progress"] is None
    assert diagnostics["entry"]["data"]["host"] == "**REDACTED**"


async def test_diagnostics_show_a_running_update(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    simulator: InvisOutletSimulator,
) -> None:
    """During an install, diagnostics say which phase it is in."""
    # The test helper waits for every task, the install included: ask the API directly.
    assert await async_setup_component(hass, "diagnostics", {})
    client = await hass_client()
    simulator.faults.ota_failure = OtaFailure.STALL
    slow = replace(FAST_OTA, progress=30.0)
    with patch("custom_components.invisoutlet.OTA_TIMEOUTS", slow):
        task = await start_install(hass)
        # Half the firmware, in the bar's second half (the web interface is done).
        await wait_for_state(hass, lambda state: percentage(state) == 75)
    response = await client.get(
        f"/api/diagnostics/config_entry/{init_integration.entry_id}"
    )
    diagnostics = (await response.json())["data"]
    progress = diagnostics["device"]["progress"]
    assert progress["target"] == "OUTLET"
    assert progress["phase"] == "downloading"
    assert progress["percent"] == 75
    assert progress["external"] is False
    await hass.config_entries.async_unload(init_integration.entry_id)
    with pytest.raises(HomeAssistantError):
        await task


def percentage(state: State) -> object:
    """Return the update percentage an entity shows."""
    return state.attributes.get("update_percentage")
