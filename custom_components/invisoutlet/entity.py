"""Base entities of the outlet and its InvisDeco: one availability rule, few writes."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from time import monotonic
from typing import ClassVar, override

from homeassistant.core import callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.typing import UNDEFINED
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import InvisOutletDeviceCoordinator
from .pyinvisoutlet import (
    AnySetting,
    DecoKind,
    DecoModule,
    Device,
    DeviceConfiguration,
    DevicePart,
)

# What every entity shows depends on: whether the outlet and its faceplate are there.
ALWAYS = frozenset({DevicePart.INFO, DevicePart.DECO, DevicePart.IDENTITY})
# At most this many state writes per entity in any second: a real faceplate pushes
# about once a second, and every write is a recorder row and an event to every
# dashboard. The first changes of a burst are written at once, the last one later.
WRITES_PER_SECOND = 20


class InvisOutletEntity(CoordinatorEntity[InvisOutletDeviceCoordinator]):
    """An entity of the InvisOutlet, written only when what it shows changed."""

    _attr_has_entity_name = True
    # The part of the device this entity shows; it is unavailable until reported.
    part: ClassVar[DevicePart | None] = None
    # Other parts it shows, without needing them.
    shows: ClassVar[frozenset[DevicePart]] = frozenset()

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
        self._parts = ALWAYS | self.shows | ({self.part} if self.part else set())
        # What the entity showed when its state was last written, and when.
        self._shown: tuple[object, ...] | None = None
        self._written: deque[float] = deque(maxlen=WRITES_PER_SECOND)
        self._deferred: asyncio.TimerHandle | None = None

    @property
    def device(self) -> Device:
        """Return everything known of the outlet."""
        return self.coordinator.data

    @property
    @override
    def available(self) -> bool:
        """Return whether the outlet answers, its part is there and reported."""
        return super().available and self.present and self.reported

    @property
    def present(self) -> bool:
        """Return whether what this entity belongs to is there (the outlet is)."""
        return True

    @property
    def reported(self) -> bool:
        """Return whether the device reported what this entity shows."""
        return self.part is None or self.device.value(self.part) is not None

    @override
    async def async_added_to_hass(self) -> None:
        """Remember what the first write shows; cancel a deferred write on removal."""
        await super().async_added_to_hass()
        self.async_on_remove(self._cancel_deferred)
        self._shown = self._showing()

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Write the state when an update concerns this entity and changed it."""
        changed = self.coordinator.changed
        # A sensor push every second concerns a few entities; a poll concerns all.
        if changed is None or changed & self._parts:
            self._show()

    @callback
    def _show(self) -> None:
        """Write the state if what the entity shows changed."""
        if (showing := self._showing()) != self._shown:
            self._shown = showing
            self._keep_registry_name()
            self._write()

    @callback
    def _keep_registry_name(self) -> None:
        """Keep the registry's name with the device's (an outlet renamed on it).

        The device page and entity lists show the registry's name: Home Assistant
        2025.4 writes it only when the entity is added, newer releases with the state.
        """
        name = None if (shown := self.name) is UNDEFINED else shown
        if (entry := self.registry_entry) is not None and entry.original_name != name:
            self.registry_entry = er.async_get(self.hass).async_update_entity(
                self.entity_id, original_name=name
            )

    def _showing(self) -> tuple[object, ...]:
        """Return what the entity shows: availability, name, state and attributes."""
        return (self.available, self.name, self.state, self.state_attributes)

    @callback
    def _write(self) -> None:
        """Write the state now, or once the last second's writes allow another."""
        if self._deferred is not None:
            return  # the deferred write shows the latest state
        now = monotonic()
        if len(self._written) == WRITES_PER_SECOND:
            due = self._written[0] + 1.0
            if due > now:
                self._deferred = self.hass.loop.call_later(
                    due - now, self._write_deferred
                )
                return
        self._written.append(now)
        self.async_write_ha_state()

    @callback
    def _write_deferred(self) -> None:
        """Write the latest state of a burst."""
        self._deferred = None
        self._write()

    @callback
    def _cancel_deferred(self) -> None:
        """Drop a deferred write: the entity is going."""
        if self._deferred is not None:
            self._deferred.cancel()
            self._deferred = None


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
        deco = self.device.deco
        return deco if deco is not None and deco.serial == self.deco_serial else None

    @property
    @override
    def present(self) -> bool:
        """Return whether this InvisDeco is attached, online, and its readings come."""
        deco = self.deco
        return deco is not None and deco.online and not self.device.deco_silent


@dataclass(frozen=True, kw_only=True)
class InvisDecoEntityDescription(EntityDescription):
    """Describes an entity of the InvisDeco: it exists only where the device says."""

    exists_fn: Callable[[Device], bool] = lambda _: True


@dataclass(frozen=True, kw_only=True)
class SettingEntityDescription(InvisDecoEntityDescription):
    """Describes one setting of the device (acc_prefs): a switch or a number."""

    setting: AnySetting
    # A minimum is never set above its maximum, nor a maximum below its minimum.
    at_most: AnySetting | None = None
    at_least: AnySetting | None = None

    def value_fn(self, settings: DeviceConfiguration) -> int | None:
        """Return the value the device reports for this setting."""
        return settings.get(self.setting)

    def __post_init__(self) -> None:
        """Exist where the faceplate has the setting and the device reports it."""
        setting, applies = self.setting, self.exists_fn
        object.__setattr__(
            self,
            "exists_fn",
            lambda device: (
                applies(device)
                and device.configuration is not None
                and setting in device.configuration.reported
            ),
        )


class InvisOutletSettingEntity(InvisOutletEntity):
    """A setting of the device, as the outlet last reported it."""

    part = DevicePart.CONFIGURATION
    entity_description: SettingEntityDescription

    @property
    @override
    def reported(self) -> bool:
        """Return whether the outlet reports this setting."""
        return self.setting_value is not None

    @property
    def setting_value(self) -> int | None:
        """Return the setting's value as the outlet last reported it."""
        settings = self.device.configuration
        return None if settings is None else self.entity_description.value_fn(settings)

    async def async_change(self, value: int) -> None:
        """Send this setting; the outlet never pushes settings: read them back."""
        self._check_bounds(value)
        client = self.coordinator.client
        await client.configure(changes={self.entity_description.setting: value})
        await client.configuration()

    def _check_bounds(self, value: int) -> None:
        """Refuse a minimum above its maximum, or a maximum below its minimum."""
        description = self.entity_description
        maximum = self._reported(description.at_most)
        if maximum is not None and value > maximum:
            raise _out_of_bounds("minimum_above_maximum", value, maximum)
        minimum = self._reported(description.at_least)
        if minimum is not None and value < minimum:
            raise _out_of_bounds("maximum_below_minimum", value, minimum)

    def _reported(self, setting: AnySetting | None) -> int | None:
        """Return what the outlet reports for another setting, if any."""
        settings = self.device.configuration
        return None if settings is None or setting is None else settings.get(setting)


class InvisDecoSettingEntity(InvisOutletSettingEntity, InvisDecoEntity):
    """A setting of the InvisDeco: only there while it is attached and online."""


def _out_of_bounds(key: str, value: int, limit: int) -> ServiceValidationError:
    """Return the error of a value on the wrong side of its counterpart."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"value": str(value), "limit": str(limit)},
    )


def has_nightlight(device: Device) -> bool:
    """Return whether the faceplate has a nightlight: a Pro (protocol.md §6.11)."""
    return device.deco_kind is DecoKind.PRO


def reports(reading: str) -> Callable[[Device], bool]:
    """Return whether the faceplate reports a reading (a Pro and an Aura differ)."""
    return lambda device: (
        device.sensors is not None and reading in device.sensors.reported
    )
