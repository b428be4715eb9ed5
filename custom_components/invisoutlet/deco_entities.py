"""The helpers every platform uses to add its entities as they come to exist."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from homeassistant.core import callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN
from .coordinator import InvisOutletConfigEntry
from .devices import async_sync_devices
from .entity import InvisDecoEntity, InvisDecoEntityDescription, InvisOutletEntity
from .pyinvisoutlet import Device, DevicePart

type DecoEntityTable = Iterable[
    tuple[Callable[..., InvisDecoEntity], Sequence[InvisDecoEntityDescription]]
]
type OutletEntityTable = Iterable[
    tuple[Callable[..., InvisOutletEntity], Sequence[InvisDecoEntityDescription]]
]

# What can make more of a faceplate's entities exist.
NEWS = frozenset(
    {
        DevicePart.INFO,
        DevicePart.DECO,
        DevicePart.SENSORS,
        DevicePart.CONFIGURATION,
    }
)


@callback
def async_add_deco_entities(
    entry: InvisOutletConfigEntry,
    add_entities: AddConfigEntryEntitiesCallback,
    table: DecoEntityTable,
) -> None:
    """Add the attached InvisDeco's entities of a table now, and whenever more exist.

    Bounded whatever the device reports: a replacement InvisDeco gets its entities
    once two readings in a row agree on it, and those of one not attached are
    removed (at start-up too; its device stays, for the user to delete).
    """
    adder = _DecoEntityAdder(entry, add_entities, tuple(table))
    adder.add_new()
    entry.async_on_unload(entry.runtime_data.device.async_add_listener(adder.updated))


@callback
def async_add_outlet_entities(
    entry: InvisOutletConfigEntry,
    add_entities: AddConfigEntryEntitiesCallback,
    table: OutletEntityTable,
) -> None:
    """Add the outlet's entities of a table that exist now, and whenever more exist.

    For what only some firmware reports (away mode, the address): an entity comes
    once the outlet first reports it, and stays (unavailable while not reported).
    """
    adder = _OutletEntityAdder(entry, add_entities, tuple(table))
    adder.add_new()
    entry.async_on_unload(entry.runtime_data.device.async_add_listener(adder.updated))


@dataclass
class _OutletEntityAdder:
    """Add the outlet's entities as the device tells that they exist."""

    entry: InvisOutletConfigEntry
    add_entities: AddConfigEntryEntitiesCallback
    table: tuple[
        tuple[Callable[..., InvisOutletEntity], Sequence[InvisDecoEntityDescription]],
        ...,
    ]
    added: set[str] = field(default_factory=set)

    @callback
    def updated(self) -> None:
        """Look for new entities when the settings may have made some exist."""
        changed = self.entry.runtime_data.device.changed
        if len(self.added) < self._size and (
            changed is None or DevicePart.CONFIGURATION in changed
        ):
            self.add_new()

    @property
    def _size(self) -> int:
        """Return how many entities the table can make."""
        return sum(len(descriptions) for _, descriptions in self.table)

    @callback
    def add_new(self) -> None:
        """Add the entities that exist now and were not added yet."""
        coordinator = self.entry.runtime_data.device
        device = coordinator.data
        new = [
            entity_type(coordinator=coordinator, description=description)
            for entity_type, descriptions in self.table
            for description in descriptions
            if description.key not in self.added and description.exists_fn(device)
        ]
        if new:
            self.added.update(entity.entity_description.key for entity in new)
            self.add_entities(new)


@dataclass
class _DecoEntityAdder:
    """Add the entities of the faceplate attached, as far as the device tells."""

    entry: InvisOutletConfigEntry
    add_entities: AddConfigEntryEntitiesCallback
    table: tuple[
        tuple[Callable[..., InvisDecoEntity], Sequence[InvisDecoEntityDescription]],
        ...,
    ]
    known: set[str | None] = field(default_factory=set)
    owner: str | None = None
    candidate: str | None = None
    last_news: object = None

    @callback
    def updated(self) -> None:
        """Look for new entities when the update may have made some exist."""
        changed = self.entry.runtime_data.device.changed
        if changed is None or changed & NEWS:
            self.add_new()

    @callback
    def add_new(self) -> None:
        """Add the entities that exist now and were not added yet."""
        device = self.entry.runtime_data.device.data
        deco = device.info.deco
        if deco is None or deco.serial is None or not self._owned_by(deco.serial):
            return
        # Only news can make more entities exist (the faceplate, its kind, which
        # readings or settings it reports); building entities costs.
        news = (
            deco,
            device.deco_kind,
            device.sensors.reported if device.sensors else None,
            device.configuration.reported if device.configuration else None,
        )
        if news == self.last_news:
            return
        self.last_news = news
        new = [
            entity
            for entity in self._entities(device, deco.serial)
            if entity.unique_id not in self.known
        ]
        if new:
            self.known.update(entity.unique_id for entity in new)
            coordinator = self.entry.runtime_data.device
            # The device first, so that the entities take its name.
            async_sync_devices(
                coordinator.hass,
                self.entry,
                device.info,
                coordinator.client.host,
            )
            self.add_entities(new)

    def _owned_by(self, serial: str) -> bool:
        """Return whether this faceplate's entities are the ones to add now."""
        if self.owner == serial:
            return True
        if self.owner is not None and serial != self.candidate:
            self.candidate = serial  # one reading: not yet a replacement
            return False
        _remove_entities_not_of(self.entry, serial)
        self.known.clear()
        self.owner, self.candidate, self.last_news = serial, None, None
        return True

    def _entities(self, device: Device, serial: str) -> list[InvisDecoEntity]:
        """Return the entities of the table that exist for this device."""
        coordinator = self.entry.runtime_data.device
        return [
            entity_type(
                coordinator=coordinator, description=description, deco_serial=serial
            )
            for entity_type, descriptions in self.table
            for description in descriptions
            if description.exists_fn(device)
        ]


def _remove_entities_not_of(entry: InvisOutletConfigEntry, deco_serial: str) -> None:
    """Remove the entities of every InvisDeco of this entry but the one attached."""
    hass = entry.runtime_data.device.hass
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    outlet = entry.runtime_data.device.data.info.serial
    for entity in er.async_entries_for_config_entry(entities, entry.entry_id):
        if entity.unique_id.startswith(f"{outlet}_{deco_serial}_"):
            continue  # the attached faceplate's
        device = devices.async_get(entity.device_id) if entity.device_id else None
        # Not the outlet's own: a faceplate's device (which the registry may have
        # merged with the new one's when both report one MAC address).
        if device is not None and (DOMAIN, outlet) not in device.identifiers:
            entities.async_remove(entity.entity_id)
