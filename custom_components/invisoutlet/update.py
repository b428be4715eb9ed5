"""Firmware update entities: the outlet, its web interface and the InvisDeco."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.update import (
    UpdateDeviceClass,
    UpdateEntity,
    UpdateEntityDescription,
    UpdateEntityFeature,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import InvisOutletConfigEntry, InvisOutletFirmwareCoordinator
from .deco_entities import async_add_deco_entities
from .entity import InvisDecoEntity, InvisDecoEntityDescription, InvisOutletEntity
from .helpers import run_command
from .pyinvisoutlet import (
    Device,
    FirmwareComponent,
    FirmwareProgress,
    FirmwareStatus,
    UpdateTarget,
)

# The library runs one install per outlet and queues or joins the others itself;
# HA's own queue would hold update_entity for the minutes an install lasts.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class InvisOutletUpdateEntityDescription(
    UpdateEntityDescription, InvisDecoEntityDescription
):
    """Describes one firmware component of the outlet or the InvisDeco."""

    component: FirmwareComponent
    target: UpdateTarget
    # The version device information reports, where it has it (faster than the cloud).
    reported_fn: Callable[[Device], str | None]


UPDATES: tuple[InvisOutletUpdateEntityDescription, ...] = (
    InvisOutletUpdateEntityDescription(
        key="firmware",
        translation_key="firmware",
        component=FirmwareComponent.OUTLET_FIRMWARE,
        target=UpdateTarget.OUTLET,
        reported_fn=lambda device: device.info.outlet.fw_rev,
    ),
    InvisOutletUpdateEntityDescription(
        key="web_interface",
        translation_key="web_interface",
        component=FirmwareComponent.WEB_INTERFACE,
        target=UpdateTarget.OUTLET,
        reported_fn=lambda _: None,
    ),
)
DECO_UPDATES: tuple[InvisOutletUpdateEntityDescription, ...] = (
    InvisOutletUpdateEntityDescription(
        key="deco_firmware",
        translation_key="deco_firmware",
        component=FirmwareComponent.DECO_FIRMWARE,
        target=UpdateTarget.DECO,
        reported_fn=lambda device: device.deco.fw_rev if device.deco else None,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: InvisOutletConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the outlet's update entities, and the InvisDeco's whenever one appears."""
    coordinator = entry.runtime_data.device
    async_add_entities(
        InvisOutletUpdateEntity(coordinator=coordinator, description=description)
        for description in UPDATES
    )

    async_add_deco_entities(
        entry, async_add_entities, [(InvisDecoUpdateEntity, DECO_UPDATES)]
    )


class InvisOutletUpdateEntity(InvisOutletEntity, UpdateEntity):
    """Installed and available firmware of one component, with install."""

    entity_description: InvisOutletUpdateEntityDescription
    _attr_device_class = UpdateDeviceClass.FIRMWARE
    _attr_entity_category = EntityCategory.CONFIG
    _attr_supported_features = (
        UpdateEntityFeature.INSTALL | UpdateEntityFeature.PROGRESS
    )

    @property
    def firmware(self) -> InvisOutletFirmwareCoordinator:
        """Return the coordinator of what firmware the device offers."""
        return self.coordinator.config_entry.runtime_data.firmware

    @override
    async def async_added_to_hass(self) -> None:
        """Listen to the firmware coordinator too."""
        await super().async_added_to_hass()
        self.async_on_remove(self.firmware.async_add_listener(self._show))

    @property
    def _progress(self) -> FirmwareProgress | None:
        """Return the running install of this component, if any."""
        data = self.firmware.data
        progress = data.progress if data is not None else None
        component = self.entity_description.component
        return progress if progress is not None and progress.covers(component) else None

    @property
    def _status(self) -> FirmwareStatus | None:
        """Return the last available-updates answer."""
        data = self.firmware.data
        return data.available if data is not None else None

    @property
    def _queued(self) -> bool:
        """Return whether this component's install waits for another to end."""
        data = self.firmware.data
        return data is not None and self.entity_description.component in data.queued

    @property
    @override
    def available(self) -> bool:
        """Stay available through the restart an install causes, or one ahead."""
        return self.in_progress or super().available

    @property
    @override
    def installed_version(self) -> str | None:
        """Return the version running; the old one until an install is confirmed."""
        component = self.entity_description.component
        if (progress := self._progress) is not None and (
            baseline := progress.baseline.get(component)
        ):
            return baseline
        reported = self.entity_description.reported_fn(self.device)
        status = self._status
        return reported or (status.installed(component) if status else None)

    @property
    @override
    def latest_version(self) -> str | None:
        """Return the version the device offers."""
        status = self._status
        return status.available(self.entity_description.component) if status else None

    @property
    @override
    def in_progress(self) -> bool:
        """Return whether an install of this component runs or waits its turn."""
        return self._progress is not None or self._queued

    @property
    @override
    def update_percentage(self) -> int | None:
        """Return the whole download's progress; None shows an indeterminate bar.

        Waiting for its turn is indeterminate too: no progress of its own yet.
        """
        progress = self._progress
        return None if progress is None else progress.percent

    @property
    @override
    def entity_picture(self) -> str | None:
        """Return no picture: each row shows its own icon (icons.json), not a logo."""
        return None

    @property
    @override
    def title(self) -> str | None:
        """Return what this row updates (its translated name), beside the device's."""
        name = self.name
        return name if isinstance(name, str) else None

    @override
    async def async_install(
        self, version: str | None, backup: bool, **kwargs: Any
    ) -> None:
        """Install the available firmware and wait until its version is confirmed."""
        # run_command rather than @invisoutlet_action: with **kwargs, the decorator
        # needs `self, /`, and HA's type-hint checker then counts the arguments wrong.
        description = self.entity_description
        await run_command(
            self.coordinator,
            self.firmware.async_install(description.target, description.component),
        )

    @override
    async def async_update(self) -> None:
        """Check for available updates now (homeassistant.update_entity)."""
        await self.firmware.async_refresh()


class InvisDecoUpdateEntity(InvisDecoEntity, InvisOutletUpdateEntity):
    """The InvisDeco's firmware: unavailable while the InvisDeco is away."""
