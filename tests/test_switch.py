"""Outlet switches on the library mock: names, state, commands and their errors."""

from __future__ import annotations

from collections.abc import Iterator
from unittest.mock import MagicMock, patch

from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_ENTITY_ID,
    ATTR_FRIENDLY_NAME,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.invisoutlet.const import DOMAIN
from custom_components.invisoutlet.pyinvisoutlet import (
    AccessoryNames,
    InvisOutletCommandError,
    InvisOutletConnectionError,
    InvisOutletTimeoutError,
    Outlet,
    OutletStates,
)

from .library_mock import Writes, push, sensor_readings


@pytest.fixture
def platforms() -> list[Platform]:
    """Set entries up with the switch platform only."""
    return [Platform.SWITCH]


OUTLET_1 = "switch.invisoutlet_11a1f7000fe_floor_lamp"
OUTLET_2 = "switch.invisoutlet_11a1f7000fe_phone_charger"


@pytest.fixture(autouse=True)
def only_switches() -> Iterator[None]:
    """Load the switch platform alone."""
    with patch("custom_components.invisoutlet.PLATFORMS", [Platform.SWITCH]):
        yield


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def switch(hass: HomeAssistant, service: str, entity_id: str) -> None:
    """Call switch.turn_on or switch.turn_off and wait for it."""
    await hass.services.async_call(
        Platform.SWITCH, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def test_outlets_match_the_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    mocked_integration: MockConfigEntry,
) -> None:
    """Two outlet switches, named as the owner named them on the device."""
    await snapshot_platform(
        hass, entity_registry, snapshot, mocked_integration.entry_id
    )


async def test_outlets_without_own_names_are_outlet_1_and_2(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """A device that has no names for its outlets gets the translated ones."""
    mock_invisoutlet.accessory_names.return_value = AccessoryNames(names=())
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    names = [
        state.attributes[ATTR_FRIENDLY_NAME]
        for state in hass.states.async_all(Platform.SWITCH)
        if state.attributes.get(ATTR_DEVICE_CLASS) == "outlet"
    ]
    assert sorted(names) == [
        "InvisOutlet 11A1F7000FE Outlet 1",
        "InvisOutlet 11A1F7000FE Outlet 2",
    ]


async def test_outlet_renamed_on_the_device_is_renamed_after_a_refresh(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    mocked_integration: MockConfigEntry,
) -> None:
    """Names are read with every refresh; the friendly name follows them."""
    mock_invisoutlet.accessory_names.return_value = AccessoryNames(
        names=((1, "Kettle"),)
    )
    await mocked_integration.runtime_data.device.async_refresh()
    state = hass.states.get(OUTLET_1)
    assert state is not None
    assert state.attributes[ATTR_FRIENDLY_NAME] == "InvisOutlet 11A1F7000FE Kettle"


async def test_outlet_renamed_on_the_device_is_renamed_in_the_registry(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    mock_invisoutlet: MagicMock,
    mocked_integration: MockConfigEntry,
) -> None:
    """The device page and entity lists show the new name too, without a restart.

    They show the registry's name, which Home Assistant 2025.4 writes only when the
    entity is added (newer releases update it with the state).
    """
    mock_invisoutlet.accessory_names.return_value = AccessoryNames(
        names=((1, "Kettle"),)
    )
    await mocked_integration.runtime_data.device.async_refresh()
    entry = entity_registry.async_get(OUTLET_1)
    assert entry is not None
    assert (entry.entity_id, entry.original_name) == (OUTLET_1, "Kettle")


@pytest.mark.usefixtures("mocked_integration")
async def test_outlets_show_the_states_read_at_setup(hass: HomeAssistant) -> None:
    """Outlet 1 is on and outlet 2 off, as the fixture device reports."""
    assert (state_of(hass, OUTLET_1), state_of(hass, OUTLET_2)) == (STATE_ON, STATE_OFF)


@pytest.mark.usefixtures("mocked_integration")
async def test_pushed_outlet_states_are_shown(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """An outlet switched at the device shows at once."""
    push(mock_invisoutlet, OutletStates(top=False, bottom=True))
    await hass.async_block_till_done()
    assert (state_of(hass, OUTLET_1), state_of(hass, OUTLET_2)) == (STATE_OFF, STATE_ON)


@pytest.mark.parametrize(
    ("service", "entity_id", "sent"),
    [
        (SERVICE_TURN_ON, OUTLET_1, {"outlet": Outlet.TOP, "on": True}),
        (SERVICE_TURN_OFF, OUTLET_1, {"outlet": Outlet.TOP, "on": False}),
        (SERVICE_TURN_ON, OUTLET_2, {"outlet": Outlet.BOTTOM, "on": True}),
        (SERVICE_TURN_OFF, OUTLET_2, {"outlet": Outlet.BOTTOM, "on": False}),
    ],
)
@pytest.mark.usefixtures("mocked_integration")
async def test_switching_asks_the_device_for_that_outlet(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    service: str,
    entity_id: str,
    sent: dict[str, object],
) -> None:
    """turn_on and turn_off switch the outlet of the entity."""
    await switch(hass, service, entity_id)
    mock_invisoutlet.set_outlet.assert_awaited_once_with(**sent)


@pytest.mark.usefixtures("mocked_integration")
async def test_state_is_not_guessed_after_a_command(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Until the device reports the outlet on, it shows off."""
    await switch(hass, SERVICE_TURN_ON, OUTLET_2)
    assert state_of(hass, OUTLET_2) == STATE_OFF


@pytest.mark.usefixtures("mocked_integration")
async def test_refused_command_is_a_translated_error(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """PUBACK 0 raises device_error; the outlet stays available."""
    mock_invisoutlet.set_outlet.side_effect = InvisOutletCommandError("PUBACK 0")
    with pytest.raises(HomeAssistantError) as error:
        await switch(hass, SERVICE_TURN_ON, OUTLET_2)
    assert (error.value.translation_domain, error.value.translation_key) == (
        DOMAIN,
        "device_error",
    )
    assert state_of(hass, OUTLET_2) == STATE_OFF


@pytest.mark.usefixtures("mocked_integration")
async def test_unanswered_command_is_that_commands_error(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """No answer on a live link raises command_timeout; the outlet stays on."""
    mock_invisoutlet.set_outlet.side_effect = InvisOutletTimeoutError("no answer")
    with pytest.raises(HomeAssistantError) as error:
        await switch(hass, SERVICE_TURN_ON, OUTLET_2)
    assert error.value.translation_key == "command_timeout"
    assert state_of(hass, OUTLET_1) == STATE_ON


@pytest.mark.usefixtures("mocked_integration")
async def test_command_after_an_unanswered_one_reaches_the_other_outlet(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """One command the device never answers is never an outage: the next is sent."""
    mock_invisoutlet.set_outlet.side_effect = [InvisOutletTimeoutError("x"), None]
    with pytest.raises(HomeAssistantError):
        await switch(hass, SERVICE_TURN_ON, OUTLET_2)
    await switch(hass, SERVICE_TURN_OFF, OUTLET_1)
    mock_invisoutlet.set_outlet.assert_awaited_with(outlet=Outlet.TOP, on=False)


@pytest.mark.usefixtures("mocked_integration")
async def test_command_on_a_lost_link_makes_the_outlet_unavailable(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """A link lost under the command raises communication_error, all unavailable."""
    mock_invisoutlet.set_outlet.side_effect = InvisOutletConnectionError("lost")
    with pytest.raises(HomeAssistantError) as error:
        await switch(hass, SERVICE_TURN_ON, OUTLET_2)
    assert error.value.translation_key == "communication_error"
    assert state_of(hass, OUTLET_1) == STATE_UNAVAILABLE


async def test_outlets_never_read_are_unavailable(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """If the outlet refuses to report its outlets, their state is not made up."""
    mock_invisoutlet.outlets.side_effect = InvisOutletCommandError("PUBACK 0")
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert state_of(hass, OUTLET_1) == STATE_UNAVAILABLE


@pytest.mark.usefixtures("mocked_integration")
async def test_sensor_push_does_not_rewrite_the_outlets(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Readings pushed every second leave the outlet switches alone."""
    writes = Writes(hass, OUTLET_1)
    push(mock_invisoutlet, sensor_readings(temp_celsius="25.0"))
    await hass.async_block_till_done()
    assert writes.count == 0


@pytest.mark.usefixtures("mocked_integration")
async def test_outlet_push_that_changes_nothing_writes_nothing(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The other outlet switched: this one's state is not written again."""
    writes = Writes(hass, OUTLET_1)
    push(mock_invisoutlet, OutletStates(top=True, bottom=True))
    await hass.async_block_till_done()
    assert writes.count == 0
    assert state_of(hass, OUTLET_2) == STATE_ON
