"""Shared fixtures: a simulated outlet and a configured entry."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
import inspect
from typing import Any
from unittest.mock import AsyncMock, MagicMock, PropertyMock, create_autospec, patch

from homeassistant.const import CONF_HOST, CONF_PORT, Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.invisoutlet import PLATFORMS
from custom_components.invisoutlet.const import CONF_TRANSPORT, DOMAIN
from custom_components.invisoutlet.pyinvisoutlet import (
    Backoff,
    Firmware,
    InvisOutlet,
    OtaTimeouts,
    ProbeResult,
    Transport,
)

from .common import SERIAL
from .library_mock import (
    keep_device,
    outlet_info,
    prepare_client,
    prepare_firmware,
)
from .simulator import InvisOutletSimulator, SimulatedDevice
from .snapshots import PerReleaseSnapshots

# Short enough that every OTA path runs in well under a second.
FAST_OTA = OtaTimeouts(
    start=1.0, progress=0.5, reboot=1.0, verify=0.5, poll_interval=0.05
)
FAST_BACKOFF = Backoff(initial=0.02, maximum=0.1, reboot=0.02)


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Return the snapshot fixture, one set per Home Assistant release line."""
    return snapshot.use_extension(PerReleaseSnapshots)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Let tests that run Home Assistant load this custom integration."""
    if "hass" in request.fixturenames:
        request.getfixturevalue("enable_custom_integrations")


@pytest.fixture(autouse=True)
def no_deprecated_calls_from_us(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail a test in which Home Assistant reports a deprecated call of ours."""
    yield
    reported = [
        record.getMessage()
        for phase in ("setup", "call")
        for record in caplog.get_records(phase)
        if "custom integration 'invisoutlet'" in record.getMessage()
    ]
    assert not reported, reported


@pytest.fixture(autouse=True)
def fast_timeouts() -> Iterator[None]:
    """Shrink the OTA time limits and reconnect delays for tests."""
    with (
        patch("custom_components.invisoutlet.OTA_TIMEOUTS", FAST_OTA),
        patch("custom_components.invisoutlet.RECONNECT_BACKOFF", FAST_BACKOFF),
    ):
        yield


@pytest.fixture
def device() -> SimulatedDevice:
    """Return the simulated device's state (revB, every component out of date)."""
    return SimulatedDevice()


@pytest.fixture
async def simulator(
    socket_enabled: None, device: SimulatedDevice
) -> AsyncIterator[InvisOutletSimulator]:
    """Run a simulated outlet on 127.0.0.1."""
    async with InvisOutletSimulator(device=device) as sim:
        yield sim


@pytest.fixture
def transport() -> str:
    """Return the transport of the entry (revB: tcp; parametrize websocket for revA)."""
    return "tcp"


@pytest.fixture
def options() -> dict[str, str]:
    """Return the entry's options."""
    return {}


@pytest.fixture
def host() -> str:
    """Return the address the entry knows the outlet by."""
    return "127.0.0.1"


@pytest.fixture
def mock_config_entry(
    simulator: InvisOutletSimulator,
    transport: str,
    options: dict[str, str],
    host: str,
) -> MockConfigEntry:
    """Return an entry for the simulated outlet at host."""
    port = simulator.tcp_port if transport == "tcp" else simulator.ws_port
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"InvisOutlet {SERIAL}",
        unique_id=SERIAL,
        data={CONF_HOST: host, CONF_TRANSPORT: transport, CONF_PORT: port},
        options=options,
    )


@pytest.fixture
def probe_simulator(simulator: InvisOutletSimulator) -> Iterator[None]:
    """Let the config flow probe the simulator's ports instead of 3333 and 80."""
    order = (
        (Transport.TCP, simulator.tcp_port),
        (Transport.WEBSOCKET, simulator.ws_port),
    )
    with patch("custom_components.invisoutlet.config_flow.PROBE_ORDER", order):
        yield


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Set up the integration against the simulator."""
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry


@pytest.fixture
def config_entry() -> MockConfigEntry:
    """Return an entry for the outlet of the fixtures (used with the library mock)."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"InvisOutlet {SERIAL}",
        unique_id=SERIAL,
        data={CONF_HOST: "127.0.0.1", CONF_TRANSPORT: "tcp", CONF_PORT: 3333},
    )


@pytest.fixture
def every_entity_enabled() -> Iterator[None]:
    """Enable the entities disabled by default (as HA core's fixture does)."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
        new_callable=PropertyMock,
    ):
        yield


@pytest.fixture
def unbounded_writes() -> Iterator[None]:
    """Lift the bound on state writes per second, for tests that show many states."""
    with patch("custom_components.invisoutlet.entity.WRITES_PER_SECOND", 10**6):
        yield


@pytest.fixture
def mock_firmware() -> MagicMock:
    """Return an autospecced installer: the mocked client's `firmware`."""
    firmware: MagicMock = create_autospec(Firmware, instance=True)
    prepare_firmware(firmware)
    return firmware


@pytest.fixture
def platforms() -> list[Platform]:
    """Return the platforms an entry sets up: all, unless a test module names fewer."""
    return PLATFORMS


@pytest.fixture(autouse=True)
def set_up_only(platforms: list[Platform]) -> Iterator[None]:
    """Set entries up with only the test's platforms (each platform costs set-up)."""
    with patch("custom_components.invisoutlet.PLATFORMS", platforms):
        yield


@pytest.fixture
def mock_invisoutlet(mock_firmware: MagicMock) -> Iterator[MagicMock]:
    """Patch the client where the integration imports it; answer from fixtures."""
    client: MagicMock = create_autospec(InvisOutlet, instance=True)
    prepare_client(client)
    signature = inspect.signature(InvisOutlet)

    def construct(*args: Any, **kwargs: Any) -> MagicMock:
        # The constructor's arguments checked as autospec would (one autospec of
        # the instance: specifying the class too would double each test's set-up).
        bound = signature.bind(*args, **kwargs)
        keep_device(client, mock_firmware, bound.arguments.get("serial"))
        return client

    with patch("custom_components.invisoutlet.InvisOutlet", side_effect=construct):
        yield client


@pytest.fixture
async def mocked_integration(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    mock_invisoutlet: MagicMock,
    mock_firmware: MagicMock,
) -> MockConfigEntry:
    """Set the integration up on the library mock."""
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


@pytest.fixture
def mock_probe() -> Iterator[AsyncMock]:
    """Patch the config flow's probe: the fixture outlet answers over TCP."""
    with patch(
        "custom_components.invisoutlet.config_flow.probe", autospec=True
    ) as probe:
        probe.return_value = ProbeResult(
            transport=Transport.TCP, port=3333, info=outlet_info()
        )
        yield probe


@pytest.fixture
def mock_setup_entry() -> Iterator[AsyncMock]:
    """Keep config-flow tests from setting the entry up."""
    with patch(
        "custom_components.invisoutlet.async_setup_entry", return_value=True
    ) as setup:
        yield setup
