"""Helpers shared by the integration tests (fixtures are in conftest.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from ipaddress import ip_address
from typing import Any

from homeassistant.components.update import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_IN_PROGRESS,
    ATTR_UPDATE_PERCENTAGE,
)
from homeassistant.const import ATTR_ENTITY_ID, EVENT_STATE_CHANGED
from homeassistant.core import (
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import pytest

from custom_components.invisoutlet.const import DOMAIN

from .waiting import WAIT, wait_until

SERIAL = "11A1F7000FE"
DECO_SERIAL = "0003C44076"
FIRMWARE = "update.invisoutlet_11a1f7000fe_firmware"
WEB_INTERFACE = "update.invisoutlet_11a1f7000fe_web_interface"
DECO_FIRMWARE = "update.invisdeco_0003c44076_firmware"


class StateLog:
    """Record every state an entity shows."""

    def __init__(self, hass: HomeAssistant, entity_id: str) -> None:
        """Start listening."""
        self.states: list[dict[str, Any]] = []

        @callback
        def record(event: Event[EventStateChangedData]) -> None:
            new = event.data["new_state"]
            if new is not None and new.entity_id == entity_id:
                self.states.append({"state": new.state, **new.attributes})

        hass.bus.async_listen(EVENT_STATE_CHANGED, record)

    def percentages(self) -> list[int | None]:
        """Return the percentages shown while in progress, repeats removed."""
        shown: list[int | None] = []
        for attrs in self.states:
            value = attrs.get(ATTR_UPDATE_PERCENTAGE)
            if attrs.get(ATTR_IN_PROGRESS) and (not shown or shown[-1] != value):
                shown.append(value)
        return shown

    def ever(self, state: str) -> bool:
        """Return whether the entity ever showed this state."""
        return any(attrs["state"] == state for attrs in self.states)

    def ever_in_progress(self) -> bool:
        """Return whether the entity ever showed an install in progress."""
        return any(attrs.get(ATTR_IN_PROGRESS) for attrs in self.states)


async def install(hass: HomeAssistant, entity_id: str = FIRMWARE) -> None:
    """Run update.install and wait for it, as an automation does."""
    await hass.services.async_call(
        "update", "install", {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def install_error(
    hass: HomeAssistant, entity_id: str = FIRMWARE
) -> HomeAssistantError:
    """Run update.install and return the error it raised."""
    with pytest.raises(HomeAssistantError) as info:
        await install(hass, entity_id)
    return info.value


def zeroconf_info(
    serial: str | None = SERIAL, host: str = "127.0.0.1"
) -> ZeroconfServiceInfo:
    """Return what zeroconf reports for an InvisOutlet."""
    properties = {"device": "InvisOutlet"} | ({"sn": serial} if serial else {})
    return ZeroconfServiceInfo(
        ip_address=ip_address(host),
        ip_addresses=[ip_address(host)],
        port=3333,
        hostname=f"{serial}.local.",
        type="_invis._tcp.local.",
        name=f"{serial}._invis._tcp.local.",
        properties=properties,
    )


def get_device(hass: HomeAssistant, serial: str) -> dr.DeviceEntry:
    """Return our device with this serial (same call on every supported HA)."""
    registry = dr.async_get(hass)
    entry_id = hass.config_entries.async_entries(DOMAIN)[0].entry_id
    for device in dr.async_entries_for_config_entry(registry, entry_id):
        if (DOMAIN, serial) in device.identifiers:
            return device
    raise AssertionError(f"no device {serial}")


async def wait_for_state(
    hass: HomeAssistant,
    condition: Callable[[State], bool],
    timeout: float = WAIT,
    entity_id: str = FIRMWARE,
) -> None:
    """Wait until an entity's state satisfies condition."""

    def satisfied() -> bool:
        state = hass.states.get(entity_id)
        return state is not None and condition(state)

    await wait_until(satisfied, timeout)


async def start_install(
    hass: HomeAssistant, entity_id: str = FIRMWARE
) -> asyncio.Task[Any]:
    """Start update.install in the background and wait until it is under way."""
    task = hass.async_create_task(
        hass.services.async_call(
            "update", "install", {ATTR_ENTITY_ID: entity_id}, blocking=True
        )
    )
    await wait_for_state(
        hass, lambda state: state.attributes.get("in_progress") is True, 3.0, entity_id
    )
    return task
