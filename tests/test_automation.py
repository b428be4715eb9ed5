"""Automations: install, then notify only after the new version is confirmed."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_mock_service

from .common import FIRMWARE
from .simulator import InvisOutletSimulator, OtaFailure

AUTOMATION = "automation"


@pytest.fixture
async def notifications(hass: HomeAssistant) -> list[ServiceCall]:
    """Set up an automation: on an event, install the firmware, then notify."""
    calls = async_mock_service(hass, "notify", "mobile_app_phone")
    assert await async_setup_component(
        hass,
        AUTOMATION,
        {
            AUTOMATION: {
                "alias": "Install at night, then notify",
                "triggers": {"trigger": "event", "event_type": "install_now"},
                "actions": [
                    {"action": "update.install", "target": {"entity_id": FIRMWARE}},
                    {
                        "action": "notify.mobile_app_phone",
                        "data": {
                            "message": "{{ state_attr('"
                            + FIRMWARE
                            + "', 'installed_version') }}"
                        },
                    },
                ],
            }
        },
    )
    return calls


@pytest.mark.usefixtures("init_integration")
async def test_notify_runs_after_confirmed_success(
    hass: HomeAssistant, notifications: list[ServiceCall]
) -> None:
    """The notify step runs once the device reports the new version."""
    hass.bus.async_fire("install_now")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [call.data["message"] for call in notifications] == ["1.3.0"]


@pytest.mark.usefixtures("init_integration")
async def test_notify_does_not_run_after_a_failure(
    hass: HomeAssistant,
    simulator: InvisOutletSimulator,
    notifications: list[ServiceCall],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failed install stops the automation before its notify step."""
    simulator.faults.ota_failure = OtaFailure.VERSION_UNCHANGED
    hass.bus.async_fire("install_now")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert notifications == []
    assert "still reports the old version" in caplog.text
