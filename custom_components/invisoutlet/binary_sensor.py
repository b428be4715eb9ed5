"""The InvisDeco's radar: occupancy and motion."""

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
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import InvisOutletConfigEntry
from .deco_entities import async_add_deco_entities
from .entity import InvisDecoEntity, InvisDecoEntityDescription, reports
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
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: InvisOutletConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add occupancy and motion for an InvisDeco whose radar reports them."""
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
