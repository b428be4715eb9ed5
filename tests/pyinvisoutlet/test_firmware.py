"""Specification of Firmware: whole firmware installs against the simulated outlet.

The simulated outlet runs each install in real time (milliseconds per step), restarts
the way the hardware does, and fails on demand (`Faults.ota_failure`). revA outlets
serve the WebSocket and revB outlets raw TCP (protocol.md §2.4a), so each test talks
to the simulator over the transport of its hardware.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import FrozenInstanceError, dataclass, field
import itertools
from typing import Protocol

import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    Backoff,
    CallbackName,
    DecoUpdateMethod,
    Firmware,
    FirmwareComponent,
    FirmwareError,
    FirmwareProgress,
    FirmwareStatus,
    InvisOutlet,
    InvisOutletConnectionError,
    InvisOutletUpdateError,
    OtaPhase,
    OtaTimeouts,
    Transport,
    UpdateTarget,
)
from custom_components.invisoutlet.pyinvisoutlet.envelope import Message
from tests.simulator import (
    Faults,
    InvisOutletSimulator,
    OtaFailure,
    SimulatedDevice,
)

from .conftest import (
    FAST_OTA,
    HOST,
    SHORT_TIMEOUT,
    WAIT,
    ClientFactory,
    Recorder,
    envelope,
    with_device,
    with_faults,
)

OUTLET = UpdateTarget.OUTLET
DECO = UpdateTarget.DECO
FW = FirmwareComponent.OUTLET_FIRMWARE
WWW = FirmwareComponent.WEB_INTERFACE
DECO_FW = FirmwareComponent.DECO_FIRMWARE
WIFI = DecoUpdateMethod.WIFI
VIA_OUTLET = DecoUpdateMethod.VIA_OUTLET
BOTH_METHODS = (WIFI, VIA_OUTLET)
# Failures end at a deadline: keep every deadline short (but above a simulated reboot).
FAIL_FAST = OtaTimeouts(
    start=0.5, progress=0.3, reboot=0.5, verify=0.3, poll_interval=0.05
)
# Time limits no test waits out: only close() can end such an install.
LONG = OtaTimeouts(start=30.0, progress=30.0, reboot=30.0, verify=30.0)
# Without the reboot pace a reconnect would take far longer than any test waits.
SLOW_BACKOFF = Backoff(initial=60.0, maximum=60.0, reboot=0.01)
# What one install may cost the outlet, available updates included.
MAX_REQUESTS = 6
MAX_STATUS_READS = 2


@pytest.fixture
def transport(device: SimulatedDevice) -> Transport:
    """Return the transport of the simulated hardware: revA WebSocket, revB TCP."""
    return Transport.TCP if device.is_revb else Transport.WEBSOCKET


@dataclass
class Watched:
    """One Firmware and every progress snapshot its listeners were shown, in order."""

    firmware: Firmware
    shown: Recorder[FirmwareProgress | None] = field(
        default_factory=Recorder[FirmwareProgress | None]
    )

    @property
    def snapshots(self) -> list[FirmwareProgress]:
        """Return the snapshots of a running install, None left out."""
        return [progress for progress in self.shown.values if progress is not None]

    @property
    def phases(self) -> list[OtaPhase]:
        """Return the phases shown, each run of repeats collapsed."""
        return [
            phase for phase, _ in itertools.groupby(s.phase for s in self.snapshots)
        ]

    async def wait_until(
        self, condition: Callable[[FirmwareProgress | None], bool]
    ) -> FirmwareProgress | None:
        """Wait until the listeners are shown a progress that satisfies condition."""
        async with asyncio.timeout(WAIT):
            while not any(condition(progress) for progress in self.shown.values):
                await self.shown.wait_for(len(self.shown.values) + 1)
        return next(p for p in self.shown.values if condition(p))

    async def wait_for_phase(self, phase: OtaPhase) -> FirmwareProgress | None:
        """Wait until the listeners have been shown a phase."""
        return await self.wait_until(lambda p: p is not None and p.phase is phase)

    async def wait_until_idle(self) -> None:
        """Wait until a progress was shown and then gone again."""
        await self.wait_until(lambda p: p is not None)
        async with asyncio.timeout(WAIT):
            while self.firmware.progress is not None:
                await self.shown.wait_for(len(self.shown.values) + 1)

    async def install(
        self,
        target: UpdateTarget,
        methods: Sequence[DecoUpdateMethod] = (WIFI,),
        component: FirmwareComponent | None = None,
    ) -> FirmwareStatus:
        """Install and wait for the end, however it ends (bounded)."""
        async with asyncio.timeout(WAIT):
            return await self.firmware.install(
                target, methods=methods, component=component
            )

    async def failure(
        self,
        target: UpdateTarget,
        methods: Sequence[DecoUpdateMethod] = (WIFI,),
        component: FirmwareComponent | None = None,
    ) -> FirmwareError:
        """Install, expecting a failure; return its reason."""
        with pytest.raises(InvisOutletUpdateError) as raised:
            await self.install(target, methods, component)
        return raised.value.reason


class WatchFactory(Protocol):
    """Build a watched Firmware of a client; it is closed at teardown."""

    def __call__(
        self, client: InvisOutlet, timeouts: OtaTimeouts = FAST_OTA
    ) -> Watched:
        """Return a Firmware whose every change is recorded."""


@pytest.fixture
async def watch() -> AsyncIterator[WatchFactory]:
    """Return a factory of watched Firmware objects, all closed at teardown."""
    made: list[Firmware] = []

    def factory(client: InvisOutlet, timeouts: OtaTimeouts = FAST_OTA) -> Watched:
        firmware = Firmware(client, timeouts=timeouts)
        made.append(firmware)
        watched = Watched(firmware)
        firmware.subscribe(lambda: watched.shown(firmware.progress))
        return watched

    yield factory
    for firmware in made:
        await firmware.close()


@pytest.fixture
def watched(client: InvisOutlet, watch: WatchFactory) -> Watched:
    """Return a watched Firmware of the connected client with fast time limits."""
    return watch(client)


def firmware_tasks() -> set[asyncio.Task[object]]:
    """Return the tasks that follow installs started elsewhere, still running."""
    return {
        task
        for task in asyncio.all_tasks()
        if task.get_name().endswith(" firmware") and not task.done()
    }


async def assert_idle(firmware: Firmware) -> None:
    """Check that a finished install leaves nothing running and nothing shown."""
    if tasks := firmware_tasks():
        # Following ends with one more read of available updates: let it finish.
        await asyncio.wait(tasks, timeout=WAIT)
    assert firmware_tasks() == set()
    assert not firmware.installing
    assert firmware.progress is None


def status_reads(simulator: InvisOutletSimulator) -> int:
    """Return how many times available updates were read."""
    return len(simulator.requests_for(CallbackName.FIRMWARE_STATUS))


# Successful installs ----------------------------------------------------------------


@with_device(hardware="A")
async def test_reva_outlet_install_returns_the_new_versions(
    watched: Watched, simulator: InvisOutletSimulator, links: Recorder[bool]
) -> None:
    """revA: 21 answered, web and firmware phases, restart, new versions confirmed."""
    final = await watched.install(OUTLET)

    assert (final.outlet_fw, final.www_fw) == ("1.3.0", "0.3.0")
    assert not final.offers(FW)
    assert not final.offers(WWW)
    assert watched.firmware.status == final
    assert simulator.requests_for(CallbackName.START_UPDATE)[0].args == [1, 0]
    assert links.values == [False, True]
    await assert_idle(watched.firmware)


async def test_revb_outlet_install_survives_the_restart_at_start(
    client: InvisOutlet,
    watched: Watched,
    simulator: InvisOutletSimulator,
    links: Recorder[bool],
) -> None:
    """revB: restart on 21, late 21 after the reconnect, phases, restart, success."""
    late_answers = Recorder[Message]()
    client._link.listen(CallbackName.START_UPDATE, late_answers)

    final = await watched.install(OUTLET)

    assert (final.outlet_fw, final.www_fw) == ("1.3.0", "0.3.0")
    assert [message.args for message in late_answers.values] == [[1, 1]]
    assert links.values == [False, True, False, True]
    assert simulator.accepted_count == 3
    first_step = next(i for i, s in enumerate(watched.snapshots) if s.step is not None)
    assert OtaPhase.REBOOTING in [s.phase for s in watched.snapshots[:first_step]]
    assert (await client.outlet_info()).outlet.fw_rev == "1.3.0"
    await assert_idle(watched.firmware)


@with_device(hardware="A")
async def test_outlet_install_hands_the_usual_backoff_back(
    make_client: ClientFactory, watch: WatchFactory, simulator: InvisOutletSimulator
) -> None:
    """Restarts are retried at the reboot pace during the install, not after it."""
    client = make_client(backoff=SLOW_BACKOFF)
    links = Recorder[bool]()
    client.subscribe_link(links)
    await client.connect()
    await watch(client).install(OUTLET)
    assert links.values == [True, False, True]

    await simulator.drop_connections()
    await links.wait_for(4)
    await asyncio.sleep(SHORT_TIMEOUT)

    assert links.values == [True, False, True, False]


@with_device(hardware="A", outlet_fw_available="1.2.0")
async def test_web_interface_only_install_succeeds(watched: Watched) -> None:
    """Only the web interface is outdated: its phase alone runs and is confirmed."""
    final = await watched.install(OUTLET)

    assert {s.step for s in watched.snapshots} == {None, WWW}
    assert all(s.components == {WWW} for s in watched.snapshots)
    assert (final.outlet_fw, final.www_fw) == ("1.2.0", "0.3.0")


async def test_deco_install_over_wifi_succeeds(
    watched: Watched, simulator: InvisOutletSimulator, links: Recorder[bool]
) -> None:
    """InvisDeco over its Wi-Fi: the outlet link stays up, the new version shows."""
    final = await watched.install(DECO, (WIFI,))

    assert final.deco_fw == "0.5.1"
    assert [r.args for r in simulator.requests_for(CallbackName.START_UPDATE)] == [
        [2, 0]
    ]
    assert links.values == []
    await assert_idle(watched.firmware)


async def test_deco_install_via_the_outlet_alone(
    watched: Watched, simulator: InvisOutletSimulator
) -> None:
    """Asked for the relay through the outlet only, that is the one method sent."""
    final = await watched.install(DECO, (VIA_OUTLET,))

    assert final.deco_fw == "0.5.1"
    assert [r.args for r in simulator.requests_for(CallbackName.START_UPDATE)] == [
        [2, 1]
    ]


@with_faults(ota_failure=OtaFailure.WIFI_FAILS)
async def test_deco_install_falls_back_to_the_outlet_when_wifi_fails(
    watched: Watched, simulator: InvisOutletSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Wi-Fi fails, the relay through the outlet then installs: one install, success."""
    final = await watched.install(DECO, BOTH_METHODS)

    assert final.deco_fw == "0.5.1"
    assert [r.args for r in simulator.requests_for(CallbackName.START_UPDATE)] == [
        [2, 0],
        [2, 1],
    ]
    assert (
        "Installing the InvisDeco firmware over its own Wi-Fi failed (failed); "
        "trying the next method, via the outlet"
    ) in caplog.text


@pytest.mark.parametrize(
    ("failure", "last_reason"),
    [
        (OtaFailure.START_REJECTED, FirmwareError.START_REJECTED),
        (OtaFailure.DOWNLOAD_FAILED, FirmwareError.FAILED),
        # The stalled download still holds the device: it refuses the relay.
        (OtaFailure.STALL, FirmwareError.START_REJECTED),
    ],
)
async def test_deco_install_tries_every_method_on_failures_another_may_cure(
    watch: WatchFactory,
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    faults: Faults,
    *,
    failure: OtaFailure,
    last_reason: FirmwareError,
) -> None:
    """Rejected, failed or stalled: the next method is tried; the last reason stands."""
    faults.ota_failure = failure
    watched = watch(client, FAIL_FAST)

    assert await watched.failure(DECO, BOTH_METHODS) is last_reason

    assert [r.args for r in simulator.requests_for(CallbackName.START_UPDATE)] == [
        [2, 0],
        [2, 1],
    ]
    await assert_idle(watched.firmware)


@with_faults(ota_failure=OtaFailure.NOT_BACK)
async def test_deco_install_does_not_retry_an_invisdeco_that_stays_away(
    watch: WatchFactory, client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """Another delivery method cannot bring an InvisDeco back: one attempt only."""
    watched = watch(client, FAIL_FAST)

    assert await watched.failure(DECO, BOTH_METHODS) is FirmwareError.DEVICE_NOT_BACK

    assert len(simulator.requests_for(CallbackName.START_UPDATE)) == 1


@with_device(hardware="A")
@with_faults(ota_failure=OtaFailure.START_REJECTED)
async def test_outlet_install_ignores_the_invisdeco_methods(
    watch: WatchFactory, client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """The outlet has one way to install: methods apply to the InvisDeco only."""
    watched = watch(client, FAIL_FAST)

    assert await watched.failure(OUTLET, BOTH_METHODS) is FirmwareError.START_REJECTED

    assert [r.args for r in simulator.requests_for(CallbackName.START_UPDATE)] == [
        [1, 0]
    ]


async def test_deco_install_is_confirmed_by_device_information_alone(
    make_client: ClientFactory,
    watch: WatchFactory,
    simulator: InvisOutletSimulator,
    faults: Faults,
) -> None:
    """Available updates unanswered after the start: 12 confirms the InvisDeco."""
    client = make_client(request_timeout=SHORT_TIMEOUT)
    await client.connect()
    watched = watch(client)
    installing = asyncio.create_task(watched.install(DECO))
    await simulator.wait_for_request(CallbackName.START_UPDATE)
    faults.silent_callbacks.add(CallbackName.FIRMWARE_STATUS)

    final = await installing

    assert final.deco_fw == "0.5.0"  # the last answer there was: the one before
    assert (await client.outlet_info()).deco is not None
    assert simulator.device.deco_fw == "0.5.1"
    await assert_idle(watched.firmware)


# How much an install costs the outlet -------------------------------------------------


@pytest.mark.parametrize(
    "device",
    [
        pytest.param(SimulatedDevice(hardware="A"), id="revA"),
        pytest.param(SimulatedDevice(hardware="B"), id="revB"),
    ],
    indirect=True,
)
async def test_outlet_install_costs_few_requests(
    watched: Watched, simulator: InvisOutletSimulator
) -> None:
    """At most six requests in all, and available updates read at most twice."""
    before = len(simulator.requests)

    await watched.install(OUTLET)

    assert len(simulator.requests) - before <= MAX_REQUESTS
    assert status_reads(simulator) <= MAX_STATUS_READS


async def test_deco_install_reads_available_updates_at_most_twice(
    watched: Watched, simulator: InvisOutletSimulator
) -> None:
    """Device information carries the InvisDeco version: 20 is not polled."""
    await watched.install(DECO)

    assert status_reads(simulator) <= MAX_STATUS_READS


# Failures -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("device", "faults", "target", "reason"),
    [
        pytest.param(
            SimulatedDevice(hardware="A"),
            Faults(ota_failure=OtaFailure.START_REJECTED),
            OUTLET,
            FirmwareError.START_REJECTED,
            id="outlet start rejected",
        ),
        pytest.param(
            SimulatedDevice(),
            Faults(ota_failure=OtaFailure.START_REJECTED),
            DECO,
            FirmwareError.START_REJECTED,
            id="deco start rejected",
        ),
        pytest.param(
            SimulatedDevice(),
            Faults(ota_failure=OtaFailure.LATE_REJECTED),
            OUTLET,
            FirmwareError.FAILED,
            id="revB late 21 [1,0]",
        ),
        pytest.param(
            SimulatedDevice(hardware="A"),
            Faults(ota_failure=OtaFailure.DOWNLOAD_FAILED),
            OUTLET,
            FirmwareError.FAILED,
            id="outlet download failed",
        ),
        pytest.param(
            SimulatedDevice(),
            Faults(ota_failure=OtaFailure.DOWNLOAD_FAILED),
            DECO,
            FirmwareError.FAILED,
            id="deco download failed",
        ),
        pytest.param(
            SimulatedDevice(hardware="A"),
            Faults(ota_failure=OtaFailure.WIFI_FAILS),
            DECO,
            FirmwareError.FAILED,
            id="deco wifi fails",
        ),
        pytest.param(
            SimulatedDevice(hardware="A"),
            Faults(ota_failure=OtaFailure.STALL),
            OUTLET,
            FirmwareError.STALLED,
            id="outlet stall",
        ),
        pytest.param(
            SimulatedDevice(),
            Faults(ota_failure=OtaFailure.STALL),
            DECO,
            FirmwareError.STALLED,
            id="deco stall",
        ),
        pytest.param(
            SimulatedDevice(),
            Faults(ota_failure=OtaFailure.SILENT),
            OUTLET,
            FirmwareError.STALLED,
            id="revB silent after restart",
        ),
        pytest.param(
            SimulatedDevice(hardware="A"),
            Faults(ota_failure=OtaFailure.NOT_BACK),
            OUTLET,
            FirmwareError.DEVICE_NOT_BACK,
            id="outlet not back",
        ),
        pytest.param(
            SimulatedDevice(),
            Faults(ota_failure=OtaFailure.NOT_BACK),
            DECO,
            FirmwareError.DEVICE_NOT_BACK,
            id="deco not back",
        ),
        pytest.param(
            SimulatedDevice(),
            Faults(ota_failure=OtaFailure.VERSION_UNCHANGED),
            OUTLET,
            FirmwareError.VERSION_UNCHANGED,
            id="revB outlet version unchanged",
        ),
        pytest.param(
            SimulatedDevice(hardware="A"),
            Faults(ota_failure=OtaFailure.VERSION_UNCHANGED),
            DECO,
            FirmwareError.VERSION_UNCHANGED,
            id="deco version unchanged",
        ),
    ],
    indirect=["device", "faults"],
)
async def test_failure_is_raised_with_its_reason(
    watch: WatchFactory,
    client: InvisOutlet,
    target: UpdateTarget,
    reason: FirmwareError,
) -> None:
    """Each way the device fails an install ends install() with its own reason."""
    watched = watch(client, FAIL_FAST)

    assert await watched.failure(target) is reason

    assert watched.snapshots
    await assert_idle(watched.firmware)


@pytest.mark.parametrize(
    ("device", "faults", "target", "reason"),
    [
        pytest.param(
            SimulatedDevice(hardware="A"),
            Faults(ota_failure=OtaFailure.DIFFERENT_DEVICE),
            OUTLET,
            FirmwareError.DIFFERENT_DEVICE,
            id="another outlet",
        ),
        pytest.param(
            SimulatedDevice(),
            Faults(ota_failure=OtaFailure.DIFFERENT_DECO),
            DECO,
            FirmwareError.DIFFERENT_DECO,
            id="another invisdeco",
        ),
    ],
    indirect=["device", "faults"],
)
async def test_another_device_after_the_restart_is_named_as_such(
    watch: WatchFactory,
    client: InvisOutlet,
    target: UpdateTarget,
    reason: FirmwareError,
) -> None:
    """A module back with another serial is not the one updated: which one, said."""
    watched = watch(client, FAIL_FAST)

    assert await watched.failure(target) is reason


@with_device(hardware="A", outlet_fw_available="1.2.0")
async def test_web_interface_unconfirmed_without_available_updates(
    make_client: ClientFactory,
    watch: WatchFactory,
    simulator: InvisOutletSimulator,
    faults: Faults,
) -> None:
    """Only available updates carry the web interface: unanswered, it stays unproven."""
    client = make_client(request_timeout=SHORT_TIMEOUT)
    await client.connect()
    watched = watch(client, FAIL_FAST)
    installing = asyncio.create_task(watched.failure(OUTLET))
    await simulator.wait_for_request(CallbackName.START_UPDATE)
    faults.silent_callbacks.add(CallbackName.FIRMWARE_STATUS)

    assert await installing is FirmwareError.VERSION_UNCHANGED
    assert simulator.device.www_fw == "0.3.0"


@with_faults(ota_failure=OtaFailure.STALL)
async def test_stall_is_reported_when_version_reads_go_unanswered(
    make_client: ClientFactory,
    watch: WatchFactory,
    simulator: InvisOutletSimulator,
    faults: Faults,
) -> None:
    """A stalled device that no longer answers 12 or 20 still ends as stalled."""
    client = make_client(request_timeout=SHORT_TIMEOUT)
    await client.connect()
    watched = watch(client, FAIL_FAST)
    installing = asyncio.create_task(watched.failure(DECO))
    await simulator.wait_for_request(CallbackName.START_UPDATE)
    faults.silent_callbacks |= {CallbackName.OUTLET_INFO, CallbackName.FIRMWARE_STATUS}

    assert await installing is FirmwareError.STALLED


# Only the verification limit is short: the total limit is minutes away.
VERIFY_ONLY = OtaTimeouts(
    start=30.0, progress=30.0, reboot=30.0, verify=1.5, poll_interval=0.05
)


@pytest.mark.parametrize(
    "device",
    [
        pytest.param(SimulatedDevice(hardware="A"), id="revA websocket"),
        pytest.param(SimulatedDevice(hardware="B"), id="revB tcp"),
    ],
    indirect=True,
)
async def test_outlet_silent_after_its_restart_fails_within_the_verification_limit(
    make_client: ClientFactory, watch: WatchFactory, faults: Faults
) -> None:
    """Reopening a link that answers nothing never restarts the verification clock.

    Each unanswered read of device information drops the link and the reconnect
    returns to verifying: that return resumes the clock the first one started.
    """
    client = make_client(request_timeout=SHORT_TIMEOUT)
    await client.connect()
    watched = watch(client, VERIFY_ONLY)
    installing = asyncio.create_task(watched.firmware.install(OUTLET))
    # Progress comes after revB's restart at 21: only the restart at the end is hung.
    await watched.wait_until(lambda p: p is not None and p.step is not None)
    faults.silent_after_boot = True

    # Far below the total limit, which alone would end an install whose
    # verification restarted on every reconnect.
    async with asyncio.timeout(WAIT + VERIFY_ONLY.verify):
        with pytest.raises(InvisOutletUpdateError) as raised:
            await installing

    assert raised.value.reason is FirmwareError.VERSION_UNCHANGED
    # Verifying was resumed after a reconnect at least once (no stall check ran).
    assert watched.phases.count(OtaPhase.VERIFYING) >= 2


# Only the start limit is short: the total limit is minutes away.
START_ONLY = OtaTimeouts(
    start=1.5, progress=30.0, reboot=30.0, verify=30.0, poll_interval=0.05
)


@with_faults(silent_after_boot=True)
async def test_revb_silent_after_its_restart_at_start_fails_within_the_start_limit(
    make_client: ClientFactory, watch: WatchFactory
) -> None:
    """Reopening a link that answers nothing never restarts the start clock."""
    client = make_client(request_timeout=SHORT_TIMEOUT)
    await client.connect()
    watched = watch(client, START_ONLY)

    # Far below the total limit, which alone would end an install whose start
    # clock restarted on every reconnect.
    async with asyncio.timeout(WAIT + START_ONLY.start):
        with pytest.raises(InvisOutletUpdateError) as raised:
            await watched.firmware.install(OUTLET)

    assert raised.value.reason is FirmwareError.STALLED
    # The link was reopened after the first return at least once.
    assert watched.phases.count(OtaPhase.REBOOTING) >= 2


@pytest.mark.parametrize(
    ("device", "target"),
    [
        pytest.param(
            SimulatedDevice(outlet_fw_available="1.2.0", www_fw_available="0.1.2"),
            OUTLET,
            id="outlet current",
        ),
        pytest.param(
            SimulatedDevice(deco_fw_available="0.5.0"), DECO, id="invisdeco current"
        ),
        pytest.param(SimulatedDevice(deco_attached=False), DECO, id="no invisdeco"),
    ],
    indirect=["device"],
)
async def test_nothing_newer_is_refused_as_no_update(
    watched: Watched, simulator: InvisOutletSimulator, target: UpdateTarget
) -> None:
    """Nothing newer offered: refused before anything is started."""
    assert await watched.failure(target) is FirmwareError.NO_UPDATE

    assert simulator.requests_for(CallbackName.START_UPDATE) == []
    assert watched.firmware.status is not None
    await assert_idle(watched.firmware)


@pytest.mark.parametrize(
    ("device", "target"),
    [
        pytest.param(
            SimulatedDevice(outlet_fw_available="1.1.9", www_fw_available="0.1.2"),
            OUTLET,
            id="older outlet firmware",
        ),
        pytest.param(
            SimulatedDevice(outlet_fw_available="1.2.0", www_fw_available="0.0.9"),
            OUTLET,
            id="older web interface",
        ),
        pytest.param(
            SimulatedDevice(deco_fw_available="0.4.10"), DECO, id="older invisdeco"
        ),
        # One outlet install puts on every outlet component that differs, so an older
        # one beside a newer one would be installed too.
        pytest.param(
            SimulatedDevice(outlet_fw_available="1.1.0", www_fw_available="0.3.0"),
            OUTLET,
            id="older outlet firmware beside a newer web interface",
        ),
        pytest.param(
            SimulatedDevice(outlet_fw_available="1.3.0", www_fw_available="0.1.1"),
            OUTLET,
            id="older web interface beside newer outlet firmware",
        ),
    ],
    indirect=["device"],
)
async def test_an_older_version_offered_is_refused_as_a_downgrade(
    watched: Watched, simulator: InvisOutletSimulator, target: UpdateTarget
) -> None:
    """The device offers an older version: never installed, refused as a downgrade."""
    assert await watched.failure(target) is FirmwareError.DOWNGRADE

    assert simulator.requests_for(CallbackName.START_UPDATE) == []
    assert watched.snapshots == []


async def test_install_while_disconnected_fails_with_a_connection_error(
    watched: Watched, simulator: InvisOutletSimulator, links: Recorder[bool]
) -> None:
    """Without a link the available updates cannot be read: a connection error."""
    await simulator.set_refusing(True)
    await links.wait_for(1)

    with pytest.raises(InvisOutletConnectionError):
        await watched.install(OUTLET)

    await assert_idle(watched.firmware)


# What the listeners are shown ---------------------------------------------------------


@with_device(hardware="A")
async def test_listeners_see_the_phases_in_order(
    client: InvisOutlet, watch: WatchFactory
) -> None:
    """Starting, downloading, restarting, verifying, succeeded; then no install."""
    slow_polls = OtaTimeouts(
        start=1.0, progress=0.5, reboot=2.0, verify=1.0, poll_interval=0.5
    )
    watched = watch(client, slow_polls)

    await watched.install(OUTLET)

    assert watched.phases == [
        OtaPhase.STARTING,
        OtaPhase.DOWNLOADING,
        OtaPhase.REBOOTING,
        OtaPhase.VERIFYING,
        # Shown until the available updates it changed have been read.
        OtaPhase.SUCCEEDED,
    ]
    assert watched.shown.values[-1] is None


@with_device(hardware="A")
async def test_progress_is_one_bar_that_never_goes_back(
    watched: Watched,
) -> None:
    """Web interface in the first half, firmware in the second; no percentage else."""
    await watched.install(OUTLET)

    snapshots = watched.snapshots
    steps = [step for step, _ in itertools.groupby(s.step for s in snapshots if s.step)]
    assert steps == [WWW, FW]
    percents = [s.percent for s in snapshots if s.percent is not None]
    assert percents == sorted(percents)
    assert max(s.percent or 0 for s in snapshots if s.step is WWW) == 50
    assert percents[-1] == 100
    assert all(
        s.percent is None for s in snapshots if s.phase is not OtaPhase.DOWNLOADING
    )


async def test_progress_describes_the_install(
    watched: Watched, simulator: InvisOutletSimulator
) -> None:
    """A snapshot names target, components, baseline; ours is not external."""
    await watched.install(DECO)

    first = watched.snapshots[0]
    assert first.target is DECO
    assert first.components == {DECO_FW}
    assert first.covers(DECO_FW)
    assert not first.covers(FW)
    assert first.baseline.deco_fw == "0.5.0"
    assert not first.external
    with pytest.raises(FrozenInstanceError):
        first.percent = 5  # type: ignore[misc]


async def test_progress_is_shown_while_installing(
    watch: WatchFactory, client: InvisOutlet, faults: Faults
) -> None:
    """During an install, progress and installing say so."""
    faults.ota_failure = OtaFailure.SILENT
    watched = watch(client, LONG)
    installing = asyncio.create_task(watched.install(DECO))

    await watched.wait_for_phase(OtaPhase.DOWNLOADING)

    assert watched.firmware.installing
    assert watched.firmware.progress is not None
    assert watched.firmware.progress.phase is OtaPhase.DOWNLOADING
    await watched.firmware.close()
    with pytest.raises(InvisOutletUpdateError):
        await installing


@with_faults(ota_failure=OtaFailure.SILENT)
async def test_malformed_progress_is_skipped_and_changes_nothing(
    watch: WatchFactory,
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 22 whose arguments cannot be read is logged; the next good one is shown."""
    watched = watch(client, LONG)
    installing = asyncio.create_task(watched.install(DECO))
    before = await watched.wait_for_phase(OtaPhase.DOWNLOADING)

    await simulator.push(CallbackName.UPDATE_PROGRESS, "x")
    await simulator.push(CallbackName.UPDATE_PROGRESS, [2, 40])
    shown = await watched.wait_until(lambda p: p is not None and p.percent == 40)

    assert before is not None
    assert shown is not None
    assert "(malformed callback 22)" in caplog.text
    await watched.firmware.close()
    with pytest.raises(InvisOutletUpdateError):
        await installing


@with_faults(ota_failure=OtaFailure.SILENT)
async def test_start_answer_without_arguments_is_no_late_answer(
    watch: WatchFactory, client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """A stray 21 reply without arguments neither confirms nor fails an install."""
    watched = watch(client, LONG)
    installing = asyncio.create_task(watched.install(DECO))
    await watched.wait_for_phase(OtaPhase.DOWNLOADING)
    stray = Recorder[Message]()
    client._link.listen(CallbackName.START_UPDATE, stray)

    await simulator.send_raw(envelope(424242, puback=1, callback_name=21, args=None))
    await stray.wait_for(1)
    await client.outlet_info()

    assert watched.firmware.progress is not None
    assert watched.firmware.progress.phase is OtaPhase.DOWNLOADING
    await watched.firmware.close()
    with pytest.raises(InvisOutletUpdateError):
        await installing


async def test_unsubscribed_listener_is_not_called(
    watched: Watched, client: InvisOutlet
) -> None:
    """After unsubscribing, a listener hears nothing more."""
    gone = Recorder[None]()
    watched.firmware.subscribe(lambda: gone(None))()

    await watched.install(DECO)

    assert gone.values == []
    assert watched.shown.values


def test_unsubscribing_twice_is_harmless() -> None:
    """As with the client's subscriptions, a second unsubscribe does nothing."""
    unsubscribe = Firmware(InvisOutlet(host=HOST)).subscribe(lambda: None)
    unsubscribe()

    unsubscribe()


async def test_failing_listener_is_logged_and_the_install_goes_on(
    watched: Watched, caplog: pytest.LogCaptureFixture
) -> None:
    """A listener that raises does not stop the install nor the other listeners."""

    def broken() -> None:
        raise RuntimeError("listener bug")

    watched.firmware.subscribe(broken)

    final = await watched.install(DECO)

    assert final.deco_fw == "0.5.1"
    assert "Firmware listener failed" in caplog.text


# Available updates -------------------------------------------------------------------


async def test_available_reads_and_keeps_the_versions(
    watched: Watched, simulator: InvisOutletSimulator
) -> None:
    """available() returns what is offered and keeps it in status."""
    status = await watched.firmware.available()

    assert status.offers(FW)
    assert status.deco_fw_available == "0.5.1"
    assert watched.firmware.status == status
    assert status_reads(simulator) == 1


async def test_available_tells_the_listeners_only_of_news(
    watched: Watched, simulator: InvisOutletSimulator
) -> None:
    """The same answer twice notifies once; a changed one notifies again."""
    await watched.firmware.available()
    await watched.firmware.available()
    assert len(watched.shown.values) == 1

    simulator.device.deco_fw_available = "0.6.0"
    await watched.firmware.available()

    assert len(watched.shown.values) == 2


def test_firmware_without_a_reading_knows_nothing() -> None:
    """A new Firmware has no status, no progress and installs nothing."""
    firmware = Firmware(InvisOutlet(host=HOST))

    assert firmware.status is None
    assert firmware.progress is None
    assert not firmware.installing


# Installs started elsewhere -----------------------------------------------------------


@pytest.mark.parametrize(
    ("device", "target"),
    [
        pytest.param(SimulatedDevice(hardware="A"), DECO, id="deco"),
        pytest.param(SimulatedDevice(hardware="A"), OUTLET, id="revA outlet"),
        pytest.param(SimulatedDevice(), OUTLET, id="revB outlet"),
    ],
    indirect=["device"],
)
async def test_an_install_started_elsewhere_is_followed_to_its_end(
    watched: Watched, simulator: InvisOutletSimulator, target: UpdateTarget
) -> None:
    """After start(), the vendor app's install is shown, then the new versions read."""
    await watched.firmware.available()
    watched.firmware.start()

    await simulator.start_external_ota(target)
    await watched.wait_until_idle()

    assert all(s.external and s.target is target for s in watched.snapshots)
    assert simulator.requests_for(CallbackName.START_UPDATE) == []
    async with asyncio.timeout(WAIT):
        while (status := watched.firmware.status) is None or status.offers(
            FW if target is OUTLET else DECO_FW
        ):
            await watched.shown.wait_for(len(watched.shown.values) + 1)
    await assert_idle(watched.firmware)


@with_faults(ota_failure=OtaFailure.DOWNLOAD_FAILED)
async def test_a_failing_install_started_elsewhere_ends_quietly(
    watched: Watched, simulator: InvisOutletSimulator
) -> None:
    """An install the vendor app started that fails just stops being shown."""
    await watched.firmware.available()
    watched.firmware.start()

    await simulator.start_external_ota(DECO)
    await watched.wait_until_idle()

    await assert_idle(watched.firmware)


async def test_nothing_is_followed_before_a_first_reading(
    watched: Watched, client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """Without a first available(), an install elsewhere has no baseline: not shown."""
    seen = Recorder[Message]()
    client._link.listen(CallbackName.UPDATE_PROGRESS, seen)
    watched.firmware.start()

    await simulator.start_external_ota(DECO)
    await seen.wait_for(1)
    await simulator.wait_ota_done()

    assert watched.snapshots == []


async def test_nothing_is_followed_without_start(
    watched: Watched, client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """Installs elsewhere are only followed once start() was called."""
    seen = Recorder[Message]()
    client._link.listen(CallbackName.UPDATE_PROGRESS, seen)
    await watched.firmware.available()

    await simulator.start_external_ota(DECO)
    await seen.wait_for(1)
    await simulator.wait_ota_done()

    assert watched.snapshots == []


async def test_progress_of_an_unknown_component_is_not_followed(
    watched: Watched, simulator: InvisOutletSimulator
) -> None:
    """A 22 of a type no target has is ignored."""
    await watched.firmware.available()
    watched.firmware.start()

    await simulator.push(CallbackName.UPDATE_PROGRESS, [9, 10])
    await watched.firmware.available()

    assert watched.snapshots == []


async def test_start_twice_follows_once(
    watched: Watched, simulator: InvisOutletSimulator
) -> None:
    """start() on a Firmware that already follows changes nothing."""
    await watched.firmware.available()
    watched.firmware.start()
    watched.firmware.start()

    await simulator.start_external_ota(DECO)
    await watched.wait_until_idle()

    await assert_idle(watched.firmware)


async def test_install_is_refused_while_one_started_elsewhere_runs(
    watch: WatchFactory, client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """An install elsewhere in progress: a new one is refused at once."""
    watched = watch(client, LONG)
    simulator.faults.ota_failure = OtaFailure.SILENT
    await watched.firmware.available()
    watched.firmware.start()
    await simulator.push(CallbackName.UPDATE_PROGRESS, [2, 10])
    await watched.wait_for_phase(OtaPhase.DOWNLOADING)
    before = len(simulator.requests)

    with pytest.raises(InvisOutletUpdateError) as raised:
        await watched.install(DECO)

    assert raised.value.reason is FirmwareError.IN_PROGRESS
    assert len(simulator.requests) == before


# Stopping ----------------------------------------------------------------------------


@with_faults(ota_failure=OtaFailure.SILENT)
async def test_close_makes_install_raise_interrupted(
    watch: WatchFactory, client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """close() ends a running install at once with the reason interrupted."""
    watched = watch(client, LONG)
    installing = asyncio.create_task(watched.install(DECO))
    await watched.wait_for_phase(OtaPhase.DOWNLOADING)
    reads = status_reads(simulator)

    await watched.firmware.close()

    with pytest.raises(InvisOutletUpdateError) as raised:
        async with asyncio.timeout(WAIT):
            await installing
    assert raised.value.reason is FirmwareError.INTERRUPTED
    assert status_reads(simulator) == reads
    await assert_idle(watched.firmware)


async def test_close_ends_following_quietly(
    watch: WatchFactory, client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """close() stops following an install elsewhere at once, without raising."""
    watched = watch(client, LONG)
    await watched.firmware.available()
    watched.firmware.start()
    await simulator.push(CallbackName.UPDATE_PROGRESS, [2, 10])
    await watched.wait_for_phase(OtaPhase.DOWNLOADING)

    async with asyncio.timeout(WAIT):
        await watched.firmware.close()

    await assert_idle(watched.firmware)


async def test_close_stops_following_installs_elsewhere(
    watched: Watched, simulator: InvisOutletSimulator
) -> None:
    """After close(), pushes of an install elsewhere are not followed any more."""
    await watched.firmware.available()
    watched.firmware.start()

    await watched.firmware.close()
    await simulator.push(CallbackName.UPDATE_PROGRESS, [2, 10])
    await watched.firmware.available()

    assert watched.snapshots == []


@with_device(hardware="A")
@with_faults(ota_failure=OtaFailure.SILENT)
async def test_close_during_a_version_read_ends_install_promptly(
    make_client: ClientFactory,
    watch: WatchFactory,
    simulator: InvisOutletSimulator,
    faults: Faults,
) -> None:
    """close() while versions are being read ends install() once the read is over."""
    client = make_client(request_timeout=SHORT_TIMEOUT)
    await client.connect()
    # No progress ever comes: after 0.1 s the stall check reads 12, left unanswered.
    timeouts = OtaTimeouts(start=0.1, progress=0.1, reboot=5, verify=5, poll_interval=2)
    watched = watch(client, timeouts)
    faults.silent_callbacks.add(CallbackName.OUTLET_INFO)
    installing = asyncio.create_task(watched.install(DECO))
    await simulator.wait_for_request(CallbackName.OUTLET_INFO)

    await watched.firmware.close()

    with pytest.raises(InvisOutletUpdateError) as raised:
        async with asyncio.timeout(WAIT):
            await installing
    assert raised.value.reason is FirmwareError.INTERRUPTED


async def test_close_while_available_updates_are_read_starts_nothing(
    watch: WatchFactory,
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    faults: Faults,
) -> None:
    """Closed before the install began: it is interrupted, the outlet never asked."""
    watched = watch(client, LONG)
    faults.silent_callbacks.add(CallbackName.FIRMWARE_STATUS)
    installing = asyncio.create_task(watched.install(DECO))
    request = await simulator.wait_for_request(CallbackName.FIRMWARE_STATUS)
    assert request.packet_id is not None

    await watched.firmware.close()
    await simulator.send_raw(
        envelope(
            request.packet_id,
            puback=1,
            callback_name=CallbackName.FIRMWARE_STATUS,
            args=simulator.device.available_updates(),
        )
    )

    with pytest.raises(InvisOutletUpdateError) as raised:
        async with asyncio.timeout(WAIT):
            await installing
    assert raised.value.reason is FirmwareError.INTERRUPTED
    assert simulator.requests_for(CallbackName.START_UPDATE) == []


@with_faults(ota_failure=OtaFailure.SILENT)
async def test_same_component_twice_is_refused_at_once(
    watch: WatchFactory, client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """While a component's install runs, asking for it again fails at once."""
    watched = watch(client, LONG)
    installing = asyncio.create_task(watched.install(DECO, component=DECO_FW))
    await watched.wait_for_phase(OtaPhase.DOWNLOADING)
    before = len(simulator.requests)

    with pytest.raises(InvisOutletUpdateError) as raised:
        async with asyncio.timeout(WAIT):
            await watched.firmware.install(DECO, component=DECO_FW)

    assert raised.value.reason is FirmwareError.IN_PROGRESS
    assert len(simulator.requests) == before
    await watched.firmware.close()
    with pytest.raises(InvisOutletUpdateError):
        await installing


async def test_install_is_refused_at_once_while_available_updates_are_read(
    watched: Watched, simulator: InvisOutletSimulator, faults: Faults
) -> None:
    """The first step of an install already counts: a second is refused."""
    faults.silent_callbacks.add(CallbackName.FIRMWARE_STATUS)
    first = asyncio.create_task(watched.install(DECO))
    await simulator.wait_for_request(CallbackName.FIRMWARE_STATUS)

    with pytest.raises(InvisOutletUpdateError) as raised:
        await watched.firmware.install(DECO)

    assert raised.value.reason is FirmwareError.IN_PROGRESS
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first


def test_a_component_of_another_target_is_a_programming_error() -> None:
    """Asking the outlet's install for the InvisDeco's firmware raises ValueError."""
    firmware = Firmware(InvisOutlet(host=HOST))

    with pytest.raises(ValueError, match="DECO_FIRMWARE"):
        asyncio.run(firmware.install(OUTLET, component=DECO_FW))


# Installs asked together ("Update all") ----------------------------------------------


def shown_for(firmware: Firmware, component: FirmwareComponent) -> Recorder[str]:
    """Record what the listeners are shown of one component: queued, running, idle."""
    shown = Recorder[str]()

    def record() -> None:
        progress = firmware.progress
        if component in firmware.queued:
            state = "queued"
        elif progress is not None and progress.covers(component):
            state = "running"
        else:
            state = "idle"
        if not shown.values or shown.values[-1] != state:
            shown(state)

    firmware.subscribe(record)
    return shown


def started_targets(simulator: InvisOutletSimulator) -> list[list[int] | None]:
    """Return the install requests the outlet received, in order."""
    return [r.args for r in simulator.requests_for(CallbackName.START_UPDATE)]


@with_device(hardware="A")
async def test_web_interface_install_joins_a_running_outlet_install(
    watched: Watched, simulator: InvisOutletSimulator
) -> None:
    """The web interface rides with the outlet firmware: it ends with that install."""
    firmware_install = asyncio.create_task(watched.install(OUTLET, component=FW))
    await watched.wait_for_phase(OtaPhase.DOWNLOADING)

    web = await watched.install(OUTLET, component=WWW)

    assert await firmware_install == web
    assert (web.outlet_fw, web.www_fw) == ("1.3.0", "0.3.0")
    assert started_targets(simulator) == [[1, 0]]
    await assert_idle(watched.firmware)


async def test_update_all_installs_the_outlet_then_the_invisdeco(
    watched: Watched, simulator: InvisOutletSimulator
) -> None:
    """Asked at once: the outlet's two components share one install, then the deco's."""
    firmware, web, deco = await asyncio.gather(
        watched.install(OUTLET, component=FW),
        watched.install(OUTLET, component=WWW),
        watched.install(DECO, component=DECO_FW),
    )

    assert firmware == web
    assert (web.outlet_fw, web.www_fw) == ("1.3.0", "0.3.0")
    assert (deco.outlet_fw, deco.www_fw, deco.deco_fw) == ("1.3.0", "0.3.0", "0.5.1")
    assert started_targets(simulator) == [[1, 0], [2, 0]]
    await assert_idle(watched.firmware)


async def test_invisdeco_install_waits_behind_an_outlet_install_and_then_runs(
    watched: Watched, simulator: InvisOutletSimulator
) -> None:
    """Asked during the outlet's install, the InvisDeco's runs once that one ended."""
    outlet = asyncio.create_task(watched.install(OUTLET))
    await watched.wait_for_phase(OtaPhase.DOWNLOADING)

    deco = await watched.install(DECO)

    assert (await outlet).outlet_fw == "1.3.0"
    assert deco.deco_fw == "0.5.1"
    targets = [
        target for target, _ in itertools.groupby(s.target for s in watched.snapshots)
    ]
    assert targets == [OUTLET, DECO]
    assert started_targets(simulator) == [[1, 0], [2, 0]]


async def test_waiting_install_is_shown_queued_until_its_own_begins(
    watched: Watched,
) -> None:
    """The InvisDeco shows queued (no bar of its own) and then its install, no gap."""
    shown = shown_for(watched.firmware, DECO_FW)

    await asyncio.gather(watched.install(OUTLET), watched.install(DECO))

    assert shown.values == ["queued", "running", "idle"]


async def test_install_asked_first_is_not_shown_queued(watched: Watched) -> None:
    """An install nothing runs before shows its own progress, never a queue."""
    shown = shown_for(watched.firmware, DECO_FW)

    await watched.install(DECO)

    # Idle while the available updates are read, then the install itself.
    assert shown.values == ["idle", "running", "idle"]


@with_faults(ota_failure=OtaFailure.WIFI_FAILS)
async def test_queued_install_runs_after_its_predecessor_fails(
    watched: Watched, simulator: InvisOutletSimulator
) -> None:
    """The InvisDeco's install fails; the outlet's, waiting behind it, still runs."""
    deco, outlet = await asyncio.gather(
        watched.failure(DECO, (WIFI,)), watched.install(OUTLET)
    )

    assert deco is FirmwareError.FAILED
    assert outlet.outlet_fw == "1.3.0"
    assert started_targets(simulator) == [[2, 0], [1, 0]]


@with_faults(ota_failure=OtaFailure.DOWNLOAD_FAILED)
async def test_joined_install_shares_the_failure(
    watched: Watched, simulator: InvisOutletSimulator
) -> None:
    """The web interface joined the outlet's install: it fails with it, and why."""
    firmware, web = await asyncio.gather(
        watched.failure(OUTLET, component=FW), watched.failure(OUTLET, component=WWW)
    )

    assert firmware is web is FirmwareError.FAILED
    assert started_targets(simulator) == [[1, 0]]


@with_faults(ota_failure=OtaFailure.SILENT)
async def test_joined_install_is_interrupted_when_its_caller_gives_up(
    watch: WatchFactory, client: InvisOutlet
) -> None:
    """The caller that runs an install is cancelled: who joined it is interrupted."""
    watched = watch(client, LONG)
    firmware = asyncio.create_task(watched.install(OUTLET, component=FW))
    await watched.wait_for_phase(OtaPhase.DOWNLOADING)
    web = asyncio.create_task(watched.failure(OUTLET, component=WWW))
    await asyncio.sleep(0)

    firmware.cancel()

    assert await web is FirmwareError.INTERRUPTED
    with pytest.raises(asyncio.CancelledError):
        await firmware


async def test_install_waits_for_one_started_elsewhere_of_the_other_target(
    watched: Watched, simulator: InvisOutletSimulator
) -> None:
    """The vendor app updates the InvisDeco: an outlet install waits, then runs."""
    await watched.firmware.available()
    watched.firmware.start()
    await simulator.start_external_ota(DECO)
    await watched.wait_for_phase(OtaPhase.DOWNLOADING)

    outlet = await watched.install(OUTLET)

    assert outlet.outlet_fw == "1.3.0"
    runs = [(s.target, s.external) for s in watched.snapshots]
    assert [run for run, _ in itertools.groupby(runs)] == [
        (DECO, True),
        (OUTLET, False),
    ]
    assert started_targets(simulator) == [[1, 0]]


@with_faults(ota_failure=OtaFailure.SILENT)
async def test_close_interrupts_a_waiting_install_before_it_asks_anything(
    watch: WatchFactory, client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """close() ends the running install and the one waiting behind it, unsent."""
    watched = watch(client, LONG)
    deco = asyncio.create_task(watched.failure(DECO))
    await watched.wait_for_phase(OtaPhase.DOWNLOADING)
    outlet = asyncio.create_task(watched.failure(OUTLET))
    await asyncio.sleep(0)

    await watched.firmware.close()

    assert await deco is await outlet is FirmwareError.INTERRUPTED
    assert started_targets(simulator) == [[2, 0]]
    await assert_idle(watched.firmware)


def test_errors_carry_their_neutral_reason() -> None:
    """InvisOutletUpdateError keeps the reason; its text is the value, for callers."""
    error = InvisOutletUpdateError(FirmwareError.DOWNGRADE)

    assert error.reason is FirmwareError.DOWNGRADE
    assert str(error) == "downgrade"
    assert {reason.value for reason in FirmwareError} == {
        "no_update",
        "downgrade",
        "in_progress",
        "start_rejected",
        "failed",
        "stalled",
        "device_not_back",
        "version_unchanged",
        "different_device",
        "different_deco",
        "timed_out",
        "interrupted",
    }
