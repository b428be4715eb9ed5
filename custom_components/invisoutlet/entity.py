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
        outlet = coordinator.config_entry.unique_id
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, deco_serial or coordinator.data.info.serial)}
        )
        # The outlet's serial first: an InvisDeco moved to another outlet gets a new
        # entity there instead of clashing with the one it left behind.
        self._attr_unique_id = "_".join(
            part for part in (outlet, deco_serial, description.key) if part
        )
