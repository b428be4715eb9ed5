"""Specification of FirmwareUpdate: whole firmware updates against the simulator.

The simulated outlet runs each update in real time (milliseconds per step), restarts
the way the hardware does, and fails on demand (`Faults.ota_failure`). revA outlets
serve the WebSocket and revB outlets raw TCP (protocol.md §2.4a), so each test talks
to the simulator over the transport of its hardware.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import itertools

import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    Callback,
    DecoUpdateMethod,
    FirmwareUpdate,
    InvisOutlet,
    InvisOutletUpdateError,
    Message,
    OtaError,
    OtaPhase,
    OtaTimeouts,
    OtaTracker,
    Transport,
    UpdateTarget,
    UpdateType,
)
from tests.simulator import (
    Faults,
    InvisOutletSimulator,
    OtaFailure,
    SimulatedDevice,
)

from .conftest import (
    FAST_OTA,
    SHORT_TIMEOUT,
    WAIT,
    ClientFactory,
    Recorder,
    with_device,
    with_faults,
)

OUTLET = UpdateTarget.OUTLET
DECO = UpdateTarget.DECO
FW = UpdateType.OUTLET_FIRMWARE
WWW = UpdateType.WEB_INTERFACE
# Failures end at a deadline: keep every deadline short (but above a simulated reboot).
FAIL_FAST = OtaTimeouts(
    start=0.5, progress=0.3, reboot=0.5, verify=0.3, poll_interval=0.05
)
# A reading of what the owner shows: phase, step and percentage.
type Shown = tuple[OtaPhase, UpdateType | None, int | None]


@pytest.fixture
def transport(device: SimulatedDevice) -> Transport:
    """Return the transport of the simulated hardware: revA WebSocket, revB TCP."""
    return Transport.TCP if device.is_revb else Transport.WEBSOCKET


@dataclass
class Observed:
    """One FirmwareUpdate and everything its owner was shown, in order."""

    update: FirmwareUpdate
    tracker: OtaTracker
    shown: Recorder[Shown] = field(default_factory=Recorder[Shown])

    @property
    def phases(self) -> list[OtaPhase]:
        """Return the phases shown, each run of repeats collapsed."""
        return [
            phase for phase, _ in itertools.groupby(s[0] for s in self.shown.values)
        ]

    async def wait_for_phase(self, phase: OtaPhase) -> None:
        """Wait until the owner has been shown a phase."""
        while phase not in self.phases:
            await self.shown.wait_for(len(self.shown.values) + 1)

    async def install(self, method: DecoUpdateMethod = DecoUpdateMethod.WIFI) -> None:
        """Install and wait for the end, however it ends (bounded)."""
        async with asyncio.timeout(WAIT):
            await self.update.install(method)

    async def failure(self, method: DecoUpdateMethod = DecoUpdateMethod.WIFI) -> str:
        """Install, expecting a failure; return its reason."""
        with pytest.raises(InvisOutletUpdateError) as raised:
            await self.install(method)
        return raised.value.reason


async def observe(
    client: InvisOutlet,
    target: UpdateTarget,
    timeouts: OtaTimeouts = FAST_OTA,
    *,
    external: bool = False,
) -> Observed:
    """Read the versions and prepare an update of target that records what it shows."""
    status = await client.firmware_status()
    now = asyncio.get_running_loop().time()
    tracker = OtaTracker.for_update(target, status, now, timeouts, external=external)
    shown = Recorder[Shown]()
    update = FirmwareUpdate(
        client,
        tracker,
        lambda: shown((tracker.phase, tracker.step, tracker.display_percent)),
    )
    return Observed(update, tracker, shown)


def assert_released(client: InvisOutlet, update: FirmwareUpdate) -> None:
    """Check that a finished update left no listener and no reboot expectation."""
    assert all(not listeners for listeners in client._push_listeners.values())
    assert update._link_changed not in client._link_listeners
    assert not client._reboot_expected


# Successful updates -----------------------------------------------------------------


@with_device(hardware="A")
async def test_reva_outlet_update_succeeds_with_the_new_version_read_back(
    client: InvisOutlet, simulator: InvisOutletSimulator, links: Recorder[bool]
) -> None:
    """revA: 21 answered, web and firmware phases, reboot, new versions confirmed."""
    observed = await observe(client, OUTLET)

    await observed.install()

    assert observed.tracker.phase is OtaPhase.SUCCEEDED
    assert observed.tracker.error is None
    assert simulator.requests_for(21)[0].args == [1, 0]
    assert links.values == [False, True]
    status = await client.firmware_status()
    assert (status.outlet_fw, status.www_fw) == ("1.3.0", "0.3.0")
    assert_released(client, observed.update)


async def test_revb_outlet_update_survives_the_restart_at_start(
    client: InvisOutlet, simulator: InvisOutletSimulator, links: Recorder[bool]
) -> None:
    """revB: restart on 21, late 21 after the reconnect, phases, reboot, success."""
    late_answers = Recorder[Message]()
    client.subscribe(Callback.START_UPDATE, late_answers)
    observed = await observe(client, OUTLET)

    await observed.install()

    assert observed.tracker.phase is OtaPhase.SUCCEEDED
    assert [message.args for message in late_answers.values] == [[1, 1]]
    assert links.values == [False, True, False, True]
    assert simulator.accepted_count == 3
    first_progress = next(
        i for i, s in enumerate(observed.shown.values) if s[1] is not None
    )
    assert OtaPhase.REBOOTING in [s[0] for s in observed.shown.values[:first_progress]]
    info = await client.device_info()
    assert info.outlet.fw_rev == "1.3.0"


@with_device(hardware="A", outlet_fw_available="1.2.0")
async def test_web_interface_only_update_succeeds(client: InvisOutlet) -> None:
    """Only the web interface is outdated: its phase alone runs and is confirmed."""
    observed = await observe(client, OUTLET)

    await observed.install()

    assert observed.tracker.phase is OtaPhase.SUCCEEDED
    assert {step for _, step, _ in observed.shown.values} == {None, WWW}
    status = await client.firmware_status()
    assert (status.outlet_fw, status.www_fw) == ("1.2.0", "0.3.0")


async def test_deco_update_over_wifi_succeeds(
    client: InvisOutlet, simulator: InvisOutletSimulator, links: Recorder[bool]
) -> None:
    """InvisDeco over its Wi-Fi: the outlet link stays up, the new version shows."""
    observed = await observe(client, DECO)

    await observed.install(DecoUpdateMethod.WIFI)

    assert observed.tracker.phase is OtaPhase.SUCCEEDED
    assert simulator.requests_for(21)[0].args == [2, 0]
    assert links.values == []
    info = await client.device_info()
    assert info.deco is not None
    assert info.deco.fw_rev == "0.5.1"


@with_faults(ota_failure=OtaFailure.WIFI_FAILS)
async def test_deco_update_via_outlet_succeeds_where_wifi_fails(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """InvisDeco relayed through the outlet works when its own Wi-Fi does not."""
    observed = await observe(client, DECO)

    await observed.install(DecoUpdateMethod.VIA_OUTLET)

    assert observed.tracker.phase is OtaPhase.SUCCEEDED
    assert simulator.requests_for(21)[0].args == [2, 1]
    assert (await client.firmware_status()).deco_fw == "0.5.1"


async def test_deco_update_is_confirmed_by_12_when_20_goes_unanswered(
    make_client: ClientFactory, faults: Faults
) -> None:
    """The InvisDeco version read from 12 confirms the update on its own."""
    client = make_client(request_timeout=SHORT_TIMEOUT)
    await client.connect()
    observed = await observe(client, DECO)
    faults.silent_callbacks.add(Callback.FIRMWARE_STATUS)

    await observed.install()

    assert observed.tracker.phase is OtaPhase.SUCCEEDED


@pytest.mark.parametrize(
    ("device", "faults", "target", "reason"),
    [
        pytest.param(
            SimulatedDevice(hardware="A"),
            Faults(ota_failure=OtaFailure.START_REJECTED),
            OUTLET,
            OtaError.START_REJECTED,
            id="outlet start rejected",
        ),
        pytest.param(
            SimulatedDevice(),
            Faults(ota_failure=OtaFailure.START_REJECTED),
            DECO,
            OtaError.START_REJECTED,
            id="deco start rejected",
        ),
        pytest.param(
            SimulatedDevice(),
            Faults(ota_failure=OtaFailure.LATE_REJECTED),
            OUTLET,
            OtaError.FAILED,
            id="revB late 21 [1,0]",
        ),
        pytest.param(
            SimulatedDevice(hardware="A"),
            Faults(ota_failure=OtaFailure.DOWNLOAD_FAILED),
            OUTLET,
            OtaError.FAILED,
            id="outlet download failed",
        ),
        pytest.param(
            SimulatedDevice(),
            Faults(ota_failure=OtaFailure.DOWNLOAD_FAILED),
            DECO,
            OtaError.FAILED,
            id="deco download failed",
        ),
        pytest.param(
            SimulatedDevice(hardware="A"),
            Faults(ota_failure=OtaFailure.WIFI_FAILS),
            DECO,
            OtaError.FAILED,
            id="deco wifi fails",
        ),
        pytest.param(
            SimulatedDevice(hardware="A"),
            Faults(ota_failure=OtaFailure.STALL),
            OUTLET,
            OtaError.STALLED,
            id="outlet stall",
        ),
        pytest.param(
            SimulatedDevice(),
            Faults(ota_failure=OtaFailure.STALL),
            DECO,
            OtaError.STALLED,
            id="deco stall",
        ),
        pytest.param(
            SimulatedDevice(),
            Faults(ota_failure=OtaFailure.SILENT),
            OUTLET,
            OtaError.STALLED,
            id="revB silent after restart",
        ),
        pytest.param(
            SimulatedDevice(hardware="A"),
            Faults(ota_failure=OtaFailure.NOT_BACK),
            OUTLET,
            OtaError.DEVICE_NOT_BACK,
            id="outlet not back",
        ),
        pytest.param(
            SimulatedDevice(),
            Faults(ota_failure=OtaFailure.NOT_BACK),
            DECO,
            OtaError.DEVICE_NOT_BACK,
            id="deco not back",
        ),
        pytest.param(
            SimulatedDevice(),
            Faults(ota_failure=OtaFailure.VERSION_UNCHANGED),
            OUTLET,
            OtaError.VERSION_UNCHANGED,
            id="revB outlet version unchanged",
        ),
        pytest.param(
            SimulatedDevice(hardware="A"),
            Faults(ota_failure=OtaFailure.VERSION_UNCHANGED),
            DECO,
            OtaError.VERSION_UNCHANGED,
            id="deco version unchanged",
        ),
    ],
    indirect=["device", "faults"],
)
async def test_failure_is_raised_with_its_reason(
    client: InvisOutlet, target: UpdateTarget, reason: OtaError
) -> None:
    """Each way the device fails an update ends install() with its own reason."""
    observed = await observe(client, target, FAIL_FAST)

    assert await observed.failure() == reason

    assert observed.tracker.phase is OtaPhase.FAILED
    assert observed.phases[-1] is OtaPhase.FAILED
    assert_released(client, observed.update)


@with_faults(ota_failure=OtaFailure.STALL)
async def test_stall_is_reported_when_version_reads_go_unanswered(
    make_client: ClientFactory, faults: Faults
) -> None:
    """A stalled device that no longer answers 12 or 20 still ends as stalled."""
    client = make_client(request_timeout=SHORT_TIMEOUT)
    await client.connect()
    observed = await observe(client, DECO, FAIL_FAST)
    faults.silent_callbacks |= {Callback.DEVICE_INFO, Callback.FIRMWARE_STATUS}

    assert await observed.failure() == OtaError.STALLED


# What the owner is shown ------------------------------------------------------------


@with_device(hardware="A")
async def test_on_change_sees_the_phases_in_order(client: InvisOutlet) -> None:
    """The owner sees downloading, rebooting, verifying and succeeded, in order."""
    slow_polls = OtaTimeouts(
        start=1.0, progress=0.5, reboot=2.0, verify=1.0, poll_interval=0.5
    )
    observed = await observe(client, OUTLET, slow_polls)

    await observed.install()

    assert observed.phases == [
        OtaPhase.DOWNLOADING,
        OtaPhase.REBOOTING,
        OtaPhase.VERIFYING,
        OtaPhase.SUCCEEDED,
    ]


@with_device(hardware="A")
async def test_progress_is_shown_per_phase_and_never_goes_back(
    client: InvisOutlet,
) -> None:
    """Web interface, then firmware, each up to 100 %; no percentage elsewhere."""
    observed = await observe(client, OUTLET)

    await observed.install()

    steps = [
        step
        for step, _ in itertools.groupby(s[1] for s in observed.shown.values if s[1])
    ]
    assert steps == [WWW, FW]
    for step in (WWW, FW):
        percents = [
            p for _, s, p in observed.shown.values if s is step and p is not None
        ]
        assert percents == sorted(percents)
        assert percents[-1] == 100
    assert all(
        percent is None
        for phase, _, percent in observed.shown.values
        if phase is not OtaPhase.DOWNLOADING
    )


async def test_malformed_update_push_is_ignored(
    client: InvisOutlet, caplog: pytest.LogCaptureFixture
) -> None:
    """A 22 whose arguments cannot be read is logged and changes nothing."""
    observed = await observe(client, DECO)
    before = (observed.tracker.phase, observed.tracker.percent)
    push = Message(serial=None, packet_id=1, puback=None, callback_name=22, args="x")

    observed.update.handle(push)

    assert (observed.tracker.phase, observed.tracker.percent) == before
    assert "Ignored an update message" in caplog.text


async def test_push_of_another_callback_changes_nothing(client: InvisOutlet) -> None:
    """handle() leaves the tracker alone for callbacks an update does not use."""
    observed = await observe(client, DECO)
    before = (observed.tracker.phase, observed.tracker.percent)
    push = Message(serial=None, packet_id=1, puback=None, callback_name=11, args=[1])

    observed.update.handle(push)

    assert (observed.tracker.phase, observed.tracker.percent) == before


# Updates started elsewhere, and stopping -------------------------------------------


@pytest.mark.parametrize(
    ("device", "target"),
    [
        pytest.param(SimulatedDevice(hardware="A"), DECO, id="deco"),
        pytest.param(SimulatedDevice(), OUTLET, id="revB outlet"),
    ],
    indirect=["device"],
)
async def test_follow_sees_an_update_started_elsewhere_to_its_end(
    client: InvisOutlet, simulator: InvisOutletSimulator, target: UpdateTarget
) -> None:
    """follow() of an update the vendor app started returns once it succeeded."""
    observed = await observe(client, target, external=True)
    following = asyncio.create_task(observed.update.follow())
    await asyncio.sleep(0)  # let follow() subscribe before the first push

    await simulator.start_external_ota(target)

    async with asyncio.timeout(WAIT):
        await following
    assert observed.tracker.phase is OtaPhase.SUCCEEDED
    assert simulator.requests_for(21) == []
    assert_released(client, observed.update)


@with_faults(ota_failure=OtaFailure.DOWNLOAD_FAILED)
async def test_follow_of_a_failing_update_ends_without_raising(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """An update started elsewhere that fails ends follow() quietly."""
    observed = await observe(client, DECO, external=True)
    following = asyncio.create_task(observed.update.follow())
    await asyncio.sleep(0)

    await simulator.start_external_ota(DECO)

    async with asyncio.timeout(WAIT):
        await following
    assert observed.tracker.error is OtaError.FAILED


@pytest.fixture
def long_timeouts() -> OtaTimeouts:
    """Return time limits that no test waits out: only stop() can end the update."""
    return OtaTimeouts(start=30.0, progress=30.0, reboot=30.0, verify=30.0)


@with_faults(ota_failure=OtaFailure.SILENT)
async def test_stop_makes_install_raise_interrupted(
    client: InvisOutlet, long_timeouts: OtaTimeouts
) -> None:
    """stop() ends a running install at once with the reason ota_interrupted."""
    observed = await observe(client, DECO, long_timeouts)
    installing = asyncio.create_task(observed.install())
    await observed.wait_for_phase(OtaPhase.DOWNLOADING)

    observed.update.stop()

    with pytest.raises(InvisOutletUpdateError) as raised:
        async with asyncio.timeout(WAIT):
            await installing
    assert raised.value.reason == OtaError.INTERRUPTED
    assert observed.tracker.active
    assert_released(client, observed.update)


async def test_stop_ends_follow_quietly(
    client: InvisOutlet, long_timeouts: OtaTimeouts
) -> None:
    """stop() ends follow() without raising, even though the update still runs."""
    observed = await observe(client, DECO, long_timeouts, external=True)
    following = asyncio.create_task(observed.update.follow())
    await asyncio.sleep(0)

    observed.update.stop()

    async with asyncio.timeout(WAIT):
        await following
    assert observed.tracker.active
    assert_released(client, observed.update)


@with_device(hardware="A")
@with_faults(ota_failure=OtaFailure.SILENT)
async def test_stop_during_a_version_read_ends_install_promptly(
    make_client: ClientFactory, simulator: InvisOutletSimulator, faults: Faults
) -> None:
    """stop() while versions are being read ends install() once the read is over."""
    client = make_client(request_timeout=SHORT_TIMEOUT)
    await client.connect()
    # No progress ever comes: after 0.1 s the stall check reads 12, left unanswered.
    timeouts = OtaTimeouts(start=0.1, progress=0.1, reboot=5, verify=5, poll_interval=2)
    observed = await observe(client, DECO, timeouts)
    faults.silent_callbacks.add(Callback.DEVICE_INFO)
    installing = asyncio.create_task(observed.update.install())
    await simulator.wait_for_request(Callback.DEVICE_INFO)

    observed.update.stop()

    with pytest.raises(InvisOutletUpdateError) as raised:
        async with asyncio.timeout(SHORT_TIMEOUT + 0.8):
            await installing
    assert raised.value.reason == OtaError.INTERRUPTED
