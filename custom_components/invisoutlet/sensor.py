"""The InvisDeco's measurements and their accuracies; the outlet's address."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    LIGHT_LUX,
    PERCENTAGE,
    EntityCategory,
    UnitOfLength,
    UnitOfPressure,
    UnitOfTemperature,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .const import PARTS_PER_MILLION
from .coordinator import InvisOutletConfigEntry
from .deco_entities import async_add_deco_entities, async_add_outlet_entities
from .entity import (
    InvisDecoEntity,
    InvisDecoEntityDescription,
    InvisOutletEntity,
    reports,
)
from .pyinvisoutlet import DevicePart, SensorReadings

# Read only: the coordinator reads and takes pushes for every entity.
PARALLEL_UPDATES = 0

# An accuracy (AQI, CO₂, bVOC): 0 while the air-quality sensor calibrates, then 1
# worst to 3 best.
ACCURACY = ("calibrating", "low", "medium", "high")


@dataclass(frozen=True, kw_only=True)
class InvisDecoSensorEntityDescription(
    SensorEntityDescription, InvisDecoEntityDescription
):
    """Describes one reading of the InvisDeco."""

    value_fn: Callable[[SensorReadings], StateType]


def accuracy(value: float | None) -> str | None:
    """Return an accuracy as an option; None for an unknown value."""
    if value is None or value not in range(len(ACCURACY)):
        return None
    return ACCURACY[int(value)]


SENSOR_DESCRIPTIONS: tuple[InvisDecoSensorEntityDescription, ...] = (
    InvisDecoSensorEntityDescription(
        key="temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        exists_fn=reports("temperature"),
        value_fn=lambda readings: readings.temperature,
    ),
    InvisDecoSensorEntityDescription(
        key="humidity",
        device_class=SensorDeviceClass.HUMIDITY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        exists_fn=reports("humidity"),
        value_fn=lambda readings: readings.humidity,
    ),
    InvisDecoSensorEntityDescription(
        key="pressure",
        device_class=SensorDeviceClass.ATMOSPHERIC_PRESSURE,
        native_unit_of_measurement=UnitOfPressure.PA,
        suggested_unit_of_measurement=UnitOfPressure.HPA,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        exists_fn=reports("pressure"),
        value_fn=lambda readings: readings.pressure,
    ),
    InvisDecoSensorEntityDescription(
        key="air_quality_index",
        device_class=SensorDeviceClass.AQI,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        exists_fn=reports("aqi"),
        value_fn=lambda readings: readings.aqi,
    ),
    InvisDecoSensorEntityDescription(
        key="co2_equivalent",
        translation_key="co2_equivalent",
        device_class=SensorDeviceClass.CO2,
        native_unit_of_measurement=PARTS_PER_MILLION,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        exists_fn=reports("co2"),
        value_fn=lambda readings: readings.co2,
    ),
    InvisDecoSensorEntityDescription(
        key="bvoc_equivalent",
        translation_key="bvoc_equivalent",
        device_class=SensorDeviceClass.VOLATILE_ORGANIC_COMPOUNDS_PARTS,
        native_unit_of_measurement=PARTS_PER_MILLION,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        exists_fn=reports("bvoc"),
        value_fn=lambda readings: readings.bvoc,
    ),
    InvisDecoSensorEntityDescription(
        key="illuminance",
        device_class=SensorDeviceClass.ILLUMINANCE,
        native_unit_of_measurement=LIGHT_LUX,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        exists_fn=reports("illuminance"),
        value_fn=lambda readings: readings.illuminance,
    ),
    InvisDecoSensorEntityDescription(
        key="radar_distance",
        translation_key="radar_distance",
        # Changes every second or two and few users chart it: their recorder is spared
        # until they enable it.
        entity_registry_enabled_default=False,
        device_class=SensorDeviceClass.DISTANCE,
        native_unit_of_measurement=UnitOfLength.CENTIMETERS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        exists_fn=reports("distance"),
        value_fn=lambda readings: readings.distance,
    ),
    InvisDecoSensorEntityDescription(
        key="air_quality_accuracy",
        translation_key="air_quality_accuracy",
        device_class=SensorDeviceClass.ENUM,
        options=list(ACCURACY),
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=reports("aqi_accuracy"),
        value_fn=lambda readings: accuracy(readings.aqi_accuracy),
    ),
    # The same sensor's estimates: their accuracies mostly follow the AQI's.
    InvisDecoSensorEntityDescription(
        key="co2_accuracy",
        translation_key="co2_accuracy",
        device_class=SensorDeviceClass.ENUM,
        options=list(ACCURACY),
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        exists_fn=reports("co2_accuracy"),
        value_fn=lambda readings: accuracy(readings.co2_accuracy),
    ),
    InvisDecoSensorEntityDescription(
        key="bvoc_accuracy",
        translation_key="bvoc_accuracy",
        device_class=SensorDeviceClass.ENUM,
        options=list(ACCURACY),
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        exists_fn=reports("bvoc_accuracy"),
        value_fn=lambda readings: accuracy(readings.bvoc_accuracy),
    ),
)


@dataclass(frozen=True, kw_only=True)
class InvisOutletSensorEntityDescription(
    SensorEntityDescription, InvisDecoEntityDescription
):
    """Describes a sensor of the outlet that only some firmware reports."""


# The outlet's address: Home Assistant knows it already; for those who look.
IP_ADDRESS = InvisOutletSensorEntityDescription(
    key="ip_address",
    translation_key="ip_address",
    entity_category=EntityCategory.DIAGNOSTIC,
    entity_registry_enabled_default=False,
    exists_fn=lambda device: (
        device.configuration is not None and device.configuration.ip_address is not None
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: InvisOutletConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a sensor for each reading the InvisDeco reports, and the address."""
    async_add_outlet_entities(
        entry, async_add_entities, [(InvisOutletAddressEntity, (IP_ADDRESS,))]
    )
    async_add_deco_entities(
        entry, async_add_entities, [(InvisDecoSensorEntity, SENSOR_DESCRIPTIONS)]
    )


class InvisDecoSensorEntity(InvisDecoEntity, SensorEntity):
    """One reading of the InvisDeco; unavailable while the reading is invalid."""

    entity_description: InvisDecoSensorEntityDescription
    part = DevicePart.SENSORS

    @property
    @override
    def native_value(self) -> StateType:
        """Return the reading."""
        readings = self.device.sensors
        return None if readings is None else self.entity_description.value_fn(readings)

    @property
    @override
    def reported(self) -> bool:
        """Return whether the InvisDeco vouches for the reading."""
        return self.native_value is not None


class InvisOutletAddressEntity(InvisOutletEntity, SensorEntity):
    """The outlet's IP address on its network, as it reports it."""

    part = DevicePart.CONFIGURATION

    @property
    @override
    def native_value(self) -> str | None:
        """Return the address the outlet reports."""
        settings = self.device.configuration
        return None if settings is None else settings.ip_address

    @property
    @override
    def reported(self) -> bool:
        """Return whether the outlet reports its address."""
        return self.native_value is not None
