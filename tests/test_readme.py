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
from homeassistant.util import dt as dt_util
from homeassistant.util.yaml import parse_yaml
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)

from .common import FIRMWARE
from .simulator import InvisOutletSimulator, OtaFailure, SimulatedDevice
from .simulator.lights import ColorLight
from .waiting import wait_until

AUTOMATION = "automation"
ROOT = Path(__file__).parent.parent
BLUEPRINT = ROOT / "blueprints" / "automation" / "invisoutlet"
CHARGER = "switch.invisoutlet_11a1f7000fe_phone_charger"
PRO_OCCUPANCY = "binary_sensor.invisdeco_0003d44076_occupancy"
PRO_NIGHTLIGHT = "light.invisdeco_0003d44076_nightlight"
FRONT_DOOR = "binary_sensor.front_door"
STROBING = 4


def readme_examples() -> list[dict[str, Any]]:
    """Return the automations and scripts the README shows, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)
    examples = [parse_yaml(block) for block in blocks if block.startswith("alias:")]
    return [item for item in examples if isinstance(item, dict)]


def readme_automations() -> list[dict[str, Any]]:
    """Return the automations the README shows, in order."""
    automations = [item for item in readme_examples() if "triggers" in item]
    assert len(automations) == 4
    return automations


def readme_script(alias: str) -> dict[str, Any]:
    """Return the README's script of this alias."""
    scripts = [item for item in readme_examples() if "sequence" in item]
    return next(item for item in scripts if item["alias"] == alias)


def readme_automation(alias: str) -> dict[str, Any]:
    """Return the README's automation of this alias."""
    return next(item for item in readme_automations() if item["alias"] == alias)


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
    await setup_automation(hass, readme_automation("InvisOutlet update available"))
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
    await setup_automation(
        hass, readme_automation("Install InvisOutlet firmware at night")
    )
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


@pytest.mark.usefixtures("init_integration")
async def test_charger_example_switches_the_outlet_for_the_time_of_day(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """At 23:00 the bottom outlet goes on, at 06:30 off, on the device itself."""
    # Firing the time triggers would also fire every request's own time limit; the
    # triggers are Home Assistant's, the actions are the example's: run those now.
    evening = dt_util.now().hour >= 12
    if simulator.device.outlets[1] is evening:
        await simulator.press_outlet(2)  # start from the other state
        await wait_until(lambda: _state(hass, CHARGER) == ("off" if evening else "on"))
    await setup_automation(hass, readme_automation("Phone charger at night"))
    await run(hass, "automation.phone_charger_at_night")
    await wait_until(lambda: simulator.device.outlets[1] is evening)
    await wait_until(lambda: _state(hass, CHARGER) == ("on" if evening else "off"))


@pytest.mark.parametrize("device", [SimulatedDevice.pro()])
@pytest.mark.usefixtures("init_integration")
async def test_nightlight_example_follows_occupancy(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """Someone there: the nightlight at 30 %; nobody there: off."""
    await setup_automation(hass, readme_automation("Nightlight on occupancy"))
    await simulator.set_readings(occupancy_state=0)
    await wait_until(lambda: _state(hass, PRO_NIGHTLIGHT) == "off")
    await hass.async_block_till_done()
    await simulator.set_readings(occupancy_state=2)
    await wait_until(lambda: simulator.device.nightlight_brightness == 30)
    await wait_until(lambda: _state(hass, PRO_NIGHTLIGHT) == "on")
    await simulator.set_readings(occupancy_state=0)
    await wait_until(lambda: not simulator.device.nightlight_on)
    await stop_automations(hass)


@pytest.mark.usefixtures("init_integration")
async def test_door_alert_example_restores_the_design_it_found(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """Red strobing while the door is open; after, the LEDs exactly as they were."""
    before = ColorLight.from_args(simulator.device.color_light.args())
    hass.states.async_set(FRONT_DOOR, "on")
    config = {"door_open_alert": readme_script("Door open alert")}
    assert await async_setup_component(hass, "script", {"script": config})
    await hass.services.async_call("script", "door_open_alert")
    await wait_until(lambda: simulator.device.color_light.effect == STROBING)
    assert {led.hue for led in simulator.device.color_light.leds} == {0}

    hass.states.async_set(FRONT_DOOR, "off")

    await wait_until(lambda: simulator.device.color_light == before)
    await hass.async_block_till_done()
    assert _state(hass, "script.door_open_alert") == "off"


async def stop_automations(hass: HomeAssistant) -> None:
    """Switch every automation off, so that no time trigger outlives the test."""
    await hass.services.async_call(
        AUTOMATION, "turn_off", {ATTR_ENTITY_ID: "all"}, blocking=True
    )


def _state(hass: HomeAssistant, entity_id: str) -> str | None:
    """Return an entity's state, None while it does not exist."""
    state = hass.states.get(entity_id)
    return None if state is None else state.state
