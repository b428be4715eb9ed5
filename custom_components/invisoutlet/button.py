"""Care of the device: restart the outlet or the InvisDeco, calibrate the InvisDeco."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import override

# Home Assistant moved the device classes to button.const after 2025.4 and no longer
# exports them from button itself; they are still there at run time.
from homeassistant.components.button import (  # type: ignore[attr-defined,unused-ignore]
    ButtonDeviceClass,
    ButtonEntity,
    ButtonEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import InvisOutletConfigEntry, InvisOutletDeviceCoordinator
from .deco_entities import async_add_deco_entities
from .entity import (
    InvisDecoEntity,
    InvisDecoEntityDescription,
    InvisOutletEntity,
    reports,
)
from .helpers import invisoutlet_action

# One command at a time: the outlet handles its requests one after another.
PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class InvisOutletButtonEntityDescription(
    ButtonEntityDescription, InvisDecoEntityDescription
):
    """Describes one button: what pressing it asks of the device."""

    press_fn: Callable[[InvisOutletDeviceCoordinator], Awaitable[None]]


async def restart_outlet(coordinator: InvisOutletDeviceCoordinator) -> None:
    """Restart the outlet; it goes away without an answer and comes back."""
    await coordinator.client.restart()
    coordinator.async_expect_restart()


async def calibrate_occupancy(coordinator: InvisOutletDeviceCoordinator) -> None:
    """Measure the empty room for as long as the calibration duration says."""
    local = coordinator.config_entry.runtime_data.local
    await coordinator.client.calibrate_occupancy(
        seconds=local.occupancy_calibration_seconds
    )


RESTART = InvisOutletButtonEntityDescription(
    key="restart",
    device_class=ButtonDeviceClass.RESTART,
    entity_category=EntityCategory.CONFIG,
    press_fn=restart_outlet,
)

DECO_BUTTONS: tuple[InvisOutletButtonEntityDescription, ...] = (
    InvisOutletButtonEntityDescription(
        key="restart_deco",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda coordinator: coordinator.client.restart_deco(),
    ),
    InvisOutletButtonEntityDescription(
        key="calibrate_occupancy",
        translation_key="calibrate_occupancy",
        # The radar's: where the faceplate reports occupancy (protocol.md §6.16).
        exists_fn=reports("occupancy_state"),
        entity_category=EntityCategory.CONFIG,
        press_fn=calibrate_occupancy,
    ),
    InvisOutletButtonEntityDescription(
        key="reset_air_quality_calibration",
        translation_key="reset_air_quality_calibration",
        # The air-quality sensor's: where the faceplate measures it (§6.10, §6.15).
        exists_fn=reports("aqi"),
        entity_category=EntityCategory.CONFIG,
        # Clears what the air-quality sensor learnt over days: rarely wanted.
        entity_registry_enabled_default=False,
        press_fn=lambda coordinator: coordinator.client.reset_deco(),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: InvisOutletConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the outlet's restart, and the InvisDeco's buttons once one is attached."""
    coordinator = entry.runtime_data.device
    async_add_entities(
        [InvisOutletButtonEntity(coordinator=coordinator, description=RESTART)]
    )

    async_add_deco_entities(
        entry, async_add_entities, [(InvisDecoButtonEntity, DECO_BUTTONS)]
    )


class InvisOutletButtonEntity(InvisOutletEntity, ButtonEntity):
    """A button of the outlet."""

    entity_description: InvisOutletButtonEntityDescription

    @invisoutlet_action
    @override
    async def async_press(self) -> None:
        """Ask the device; done once it has taken the request."""
        await self.entity_description.press_fn(self.coordinator)


class InvisDecoButtonEntity(InvisDecoEntity, InvisOutletButtonEntity):
    """A button of the InvisDeco: only there while it is attached and online."""
