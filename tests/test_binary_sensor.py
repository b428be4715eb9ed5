"""Occupancy and motion on the library mock: the radar's verdicts, and when unknown."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from unittest.mock import MagicMock, patch

from homeassistant.const import (
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    EntityCategory,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from .common import DECO_SERIAL, SERIAL, get_device
from .library_mock import (
    Writes,
    configuration,
    deco_info,
    no_deco_info,
    push,
    sensor_readings,
)


@pytest.fixture
def platforms() -> list[Platform]:
    """Set entries up with the binary sensor platform only."""
    return [Platform.BINARY_SENSOR]


OCCUPANCY = "binary_sensor.invisdeco_0003c44076_occupancy"
MOTION = "binary_sensor.invisdeco_0003c44076_motion"
CALIBRATING = "binary_sensor.invisdeco_0003c44076_radar_calibrating"
MQTT = "binary_sensor.invisoutlet_11a1f7000fe_mqtt_broker"


@pytest.fixture(autouse=True)
def only_binary_sensors() -> Iterator[None]:
    """Load the binary sensor platform alone."""
    with patch("custom_components.invisoutlet.PLATFORMS", [Platform.BINARY_SENSOR]):
        yield


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def show(hass: HomeAssistant, client: MagicMock, **readings: object) -> None:
    """Push the fixture readings with some changed, and let them be shown."""
    push(client, sensor_readings(**readings))
    await hass.async_block_till_done()


@pytest.mark.usefixtures("every_entity_enabled")
async def test_radar_matches_the_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    mocked_integration: MockConfigEntry,
) -> None:
    """Occupancy and motion of the InvisDeco."""
    await snapshot_platform(
        hass, entity_registry, snapshot, mocked_integration.entry_id
    )


@pytest.mark.parametrize(("occupancy_state", "shown"), [(0, STATE_OFF), (2, STATE_ON)])
@pytest.mark.usefixtures("mocked_integration")
async def test_occupancy_follows_the_radar(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, occupancy_state: int, shown: str
) -> None:
    """occupancy_state 0 is nobody there; above 0 is somebody."""
    await show(hass, mock_invisoutlet, occupancy_state=occupancy_state)
    assert state_of(hass, OCCUPANCY) == shown


@pytest.mark.parametrize("occupancy_state", [4, 5, 6])
@pytest.mark.usefixtures("mocked_integration")
async def test_occupancy_is_unavailable_while_the_radar_calibrates(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, occupancy_state: int
) -> None:
    """During an occupancy calibration the radar cannot tell; motion still can."""
    await show(hass, mock_invisoutlet, occupancy_state=occupancy_state)
    assert (state_of(hass, OCCUPANCY), state_of(hass, MOTION)) == (
        STATE_UNAVAILABLE,
        STATE_ON,
    )


@pytest.mark.parametrize(("energy", "shown"), [(0, STATE_OFF), (24, STATE_ON)])
@pytest.mark.usefixtures("mocked_integration")
async def test_motion_follows_the_movement_energy(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, energy: int, shown: str
) -> None:
    """Movement energy above 0 is motion."""
    await show(hass, mock_invisoutlet, movement_energy=energy)
    assert state_of(hass, MOTION) == shown


@pytest.mark.usefixtures("mocked_integration")
async def test_invalid_radar_makes_both_unavailable(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """occupancy_valid 0 vouches for neither verdict."""
    await show(hass, mock_invisoutlet, occupancy_valid=0)
    assert (state_of(hass, OCCUPANCY), state_of(hass, MOTION)) == (
        STATE_UNAVAILABLE,
        STATE_UNAVAILABLE,
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_readings_push_that_changes_no_verdict_writes_nothing(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The distance moving every second leaves occupancy and motion unwritten."""
    occupancy, motion = Writes(hass, OCCUPANCY), Writes(hass, MOTION)
    await show(hass, mock_invisoutlet, distance=120, temp_celsius="22.0")
    assert (occupancy.count, motion.count) == (0, 0)


@pytest.mark.usefixtures("mocked_integration")
async def test_offline_invisdeco_makes_its_radar_unavailable(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """While the faceplate is offline, nobody knows who is there."""
    push(mock_invisoutlet, deco_info(online=False))
    await hass.async_block_till_done()
    assert state_of(hass, OCCUPANCY) == STATE_UNAVAILABLE


@pytest.mark.usefixtures("mock_firmware")
async def test_invisdeco_fitted_later_gets_its_radar_without_a_reload(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """Occupancy and motion appear with the faceplate's first readings."""
    mock_invisoutlet.outlet_info.return_value = no_deco_info()
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert hass.states.async_entity_ids(Platform.BINARY_SENSOR) == []
    # The device now answers with it too (its arrival triggers a refresh).
    mock_invisoutlet.outlet_info.return_value = deco_info()
    push(mock_invisoutlet, deco_info())
    await show(hass, mock_invisoutlet)
    assert sorted(hass.states.async_entity_ids(Platform.BINARY_SENSOR)) == [
        MOTION,
        OCCUPANCY,
    ]


@pytest.mark.usefixtures("mocked_integration")
async def test_calibration_and_mqtt_are_diagnostics_disabled_by_default(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """Radar calibration on the InvisDeco, the MQTT broker on the outlet: hidden."""
    entries = {
        entity_id: (
            entry.disabled_by is not None,
            entry.entity_category,
            entry.device_id,
        )
        for entity_id in (CALIBRATING, MQTT)
        if (entry := entity_registry.async_get(entity_id)) is not None
    }
    assert entries == {
        CALIBRATING: (
            True,
            EntityCategory.DIAGNOSTIC,
            get_device(hass, DECO_SERIAL).id,
        ),
        MQTT: (True, EntityCategory.DIAGNOSTIC, get_device(hass, SERIAL).id),
    }


@pytest.mark.parametrize(
    ("occupancy_state", "shown"),
    [(4, STATE_ON), (5, STATE_ON), (6, STATE_ON), (0, STATE_OFF), (2, STATE_OFF)],
)
@pytest.mark.usefixtures("every_entity_enabled", "mocked_integration")
async def test_radar_calibrating_while_occupancy_state_is_4_to_6(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, occupancy_state: int, shown: str
) -> None:
    """occupancy_state 4, 5 and 6 are a calibration under way (protocol.md §6.16)."""
    await show(hass, mock_invisoutlet, occupancy_state=occupancy_state)
    assert state_of(hass, CALIBRATING) == shown


@pytest.mark.parametrize(
    ("outlet", "shown"),
    [((False, False), STATE_OFF), ((True, False), STATE_OFF), ((True, True), STATE_ON)],
    ids=["mqtt off", "broker not connected", "broker connected"],
)
@pytest.mark.usefixtures("every_entity_enabled")
async def test_mqtt_broker_connected_as_the_outlet_reports(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    mock_invisoutlet: MagicMock,
    outlet: tuple[bool, bool],
    shown: str,
) -> None:
    """Connected only while MQTT is on and the outlet says its broker answers."""
    mqtt, connected = outlet
    mock_invisoutlet.configuration.return_value = configuration(mqtt=mqtt)
    mock_invisoutlet.mqtt_connected.return_value = connected
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, MQTT) == shown


@pytest.mark.usefixtures("every_entity_enabled")
async def test_mqtt_broker_unknown_while_the_settings_do_not_say(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """Settings read without sys_prefs.mqtt: whether MQTT is on is unknown."""
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    mock_invisoutlet.configuration.return_value = replace(
        configuration(), mqtt_enabled=None
    )
    await config_entry.runtime_data.device.async_refresh()
    assert state_of(hass, MQTT) == STATE_UNAVAILABLE
