"""Firmware update entities: the outlet, its web interface and the InvisDeco."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.update import (
    UpdateDeviceClass,
    UpdateEntity,
    UpdateEntityDescription,
    UpdateEntityFeature,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .coordinator import InvisOutletConfigEntry, InvisOutletData
from .entity import InvisOutletEntity
from .helpers import invisoutlet_exception_handler
from .pyinvisoutlet import OtaTracker, UpdateTarget, UpdateType

# One install at a time per outlet: HA queues a second one until the first ends.
PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class InvisOutletUpdateEntityDescription(UpdateEntityDescription):
    """Describes one firmware component of the outlet or the InvisDeco."""

    component: UpdateType
    target: UpdateTarget
    installed_fn: Callable[[InvisOutletData], str | None]
    latest_fn: Callable[[InvisOutletData], str | None]


def _firmware(field: str) -> Callable[[InvisOutletData], str | None]:
    """Return a reader of one version from the last available-updates answer (20)."""

    def read(data: InvisOutletData) -> str | None:
        return getattr(data.firmware, field) if data.firmware else None

    return read


def _installed(module: str, field: str) -> Callable[[InvisOutletData], str | None]:
    """Return a reader of an installed version: device information (12) first."""
    from_status = _firmware(field)

    def read(data: InvisOutletData) -> str | None:
        block = getattr(data.info, module)
        return (block.fw_rev if block else None) or from_status(data)

    return read


UPDATES: tuple[InvisOutletUpdateEntityDescription, ...] = (
    InvisOutletUpdateEntityDescription(
        key="firmware",
        translation_key="firmware",
        component=UpdateType.OUTLET_FIRMWARE,
        target=UpdateTarget.OUTLET,
        installed_fn=_installed("outlet", "outlet_fw"),
        latest_fn=_firmware("outlet_fw_available"),
    ),
    InvisOutletUpdateEntityDescription(
        key="web_interface",
        translation_key="web_interface",
        component=UpdateType.WEB_INTERFACE,
        target=UpdateTarget.OUTLET,
        installed_fn=_firmware("www_fw"),
        latest_fn=_firmware("www_fw_available"),
    ),
)
DECO_UPDATES: tuple[InvisOutletUpdateEntityDescription, ...] = (
    InvisOutletUpdateEntityDescription(
        key="deco_firmware",
        translation_key="deco_firmware",
        component=UpdateType.DECO_FIRMWARE,
        target=UpdateTarget.DECO,
        installed_fn=_installed("deco", "deco_fw"),
        latest_fn=_firmware("deco_fw_available"),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: InvisOutletConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the outlet's update entities, and the InvisDeco's whenever one appears."""
    coordinator = entry.runtime_data
    async_add_entities(
        InvisOutletUpdateEntity(coordinator, description) for description in UPDATES
    )
    known_decos: set[str] = set()

    @callback
    def add_deco() -> None:
        deco = coordinator.data.info.deco
        if deco is None or deco.serial is None or deco.serial in known_decos:
            return
        known_decos.add(deco.serial)
        async_add_entities(
            InvisOutletUpdateEntity(coordinator, description, deco.serial)
            for description in DECO_UPDATES
        )

    add_deco()
    entry.async_on_unload(coordinator.async_add_listener(add_deco))


class InvisOutletUpdateEntity(InvisOutletEntity, UpdateEntity):
    """Installed and available firmware of one component, with install."""

    entity_description: InvisOutletUpdateEntityDescription
    _attr_device_class = UpdateDeviceClass.FIRMWARE
    _attr_entity_category = EntityCategory.CONFIG
    _attr_supported_features = (
        UpdateEntityFeature.INSTALL | UpdateEntityFeature.PROGRESS
    )

    @property
    def _tracker(self) -> OtaTracker | None:
        """Return the running update that installs this component, if any."""
        update = self.coordinator.firmware_update
        if update is None or not update.tracker.active:
            return None
        tracker = update.tracker
        return tracker if tracker.covers(self.entity_description.component) else None

    @property
    def available(self) -> bool:
        """Stay available through the restart an install causes."""
        if self._tracker is not None:
            return True
        if not super().available:
            return False
        if self.deco_serial is None:
            return True
        deco = self.coordinator.data.info.deco
        return deco is not None and deco.serial == self.deco_serial and deco.online

    @property
    def installed_version(self) -> str | None:
        """Return the version running now."""
        return self.entity_description.installed_fn(self.coordinator.data)

    @property
    def latest_version(self) -> str | None:
        """Return the newest version the device offers."""
        return self.entity_description.latest_fn(self.coordinator.data)

    @property
    def in_progress(self) -> bool:
        """Return whether an update of this component is running."""
        return self._tracker is not None

    @property
    def update_percentage(self) -> int | None:
        """Return download progress; None shows an indeterminate bar."""
        tracker = self._tracker
        if tracker is None or tracker.step is not self.entity_description.component:
            return None
        return tracker.display_percent

    @invisoutlet_exception_handler
    async def async_install(
        self, version: str | None, backup: bool, **kwargs: Any
    ) -> None:
        """Install the available firmware and wait until its version is confirmed."""
        await self.coordinator.async_install(self.entity_description.target)

    async def async_update(self) -> None:
        """Check for available updates now (homeassistant.update_entity)."""
        await self.coordinator.async_refresh_firmware()
