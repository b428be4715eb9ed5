"""The names the owner gives the outlets and the nightlight, kept on the device."""

from __future__ import annotations

from dataclasses import dataclass
from typing import override

from homeassistant.components.text import TextEntity, TextEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import InvisOutletConfigEntry
from .deco_entities import async_add_deco_entities
from .entity import InvisDecoEntity, InvisDecoEntityDescription, InvisOutletEntity
from .helpers import invalid_name_error, invisoutlet_action
from .pyinvisoutlet import (
    Accessory,
    DecoKind,
    DevicePart,
    InvalidNameError,
    checked_name,
)

# One command at a time: each waits for the outlet's answer and reads the names back.
PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class InvisOutletTextEntityDescription(
    TextEntityDescription, InvisDecoEntityDescription
):
    """Describes the name of one accessory (its id on the device)."""

    accessory: Accessory


OUTLET_NAMES: tuple[InvisOutletTextEntityDescription, ...] = (
    InvisOutletTextEntityDescription(
        key="outlet_1_name",
        translation_key="outlet_1_name",
        entity_category=EntityCategory.CONFIG,
        accessory=Accessory.TOP_OUTLET,
    ),
    InvisOutletTextEntityDescription(
        key="outlet_2_name",
        translation_key="outlet_2_name",
        entity_category=EntityCategory.CONFIG,
        accessory=Accessory.BOTTOM_OUTLET,
    ),
)
# The nightlight is the InvisDeco Pro's.
NIGHTLIGHT_NAME = InvisOutletTextEntityDescription(
    key="nightlight_name",
    translation_key="nightlight_name",
    entity_category=EntityCategory.CONFIG,
    exists_fn=lambda device: device.deco_kind is DecoKind.PRO,
    accessory=Accessory.NIGHTLIGHT,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: InvisOutletConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the outlets' names, and the nightlight's once a Pro is attached."""
    coordinator = entry.runtime_data.device
    async_add_entities(
        InvisOutletNameEntity(coordinator=coordinator, description=description)
        for description in OUTLET_NAMES
    )
    async_add_deco_entities(
        entry, async_add_entities, [(InvisDecoNameEntity, (NIGHTLIGHT_NAME,))]
    )


class InvisOutletNameEntity(InvisOutletEntity, TextEntity):
    """The name of an accessory, as the outlet reports it."""

    entity_description: InvisOutletTextEntityDescription
    part = DevicePart.NAMES

    @property
    @override
    def native_value(self) -> str | None:
        """Return the name the outlet reports; None while it has none."""
        names = self.device.names
        return None if names is None else names.get(self.entity_description.accessory)

    @override
    async def async_set_value(self, value: str) -> None:
        """Check the name, send it, and show what the outlet then reports."""
        try:
            name = checked_name(value)
        except InvalidNameError as err:
            raise invalid_name_error(err) from err
        await self._async_rename(name)

    @invisoutlet_action
    async def _async_rename(self, name: str) -> None:
        """Send the name; names are never pushed: read them back."""
        client = self.coordinator.client
        await client.set_accessory_name(
            accessory=self.entity_description.accessory, name=name
        )
        await client.accessory_names()


class InvisDecoNameEntity(InvisDecoEntity, InvisOutletNameEntity):
    """The name of the InvisDeco's nightlight."""
