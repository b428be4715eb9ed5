"""End to end: a real hass process and the simulator, driven over the WebSocket API.

This is what the frontend does: authenticate, list the update entities, call
update/install and watch state_changed events until the install ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, redirect_stdout
import dataclasses
import datetime as dt
import io
import itertools
from pathlib import Path
import socket
import threading
from typing import Any

import aiohttp
from homeassistant.const import __version__ as ha_version
import pytest
import pytest_socket

from custom_components.invisoutlet.devices import web_interface_url
from custom_components.invisoutlet.pyinvisoutlet import Transport
from devtools.demo import (
    OUTLETS,
    ROOT,
    Demo,
    DemoSettings,
    parse_args,
    running_target,
)

from .common import DECO_FIRMWARE, FIRMWARE, WEB_INTERFACE

TIMEOUT = 60.0
# Typed here: the minimum release's pytest-socket is not annotated.
enable_socket: Callable[[], None] = pytest_socket.enable_socket


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


def settings_in(folder: Path) -> DemoSettings:
    """Return the demo's settings: free ports, a fresh configuration folder."""
    # Each simulated outlet takes the next TCP and WebSocket port after the first.
    taken: set[int] = set()
    outlets = len(DemoSettings(config_dir=folder).outlets)
    return DemoSettings(
        config_dir=folder / "config",
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
def demo_settings(socket_enabled: None, tmp_path: Path) -> DemoSettings:
    """Return the settings of a demo of the test's own."""
    return settings_in(tmp_path)


@pytest.fixture(scope="module")
def running_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """Run one demo for the tests that only look at it (each start costs seconds).

    It runs on an event loop of its own, in a thread: a test's loop ends with the
    test, and the harness checks that nothing of the test's is left on it.
    """
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="demo", daemon=True)
    thread.start()
    enable_socket()
    demo = Demo(settings_in(tmp_path_factory.mktemp("demo")))
    try:
        asyncio.run_coroutine_threadsafe(demo.__aenter__(), loop).result(TIMEOUT * 2)
        yield demo
    finally:
        enable_socket()
        stop = demo.__aexit__(None, None, None)
        asyncio.run_coroutine_threadsafe(stop, loop).result(TIMEOUT)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(TIMEOUT)
        loop.close()


@pytest.fixture
async def seen(
    socket_enabled: None, running_demo: Demo
) -> AsyncIterator[HomeAssistantClient]:
    """Return a client of the demo the looking tests share."""
    async with connect(running_demo) as client:
        yield client


@asynccontextmanager
async def connect(demo: Demo) -> AsyncIterator[HomeAssistantClient]:
    """Connect and authenticate to Home Assistant's WebSocket API."""
    url = f"ws://127.0.0.1:{demo.settings.http_port}/api/websocket"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        assert (await ws.receive_json(timeout=TIMEOUT))["type"] == "auth_required"
        await ws.send_json({"type": "auth", "access_token": demo.access_token})
        assert (await ws.receive_json(timeout=TIMEOUT))["type"] == "auth_ok"
        yield HomeAssistantClient(ws)


async def update_entities(client: HomeAssistantClient) -> set[str]:
    """Return the integration's update entities."""
    states = await client.command({"type": "get_states"})
    return {
        state["entity_id"]
        for state in states["result"]
        if state["entity_id"].startswith("update.invis")
    }


async def test_the_demo_starts_again_on_its_folder_with_its_new_flags(
    demo_settings: DemoSettings,
) -> None:
    """A second start keeps the folder and takes the flags it is given.

    No onboarding again and the outlets are there; started again with
    --mqtt-discovery, every outlet publishes discovery and its repair is listed.
    (One test: each start of the demo costs seconds of the suite.)
    """
    async with Demo(demo_settings) as demo, connect(demo) as client:
        first = await update_entities(client)
    stopped = demo.processes
    again = dataclasses.replace(demo_settings, mqtt_discovery=True)
    async with Demo(again) as demo, connect(demo) as client:
        assert await update_entities(client) == first
        issues = (await client.command({"type": "repairs/list_issues"}))["result"]
    assert len(first) == 6
    # Nothing the demo started outlives it.
    assert all(p.returncode is not None for p in [*stopped, *demo.processes])
    raised = [issue for issue in issues["issues"] if issue["domain"] == "invisoutlet"]
    assert {issue["translation_key"] for issue in raised} == {"mqtt_discovery"}
    assert len(raised) == len(OUTLETS)


@pytest.mark.xdist_group("demo")
async def test_the_web_interface_can_list_every_action(
    seen: HomeAssistantClient,
) -> None:
    """The list of actions the web interface loads first is complete."""
    result = await seen.command({"type": "get_services"})
    assert result["success"], result
    assert "install" in result["result"]["update"]


@pytest.mark.xdist_group("demo")
async def test_the_demo_starts_without_repairs_or_setup_failures(
    seen: HomeAssistantClient,
) -> None:
    """Nothing asks the user to confirm or fix anything after the demo started."""
    issues = await seen.command({"type": "repairs/list_issues"})
    assert issues["result"]["issues"] == []
    notifications = await seen.command({"type": "persistent_notification/get"})
    # Home Assistant lists what failed to set up in this notification.
    shown = {note["notification_id"] for note in notifications["result"]}
    assert "invalid_config" not in shown


# The installs run on the shared demo too: each test has a connection of its own, and
# the tests of a group run one after the other, so no other test sees an install.
@pytest.mark.xdist_group("demo")
async def test_install_over_the_websocket_api(seen: HomeAssistantClient) -> None:
    """Install from the API: progress rises, the install ends, the outlet is current."""
    client = seen
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


@pytest.mark.xdist_group("demo")
async def test_failed_install_shows_its_translated_error(
    seen: HomeAssistantClient,
) -> None:
    """A failing install answers with the integration's translated message."""
    result = await seen.command(
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


@pytest.mark.xdist_group("demo")
async def test_sensor_history_is_recorded(seen: HomeAssistantClient) -> None:
    """A sensor's dialog has a history to draw: the recorder keeps its states."""
    sensor = f"sensor.invisdeco_{OUTLETS[0].deco_serial.lower()}_temperature"
    start = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
    query = {
        "type": "history/history_during_period",
        "start_time": start,
        "entity_ids": [sensor],
    }
    async with asyncio.timeout(TIMEOUT):
        # The recorder commits every few seconds, in another process: poll.
        while not (history := (await seen.command(query))["result"]):  # noqa: ASYNC110
            await asyncio.sleep(0.5)
    assert history[sensor]


async def devices_by_serial(client: HomeAssistantClient) -> dict[str, dict[str, Any]]:
    """Return the device registry's entries, by serial number."""
    devices = await client.command({"type": "config/device_registry/list"})
    return {device["serial_number"]: device for device in devices["result"]}


@pytest.mark.xdist_group("demo")
async def test_the_websocket_outlets_link_opens_its_web_interface(
    running_demo: Demo, seen: HomeAssistantClient
) -> None:
    """The revA outlet's "Visit" link opens its web interface at the API's port."""
    reva = OUTLETS[1]
    url = (await devices_by_serial(seen))[reva.serial]["configuration_url"]
    assert url == f"http://127.0.0.1:{running_demo.settings.ports(1)[1]}"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        assert f"InvisOutlet {reva.serial}" in await response.text()


@pytest.mark.xdist_group("demo")
async def test_an_outlet_moved_off_its_tcp_port_has_no_dead_link(
    seen: HomeAssistantClient,
) -> None:
    """No "Visit" link where the web interface is unknown (TCP on another port)."""
    revb = OUTLETS[0]
    assert (await devices_by_serial(seen))[revb.serial]["configuration_url"] is None


@pytest.mark.xdist_group("demo")
async def test_each_outlet_shows_its_own_names(seen: HomeAssistantClient) -> None:
    """Each demo outlet's switches carry the names its owner gave them."""
    states = await seen.command({"type": "get_states"})
    names = {
        state["entity_id"]: state["attributes"]["friendly_name"]
        for state in states["result"]
        if state["entity_id"].startswith("switch.invisoutlet_")
    }
    for outlet in OUTLETS:
        prefix = f"switch.invisoutlet_{outlet.serial.lower()}_"
        shown = {name for entity, name in names.items() if entity.startswith(prefix)}
        assert shown >= {f"InvisOutlet {outlet.serial} {n}" for n in outlet.names[:2]}


def test_a_folder_a_newer_home_assistant_ran_is_refused(
    demo_settings: DemoSettings,
) -> None:
    """A folder last run by a newer release is refused before anything starts."""
    demo_settings.config_dir.mkdir(parents=True)
    (demo_settings.config_dir / ".HA_VERSION").write_text("2999.1.0\n")
    demo = Demo(demo_settings)
    with pytest.raises(RuntimeError, match=r"2999\.1\.0"):
        demo.prepare()
    assert demo.processes == []


def test_each_home_assistant_has_its_own_folder() -> None:
    """Without --config the folder is the running release's: config/<target>."""
    target = "minimum" if ha_version.startswith("2025.4.") else "latest"
    assert parse_args([]).config == ROOT / "config" / target
    assert parse_args(["--ha", target]).config == ROOT / "config" / target


def test_the_other_targets_python_is_refused() -> None:
    """--ha naming the other release fails: only scripts/develop picks the Python."""
    other = "latest" if running_target() == "minimum" else "minimum"
    with pytest.raises(SystemExit):
        parse_args(["--ha", other])


def test_help_lists_every_option_scripts_develop_takes() -> None:
    """--help lists --ha (read by scripts/develop) with the demo's own options."""
    help_text = io.StringIO()
    with redirect_stdout(help_text), pytest.raises(SystemExit):
        parse_args(["--help"])
    for option in ("--ha {minimum,latest}", "--mqtt-discovery", "--reset"):
        assert option in help_text.getvalue()


def test_with_its_default_ports_no_demo_link_is_dead(tmp_path: Path) -> None:
    """Each outlet's link opens its simulator's page, or there is none."""
    args = parse_args([])
    settings = DemoSettings(
        config_dir=tmp_path, tcp_port=args.tcp_port, ws_port=args.ws_port
    )
    for index, outlet in enumerate(settings.outlets):
        tcp_port, ws_port = settings.ports(index)
        if outlet.hardware == "B":
            link = web_interface_url("127.0.0.1", Transport.TCP, tcp_port)
        else:
            link = web_interface_url("127.0.0.1", Transport.WEBSOCKET, ws_port)
        assert link in {None, f"http://127.0.0.1:{ws_port}"}
