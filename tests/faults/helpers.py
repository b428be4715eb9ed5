"""What the fault tests share: log checks, the closing checks, state readers."""

from __future__ import annotations

import json
import logging
from pathlib import Path
import socket
from typing import Any

from homeassistant.components.update import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_IN_PROGRESS,
    ATTR_INSTALLED_VERSION,
    ATTR_UPDATE_PERCENTAGE,
)
from homeassistant.const import (
    STATE_OFF,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

import custom_components.invisoutlet as integration
from custom_components.invisoutlet.const import (
    DOMAIN,
)
from custom_components.invisoutlet.coordinator import InvisOutletDeviceCoordinator
from custom_components.invisoutlet.pyinvisoutlet import (
    InvisOutletConnectionError,
    link as link_module,
)
from custom_components.invisoutlet.pyinvisoutlet.transport import (
    Connection,
    open_connection,
)
from tests.common import (
    FIRMWARE,
    WEB_INTERFACE,
    StateLog,
    install,
)
from tests.simulator import InvisOutletSimulator
from tests.waiting import wait_until

OUR_LOGGER = "custom_components.invisoutlet"
STRINGS = json.loads(
    (Path(integration.__file__).parent / "strings.json").read_text(encoding="utf-8")
)
COORDINATOR_OTA_TIMEOUTS = "custom_components.invisoutlet.OTA_TIMEOUTS"
# For tests whose requests are meant to go unanswered (the integration uses 10 s).
# Every request of such an entry has it, those answered too: long enough that a
# loop busy setting the entry up on a loaded machine still reads their answers.
SHORT_TIMEOUT = 0.5
# Bound on every wait below: far above what a healthy run needs.
WAIT = 3.0
# Callback numbers (protocol.md §4, §5.1).
DEVICE_INFO, FIRMWARE_STATUS, START, PROGRESS, RESULT = 12, 20, 21, 22, 23
UNAVAILABLE_LINE = "is unavailable"
RECOVERED_LINE = "recovered"
CANNOT_READ_UPDATES_LINE = "Cannot read available updates"


# Shared helpers -----------------------------------------------------------------------


def our_records(
    caplog: pytest.LogCaptureFixture, level: int, *, at_least: bool = False
) -> list[logging.LogRecord]:
    """Return our log records of a level (or above) from set-up and the test."""
    return [
        record
        for phase in ("setup", "call")
        for record in caplog.get_records(phase)
        if record.name.startswith(OUR_LOGGER)
        and (record.levelno >= level if at_least else record.levelno == level)
    ]


def messages(records: list[logging.LogRecord], text: str) -> list[str]:
    """Return the messages of the records that contain text."""
    return [r.getMessage() for r in records if text in r.getMessage()]


def assert_no_errors(caplog: pytest.LogCaptureFixture) -> None:
    """Check that our code logged nothing at error level or above."""
    errors = our_records(caplog, logging.ERROR, at_least=True)
    assert not errors, [record.getMessage() for record in errors]


def assert_logged_away_and_back_once(caplog: pytest.LogCaptureFixture) -> None:
    """Check for exactly one warning (unavailable) and one info line (back)."""
    warnings = our_records(caplog, logging.WARNING)
    infos = our_records(caplog, logging.INFO)
    assert [r.getMessage() for r in warnings] == messages(warnings, UNAVAILABLE_LINE)
    assert len(warnings) == 1
    assert [r.getMessage() for r in infos] == messages(infos, RECOVERED_LINE)
    assert len(infos) == 1


def assert_translated(error: HomeAssistantError, key: str) -> None:
    """Check that a user action failed with our translated error of this key."""
    assert error.translation_domain == DOMAIN
    assert error.translation_key == key
    assert STRINGS["exceptions"][key]["message"]


async def finish(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """End a scenario: nothing logged as an error, link alive, then nothing left."""
    coordinator: InvisOutletDeviceCoordinator = entry.runtime_data.device
    client = coordinator.client
    await wait_until(lambda: client.connected)
    await coordinator.async_refresh()
    assert coordinator.last_update_success
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert not client.connected
    await wait_until(lambda: simulator.connection_count == 0)
    assert_no_errors(caplog)


def state_of(hass: HomeAssistant, entity_id: str = FIRMWARE) -> str:
    """Return an entity's state."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


def attribute(hass: HomeAssistant, name: str, entity_id: str = FIRMWARE) -> Any:
    """Return one attribute of an entity."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state.attributes.get(name)


def in_progress(hass: HomeAssistant, entity_id: str = FIRMWARE) -> bool:
    """Return whether an entity shows an install in progress."""
    return bool(attribute(hass, ATTR_IN_PROGRESS, entity_id))


def downloading(hass: HomeAssistant, entity_id: str = FIRMWARE) -> bool:
    """Return whether an entity shows a download percentage."""
    return attribute(hass, ATTR_UPDATE_PERCENTAGE, entity_id) is not None


async def round_trip(entry: MockConfigEntry) -> None:
    """Ask the outlet something: all it sent before the answer has been read."""
    await entry.runtime_data.client.outlet_info()


class Resolver:
    """Stand in for the loop's name resolution: no real DNS query ever happens."""

    def __init__(self) -> None:
        """Resolve localhost to 127.0.0.1, and nothing else."""
        self.resolving = True
        self.lookups: list[str] = []

    async def getaddrinfo(
        self,
        host: str | None,
        port: Any,
        **_hints: int,
    ) -> list[tuple[Any, ...]]:
        """Answer like loop.getaddrinfo, from a one-line hosts table."""
        self.lookups.append(str(host))
        if host != "localhost" or not self.resolving:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (
                socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                ("127.0.0.1", port),
            )
        ]


class ConnectAttempts:
    """Count the client's connection attempts and how each one ended."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Wrap the library's open_connection."""
        self.outcomes: list[bool] = []

        async def counted(*args: Any, **kwargs: Any) -> Connection:
            try:
                connection = await open_connection(*args, **kwargs)
            except InvisOutletConnectionError:
                self.outcomes.append(False)
                raise
            self.outcomes.append(True)
            return connection

        monkeypatch.setattr(link_module, "open_connection", counted)

    @property
    def failed(self) -> int:
        """Return how many attempts failed."""
        return self.outcomes.count(False)

    @property
    def succeeded(self) -> int:
        """Return how many attempts succeeded."""
        return self.outcomes.count(True)


def push_twice(
    monkeypatch: pytest.MonkeyPatch, simulator: InvisOutletSimulator, callback_name: int
) -> None:
    """Make every push of one callback go out twice."""
    original = simulator.push

    async def twice(name: int, args: Any) -> None:
        await original(name, args)
        if name == callback_name:
            await original(name, args)

    monkeypatch.setattr(simulator, "push", twice)


SHORT_REQUESTS = pytest.mark.parametrize(
    "request_timeout", [SHORT_TIMEOUT], ids=["short timeout"]
)
BOTH_TRANSPORTS = pytest.mark.parametrize("transport", ["tcp", "websocket"])


# One bar for an outlet install: its web interface in the first half, its firmware in
# the second (the simulator reports 0, 25, 50, 75 and 100 % of each).
BAR = [None, 0, 12, 25, 37, 50, 62, 75, 87, 100, None]


async def assert_outlet_install_succeeds(hass: HomeAssistant) -> None:
    """Install the outlet firmware and check what the entities show."""
    firmware, web = StateLog(hass, FIRMWARE), StateLog(hass, WEB_INTERFACE)
    await install(hass, FIRMWARE)
    # Coalesced writes still queued when the simulator restarts are lost with the
    # link, the final 23 among them: the bar may then show 100 % again until the new
    # version is read, so only the start of the sequence is fixed.
    assert firmware.percentages()[: len(BAR)] == BAR
    assert web.percentages()[: len(BAR)] == BAR
    assert not firmware.ever(STATE_UNAVAILABLE)
    assert state_of(hass) == STATE_OFF
    assert attribute(hass, ATTR_INSTALLED_VERSION) == "1.3.0"
    assert attribute(hass, ATTR_INSTALLED_VERSION, WEB_INTERFACE) == "0.3.0"
    assert not in_progress(hass)
