"""The InvisOutlet's two outlets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, override

# Home Assistant moved the device classes to switch.const after 2025.4 and no longer
# exports them from switch itself; they are still there at run time.
from homeassistant.components.switch import (  # type: ignore[attr-defined,unused-ignore]
    SwitchDeviceClass,
    SwitchEntity,
    SwitchEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import UndefinedType

from .coordinator import InvisOutletConfigEntry
from .device_state import OUTLETS
from .entity import PartEntity
from .helpers import invisoutlet_action
from .pyinvisoutlet import Outlet

# One command at a time: each waits for the outlet to report its new state.
PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class InvisOutletSwitchEntityDescription(SwitchEntityDescription):
    """Describes one outlet; its number is also its accessory id."""

    outlet: Outlet


OUTLET_SWITCHES: tuple[InvisOutletSwitchEntityDescription, ...] = (
    InvisOutletSwitchEntityDescription(
        key="outlet_1",
        translation_key="outlet_1",
        device_class=SwitchDeviceClass.OUTLET,
        outlet=Outlet.TOP,
    ),
    InvisOutletSwitchEntityDescription(
        key="outlet_2",
        translation_key="outlet_2",
        device_class=SwitchDeviceClass.OUTLET,
        outlet=Outlet.BOTTOM,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: InvisOutletConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add both outlets."""
    coordinator = entry.runtime_data.device
    async_add_entities(
        InvisOutletSwitchEntity(coordinator=coordinator, description=description)
        for description in OUTLET_SWITCHES
    )


class InvisOutletSwitchEntity(PartEntity, SwitchEntity):
    """One outlet, as the InvisOutlet reports it."""

    entity_description: InvisOutletSwitchEntityDescription
    part = OUTLETS

    @property
    @override
    def name(self) -> str | UndefinedType | None:
        """Return the name the owner gave the outlet on the device, if any."""
        names = self.coordinator.data.names
        own = names.get(self.entity_description.outlet) if names else None
        return own or super().name

    @property
    @override
    def available(self) -> bool:
        """Return whether the outlet answers and has reported its outlets."""
        return super().available and self.coordinator.data.outlets is not None

    @property
    @override
    def is_on(self) -> bool | None:
        """Return whether the outlet is on."""
        outlets = self.coordinator.data.outlets
        return (
            None if outlets is None else outlets.is_on(self.entity_description.outlet)
        )

    @invisoutlet_action
    @override
    async def async_turn_on(self, /, **kwargs: Any) -> None:
        """Switch the outlet on; its state follows the outlet's report."""
        await self.coordinator.client.set_outlet(
            outlet=self.entity_description.outlet, on=True
        )

    @invisoutlet_action
    @override
    async def async_turn_off(self, /, **kwargs: Any) -> None:
        """Switch the outlet off; its state follows the outlet's report."""
        await self.coordinator.client.set_outlet(
            outlet=self.entity_description.outlet, on=False
        )
