"""The repair raised while the outlet duplicates our entities over MQTT discovery."""

from __future__ import annotations

from collections.abc import Iterator
from http import HTTPStatus
from typing import Any
from unittest.mock import MagicMock, patch

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.invisoutlet.const import DOMAIN
from custom_components.invisoutlet.pyinvisoutlet import (
    InvisOutletTimeoutError,
    MqttAction,
)

from .library_mock import configuration
from .simulator import SimulatedDevice

ISSUE_ID = "mqtt_discovery_{entry_id}"
# The repairs API the frontend uses to run a fix flow.
FIX_FLOWS = "/api/repairs/issues/fix"


@pytest.fixture(autouse=True)
def no_platforms() -> Iterator[None]:
    """Load no entity platform: the repair is the coordinator's."""
    with patch("custom_components.invisoutlet.PLATFORMS", []):
        yield


@pytest.fixture
def mqtt_on(mock_invisoutlet: MagicMock) -> MagicMock:
    """Let the outlet report MQTT switched on and its broker connected."""
    mock_invisoutlet.configuration.return_value = configuration(mqtt=True)
    mock_invisoutlet.mqtt_connected.return_value = True
    return mock_invisoutlet


@pytest.fixture
def device() -> SimulatedDevice:
    """Return a simulated outlet with MQTT on, connected, discovery published."""
    device = SimulatedDevice(mqtt_connected=True, mqtt_discovery_published=True)
    device.mqtt_enabled = True
    return device


@pytest.fixture
async def mqtt_integration(
    mqtt_on: MagicMock, mocked_integration: MockConfigEntry
) -> MockConfigEntry:
    """Set the integration up on an outlet connected to its MQTT broker."""
    return mocked_integration


@pytest.fixture
async def fix_client(hass: HomeAssistant, hass_client: ClientSessionGenerator) -> Any:
    """Return an HTTP client of the repairs API, as the frontend uses it."""
    assert await async_setup_component(hass, "repairs", {})
    return await hass_client()


async def start_repair_fix_flow(client: Any, issue_id: str) -> dict[str, Any]:
    """Start the fix flow of an issue (as HA core's repairs test helper does)."""
    response = await client.post(
        FIX_FLOWS, json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert response.status == HTTPStatus.OK
    result: dict[str, Any] = await response.json()
    return result


async def process_repair_fix_flow(
    client: Any, flow_id: str, json: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Answer a step of a fix flow (as HA core's repairs test helper does)."""
    response = await client.post(f"{FIX_FLOWS}/{flow_id}", json=json)
    assert response.status == HTTPStatus.OK
    result: dict[str, Any] = await response.json()
    return result


async def choose(client: Any, issue_id: str, option: str) -> dict[str, Any]:
    """Open the fix flow and choose one of its menu options."""
    menu = await start_repair_fix_flow(client, issue_id)
    return await process_repair_fix_flow(
        client, menu["flow_id"], {"next_step_id": option}
    )


def issue_of(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    """Return the entry's MQTT discovery issue, if raised."""
    issue_id = ISSUE_ID.format(entry_id=entry.entry_id)
    return ir.async_get(hass).async_get_issue(DOMAIN, issue_id)


def issue_id_of(entry: MockConfigEntry) -> str:
    """Return the id of the entry's MQTT discovery issue."""
    return ISSUE_ID.format(entry_id=entry.entry_id)


async def test_connected_mqtt_raises_a_fixable_warning(
    hass: HomeAssistant, mqtt_integration: MockConfigEntry
) -> None:
    """MQTT on and connected: the outlet publishes discovery, so duplicates exist."""
    issue = issue_of(hass, mqtt_integration)
    assert issue is not None
    assert (issue.is_fixable, issue.severity, issue.translation_key) == (
        True,
        ir.IssueSeverity.WARNING,
        "mqtt_discovery",
    )
    assert issue.translation_placeholders == {"title": "InvisOutlet 11A1F7000FE"}


async def test_mqtt_switched_on_but_not_connected_raises_nothing(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """Without its broker the outlet publishes nothing."""
    mock_invisoutlet.configuration.return_value = configuration(mqtt=True)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert issue_of(hass, config_entry) is None


async def test_mqtt_switched_off_is_not_even_checked(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    mocked_integration: MockConfigEntry,
) -> None:
    """The fixture outlet has MQTT off: its broker connection is never asked."""
    mock_invisoutlet.mqtt_connected.assert_not_awaited()
    assert issue_of(hass, mocked_integration) is None


async def test_issue_disappears_once_mqtt_is_switched_off(
    hass: HomeAssistant, mqtt_on: MagicMock, mqtt_integration: MockConfigEntry
) -> None:
    """The next refresh that reads MQTT off deletes the issue."""
    mqtt_on.configuration.return_value = configuration(mqtt=False)
    await mqtt_integration.runtime_data.device.async_refresh()
    assert issue_of(hass, mqtt_integration) is None


async def test_issue_disappears_once_the_broker_is_gone(
    hass: HomeAssistant, mqtt_on: MagicMock, mqtt_integration: MockConfigEntry
) -> None:
    """MQTT on but disconnected: the next refresh deletes the issue."""
    mqtt_on.mqtt_connected.return_value = False
    await mqtt_integration.runtime_data.device.async_refresh()
    assert issue_of(hass, mqtt_integration) is None


async def test_fix_flow_offers_to_clear_discovery_or_keep_mqtt(
    mqtt_integration: MockConfigEntry, fix_client: Any
) -> None:
    """The fix flow opens on a menu with both ways out."""
    menu = await start_repair_fix_flow(fix_client, issue_id_of(mqtt_integration))
    assert (menu["type"], menu["step_id"], menu["menu_options"]) == (
        "menu",
        "init",
        ["clear_discovery", "keep_mqtt"],
    )
    assert menu["description_placeholders"] == {"title": "InvisOutlet 11A1F7000FE"}


async def test_fix_flow_warns_that_clearing_removes_the_touch_pad_triggers(
    hass: HomeAssistant,
) -> None:
    """The touch pads' MQTT device triggers go with the discovery: the user is told."""
    strings = await async_get_translations(hass, "en", "issues", [DOMAIN])
    step = f"component.{DOMAIN}.issues.mqtt_discovery.fix_flow.step.init"
    assert "touch pads" in strings[f"{step}.description"]
    assert "MQTT device triggers" in strings[f"{step}.description"]
    assert "touch-pad triggers" in strings[f"{step}.menu_options.keep_mqtt"]


async def test_clearing_asks_the_outlet_to_clear_its_discovery(
    hass: HomeAssistant,
    mqtt_on: MagicMock,
    mqtt_integration: MockConfigEntry,
    fix_client: Any,
) -> None:
    """Callback 27 with 1 is sent; the fix flow finishes and the issue is gone."""
    result = await choose(fix_client, issue_id_of(mqtt_integration), "clear_discovery")
    mqtt_on.mqtt_discovery.assert_awaited_once_with(action=MqttAction.CLEAR_DISCOVERY)
    assert result["type"] == "create_entry"
    assert issue_of(hass, mqtt_integration) is None


async def test_cleared_discovery_stays_fixed_while_mqtt_stays_connected(
    hass: HomeAssistant, mqtt_integration: MockConfigEntry, fix_client: Any
) -> None:
    """The broker connection alone no longer raises the issue after clearing."""
    await choose(fix_client, issue_id_of(mqtt_integration), "clear_discovery")
    await mqtt_integration.runtime_data.device.async_refresh()
    assert issue_of(hass, mqtt_integration) is None


async def test_mqtt_switched_off_and_on_after_clearing_raises_it_again(
    hass: HomeAssistant,
    mqtt_on: MagicMock,
    mqtt_integration: MockConfigEntry,
    fix_client: Any,
) -> None:
    """Switched on again, the outlet publishes discovery anew."""
    await choose(fix_client, issue_id_of(mqtt_integration), "clear_discovery")
    coordinator = mqtt_integration.runtime_data.device
    mqtt_on.configuration.return_value = configuration(mqtt=False)
    await coordinator.async_refresh()
    mqtt_on.configuration.return_value = configuration(mqtt=True)
    await coordinator.async_refresh()
    assert issue_of(hass, mqtt_integration) is not None


async def test_refused_clearing_is_a_translated_abort_and_keeps_the_issue(
    hass: HomeAssistant,
    mqtt_on: MagicMock,
    mqtt_integration: MockConfigEntry,
    fix_client: Any,
) -> None:
    """PUBACK 0 (the broker is not connected) ends the flow with clear_failed."""
    mqtt_on.mqtt_discovery.return_value = False
    result = await choose(fix_client, issue_id_of(mqtt_integration), "clear_discovery")
    assert (result["type"], result["reason"]) == ("abort", "clear_failed")
    assert issue_of(hass, mqtt_integration) is not None


async def test_unanswered_clearing_is_a_translated_abort(
    hass: HomeAssistant,
    mqtt_on: MagicMock,
    mqtt_integration: MockConfigEntry,
    fix_client: Any,
) -> None:
    """No answer from the outlet ends the flow with cannot_connect."""
    mqtt_on.mqtt_discovery.side_effect = InvisOutletTimeoutError("no answer")
    result = await choose(fix_client, issue_id_of(mqtt_integration), "clear_discovery")
    assert (result["type"], result["reason"]) == ("abort", "cannot_connect")
    assert issue_of(hass, mqtt_integration) is not None


async def test_clearing_for_an_unloaded_outlet_is_a_translated_abort(
    hass: HomeAssistant, mqtt_integration: MockConfigEntry, fix_client: Any
) -> None:
    """An unloaded entry has no link to ask: the flow ends with not_loaded."""
    await hass.config_entries.async_unload(mqtt_integration.entry_id)
    result = await choose(fix_client, issue_id_of(mqtt_integration), "clear_discovery")
    assert (result["type"], result["reason"]) == ("abort", "not_loaded")


async def test_keeping_mqtt_ignores_the_issue(
    hass: HomeAssistant, mqtt_integration: MockConfigEntry, fix_client: Any
) -> None:
    """The user keeps MQTT for something else: the issue stays, dismissed."""
    result = await choose(fix_client, issue_id_of(mqtt_integration), "keep_mqtt")
    issue = issue_of(hass, mqtt_integration)
    assert (result["type"], result["reason"]) == ("abort", "issue_ignored")
    assert issue is not None
    assert issue.dismissed_version is not None


async def test_ignored_issue_stays_ignored_after_a_refresh(
    hass: HomeAssistant, mqtt_integration: MockConfigEntry, fix_client: Any
) -> None:
    """Refreshing raises the same issue again without bringing it back."""
    await choose(fix_client, issue_id_of(mqtt_integration), "keep_mqtt")
    await mqtt_integration.runtime_data.device.async_refresh()
    issue = issue_of(hass, mqtt_integration)
    assert issue is not None
    assert issue.dismissed_version is not None


async def test_removing_the_entry_removes_its_issue(
    hass: HomeAssistant, mqtt_integration: MockConfigEntry
) -> None:
    """Nothing is left to fix once the outlet is removed."""
    await hass.config_entries.async_remove(mqtt_integration.entry_id)
    assert issue_of(hass, mqtt_integration) is None


async def test_broker_settings_never_reach_the_log(
    hass: HomeAssistant,
    mqtt_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The MQTT password and broker address are never logged, even at debug."""
    caplog.set_level("DEBUG")
    await mqtt_integration.runtime_data.device.async_refresh()
    assert "not-a-real-password" not in caplog.text
    assert "mqtt://" not in caplog.text


async def test_no_platform_exposes_the_broker_settings(
    hass: HomeAssistant, mqtt_on: MagicMock, config_entry: MockConfigEntry
) -> None:
    """No entity of any platform shows MQTT."""
    with patch(
        "custom_components.invisoutlet.PLATFORMS",
        [Platform.BUTTON, Platform.NUMBER, Platform.SWITCH],
    ):
        config_entry.add_to_hass(hass)
        await hass.config_entries.async_setup(config_entry.entry_id)
    assert not [
        entity_id for entity_id in hass.states.async_entity_ids() if "mqtt" in entity_id
    ]


async def test_clearing_round_trip_on_the_simulator(
    hass: HomeAssistant,
    device: SimulatedDevice,
    init_integration: MockConfigEntry,
    fix_client: Any,
) -> None:
    """The real outlet, MQTT on and connected, clears its discovery when asked."""
    assert issue_of(hass, init_integration) is not None
    await choose(fix_client, issue_id_of(init_integration), "clear_discovery")
    assert not device.mqtt_discovery_published
    assert issue_of(hass, init_integration) is None
