"""The InvisDeco's radar (occupancy, motion, calibrating); the outlet's MQTT link."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import override

# Home Assistant moved the device classes to binary_sensor.const after 2025.4 and no
# longer exports them from binary_sensor itself; they are still there at run time.
from homeassistant.components.binary_sensor import (  # type: ignore[attr-defined,unused-ignore]
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

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


@dataclass(frozen=True, kw_only=True)
class InvisDecoBinarySensorEntityDescription(
    BinarySensorEntityDescription, InvisDecoEntityDescription
):
    """Describes one radar verdict of the InvisDeco."""

    value_fn: Callable[[SensorReadings], bool | None]


BINARY_SENSORS: tuple[InvisDecoBinarySensorEntityDescription, ...] = (
    InvisDecoBinarySensorEntityDescription(
        key="occupancy",
        device_class=BinarySensorDeviceClass.OCCUPANCY,
        exists_fn=reports("occupancy_state"),
        # None while the radar calibrates: then nobody knows.
        value_fn=lambda readings: readings.occupied,
    ),
    InvisDecoBinarySensorEntityDescription(
        key="motion",
        device_class=BinarySensorDeviceClass.MOTION,
        exists_fn=reports("movement_energy"),
        value_fn=lambda readings: readings.motion,
    ),
    InvisDecoBinarySensorEntityDescription(
        key="radar_calibrating",
        translation_key="radar_calibrating",
        device_class=BinarySensorDeviceClass.RUNNING,
        entity_category=EntityCategory.DIAGNOSTIC,
        # Only of interest while a calibration asked for runs.
        entity_registry_enabled_default=False,
        exists_fn=reports("occupancy_state"),
        value_fn=lambda readings: (
            None if readings.occupancy_state is None else readings.calibrating_occupancy
        ),
    ),
)


@dataclass(frozen=True, kw_only=True)
class InvisOutletBinarySensorEntityDescription(
    BinarySensorEntityDescription, InvisDecoEntityDescription
):
    """Describes a binary sensor of the outlet that only some firmware reports."""


MQTT_CONNECTED = InvisOutletBinarySensorEntityDescription(
    key="mqtt_connected",
    translation_key="mqtt_connected",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
    # Of interest only to those who use the outlet's own MQTT.
    entity_registry_enabled_default=False,
    exists_fn=lambda device: (
        device.configuration is not None
        and device.configuration.mqtt_enabled is not None
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: InvisOutletConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the radar's verdicts once an InvisDeco reports them, and the MQTT link."""
    async_add_outlet_entities(
        entry, async_add_entities, [(InvisOutletMqttEntity, (MQTT_CONNECTED,))]
    )
    async_add_deco_entities(
        entry, async_add_entities, [(InvisDecoBinarySensorEntity, BINARY_SENSORS)]
    )


class InvisDecoBinarySensorEntity(InvisDecoEntity, BinarySensorEntity):
    """One radar verdict; unavailable while the radar cannot tell."""

    entity_description: InvisDecoBinarySensorEntityDescription
    part = DevicePart.SENSORS

    @property
    @override
    def is_on(self) -> bool | None:
        """Return the radar's verdict."""
        readings = self.device.sensors
        return None if readings is None else self.entity_description.value_fn(readings)

    @property
    @override
    def reported(self) -> bool:
        """Return whether the radar can tell."""
        return self.is_on is not None


class InvisOutletMqttEntity(InvisOutletEntity, BinarySensorEntity):
    """Whether the outlet is connected to its MQTT broker; off while MQTT is off."""

    part = DevicePart.CONFIGURATION
    shows = frozenset({DevicePart.MQTT})

    @property
    @override
    def is_on(self) -> bool | None:
        """Return whether the broker connection is up (asked only while MQTT is on)."""
        settings = self.device.configuration
        if settings is None or settings.mqtt_enabled is None:
            return None
        return self.device.mqtt_connected if settings.mqtt_enabled else False

    @property
    @override
    def reported(self) -> bool:
        """Return whether the outlet said, or MQTT is off."""
        return self.is_on is not None
