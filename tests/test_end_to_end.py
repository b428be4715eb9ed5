"""End to end: a real hass process and the simulator, driven over the WebSocket API.

This is what the frontend does: authenticate, list the update entities, call
update/install and watch state_changed events until the install ends.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import itertools
from pathlib import Path
import socket
from typing import Any

import aiohttp
import pytest

from devtools.demo import OUTLETS, Demo, DemoSettings

from .common import DECO_FIRMWARE, FIRMWARE, WEB_INTERFACE

TIMEOUT = 60.0


def free_port() -> int:
    """Return a TCP port nothing listens on at the moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def free_ports(count: int, taken: set[int]) -> int:
    """Return the first of count consecutive free ports, none of them in taken."""
    while True:
        first = free_port()
        wanted = range(first, first + count)
        if taken.isdisjoint(wanted) and all(_free(port) for port in wanted[1:]):
            taken.update(wanted)
            return first


def _free(port: int) -> bool:
    """Return whether nothing listens on a port at the moment."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class HomeAssistantClient:
    """A minimal client of Home Assistant's WebSocket API."""

    def __init__(self, websocket: aiohttp.ClientWebSocketResponse) -> None:
        """Wrap an authenticated WebSocket."""
        self._websocket = websocket
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    async def send(self, message: dict[str, Any]) -> int:
        """Send a command; return its id."""
        message_id = next(self._ids)
        await self._websocket.send_json({"id": message_id, **message})
        return message_id

    async def result(self, message_id: int) -> dict[str, Any]:
        """Wait for a command's result, keeping the events that arrive meanwhile."""
        while True:
            message: dict[str, Any] = await self._websocket.receive_json(
                timeout=TIMEOUT
            )
            if message["type"] == "event":
                self.events.append(message["event"])
            elif message.get("id") == message_id:
                return message

    async def command(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send a command and return its result."""
        return await self.result(await self.send(message))

    def states_of(self, entity_id: str) -> list[dict[str, Any]]:
        """Return the new states an entity went through, from the events kept."""
        return [
            event["data"]["new_state"]
            for event in self.events
            if event["data"]["entity_id"] == entity_id and event["data"]["new_state"]
        ]


@pytest.fixture
def demo_settings(socket_enabled: None, tmp_path: Path) -> DemoSettings:
    """Return the demo's settings: free ports, a fresh configuration folder."""
    # Each simulated outlet takes the next TCP and WebSocket port after the first.
    taken: set[int] = set()
    outlets = len(DemoSettings(config_dir=tmp_path).outlets)
    return DemoSettings(
        config_dir=tmp_path / "config",
        http_port=free_ports(1, taken),
        tcp_port=free_ports(outlets, taken),
        ws_port=free_ports(outlets, taken),
        step_interval=0.05,
        reboot_duration=0.3,
        ota_failure="wifi_fails",
        options={"deco_update_method": "wifi"},
        frontend=False,
    )


@pytest.fixture
async def demo(demo_settings: DemoSettings) -> AsyncIterator[Demo]:
    """Run hass and the simulator."""
    demo = Demo(demo_settings)
    async with demo:
        yield demo
    assert all(process.returncode is not None for process in demo.processes)


@asynccontextmanager
async def connect(demo: Demo) -> AsyncIterator[HomeAssistantClient]:
    """Connect and authenticate to Home Assistant's WebSocket API."""
    url = f"ws://127.0.0.1:{demo.settings.http_port}/api/websocket"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        assert (await ws.receive_json(timeout=TIMEOUT))["type"] == "auth_required"
        await ws.send_json({"type": "auth", "access_token": demo.access_token})
        assert (await ws.receive_json(timeout=TIMEOUT))["type"] == "auth_ok"
        yield HomeAssistantClient(ws)


@pytest.fixture
async def client(demo: Demo) -> AsyncIterator[HomeAssistantClient]:
    """Return a client of the running demo's WebSocket API."""
    async with connect(demo) as client:
        yield client


async def update_entities(client: HomeAssistantClient) -> set[str]:
    """Return the integration's update entities."""
    states = await client.command({"type": "get_states"})
    return {
        state["entity_id"]
        for state in states["result"]
        if state["entity_id"].startswith("update.invis")
    }


async def test_the_demo_starts_again_on_its_folder(
    demo_settings: DemoSettings,
) -> None:
    """A second start keeps the folder: no onboarding again, the outlets are there."""
    async with Demo(demo_settings) as demo, connect(demo) as client:
        first = await update_entities(client)
    async with Demo(demo_settings) as demo, connect(demo) as client:
        assert await update_entities(client) == first
    assert len(first) == 6


async def test_the_web_interface_can_list_every_action(
    client: HomeAssistantClient,
) -> None:
    """The list of actions the web interface loads first is complete."""
    result = await client.command({"type": "get_services"})
    assert result["success"], result
    assert "install" in result["result"]["update"]


async def test_the_demo_starts_without_repairs_or_setup_failures(
    client: HomeAssistantClient,
) -> None:
    """Nothing asks the user to confirm or fix anything after the demo started."""
    issues = await client.command({"type": "repairs/list_issues"})
    assert issues["result"]["issues"] == []
    notifications = await client.command({"type": "persistent_notification/get"})
    # Home Assistant lists what failed to set up in this notification.
    shown = {note["notification_id"] for note in notifications["result"]}
    assert "invalid_config" not in shown


async def test_install_over_the_websocket_api(client: HomeAssistantClient) -> None:
    """Install from the API: progress rises, the install ends, the outlet is current."""
    states = await client.command({"type": "get_states"})
    updates = {
        state["entity_id"]: state
        for state in states["result"]
        if state["entity_id"].startswith("update.invis")
    }
    # The demo's two outlets are two devices, each with its faceplate.
    pro_outlet = f"update.invisoutlet_{OUTLETS[1].serial.lower()}"
    assert set(updates) == {
        FIRMWARE,
        WEB_INTERFACE,
        DECO_FIRMWARE,
        f"{pro_outlet}_firmware",
        f"{pro_outlet}_web_interface",
        f"update.invisdeco_{OUTLETS[1].deco_serial.lower()}_firmware",
    }
    assert {state["state"] for state in updates.values()} == {"on"}

    await client.command({"type": "subscribe_events", "event_type": "state_changed"})
    result = await client.command(
        {
            "type": "call_service",
            "domain": "update",
            "service": "install",
            "target": {"entity_id": FIRMWARE},
        }
    )
    assert result["success"], result

    shown = client.states_of(FIRMWARE)
    percentages = [
        s["attributes"]["update_percentage"]
        for s in shown
        if s["attributes"]["update_percentage"] is not None
    ]
    assert percentages == sorted(percentages)
    assert percentages[-1] == 100
    assert shown[0]["attributes"]["in_progress"] is True
    assert shown[-1]["attributes"]["in_progress"] is False
    assert shown[-1]["state"] == "off"
    assert shown[-1]["attributes"]["installed_version"] == "1.3.0"
    assert all(state["state"] != "unavailable" for state in shown)


async def test_failed_install_shows_its_translated_error(
    client: HomeAssistantClient,
) -> None:
    """A failing install answers with the integration's translated message."""
    result = await client.command(
        {
            "type": "call_service",
            "domain": "update",
            "service": "install",
            "target": {"entity_id": DECO_FIRMWARE},
        }
    )
    assert result["success"] is False
    error = result["error"]
    assert error["translation_key"] == "ota_failed"
    assert error["message"].startswith("The device reported that the update failed.")
