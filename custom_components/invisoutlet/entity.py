"""Base entities of the outlet and its InvisDeco, and how the InvisDeco's are added."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Protocol, override

from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import InvisOutletConfigEntry, InvisOutletDeviceCoordinator
from .device_state import SENSORS, Part
from .devices import async_sync_devices
from .pyinvisoutlet import DecoModule, SensorReadings


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


class PartEntity(InvisOutletEntity):
    """An entity showing one pushed part, written only when what it shows changes."""

    # The part of the device's state this entity shows.
    part: ClassVar[Part[Any]]
    # What the entity showed when its state was last written.
    _shown: tuple[object, ...] | None = None

    @property
    @override
    def available(self) -> bool:
        """Return whether the outlet answers and has reported this entity's part."""
        return super().available and self.part.value(self.coordinator.data) is not None

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the pushes of this entity's part."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.async_add_part_listener(
                self.part, self._handle_part_update
            )
        )
        # What the first write, right after this, shows.
        self._shown = self._showing()

    @callback
    def _handle_part_update(self) -> None:
        """Write the state only if the push changed what the entity shows."""
        # Sensor readings are pushed every second; most pushes change one reading.
        if (showing := self._showing()) != self._shown:
            self._shown = showing
            self.async_write_ha_state()

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Write the state after a refresh if what it shows changed."""
        # Every minute's poll calls every entity: most have nothing new to show.
        if (showing := self._showing()) != self._shown:
            self._shown = showing
            super()._handle_coordinator_update()

    def _showing(self) -> tuple[object, ...]:
        """Return what the entity shows: availability, name, state and attributes."""
        return (self.available, self.name, self.state, self.state_attributes)


@callback
def async_add_deco_entities(
    entry: InvisOutletConfigEntry,
    add_entities: AddConfigEntryEntitiesCallback,
    create: Callable[[DecoModule], Iterable[InvisDecoEntity]],
) -> Callable[[], None]:
    """Add the attached InvisDeco's entities now, and whenever more of them can exist.

    Bounded whatever the device reports: a replacement InvisDeco gets its entities
    once two readings in a row agree on it, and those of one no longer attached are
    removed (its device stays, for the user to delete). Return the callback that adds
    them, for other news that may make more exist.
    """
    coordinator = entry.runtime_data.device
    registry = er.async_get(coordinator.hass)
    known: set[str | None] = set()
    owner: str | None = None
    candidate: str | None = None
    seen: dict[str, object] = {}

    @callback
    def add_new() -> None:
        nonlocal owner, candidate
        deco = coordinator.data.info.deco
        if deco is None or deco.serial is None:
            return
        if owner is not None and deco.serial != owner:
            if deco.serial != candidate:
                candidate = deco.serial  # one reading: not yet a replacement
                return
            _remove_entities_of(registry, entry.entry_id, owner)
            known.clear()
        owner, candidate = deco.serial, None
        # Only news can make more entities exist (the faceplate, its kind, which
        # readings or settings it reports): every poll calls this, and building
        # entities costs.
        data = coordinator.data
        news = (
            deco,
            data.deco_kind,
            data.sensors.reported if data.sensors else None,
            data.configuration.reported if data.configuration else None,
        )
        if news == seen.get("last"):
            return
        seen["last"] = news
        # Keyed by entity: a kind or a reading known only later still gets its entity.
        new = [entity for entity in create(deco) if entity.unique_id not in known]
        if new:
            known.update(entity.unique_id for entity in new)
            # The device first, so that the entities take its name.
            async_sync_devices(
                coordinator.hass, entry.entry_id, data.info, coordinator.client.host
            )
            add_entities(new)

    add_new()
    entry.async_on_unload(coordinator.async_add_listener(add_new))
    return add_new


def _remove_entities_of(
    registry: er.EntityRegistry, entry_id: str, deco_serial: str
) -> None:
    """Remove the entities of an InvisDeco that was replaced."""
    for entity in er.async_entries_for_config_entry(registry, entry_id):
        if f"_{deco_serial}_" in entity.unique_id:
            registry.async_remove(entity.entity_id)


@callback
class ReadingDescription(Protocol):
    """A description of an entity that shows one of the InvisDeco's readings."""

    @property
    def exists_fn(self) -> Callable[[SensorReadings], bool]:
        """Return whether this faceplate reports the reading."""


def async_add_reading_entities[D: ReadingDescription](
    entry: InvisOutletConfigEntry,
    add_entities: AddConfigEntryEntitiesCallback,
    entity_type: Callable[..., InvisDecoEntity],
    descriptions: Iterable[D],
) -> None:
    """Add an entity per reading the InvisDeco reports, also one reported later."""
    coordinator = entry.runtime_data.device
    descriptions = tuple(descriptions)

    def create(deco: DecoModule) -> list[InvisDecoEntity]:
        readings = coordinator.data.sensors
        if readings is None:
            return []
        return [
            entity_type(
                coordinator=coordinator,
                description=description,
                deco_serial=str(deco.serial),
            )
            for description in descriptions
            if description.exists_fn(readings)
        ]

    add_new = async_add_deco_entities(entry, add_entities, create)
    known = coordinator.data.sensors
    reported = known.reported if known is not None else frozenset()

    @callback
    def readings_pushed() -> None:
        nonlocal reported
        readings = coordinator.data.sensors
        # Which readings exist rarely changes; the readings change every second.
        if readings is not None and readings.reported != reported:
            reported = readings.reported
            add_new()

    entry.async_on_unload(coordinator.async_add_part_listener(SENSORS, readings_pushed))
