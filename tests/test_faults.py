"""Fault injection: the integration against a misbehaving simulated outlet.

One test per scenario of the fault table (the scenario number leads the test name).
Every test ends with `finish()`, which checks what the issue asks of each scenario:
no error-level log from our code, the connection loop alive (connected, and a fresh
refresh succeeds), then unloads the entry and waits until the simulator has no client
left, which proves that no socket stayed open. The harness itself fails a test that
leaves a task or a timer behind, and raises any exception nobody retrieved.

Some scenarios also have a test elsewhere, without these common assertions:
pyinvisoutlet/test_client.py (framing, duplicate reply, unknown packetID, oversize,
resets), test_coordinator.py (away and back logged once, silent outlet at set-up,
restart on its own, 20 failing, 20 equal to installed), test_init.py (unload, reload
and Home Assistant stop during an install), test_config_flow.py (added twice).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
import json
import logging
from pathlib import Path
import socket
from typing import Any
from unittest.mock import patch

from homeassistant.components.update.const import (
    ATTR_IN_PROGRESS,
    ATTR_INSTALLED_VERSION,
    ATTR_LATEST_VERSION,
    ATTR_UPDATE_PERCENTAGE,
)
from homeassistant.config_entries import (
    SOURCE_USER,
    SOURCE_ZEROCONF,
    ConfigEntryState,
)
from homeassistant.const import (
    CONF_HOST,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

import custom_components.invisoutlet as integration
from custom_components.invisoutlet.const import (
    CONF_DECO_METHOD,
    DOMAIN,
)
from custom_components.invisoutlet.coordinator import InvisOutletDeviceCoordinator
from custom_components.invisoutlet.pyinvisoutlet import (
    Backoff,
    InvisOutletConnectionError,
    Transport,
    link as link_module,
)
from custom_components.invisoutlet.pyinvisoutlet.transport import (
    Connection,
    open_connection,
)

from .common import (
    DECO_FIRMWARE,
    FIRMWARE,
    SERIAL,
    WEB_INTERFACE,
    StateLog,
    install,
    install_error,
    start_install,
    zeroconf_info,
)
from .conftest import FAST_BACKOFF, FAST_OTA
from .pyinvisoutlet.conftest import unused_port
from .simulator import (
    InvisOutletSimulator,
    OtaFailure,
    RecordedRequest,
    SimulatedDevice,
    oversized,
)
from .waiting import wait_until

OUR_LOGGER = "custom_components.invisoutlet"
STRINGS = json.loads(
    (Path(integration.__file__).parent / "strings.json").read_text(encoding="utf-8")
)
COORDINATOR_OTA_TIMEOUTS = "custom_components.invisoutlet.OTA_TIMEOUTS"
# For tests whose requests are meant to go unanswered (the integration uses 10 s).
SHORT_TIMEOUT = 0.2
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


def compact(message: dict[str, Any]) -> bytes:
    """Return a message as the outlet writes it."""
    return json.dumps(message, separators=(",", ":")).encode()


def reply_to(simulator: InvisOutletSimulator, request: RecordedRequest) -> bytes:
    """Return the simulator's own reply to a recorded request, to send it again."""
    assert request.packet_id is not None
    assert request.callback_name is not None
    answers = {
        DEVICE_INFO: simulator.device.device_info,
        FIRMWARE_STATUS: simulator.device.available_updates,
    }
    payload = {
        "callbackName": request.callback_name,
        "callbackArgs": answers[request.callback_name](),
    }
    reply: dict[str, Any] = {"sn": SERIAL, "packetID": request.packet_id}
    if request.callback_name == FIRMWARE_STATUS:
        reply["PUBACK"] = 1
    return compact(reply | {"payload": payload})


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


# Fixtures -------------------------------------------------------------------------


@pytest.fixture
def request_timeout() -> float:
    """Return the request timeout of the entry (parametrize for silent devices)."""
    return 10.0


@pytest.fixture
def backoff() -> Backoff:
    """Return the reconnect delays of the entry."""
    return FAST_BACKOFF


@pytest.fixture(autouse=True)
def resolver(hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch) -> Resolver:
    """Replace the loop's getaddrinfo in every test: none may query a real DNS."""
    fake = Resolver()
    monkeypatch.setattr(hass.loop, "getaddrinfo", fake.getaddrinfo)
    return fake


@pytest.fixture
async def entry(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    request_timeout: float,
    backoff: Backoff,
    caplog: pytest.LogCaptureFixture,
) -> MockConfigEntry:
    """Set up the integration against the simulator, logging everything we log."""
    caplog.set_level(logging.DEBUG, logger=OUR_LOGGER)
    mock_config_entry.add_to_hass(hass)
    with (
        patch.object(integration, "REQUEST_TIMEOUT", request_timeout),
        patch.object(integration, "RECONNECT_BACKOFF", backoff),
    ):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    return mock_config_entry


SHORT_REQUESTS = pytest.mark.parametrize(
    "request_timeout", [SHORT_TIMEOUT], ids=["short timeout"]
)
BOTH_TRANSPORTS = pytest.mark.parametrize("transport", ["tcp", "websocket"])


@pytest.fixture
def initial_faults() -> dict[str, Any]:
    """Return fault knobs to set before the entry is set up."""
    return {}


@pytest.fixture(autouse=True)
def apply_initial_faults(
    simulator: InvisOutletSimulator, initial_faults: dict[str, Any]
) -> None:
    """Set the initial fault knobs before anything connects."""
    for knob, value in initial_faults.items():
        setattr(simulator.faults, knob, value)


# 1-5: framing -------------------------------------------------------------------------

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


@pytest.mark.parametrize("initial_faults", [{"split_writes": True}], ids=["split"])
async def test_split_writes_still_decode(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every message written one byte at a time still decodes: replies and a push."""
    assert (state_of(hass), attribute(hass, ATTR_LATEST_VERSION)) == (
        STATE_ON,
        "1.3.0",
    )
    await simulator.push(PROGRESS, [1, 40])
    # 40 % of the firmware: the second half of the bar (the web interface is due too).
    await wait_until(lambda: attribute(hass, ATTR_UPDATE_PERCENTAGE) == 70)
    await finish(hass, entry, simulator, caplog)


@pytest.mark.parametrize("initial_faults", [{"coalesce": True}], ids=["coalesce"])
async def test_coalesced_writes_still_decode(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Several messages packed into one write each reach their reader."""
    assert state_of(hass) == STATE_ON
    await assert_outlet_install_succeeds(hass)
    await finish(hass, entry, simulator, caplog)


@pytest.mark.parametrize(
    "garbage",
    [
        pytest.param(b"\r\n#garbage\x00 ", id="text"),
        pytest.param(b" }{#} {junk{ ", id="stray braces"),
        pytest.param(b"\xff\xfe#{#}\x00", id="bytes that are not UTF-8"),
    ],
)
async def test_garbage_between_objects_is_skipped(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    garbage: bytes,
) -> None:
    """Bytes that are not JSON before every message are skipped, install included."""
    simulator.faults.garbage_between = garbage
    await entry.runtime_data.device.async_refresh()
    assert entry.runtime_data.device.last_update_success
    await assert_outlet_install_succeeds(hass)
    simulator.faults.garbage_between = b""
    await finish(hass, entry, simulator, caplog)


@SHORT_REQUESTS
async def test_stray_brace_and_invalid_byte_do_not_swallow_the_next_message(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Garbage holding "{" and a non-UTF-8 byte costs no message after it."""
    simulator.faults.garbage_between = b"{\xff"
    await entry.runtime_data.device.async_refresh()
    answered = entry.runtime_data.device.last_update_success
    simulator.faults.garbage_between = b""
    await finish(hass, entry, simulator, caplog)
    assert answered


@BOTH_TRANSPORTS
async def test_oversized_message_drops_the_link_and_reconnects(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A message over 64 KiB closes the link; the client reconnects at once."""
    firmware = StateLog(hass, FIRMWARE)
    await simulator.send_raw(oversized())
    await simulator.wait_for_connections(2)
    await wait_until(lambda: entry.runtime_data.client.connected)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.accepted_count == 2
    assert state_of(hass) == STATE_ON
    assert not firmware.ever(STATE_UNAVAILABLE)
    assert not messages(our_records(caplog, logging.WARNING), UNAVAILABLE_LINE)
    await finish(hass, entry, simulator, caplog)


async def test_invalid_utf8_message_is_skipped(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A push holding bytes that are not UTF-8 is dropped; the link stays up."""
    firmware = StateLog(hass, FIRMWARE)
    reads = len(simulator.requests_for(FIRMWARE_STATUS))
    bad = b'{"sn":"\xff\xfe","packetID":1,"payload":{"callbackName":22,'
    await simulator.send_raw(bad + b'"callbackArgs":[1,50]}}')
    await round_trip(entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert not firmware.ever_in_progress()
    assert len(simulator.requests_for(FIRMWARE_STATUS)) == reads
    assert simulator.accepted_count == 1
    # Skipped and counted: one warning for the kind, whatever follows.
    assert messages(our_records(caplog, logging.WARNING), "Skipped a message")
    await finish(hass, entry, simulator, caplog)


# 6-9: content -------------------------------------------------------------------------


@BOTH_TRANSPORTS
async def test_json_that_is_not_an_object_is_ignored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Top-level arrays, strings, numbers and literals are not messages."""
    firmware = StateLog(hass, FIRMWARE)
    requests = len(simulator.requests)
    await simulator.send_raw(b'[1,2] "text" 42 -3.5 null true false []\n')
    await round_trip(entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.accepted_count == 1
    assert len(simulator.requests) == requests + 1  # only the round trip's 12
    assert not firmware.ever_in_progress()
    # One warning for the stretch of bytes that are not messages, not one each.
    assert len(our_records(caplog, logging.WARNING)) <= 1
    await finish(hass, entry, simulator, caplog)


async def test_array_holding_a_message_is_not_a_message(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A top-level array is not a message, even when it holds one."""
    firmware = StateLog(hass, FIRMWARE)
    payload = {"callbackName": PROGRESS, "callbackArgs": [1, 50]}
    push = {"sn": SERIAL, "packetID": 1, "payload": payload}
    await simulator.send_raw(b"[" + compact(push) + b"]")
    await entry.runtime_data.device.async_refresh()  # its reply completes the array
    await hass.async_block_till_done(wait_background_tasks=True)
    shown = firmware.ever_in_progress()
    await finish(hass, entry, simulator, caplog)
    assert not shown


@pytest.mark.parametrize(
    ("transport", "nested"),
    [
        pytest.param("tcp", b"[" * 10_000 + b"0" + b"]" * 10_000, id="tcp-arrays"),
        pytest.param("tcp", b'{"a":' * 10_000 + b"0" + b"}" * 10_000, id="tcp-objects"),
        pytest.param(
            "websocket", b'{"a":' * 10_000 + b"0" + b"}" * 10_000, id="ws-objects"
        ),
    ],
)
async def test_deeply_nested_json_is_skipped(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    nested: bytes,
) -> None:
    """JSON nested 10 000 deep is dropped, or decoded and ignored, without harm."""
    data = b'{"sn":"' + SERIAL.encode() + b'","deep":' + nested + b"}"
    assert len(data) < 64 * 1024
    await simulator.send_raw(data)
    await entry.runtime_data.device.async_refresh()
    assert entry.runtime_data.device.last_update_success
    assert simulator.accepted_count == 1
    assert state_of(hass) == STATE_ON
    await finish(hass, entry, simulator, caplog)


async def test_push_with_unknown_callback_is_ignored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Pushes of callbacks nobody follows change nothing and log nothing."""
    firmware = StateLog(hass, FIRMWARE)
    requests = len(simulator.requests)
    for name, args in ((99, [1, 2]), (0, None), (8, [{"outlet": 1, "state": 1}])):
        await simulator.push(name, args)
    await round_trip(entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(simulator.requests) == requests + 1  # only the round trip's 12
    assert not firmware.states
    assert not our_records(caplog, logging.WARNING)
    await finish(hass, entry, simulator, caplog)


async def test_acknowledgement_with_unknown_packet_id_is_ignored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A PUBACK for a packetID we never sent is dropped quietly."""
    requests = len(simulator.requests)
    await simulator.send_raw(compact({"sn": SERIAL, "packetID": 123456, "PUBACK": 1}))
    await round_trip(entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(simulator.requests) == requests + 1  # only the round trip's 12
    assert state_of(hass) == STATE_ON
    assert not our_records(caplog, logging.WARNING)
    await finish(hass, entry, simulator, caplog)


@SHORT_REQUESTS
async def test_device_info_reply_with_unknown_packet_id_starts_no_requests(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Replies to 12 with the wrong packetID time out; they start no more requests."""
    coordinator = entry.runtime_data.device
    before = len(simulator.requests_for(DEVICE_INFO))
    simulator.faults.wrong_packet_id = {DEVICE_INFO}
    await coordinator.async_refresh()  # one poll, which times out
    unavailable = state_of(hass)
    await asyncio.sleep(3 * SHORT_TIMEOUT)
    sent = len(simulator.requests_for(DEVICE_INFO)) - before
    simulator.faults.wrong_packet_id = set()
    await asyncio.sleep(2 * SHORT_TIMEOUT)  # let the requests in flight end
    await hass.async_block_till_done(wait_background_tasks=True)
    await finish(hass, entry, simulator, caplog)
    assert unavailable == STATE_UNAVAILABLE
    assert sent == 1, f"{sent} requests of 12 for one poll"


# 10-12: replies -----------------------------------------------------------------------


@pytest.mark.parametrize("callback_name", [DEVICE_INFO, FIRMWARE_STATUS])
async def test_duplicate_reply_is_ignored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    callback_name: int,
) -> None:
    """A reply that comes again after its request completed changes nothing."""
    coordinator = entry.runtime_data.device
    await coordinator.config_entry.runtime_data.firmware.async_refresh()
    request = simulator.requests_for(callback_name)[-1]
    requests = len(simulator.requests)
    await simulator.send_raw(reply_to(simulator, request))
    await round_trip(entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    # At most one re-read: a stray 12 is indistinguishable from a restart push.
    assert len(simulator.requests) - requests <= 3
    assert state_of(hass) == STATE_ON
    assert coordinator.last_update_success
    assert not our_records(caplog, logging.WARNING)
    await finish(hass, entry, simulator, caplog)


@SHORT_REQUESTS
async def test_reply_after_its_request_timed_out_is_ignored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A reply that comes after its request gave up is dropped; the next poll works."""
    coordinator = entry.runtime_data.device
    simulator.faults.silent_callbacks = {DEVICE_INFO}
    asked = len(simulator.requests_for(DEVICE_INFO))
    refresh = hass.async_create_task(coordinator.async_refresh())
    late = await simulator.wait_for_request(DEVICE_INFO, count=asked + 1)
    # The outlet keeps talking, so the link is not taken for dead (see test_20).
    await simulator.push(11, [1, {}])
    await refresh
    assert state_of(hass) == STATE_UNAVAILABLE
    simulator.faults.silent_callbacks = set()
    requests = len(simulator.requests)
    await simulator.send_raw(reply_to(simulator, late))
    await round_trip(entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(simulator.requests) == requests + 1  # only the round trip's 12
    assert state_of(hass) == STATE_UNAVAILABLE  # a stale reply proves nothing
    await coordinator.async_refresh()
    assert state_of(hass) == STATE_ON
    assert_logged_away_and_back_once(caplog)
    await finish(hass, entry, simulator, caplog)


async def test_puback_0_to_device_info_makes_the_outlet_unavailable(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """12 refused is a failed poll: unavailable once, back when 12 is answered."""
    coordinator = entry.runtime_data.device
    simulator.faults.puback_zero = {DEVICE_INFO}
    for _ in range(3):
        await coordinator.async_refresh()
    assert state_of(hass) == STATE_UNAVAILABLE
    simulator.faults.puback_zero = set()
    await coordinator.async_refresh()
    assert state_of(hass) == STATE_ON
    assert_logged_away_and_back_once(caplog)
    await finish(hass, entry, simulator, caplog)


async def test_puback_0_to_available_updates_keeps_the_last_versions(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """20 refused keeps the outlet available with what 20 said last (one warning)."""
    coordinator = entry.runtime_data.device
    simulator.faults.puback_zero = {FIRMWARE_STATUS}
    simulator.device.outlet_fw_available = "1.4.0"
    for _ in range(3):
        await coordinator.config_entry.runtime_data.firmware.async_refresh()
    assert state_of(hass) == STATE_ON
    assert attribute(hass, ATTR_LATEST_VERSION) == "1.3.0"
    warnings = our_records(caplog, logging.WARNING)
    assert len(warnings) == len(messages(warnings, CANNOT_READ_UPDATES_LINE)) == 1
    simulator.faults.puback_zero = set()
    await coordinator.config_entry.runtime_data.firmware.async_refresh()
    assert attribute(hass, ATTR_LATEST_VERSION) == "1.4.0"
    await finish(hass, entry, simulator, caplog)


async def test_puback_0_to_install_is_start_rejected(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """21 refused ends the install at once with ota_start_rejected."""
    simulator.faults.puback_zero = {START}
    error = await install_error(hass)
    assert_translated(error, "ota_start_rejected")
    assert len(simulator.requests_for(START)) == 1
    assert (state_of(hass), in_progress(hass)) == (STATE_ON, False)
    assert attribute(hass, ATTR_INSTALLED_VERSION) == "1.2.0"
    simulator.faults.puback_zero = set()
    await finish(hass, entry, simulator, caplog)


# 13-15: update messages ------------------------------------------------------------


def _set_fw_rev(value: Any) -> Callable[[dict[str, Any]], None]:
    """Return a change of 12 that sets IM.fw_rev."""

    def change(info: dict[str, Any]) -> None:
        info["IM"]["fw_rev"] = value

    return change


def _drop_pm(info: dict[str, Any]) -> None:
    """Leave the PM block out of 12."""
    del info["PM"]


def change_device_info(
    monkeypatch: pytest.MonkeyPatch,
    simulator: InvisOutletSimulator,
    change: Callable[[dict[str, Any]], None],
) -> None:
    """Make the simulator's 12 answers (and pushes) carry a change."""
    original = simulator.device.device_info

    def changed() -> dict[str, Any]:
        info = original()
        change(info)
        return info

    monkeypatch.setattr(simulator.device, "device_info", changed)


@pytest.mark.parametrize(
    ("change", "installed", "deco_state"),
    [
        # fw_rev null: the installed version comes from 20 instead.
        pytest.param(_set_fw_rev(None), "1.2.0", STATE_ON, id="fw_rev null"),
        pytest.param(_set_fw_rev(1), "1", STATE_ON, id="fw_rev a number"),
        # No PM (as while the InvisDeco restarts): only its entity is unavailable.
        pytest.param(_drop_pm, "1.2.0", STATE_UNAVAILABLE, id="PM missing"),
    ],
)
async def test_tolerated_field_types_in_device_info(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    *,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[dict[str, Any]], None],
    installed: str,
    deco_state: str,
) -> None:
    """A null or numeric fw_rev, or no PM block, still shows the outlet."""
    change_device_info(monkeypatch, simulator, change)
    await entry.runtime_data.device.async_refresh()
    assert state_of(hass) == STATE_ON
    assert attribute(hass, ATTR_INSTALLED_VERSION) == installed
    assert state_of(hass, DECO_FIRMWARE) == deco_state
    assert not our_records(caplog, logging.WARNING)
    await finish(hass, entry, simulator, caplog)


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param({"wrong_types": {DEVICE_INFO}}, id="fw_rev null, PM a string"),
        pytest.param({"malformed_reply": {DEVICE_INFO}}, id="malformed JSON"),
    ],
)
@SHORT_REQUESTS
async def test_unusable_device_info_is_a_failed_poll(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    broken: dict[str, set[int]],
) -> None:
    """12 of the wrong shape is a failed poll, logged once; back when fixed."""
    coordinator = entry.runtime_data.device
    for knob, value in broken.items():
        setattr(simulator.faults, knob, value)
    for _ in range(2):
        await coordinator.async_refresh()
    assert state_of(hass) == STATE_UNAVAILABLE
    for knob in broken:
        setattr(simulator.faults, knob, set())
    await coordinator.async_refresh()
    assert state_of(hass) == STATE_ON
    unavailable = messages(our_records(caplog, logging.WARNING), UNAVAILABLE_LINE)
    assert len(unavailable) == 1
    assert len(messages(our_records(caplog, logging.INFO), RECOVERED_LINE)) == 1
    await finish(hass, entry, simulator, caplog)


BAD_UPDATE_PUSHES = (
    (PROGRESS, {"type": 1, "percent": 60}),
    (PROGRESS, "60"),
    (PROGRESS, [1]),
    (PROGRESS, ["one", 60]),
    (PROGRESS, [9, 60]),
    (RESULT, {"type": 1, "ok": 0}),
    (RESULT, None),
    (START, "1,0"),
)


async def test_update_pushes_with_args_not_a_list_are_ignored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Malformed 21/22/23 pushes neither start, move nor end an update."""
    for name, args in BAD_UPDATE_PUSHES:
        await simulator.push(name, args)
    await round_trip(entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert not in_progress(hass)
    simulator.timing.step_interval = 0.05
    firmware = StateLog(hass, FIRMWARE)
    task = await start_install(hass)
    await wait_until(lambda: downloading(hass, WEB_INTERFACE))
    for name, args in BAD_UPDATE_PUSHES:
        await simulator.push(name, args)
    await task
    assert firmware.percentages() == BAR
    assert attribute(hass, ATTR_INSTALLED_VERSION) == "1.3.0"
    await finish(hass, entry, simulator, caplog)


@pytest.mark.parametrize(
    "device", [pytest.param(SimulatedDevice(www_fw_available="0.1.2"), id="fw only")]
)
async def test_progress_out_of_range_or_backwards_is_clamped(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Progress below 0 shows 0, above 100 shows 100, and never goes back."""
    simulator.timing.progress_steps = (-5, 40, 20, 150, 30, 100)
    firmware = StateLog(hass, FIRMWARE)
    await install(hass)
    assert firmware.percentages() == [None, 0, 40, 100, None]
    shown = [a[ATTR_UPDATE_PERCENTAGE] for a in firmware.states]
    assert all(0 <= value <= 100 for value in shown if value is not None)
    assert (state_of(hass), attribute(hass, ATTR_INSTALLED_VERSION)) == (
        STATE_OFF,
        "1.3.0",
    )
    await finish(hass, entry, simulator, caplog)


async def test_duplicate_result_is_ignored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every 23 sent twice changes nothing: one install, one success."""
    push_twice(monkeypatch, simulator, RESULT)
    await assert_outlet_install_succeeds(hass)
    firmware = StateLog(hass, FIRMWARE)
    await simulator.push(RESULT, [1, 1])  # once more, after the end
    await round_trip(entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert not firmware.ever_in_progress()
    assert not our_records(caplog, logging.WARNING)
    await finish(hass, entry, simulator, caplog)


# 16-18: messages without our install --------------------------------------------------


@pytest.mark.parametrize(
    ("options", "entity_id", "other", "stray"),
    [
        pytest.param({}, FIRMWARE, DECO_FIRMWARE, [[2, 0], [2, 1]], id="outlet"),
        pytest.param(
            {CONF_DECO_METHOD: "wifi"},
            DECO_FIRMWARE,
            FIRMWARE,
            [[1, 0], [3, 0], [1, 1]],
            id="invisdeco",
        ),
    ],
)
async def test_result_for_the_other_target_is_ignored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    *,
    entity_id: str,
    other: str,
    stray: list[list[int]],
) -> None:
    """A 23 about the other target neither ends nor fails the running install."""
    simulator.timing.step_interval = 0.05
    log, other_log = StateLog(hass, entity_id), StateLog(hass, other)
    task = await start_install(hass, entity_id)
    await wait_until(lambda: downloading(hass, entity_id))
    for args in stray:
        await simulator.push(RESULT, args)
    await task
    expected = BAR if entity_id == FIRMWARE else [None, 0, 25, 50, 75, 100, None]
    assert log.percentages() == expected
    assert not other_log.ever_in_progress()
    assert (state_of(hass, entity_id), in_progress(hass, entity_id)) == (
        STATE_OFF,
        False,
    )
    await finish(hass, entry, simulator, caplog)


async def test_late_start_answer_without_install_is_ignored(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A revB late 21 with no install running shows nothing and starts nothing."""
    logs = [StateLog(hass, entity) for entity in (FIRMWARE, DECO_FIRMWARE)]
    for args in ([1, 1], [1, 0], [2, 1], [2, 0]):
        await simulator.push(START, args)
    await round_trip(entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert not any(log.ever_in_progress() for log in logs)
    assert not simulator.requests_for(START)
    assert state_of(hass) == STATE_ON
    assert not our_records(caplog, logging.WARNING)
    await finish(hass, entry, simulator, caplog)


@pytest.mark.parametrize(
    ("args", "entity_id", "shown"),
    [
        # An outlet install fills the bar's first half with its web interface.
        pytest.param([1, 30], FIRMWARE, 65, id="outlet firmware"),
        pytest.param([3, 30], WEB_INTERFACE, 15, id="web interface"),
        pytest.param([2, 30], DECO_FIRMWARE, 30, id="invisdeco"),
    ],
)
async def test_progress_without_install_is_shown_then_ends(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    *,
    args: list[int],
    entity_id: str,
    shown: int,
) -> None:
    """A 22 from nowhere shows its progress, then ends quietly when nothing follows."""
    reads = len(simulator.requests_for(FIRMWARE_STATUS))
    await simulator.push(PROGRESS, args)
    await wait_until(lambda: in_progress(hass, entity_id))
    assert attribute(hass, ATTR_UPDATE_PERCENTAGE, entity_id) == shown
    await wait_until(lambda: not in_progress(hass, entity_id))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(simulator.requests_for(FIRMWARE_STATUS)) > reads
    assert state_of(hass, entity_id) == STATE_ON
    assert not simulator.requests_for(START)
    assert not our_records(caplog, logging.WARNING)
    await finish(hass, entry, simulator, caplog)


# 19-21: the link ------------------------------------------------------------------


# 1 s of test time stands for 100 s: 0.01 s doubling to a 0.6 s cap is the
# integration's 1 s doubling to 60 s (const.RECONNECT_BACKOFF), so 1.2 s of refusal
# is two minutes. Over 120 s that backoff tries at 1, 3, 7, 15, 31, 63 and 123 s.
SCALED_BACKOFF = Backoff(initial=0.01, maximum=0.6, reboot=0.01)
SCALED_TWO_MINUTES = 1.2


@pytest.mark.parametrize("backoff", [SCALED_BACKOFF], ids=["scaled 1:100"])
async def test_refusing_for_two_minutes_then_back(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two minutes refused (scaled 1:100): few attempts, one warning, one info line."""
    coordinator = entry.runtime_data.device
    attempts = ConnectAttempts(monkeypatch)
    await simulator.set_refusing(True)
    # The polls of those two minutes (firing time would also fire the backoff).
    for _ in range(2):
        await coordinator.async_refresh()
    assert state_of(hass) == STATE_UNAVAILABLE
    await asyncio.sleep(SCALED_TWO_MINUTES)
    failed = attempts.failed
    await simulator.set_refusing(False)
    reopened = hass.loop.time()
    await wait_until(lambda: coordinator.last_update_success)
    back_after = hass.loop.time() - reopened
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass) == STATE_ON
    # Capped exponential backoff: about 6 attempts, not one per initial delay (120).
    assert 4 <= failed <= 9, attempts.outcomes
    assert attempts.succeeded == 1
    assert simulator.accepted_count == 2
    assert back_after < SCALED_BACKOFF.maximum + 0.5
    assert_logged_away_and_back_once(caplog)
    await finish(hass, entry, simulator, caplog)


@SHORT_REQUESTS
async def test_accepting_but_never_answering_is_an_outage(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An outlet that stops answering: install fails translated, unavailable, back."""
    coordinator = entry.runtime_data.device
    simulator.faults.silent_callbacks = {DEVICE_INFO, FIRMWARE_STATUS, START}
    error = await install_error(hass)
    assert_translated(error, "communication_error")
    assert not simulator.requests_for(START)
    for _ in range(2):
        await coordinator.async_refresh()
    assert state_of(hass) == STATE_UNAVAILABLE
    simulator.faults.silent_callbacks = set()
    # Unanswered 12s made the client re-open the link; the new link refreshes.
    await wait_until(lambda: coordinator.last_update_success)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass) == STATE_ON
    assert_logged_away_and_back_once(caplog)
    await finish(hass, entry, simulator, caplog)


@SHORT_REQUESTS
async def test_timed_out_request_opens_a_new_link(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A poll that times out is taken as a dead link and a new one is opened."""
    # On loopback a silent outlet stands in for a half-open link: the client
    # cannot tell the two apart.
    simulator.faults.silent_callbacks = {DEVICE_INFO}
    await entry.runtime_data.device.async_refresh()
    try:
        await simulator.wait_for_connections(2, timeout=0.5)
    except TimeoutError:
        reopened = False
    else:
        reopened = True
    simulator.faults.silent_callbacks = set()
    await finish(hass, entry, simulator, caplog)
    assert reopened


async def test_never_answering_at_setup_is_retried_without_leaks(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Set-up against a silent outlet is retried and closes its connection."""
    caplog.set_level(logging.DEBUG, logger=OUR_LOGGER)
    simulator.faults.silent_callbacks = {DEVICE_INFO}
    mock_config_entry.add_to_hass(hass)
    with patch.object(integration, "REQUEST_TIMEOUT", SHORT_TIMEOUT):
        await hass.config_entries.async_setup(mock_config_entry.entry_id)
        retrying = mock_config_entry.state
        await wait_until(lambda: simulator.connection_count == 0)
        simulator.faults.silent_callbacks = set()
        assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    assert retrying is ConfigEntryState.SETUP_RETRY
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert state_of(hass) == STATE_ON
    await finish(hass, mock_config_entry, simulator, caplog)


@BOTH_TRANSPORTS
async def test_reset_during_available_updates_keeps_the_outlet_available(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A reset while the cloud is asked keeps the last answer; the link comes back."""
    simulator.faults.drop_on = {FIRMWARE_STATUS}
    for _ in range(2):
        await entry.runtime_data.firmware.async_refresh()
    simulator.faults.drop_on = set()
    await wait_until(lambda: entry.runtime_data.client.connected)
    await entry.runtime_data.device.async_refresh()
    assert state_of(hass) == STATE_ON
    assert attribute(hass, "latest_version") == "1.3.0"
    assert (
        len(messages(our_records(caplog, logging.WARNING), CANNOT_READ_UPDATES_LINE))
        == 1
    )
    await finish(hass, entry, simulator, caplog)


@BOTH_TRANSPORTS
async def test_reset_in_the_middle_of_a_request(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A reset mid-request is one outage, logged once each way, then reconnected."""
    coordinator = entry.runtime_data.device
    simulator.faults.drop_on = {DEVICE_INFO}
    for _ in range(2):
        await coordinator.async_refresh()
    assert state_of(hass) == STATE_UNAVAILABLE
    simulator.faults.drop_on = set()
    await wait_until(lambda: coordinator.last_update_success)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass) == STATE_ON
    assert simulator.accepted_count >= 2
    assert_logged_away_and_back_once(caplog)
    await finish(hass, entry, simulator, caplog)


async def test_reset_when_the_install_starts(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A reset on 21 that starts nothing ends the install as stalled, translated."""
    monkeypatch.setattr(COORDINATOR_OTA_TIMEOUTS, replace(FAST_OTA, start=0.3))
    simulator.faults.drop_on = {START}
    firmware = StateLog(hass, FIRMWARE)
    error = await install_error(hass)
    assert_translated(error, "ota_stalled")
    assert not firmware.ever(STATE_UNAVAILABLE)
    assert (state_of(hass), in_progress(hass)) == (STATE_ON, False)
    simulator.faults.drop_on = set()
    await finish(hass, entry, simulator, caplog)


# 22-24: the network and Home Assistant ----------------------------------------------


@pytest.mark.parametrize("host", ["localhost"])
async def test_host_that_stops_resolving_is_an_outage(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    resolver: Resolver,
) -> None:
    """A name that no longer resolves: retried quietly, one warning, one info line."""
    coordinator = entry.runtime_data.device
    resolver.resolving = False
    await simulator.drop_connections()
    await wait_until(lambda: resolver.lookups.count("localhost") >= 4)
    for _ in range(2):
        await coordinator.async_refresh()
    assert state_of(hass) == STATE_UNAVAILABLE
    resolver.resolving = True
    await wait_until(lambda: coordinator.last_update_success)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass) == STATE_ON
    assert simulator.accepted_count == 2
    assert_logged_away_and_back_once(caplog)
    await finish(hass, entry, simulator, caplog)


@pytest.mark.parametrize("host", ["localhost"])
@pytest.mark.usefixtures("probe_simulator")
async def test_zeroconf_new_address_during_the_install_reboot(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    resolver: Resolver,
) -> None:
    """The outlet moves while restarting for an install: checked, then followed."""
    coordinator = entry.runtime_data.device
    simulator.timing.reboot_duration = 0.3
    task = await start_install(hass)
    await wait_until(lambda: not coordinator.client.connected)
    resolver.resolving = False  # the old address is gone for good

    async def announced() -> bool:
        # mDNS announces again; each announcement is checked at the address given.
        result = await hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_ZEROCONF},
            data=zeroconf_info(host="127.0.0.1"),
        )
        assert result["reason"] == "already_configured"
        return bool(entry.data[CONF_HOST] == "127.0.0.1")

    async with asyncio.timeout(WAIT):
        while not await announced():  # noqa: ASYNC110 - each try is an announcement
            await asyncio.sleep(0.05)
    await task
    assert entry.runtime_data.device is coordinator
    assert coordinator.client.host == "127.0.0.1"
    assert entry.state is ConfigEntryState.LOADED
    assert (state_of(hass), attribute(hass, ATTR_INSTALLED_VERSION)) == (
        STATE_OFF,
        "1.3.0",
    )
    await finish(hass, entry, simulator, caplog)


@pytest.mark.parametrize("host", ["localhost"])
async def test_dead_address_announced_during_an_install_changes_nothing(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    resolver: Resolver,
) -> None:
    """An address where nothing answers never takes a running install away."""
    closed = unused_port()
    order = ((Transport.TCP, closed), (Transport.WEBSOCKET, closed))
    task = await start_install(hass)
    with patch("custom_components.invisoutlet.config_flow.PROBE_ORDER", order):
        result = await hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_ZEROCONF},
            data=zeroconf_info(host="127.0.0.1"),
        )
    assert result["reason"] == "already_configured"
    await task
    assert entry.data[CONF_HOST] == "localhost"
    assert state_of(hass) == STATE_OFF
    await finish(hass, entry, simulator, caplog)


async def test_home_assistant_stops_during_an_install(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Stopping mid-install ends the wait translated and closes the link."""
    client = entry.runtime_data.client
    simulator.timing.step_interval = 0.05
    task = await start_install(hass)
    await wait_until(lambda: downloading(hass, WEB_INTERFACE))
    await hass.async_stop()
    with pytest.raises(HomeAssistantError) as error:
        await task
    assert_translated(error.value, "ota_interrupted")
    assert not client.connected
    await wait_until(lambda: simulator.connection_count == 0)
    assert_no_errors(caplog)
    assert not messages(our_records(caplog, logging.WARNING), UNAVAILABLE_LINE)


# 25-27: entries and the InvisDeco -----------------------------------------------------


async def test_reload_during_an_install(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Reloading mid-install ends the wait translated; the new entry follows it."""
    simulator.timing.step_interval = 0.05
    task = await start_install(hass)
    await wait_until(lambda: downloading(hass, WEB_INTERFACE))
    assert await hass.config_entries.async_reload(entry.entry_id)
    with pytest.raises(HomeAssistantError) as error:
        await task
    assert_translated(error.value, "ota_interrupted")
    assert entry.state is ConfigEntryState.LOADED
    await wait_until(lambda: in_progress(hass))
    await wait_until(lambda: not in_progress(hass), timeout=5.0)
    assert (state_of(hass), attribute(hass, ATTR_INSTALLED_VERSION)) == (
        STATE_OFF,
        "1.3.0",
    )
    assert len(simulator.requests_for(START)) == 1
    await finish(hass, entry, simulator, caplog)


@pytest.mark.parametrize("source", [SOURCE_USER, SOURCE_ZEROCONF])
@pytest.mark.usefixtures("probe_simulator")
async def test_same_outlet_added_twice_aborts(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    source: str,
) -> None:
    """Adding the configured outlet again aborts; the running entry is untouched."""
    coordinator = entry.runtime_data.device
    data: Any = {CONF_HOST: "127.0.0.1"}
    if source == SOURCE_ZEROCONF:
        data = zeroconf_info(host="127.0.0.1")
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": source}, data=data
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.runtime_data.device is coordinator
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1
    await wait_until(lambda: simulator.connection_count == 1)  # the probe is closed
    assert coordinator.client.connected
    assert state_of(hass) == STATE_ON
    await finish(hass, entry, simulator, caplog)


def shown_before_the_end(log: StateLog) -> list[str]:
    """Return the states an entity showed until its install stopped showing."""
    last = max(i for i, attrs in enumerate(log.states) if attrs.get(ATTR_IN_PROGRESS))
    return [attrs["state"] for attrs in log.states[: last + 1]]


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({CONF_DECO_METHOD: "wifi"}, id="wifi"),
        pytest.param(
            {},
            id="automatic",
        ),
    ],
)
async def test_invisdeco_offline_during_its_own_update(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An InvisDeco that does not come back fails as ota_device_not_back."""
    monkeypatch.setattr(COORDINATOR_OTA_TIMEOUTS, replace(FAST_OTA, reboot=0.3))
    simulator.faults.ota_failure = OtaFailure.NOT_BACK
    deco = StateLog(hass, DECO_FIRMWARE)
    error = await install_error(hass, DECO_FIRMWARE)
    assert error.translation_domain == DOMAIN
    assert STATE_UNAVAILABLE not in shown_before_the_end(deco)
    assert state_of(hass, DECO_FIRMWARE) == STATE_UNAVAILABLE
    assert state_of(hass) == STATE_ON
    simulator.device.deco_rebooting = False  # it is back
    await entry.runtime_data.device.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass, DECO_FIRMWARE) == STATE_ON
    await finish(hass, entry, simulator, caplog)
    assert_translated(error, "ota_device_not_back")


# 28-30: versions --------------------------------------------------------------------


async def test_outlet_restart_on_its_own_rereads_everything(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A restart (not an OTA) with a 12 push re-reads 12 and 20 and stays available."""
    firmware = StateLog(hass, FIRMWARE)
    reads = len(simulator.requests_for(FIRMWARE_STATUS))
    simulator.device.outlet_fw = "1.3.0"
    await simulator.reboot()
    await simulator.wait_for_request(FIRMWARE_STATUS, count=reads + 1)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (state_of(hass), attribute(hass, ATTR_INSTALLED_VERSION)) == (
        STATE_OFF,
        "1.3.0",
    )
    assert not firmware.ever(STATE_UNAVAILABLE)
    assert not firmware.ever_in_progress()
    assert not our_records(caplog, logging.WARNING)
    await finish(hass, entry, simulator, caplog)


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"puback_zero": {FIRMWARE_STATUS}}, id="PUBACK 0"),
        pytest.param({"wrong_types": {FIRMWARE_STATUS}}, id="wrong types"),
        pytest.param(
            {"silent_callbacks": {FIRMWARE_STATUS}},
            id="no answer",
        ),
        pytest.param(
            {"malformed_reply": {FIRMWARE_STATUS}},
            id="malformed",
        ),
    ],
)
@SHORT_REQUESTS
async def test_available_updates_failing_while_device_info_works(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    fault: dict[str, set[int]],
) -> None:
    """20 failing (12 fine) keeps the outlet available with the last versions."""
    coordinator = entry.runtime_data.device
    for knob, value in fault.items():
        setattr(simulator.faults, knob, value)
    simulator.device.outlet_fw_available = "1.4.0"
    for _ in range(2):
        await coordinator.config_entry.runtime_data.firmware.async_refresh()
    shown = (state_of(hass), attribute(hass, ATTR_LATEST_VERSION))
    warnings = our_records(caplog, logging.WARNING)
    for knob in fault:
        setattr(simulator.faults, knob, set())
    await finish(hass, entry, simulator, caplog)
    assert shown == (STATE_ON, "1.3.0")
    assert not messages(warnings, UNAVAILABLE_LINE)
    assert len(messages(warnings, CANNOT_READ_UPDATES_LINE)) == 1


@pytest.mark.parametrize(
    "device",
    [
        pytest.param(
            SimulatedDevice(
                outlet_fw_available="1.2.0",
                www_fw_available="0.1.2",
                deco_fw_available="0.5.0",
            ),
            id="equal",
        )
    ],
)
async def test_available_equal_to_installed_is_up_to_date(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Available equal to installed shows up to date, and there is nothing to start."""
    for entity_id in (FIRMWARE, WEB_INTERFACE, DECO_FIRMWARE):
        assert state_of(hass, entity_id) == STATE_OFF
    with pytest.raises(HomeAssistantError):  # refused by Home Assistant itself
        await install(hass)
    assert not simulator.requests_for(START)
    await finish(hass, entry, simulator, caplog)


async def test_install_when_20_now_offers_the_installed_version(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Install after the device caught up elsewhere: translated, then up to date."""
    device = simulator.device
    device.outlet_fw_available, device.www_fw_available = "1.2.0", "0.1.2"
    assert state_of(hass) == STATE_ON  # what 20 said before
    error = await install_error(hass)
    assert_translated(error, "no_update_available")
    assert not simulator.requests_for(START)
    assert (state_of(hass), in_progress(hass)) == (STATE_OFF, False)
    assert state_of(hass, WEB_INTERFACE) == STATE_OFF
    await finish(hass, entry, simulator, caplog)
