"""The README's automation examples and the blueprint work as documented."""

from __future__ import annotations

from pathlib import Path
import re
import shutil
from typing import Any

from homeassistant.components import persistent_notification
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import parse_yaml
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .common import FIRMWARE
from .simulator import InvisOutletSimulator, OtaFailure, SimulatedDevice

AUTOMATION = "automation"
ROOT = Path(__file__).parent.parent
BLUEPRINT = ROOT / "blueprints" / "automation" / "invisoutlet"


def readme_automations() -> list[dict[str, Any]]:
    """Return the automations the README shows, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)
    automations = [parse_yaml(block) for block in blocks if block.startswith("alias:")]
    assert len(automations) == 2
    return [item for item in automations if isinstance(item, dict)]


async def setup_automation(hass: HomeAssistant, config: dict[str, Any]) -> None:
    """Set up one automation, and the notifications it sends."""
    assert await async_setup_component(hass, persistent_notification.DOMAIN, {})
    assert await async_setup_component(hass, AUTOMATION, {AUTOMATION: config})


async def notifications(hass: HomeAssistant) -> list[str]:
    """Return the titles of the persistent notifications shown."""
    shown = persistent_notification._async_get_or_create_notifications(hass)
    return [str(notification["title"]) for notification in shown.values()]


async def run(hass: HomeAssistant, entity_id: str) -> None:
    """Run an automation's actions now, wait for them, then switch it off."""
    for service in ("trigger", "turn_off"):
        await hass.services.async_call(
            AUTOMATION, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
        )
        await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.parametrize("device", [SimulatedDevice(outlet_fw_available="1.2.0")])
async def test_update_available_example_notifies(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: InvisOutletSimulator,
) -> None:
    """The "update available" example notifies with both versions."""
    await setup_automation(hass, readme_automations()[0])
    simulator.device.outlet_fw_available = "1.3.0"
    await init_integration.runtime_data.firmware.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    shown = persistent_notification._async_get_or_create_notifications(hass)
    assert [(n["title"], n["message"].split()) for n in shown.values()] == [
        (
            "Firmware update available",
            ["InvisOutlet", "11A1F7000FE", "Firmware:", "1.2.0", "→", "1.3.0"],
        )
    ]
    await hass.services.async_call(
        AUTOMATION, "turn_off", {ATTR_ENTITY_ID: "all"}, blocking=True
    )


@pytest.mark.parametrize(
    ("failure", "title"),
    [(None, "Outlet updated"), (OtaFailure.VERSION_UNCHANGED, "Outlet update failed")],
)
@pytest.mark.usefixtures("init_integration")
async def test_nightly_example_reports_success_or_failure(
    hass: HomeAssistant,
    simulator: InvisOutletSimulator,
    failure: OtaFailure | None,
    title: str,
) -> None:
    """The nightly example installs, then notifies the outcome."""
    simulator.faults.ota_failure = failure
    await setup_automation(hass, readme_automations()[1])
    await run(hass, "automation.install_invisoutlet_firmware_at_night")
    assert await notifications(hass) == [title]


@pytest.mark.usefixtures("init_integration")
async def test_blueprint_installs_each_update_and_notifies(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """The blueprint installs every chosen update in turn and reports each one."""
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(BLUEPRINT, tmp_path / "blueprints" / "automation" / "invisoutlet")
    config = {
        "alias": "Nightly",
        "use_blueprint": {
            "path": "invisoutlet/nightly_firmware_update.yaml",
            "input": {"updates": [FIRMWARE, "update.invisdeco_0003c44076_firmware"]},
        },
    }
    await setup_automation(hass, config)
    await run(hass, "automation.nightly")
    assert await notifications(hass) == ["Firmware updated", "Firmware updated"]
