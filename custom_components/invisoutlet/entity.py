"""Base entities: one on the InvisOutlet, one on the InvisDeco attached to it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import InvisOutletConfigEntry, InvisOutletDeviceCoordinator
from .pyinvisoutlet import DecoModule


class InvisOutletEntity(CoordinatorEntity[InvisOutletDeviceCoordinator]):
    """An entity of the InvisOutlet itself."""

    _attr_has_entity_name = True

    def __init__(
        self,
        *,
        coordinator: InvisOutletDeviceCoordinator,
        description: EntityDescription,
    ) -> None:
        """Describe the entity; the coordinator registers its device (devices.py)."""
        super().__init__(coordinator)
        self.entity_description = description
        outlet = coordinator.data.info.serial
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, outlet)})
        self._attr_unique_id = f"{outlet}_{description.key}"


class InvisDecoEntity(InvisOutletEntity):
    """An entity of the InvisDeco attached to the outlet: only there while it is."""

    def __init__(
        self,
        *,
        coordinator: InvisOutletDeviceCoordinator,
        description: EntityDescription,
        deco_serial: str,
    ) -> None:
        """Belong to this InvisDeco's device."""
        super().__init__(coordinator=coordinator, description=description)
        self.deco_serial = deco_serial
        outlet = coordinator.data.info.serial
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, deco_serial)})
        # The outlet's serial first: an InvisDeco moved to another outlet gets a new
        # entity there instead of clashing with the one it left behind.
        self._attr_unique_id = f"{outlet}_{deco_serial}_{description.key}"

    @property
    def deco(self) -> DecoModule | None:
        """Return this InvisDeco's information while it is the one attached."""
        deco = self.coordinator.data.info.deco
        return deco if deco is not None and deco.serial == self.deco_serial else None

    @property
    def available(self) -> bool:
        """Return whether the outlet answers and this InvisDeco is attached, online."""
        deco = self.deco
        return super().available and deco is not None and deco.online


@callback
def async_add_deco_entities(
    entry: InvisOutletConfigEntry,
    add_entities: AddConfigEntryEntitiesCallback,
    create: Callable[[DecoModule], Iterable[Entity]],
) -> None:
    """Add an InvisDeco's entities now, and whenever another one is attached."""
    coordinator = entry.runtime_data.device
    known: set[str] = set()

    @callback
    def add_new() -> None:
        deco = coordinator.data.info.deco
        if deco is None or deco.serial is None or deco.serial in known:
            return
        known.add(deco.serial)
        add_entities(create(deco))

    add_new()
    entry.async_on_unload(coordinator.async_add_listener(add_new))
