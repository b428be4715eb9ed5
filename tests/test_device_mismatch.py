"""Another outlet answering at the configured address: unavailable, and a repair."""

from __future__ import annotations

from unittest.mock import MagicMock

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.invisoutlet.const import DOMAIN
from custom_components.invisoutlet.pyinvisoutlet import OutletStates

from .common import SERIAL
from .library_mock import link, outlet_info, push
from .simulator import InvisOutletSimulator
from .waiting import wait_until


@pytest.fixture
def platforms() -> list[Platform]:
    """Set entries up with the switch platform only."""
    return [Platform.SWITCH]


LAMP = "switch.invisoutlet_11a1f7000fe_floor_lamp"
OTHER = "11A1F7000AA"


def mismatch_issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    """Return the entry's device-mismatch repair, if raised."""
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"device_mismatch_{entry.entry_id}"
    )


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


@pytest.mark.usefixtures("mock_firmware")
async def test_another_outlet_at_setup_raises_a_repair_naming_both(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """The repair says which outlet answered where, and points to Reconfigure."""
    mock_invisoutlet.outlet_info.return_value = outlet_info(sn=OTHER)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    issue = mismatch_issue(hass, config_entry)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.is_fixable is False
    assert issue.translation_key == "device_mismatch"
    assert issue.translation_placeholders == {
        "title": config_entry.title,
        "host": "127.0.0.1",
        "expected": SERIAL,
        "found": OTHER,
    }


@pytest.mark.usefixtures("mock_firmware")
async def test_the_repair_goes_once_the_right_outlet_answers(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """Reconfigured (the entry reloads) to where the outlet is: the repair is gone."""
    mock_invisoutlet.outlet_info.return_value = outlet_info(sn=OTHER)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    mock_invisoutlet.outlet_info.return_value = outlet_info()
    await hass.config_entries.async_reload(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.LOADED
    assert mismatch_issue(hass, config_entry) is None


async def test_another_outlet_answering_later_makes_everything_unavailable(
    hass: HomeAssistant,
    mocked_integration: MockConfigEntry,
    mock_invisoutlet: MagicMock,
) -> None:
    """A moved lease never lets this outlet's switches reach the other outlet."""
    assert state_of(hass, LAMP) == STATE_ON
    push(mock_invisoutlet, outlet_info(sn=OTHER))
    await hass.async_block_till_done()
    assert state_of(hass, LAMP) == STATE_UNAVAILABLE
    assert mismatch_issue(hass, mocked_integration) is not None


async def test_nothing_the_other_outlet_pushes_is_shown_as_this_ones(
    hass: HomeAssistant,
    mocked_integration: MockConfigEntry,
    mock_invisoutlet: MagicMock,
) -> None:
    """Once the right outlet is back, it shows its own outlets, not the other's."""
    mock_invisoutlet.outlet_info.return_value = outlet_info(sn=OTHER)
    link(mock_invisoutlet, up=False)
    link(mock_invisoutlet, up=True)
    await hass.async_block_till_done()
    push(mock_invisoutlet, OutletStates(top=False, bottom=True))
    assert state_of(hass, LAMP) == STATE_UNAVAILABLE

    mock_invisoutlet.outlet_info.return_value = outlet_info()
    link(mock_invisoutlet, up=False)
    link(mock_invisoutlet, up=True)
    await hass.async_block_till_done()
    assert state_of(hass, LAMP) == STATE_ON
    assert mismatch_issue(hass, mocked_integration) is None


async def test_removing_the_entry_removes_its_mismatch_repair(
    hass: HomeAssistant,
    mocked_integration: MockConfigEntry,
    mock_invisoutlet: MagicMock,
) -> None:
    """Nothing is left to fix once the entry is gone."""
    push(mock_invisoutlet, outlet_info(sn=OTHER))
    await hass.async_block_till_done()
    await hass.config_entries.async_remove(mocked_integration.entry_id)
    assert mismatch_issue(hass, mocked_integration) is None


async def test_moved_lease_on_the_simulator_is_unavailable_then_recovers(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: InvisOutletSimulator,
) -> None:
    """The address is answered by another outlet after a restart, then by this one."""
    simulator.device.serial = OTHER
    await simulator.reboot(0.05)
    await wait_until(lambda: state_of(hass, LAMP) == STATE_UNAVAILABLE)
    assert mismatch_issue(hass, init_integration) is not None

    simulator.device.serial = SERIAL
    await simulator.reboot(0.05)
    await wait_until(lambda: state_of(hass, LAMP) in (STATE_ON, STATE_OFF))
    assert mismatch_issue(hass, init_integration) is None
