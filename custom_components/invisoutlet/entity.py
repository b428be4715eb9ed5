"""Base entity of the InvisOutlet integration."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import InvisOutletDataUpdateCoordinator


class InvisOutletEntity(CoordinatorEntity[InvisOutletDataUpdateCoordinator]):
    """An entity on the InvisOutlet, or on the InvisDeco attached to it."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: InvisOutletDataUpdateCoordinator,
        description: EntityDescription,
        deco_serial: str | None = None,
    ) -> None:
        """Describe the entity; the coordinator registers its device (devices.py)."""
        super().__init__(coordinator)
        self.entity_description = description
        self.deco_serial = deco_serial
        serial = deco_serial or coordinator.data.info.serial
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, serial)})
        self._attr_unique_id = f"{serial}_{description.key}"
