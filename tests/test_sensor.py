"""InvisDeco sensors on the library mock: which exist, what they show, and when."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from unittest.mock import MagicMock, patch

from homeassistant.const import STATE_ON, STATE_UNAVAILABLE, EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from .common import SERIAL, get_device
from .library_mock import (
    Writes,
    configuration,
    deco_info,
    no_deco_info,
    prepare_pro,
    push,
    sensor_readings,
)


@pytest.fixture
def platforms() -> list[Platform]:
    """Set entries up with the sensor platform only."""
    return [Platform.SENSOR]


AURA = "sensor.invisdeco_0003c44076"
PRO = "sensor.invisdeco_0003d44076"
TEMPERATURE = f"{AURA}_temperature"
HUMIDITY = f"{AURA}_humidity"
ILLUMINANCE = f"{AURA}_illuminance"
ACCURACY = f"{PRO}_air_quality_accuracy"
RADAR_DISTANCE = f"{AURA}_radar_distance"
CO2_ACCURACY = f"{PRO}_co2_accuracy"
BVOC_ACCURACY = f"{PRO}_breath_voc_accuracy"
IP_ADDRESS = "sensor.invisoutlet_11a1f7000fe_ip_address"
# Enabled by default (the radar distance is not).
AURA_SENSORS = {TEMPERATURE, HUMIDITY, ILLUMINANCE}
PRO_SENSORS = {
    f"{PRO}_temperature",
    f"{PRO}_humidity",
    f"{PRO}_atmospheric_pressure",
    f"{PRO}_air_quality_index",
    f"{PRO}_co2_equivalent",
    f"{PRO}_bvoc_equivalent",
    f"{PRO}_illuminance",
    ACCURACY,
}


@pytest.fixture(autouse=True)
def only_sensors() -> Iterator[None]:
    """Load the sensor platform alone."""
    with patch("custom_components.invisoutlet.PLATFORMS", [Platform.SENSOR]):
        yield


@pytest.fixture(params=["aura", "pro"])
def faceplate(request: pytest.FixtureRequest, mock_invisoutlet: MagicMock) -> str:
    """Attach an InvisDeco Aura or Pro to the fixture outlet."""
    if request.param == "pro":
        prepare_pro(mock_invisoutlet)
    return str(request.param)


@pytest.fixture
def pro(mock_invisoutlet: MagicMock) -> None:
    """Attach an InvisDeco Pro to the fixture outlet."""
    prepare_pro(mock_invisoutlet)


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """Return an entity's state."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


def sensors(hass: HomeAssistant) -> set[str]:
    """Return the sensors there are."""
    return set(hass.states.async_entity_ids(Platform.SENSOR))


async def set_up(hass: HomeAssistant, config_entry: MockConfigEntry) -> None:
    """Set the entry up on the library mock as the test prepared it."""
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.usefixtures("faceplate", "every_entity_enabled")
async def test_sensors_match_the_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    mocked_integration: MockConfigEntry,
) -> None:
    """Each reading the faceplate reports is a sensor with its class and unit."""
    await snapshot_platform(
        hass, entity_registry, snapshot, mocked_integration.entry_id
    )


@pytest.mark.parametrize(
    ("faceplate", "expected"),
    [("aura", AURA_SENSORS), ("pro", PRO_SENSORS)],
    indirect=["faceplate"],
)
@pytest.mark.usefixtures("faceplate", "mocked_integration")
async def test_each_faceplate_has_a_sensor_per_reading_it_reports(
    hass: HomeAssistant, expected: set[str]
) -> None:
    """An Aura has no air-quality sensor; development-only readings are not shown."""
    assert sensors(hass) == expected


@pytest.mark.usefixtures("mocked_integration")
async def test_radar_distance_is_disabled_by_default(
    entity_registry: er.EntityRegistry,
) -> None:
    """It changes every second or two and few chart it: the user enables it."""
    entry = entity_registry.async_get(RADAR_DISTANCE)
    assert entry is not None
    assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION


@pytest.mark.usefixtures("every_entity_enabled", "mocked_integration")
async def test_enabled_radar_distance_shows_the_distance(hass: HomeAssistant) -> None:
    """Once enabled it shows how far the radar sees someone, in centimetres."""
    state = hass.states.get(RADAR_DISTANCE)
    assert state is not None
    assert (state.state, state.attributes["unit_of_measurement"]) == ("95.0", "cm")


@pytest.mark.usefixtures("mocked_integration")
async def test_pushed_reading_is_shown(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """A reading pushed by the InvisDeco shows at once."""
    push(mock_invisoutlet, sensor_readings(temp_celsius="23.1"))
    await hass.async_block_till_done()
    assert state_of(hass, TEMPERATURE) == "23.1"


@pytest.mark.usefixtures("mocked_integration")
async def test_push_that_changes_nothing_shown_writes_nothing(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Only the sensor whose reading moved is written."""
    temperature, humidity = Writes(hass, TEMPERATURE), Writes(hass, HUMIDITY)
    push(mock_invisoutlet, sensor_readings(humidity="45.0"))
    await hass.async_block_till_done()
    assert (temperature.count, humidity.count) == (0, 1)


@pytest.mark.usefixtures("mocked_integration")
async def test_invalid_reading_makes_its_sensors_unavailable(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """temp_valid 0 vouches for neither temperature nor humidity; light is fine."""
    push(mock_invisoutlet, sensor_readings(temp_valid=0))
    await hass.async_block_till_done()
    assert [state_of(hass, sensor) for sensor in (TEMPERATURE, HUMIDITY)] == [
        STATE_UNAVAILABLE,
        STATE_UNAVAILABLE,
    ]
    assert state_of(hass, ILLUMINANCE) == "135.5"


@pytest.mark.usefixtures("mocked_integration")
async def test_unreadable_reading_makes_its_sensor_unavailable(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """An illuminance of "inf" is no reading."""
    push(mock_invisoutlet, sensor_readings(lux="inf"))
    await hass.async_block_till_done()
    assert state_of(hass, ILLUMINANCE) == STATE_UNAVAILABLE


@pytest.mark.usefixtures("pro", "mocked_integration")
async def test_pressure_is_shown_in_hectopascals(hass: HomeAssistant) -> None:
    """The device's pascals are shown as hectopascals."""
    state = hass.states.get(f"{PRO}_atmospheric_pressure")
    assert state is not None
    assert (state.state, state.attributes["unit_of_measurement"]) == (
        "1008.42",
        "hPa",
    )


@pytest.mark.parametrize(
    ("accuracy", "shown"),
    [(0, "calibrating"), (1, "low"), (2, "medium"), (3, "high")],
)
@pytest.mark.usefixtures("pro", "mocked_integration")
async def test_air_quality_accuracy_is_shown_by_name(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, accuracy: int, shown: str
) -> None:
    """AQI_accuracy 0-3 is calibrating, low, medium or high."""
    push(mock_invisoutlet, sensor_readings("sensors_pro", AQI_accuracy=accuracy))
    await hass.async_block_till_done()
    assert state_of(hass, ACCURACY) == shown


@pytest.mark.usefixtures("pro", "mocked_integration")
async def test_unknown_air_quality_accuracy_is_unavailable(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """An accuracy the vendor does not describe is not made into one it does."""
    push(mock_invisoutlet, sensor_readings("sensors_pro", AQI_accuracy=7))
    await hass.async_block_till_done()
    assert state_of(hass, ACCURACY) == STATE_UNAVAILABLE


@pytest.mark.parametrize(
    ("reported", "entity_id", "shown"),
    [
        ({"co2_accuracy": 0}, CO2_ACCURACY, "calibrating"),
        ({"co2_accuracy": 3}, CO2_ACCURACY, "high"),
        ({"bvoc_accuracy": 1}, BVOC_ACCURACY, "low"),
        ({"bvoc_accuracy": 2}, BVOC_ACCURACY, "medium"),
    ],
)
@pytest.mark.usefixtures("pro", "every_entity_enabled", "mocked_integration")
async def test_co2_and_bvoc_accuracies_are_shown_by_name(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    reported: dict[str, int],
    entity_id: str,
    shown: str,
) -> None:
    """co2_accuracy and bvoc_accuracy read as the AQI's does."""
    push(mock_invisoutlet, sensor_readings("sensors_pro", **reported))
    await hass.async_block_till_done()
    assert state_of(hass, entity_id) == shown


@pytest.mark.usefixtures("pro", "mocked_integration")
async def test_diagnostics_the_core_would_hide_are_disabled_by_default(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """The CO₂ and bVOC accuracies and the IP address exist, disabled."""
    disabled = {
        entity_id: (entry.disabled_by is not None, entry.entity_category)
        for entity_id in (CO2_ACCURACY, BVOC_ACCURACY, IP_ADDRESS)
        if (entry := entity_registry.async_get(entity_id)) is not None
    }
    assert disabled == dict.fromkeys(
        (CO2_ACCURACY, BVOC_ACCURACY, IP_ADDRESS), (True, EntityCategory.DIAGNOSTIC)
    )


@pytest.mark.usefixtures("every_entity_enabled", "mocked_integration")
async def test_ip_address_is_the_outlets_own_report(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """sys_prefs.internet.ip, shown on the outlet's device."""
    entry = entity_registry.async_get(IP_ADDRESS)
    assert entry is not None
    assert entry.device_id == get_device(hass, SERIAL).id
    assert state_of(hass, IP_ADDRESS) == "192.168.1.50"


@pytest.mark.usefixtures("every_entity_enabled")
async def test_outlet_reporting_no_address_has_no_ip_sensor(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """Firmware without sys_prefs.internet gets no address sensor."""
    mock_invisoutlet.configuration.return_value = replace(
        configuration(), ip_address=None
    )
    await set_up(hass, config_entry)
    assert hass.states.get(IP_ADDRESS) is None


async def test_offline_invisdeco_makes_only_its_own_entities_unavailable(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    mock_invisoutlet: MagicMock,
    mock_firmware: MagicMock,
) -> None:
    """Its sensors go unavailable and come back with it; the outlets stay."""
    with patch(
        "custom_components.invisoutlet.PLATFORMS", [Platform.SENSOR, Platform.SWITCH]
    ):
        await set_up(hass, config_entry)
    push(mock_invisoutlet, deco_info(online=False))
    await hass.async_block_till_done()
    outlet = "switch.invisoutlet_11a1f7000fe_floor_lamp"
    assert (state_of(hass, TEMPERATURE), state_of(hass, outlet)) == (
        STATE_UNAVAILABLE,
        STATE_ON,
    )
    # The device now answers with it too (its arrival triggers a refresh).
    mock_invisoutlet.outlet_info.return_value = deco_info()
    push(mock_invisoutlet, deco_info())
    await hass.async_block_till_done()
    assert state_of(hass, TEMPERATURE) == "21.8"


@pytest.mark.usefixtures("mock_firmware")
async def test_outlet_without_invisdeco_has_no_sensors(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """No faceplate, no sensors."""
    mock_invisoutlet.outlet_info.return_value = no_deco_info()
    await set_up(hass, config_entry)
    assert sensors(hass) == set()


@pytest.mark.usefixtures("mock_firmware")
async def test_invisdeco_fitted_later_gets_its_sensors_without_a_reload(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """Its sensors appear with its first readings."""
    mock_invisoutlet.outlet_info.return_value = no_deco_info()
    await set_up(hass, config_entry)
    # The device now answers with it too (its arrival triggers a refresh).
    mock_invisoutlet.outlet_info.return_value = deco_info()
    push(mock_invisoutlet, deco_info())
    push(mock_invisoutlet, sensor_readings())
    await hass.async_block_till_done()
    assert sensors(hass) == AURA_SENSORS


@pytest.mark.usefixtures("mock_firmware")
async def test_invisdeco_offline_at_setup_gets_its_sensors_when_back(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """Nothing is read from an offline faceplate; its sensors come with it."""
    mock_invisoutlet.outlet_info.return_value = deco_info(online=False)
    await set_up(hass, config_entry)
    assert sensors(hass) == set()
    # The device now answers with it too (its arrival triggers a refresh).
    mock_invisoutlet.outlet_info.return_value = deco_info()
    push(mock_invisoutlet, deco_info())
    push(mock_invisoutlet, sensor_readings())
    await hass.async_block_till_done()
    assert state_of(hass, TEMPERATURE) == "21.8"


@pytest.mark.usefixtures("mock_firmware")
async def test_reading_first_reported_later_gets_its_sensor(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """A reading missing at setup gets its sensor when the faceplate reports it."""
    mock_invisoutlet.sensors.return_value = sensor_readings(lux=None)
    await set_up(hass, config_entry)
    assert ILLUMINANCE not in sensors(hass)
    push(mock_invisoutlet, sensor_readings())
    await hass.async_block_till_done()
    assert state_of(hass, ILLUMINANCE) == "135.5"
