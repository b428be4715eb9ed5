"""The integration's repairs: another device at the address, and MQTT duplicates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .pyinvisoutlet import InvisOutletError, MqttAction

if TYPE_CHECKING:
    # What a fix-flow step returns. 2025.4 has no RepairsFlowResult (its steps return
    # FlowResult, which is not assignable to it); there the name is Any for mypy.
    from homeassistant.components.repairs import (  # type: ignore[attr-defined,unused-ignore]
        RepairsFlowResult,
    )

    from .coordinator import InvisOutletConfigEntry
    from .pyinvisoutlet import Device

# Kept in the entry's data: the outlet cleared its discovery at the user's request,
# so a broker connection alone no longer means duplicates (until MQTT is switched on
# again, when the outlet publishes its discovery anew).
CONF_DISCOVERY_CLEARED = "discovery_cleared"
ISSUE_MQTT_DISCOVERY = "mqtt_discovery"
ISSUE_DEVICE_MISMATCH = "device_mismatch"


def mqtt_issue_id(entry_id: str) -> str:
    """Return the issue id of one entry's MQTT discovery repair."""
    return f"{ISSUE_MQTT_DISCOVERY}_{entry_id}"


def mismatch_issue_id(entry_id: str) -> str:
    """Return the issue id of one entry's device-mismatch repair."""
    return f"{ISSUE_DEVICE_MISMATCH}_{entry_id}"


@callback
def async_report_device_mismatch(
    hass: HomeAssistant, entry: InvisOutletConfigEntry, host: str, found: str
) -> None:
    """Raise the repair: another outlet answers at the entry's address."""
    # Not fixable here: the way out is the entry's Reconfigure, which checks the
    # device at the new address and reloads the entry (deleting this issue).
    ir.async_create_issue(
        hass,
        DOMAIN,
        mismatch_issue_id(entry.entry_id),
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=ISSUE_DEVICE_MISMATCH,
        translation_placeholders={
            "title": entry.title,
            "host": host,
            "expected": str(entry.unique_id),
            "found": found,
        },
    )


@callback
def async_clear_device_mismatch(
    hass: HomeAssistant, entry: InvisOutletConfigEntry
) -> None:
    """Delete the device-mismatch repair: the right outlet answers."""
    ir.async_delete_issue(hass, DOMAIN, mismatch_issue_id(entry.entry_id))


@callback
def async_delete_entry_issues(hass: HomeAssistant, entry_id: str) -> None:
    """Delete every repair of an entry."""
    for issue_id in (mqtt_issue_id(entry_id), mismatch_issue_id(entry_id)):
        ir.async_delete_issue(hass, DOMAIN, issue_id)


@callback
def async_check_mqtt_discovery(
    hass: HomeAssistant, entry: InvisOutletConfigEntry, device: Device
) -> None:
    """Raise the repair while the outlet publishes discovery; delete it otherwise."""
    configuration = device.configuration
    if configuration is not None and configuration.mqtt_enabled is False:
        _set_discovery_cleared(hass, entry, cleared=False)
    # The local API cannot tell whether discovery was published: the outlet publishes
    # it whenever its broker connection is up, so that connection stands for it.
    if device.mqtt_connected and not entry.data.get(CONF_DISCOVERY_CLEARED):
        ir.async_create_issue(
            hass,
            DOMAIN,
            mqtt_issue_id(entry.entry_id),
            is_fixable=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_MQTT_DISCOVERY,
            translation_placeholders={"title": entry.title},
            data={"entry_id": entry.entry_id, "title": entry.title},
        )
    else:
        ir.async_delete_issue(hass, DOMAIN, mqtt_issue_id(entry.entry_id))


@callback
def _set_discovery_cleared(
    hass: HomeAssistant, entry: InvisOutletConfigEntry, *, cleared: bool
) -> None:
    """Remember whether the outlet cleared its discovery at the user's request."""
    if bool(entry.data.get(CONF_DISCOVERY_CLEARED)) != cleared:
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_DISCOVERY_CLEARED: cleared}
        )


class MqttDiscoveryRepairFlow(RepairsFlow):
    """Ask the outlet to clear its discovery, or keep MQTT and ignore the issue."""

    def __init__(self, entry_id: str, title: str) -> None:
        """Fix the issue of this entry."""
        self.entry_id = entry_id
        self.title = title

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Offer both ways out."""
        return self.async_show_menu(
            menu_options=["clear_discovery", "keep_mqtt"],
            description_placeholders={"title": self.title},
        )

    async def async_step_clear_discovery(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Ask the outlet to clear its discovery; the issue goes when it has."""
        entry: InvisOutletConfigEntry | None = self.hass.config_entries.async_get_entry(
            self.entry_id
        )
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        try:
            cleared = await entry.runtime_data.client.mqtt_discovery(
                action=MqttAction.CLEAR_DISCOVERY
            )
        except InvisOutletError:
            return self.async_abort(reason="cannot_connect")
        if not cleared:
            return self.async_abort(reason="clear_failed")
        _set_discovery_cleared(self.hass, entry, cleared=True)
        return self.async_create_entry(data={})

    async def async_step_keep_mqtt(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Keep the issue, ignored: the user wants MQTT for something else."""
        ir.async_ignore_issue(self.hass, DOMAIN, mqtt_issue_id(self.entry_id), True)
        # Aborted, not finished: a finished flow deletes the issue, and the next
        # refresh would raise it again, no longer ignored.
        return self.async_abort(reason="issue_ignored")


async def async_create_fix_flow(
    hass: HomeAssistant,
    issue_id: str,
    data: dict[str, str | int | float | None] | None,
) -> RepairsFlow:
    """Return the fix flow of an issue of ours."""
    data = data or {}
    return MqttDiscoveryRepairFlow(str(data["entry_id"]), str(data["title"]))
