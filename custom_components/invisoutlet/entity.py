"""Base entity of the InvisOutlet integration."""

from __future__ import annotations

from homeassistant.const import CONF_HOST
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN, MANUFACTURER
from .coordinator import InvisOutletDataUpdateCoordinator
from .pyinvisoutlet import DecoModule


class InvisOutletEntity(CoordinatorEntity[InvisOutletDataUpdateCoordinator]):
    """An entity on the InvisOutlet, or on the InvisDeco attached to it."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: InvisOutletDataUpdateCoordinator,
        description: EntityDescription,
        deco: DecoModule | None = None,
    ) -> None:
        """Describe the entity and the device it belongs to."""
        super().__init__(coordinator)
        self.entity_description = description
        info = coordinator.data.info
        self.deco_serial = deco.serial if deco else None
        if deco is None or deco.serial is None:
            serial = info.serial
            self._attr_device_info = DeviceInfo(
                identifiers={(DOMAIN, serial)},
                connections=_mac_connection(info.outlet.mac),
                manufacturer=MANUFACTURER,
                model="InvisOutlet",
                name=f"InvisOutlet {serial}",
                serial_number=serial,
                sw_version=info.outlet.fw_rev,
                hw_version=info.outlet.hw_rev,
                configuration_url=f"http://{coordinator.config_entry.data[CONF_HOST]}",
            )
        else:
            serial = deco.serial
            self._attr_device_info = DeviceInfo(
                identifiers={(DOMAIN, serial)},
                connections=_mac_connection(deco.mac),
                manufacturer=MANUFACTURER,
                model=f"InvisDeco {deco.model}" if deco.model else "InvisDeco",
                name=f"InvisDeco {serial}",
                serial_number=serial,
                sw_version=deco.fw_rev,
                hw_version=deco.hw_rev,
                via_device=(DOMAIN, info.serial),
            )
        self._attr_unique_id = f"{serial}_{description.key}"


def _mac_connection(mac: str | None) -> set[tuple[str, str]]:
    """Return the device-registry connection of a MAC address, if known."""
    return {(CONNECTION_NETWORK_MAC, mac)} if mac else set()
