"""Specification of the OTA state machine (pyinvisoutlet/ota.py).

Every event carries an explicit time; timers move only through `tick`. Times are in
seconds from the moment the tracker was created (0.0).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from custom_components.invisoutlet.pyinvisoutlet.const import (
    FirmwareComponent,
    FirmwareError,
    UpdateTarget,
)
from custom_components.invisoutlet.pyinvisoutlet.events import (
    UpdateAnswer,
    UpdateProgress,
    UpdateResult,
)
from custom_components.invisoutlet.pyinvisoutlet.models import (
    DecoModule,
    FirmwareStatus,
    OutletInfo,
    OutletModule,
)
from custom_components.invisoutlet.pyinvisoutlet.ota import (
    InstalledVersions,
    OtaPhase,
    OtaTimeouts,
    OtaTracker,
    pending_components,
    refusal,
    target_of,
    types_of,
)

if TYPE_CHECKING:
    from collections.abc import Callable

OUTLET = UpdateTarget.OUTLET
DECO = UpdateTarget.DECO
FW = FirmwareComponent.OUTLET_FIRMWARE
WWW = FirmwareComponent.WEB_INTERFACE
DECO_FW = FirmwareComponent.DECO_FIRMWARE
# The type whose result ends an update of each target when everything is pending.
FINAL = {OUTLET: FW, DECO: DECO_FW}

# Distinct values, so that every deadline tells which timeout set it.
START, PROGRESS, REBOOT, VERIFY, POLL = 180.0, 60.0, 300.0, 120.0, 10.0
TIMEOUTS = OtaTimeouts(
    start=START, progress=PROGRESS, reboot=REBOOT, verify=VERIFY, poll_interval=POLL
)

OLD = InstalledVersions(
    outlet_fw="1.0.0", www_fw="2.0.0", deco_fw="3.0.0", deco_present=True
)
NEW = InstalledVersions(
    outlet_fw="1.1.0", www_fw="2.1.0", deco_fw="3.1.0", deco_present=True
)
DECO_GONE = InstalledVersions(outlet_fw="1.0.0", deco_present=False)


# Factories ------------------------------------------------------------------------


def status(
    *,
    outlet_fw: str | None = "1.0.0",
    outlet_fw_available: str | None = "1.1.0",
    www_fw: str | None = "2.0.0",
    www_fw_available: str | None = "2.1.0",
    deco_fw: str | None = "3.0.0",
    deco_fw_available: str | None = "3.1.0",
) -> FirmwareStatus:
    """Return a callback 20 reading; by default every component has an update."""
    return FirmwareStatus(
        outlet_fw=outlet_fw,
        outlet_fw_available=outlet_fw_available,
        www_fw=www_fw,
        www_fw_available=www_fw_available,
        deco_fw=deco_fw,
        deco_fw_available=deco_fw_available,
    )


def deco_module(
    *, fw_rev: str | None = "3.0.0", online: bool = True, serial: str | None = "PM01"
) -> DecoModule:
    """Return a PM block of callback 12."""
    return DecoModule(
        online=online,
        serial=serial,
        mac=None,
        device="InvisDeco",
        model="Pro",
        fw_rev=fw_rev,
        hw_rev=None,
    )


def outlet_info(
    *, outlet_fw: str | None = "1.0.0", deco: DecoModule | None = None
) -> OutletInfo:
    """Return a callback 12 reading (no PM block unless one is given)."""
    outlet = OutletModule(
        serial="IM01", mac=None, device="InvisOutlet", fw_rev=outlet_fw, hw_rev=None
    )
    return OutletInfo(serial="IM01", outlet=outlet, deco=deco)


def tracker(
    target: UpdateTarget = OUTLET,
    *,
    external: bool = False,
    **status_overrides: str | None,
) -> OtaTracker:
    """Return a tracker created at 0.0 from status() with the given overrides."""
    return OtaTracker.for_update(
        target, status(**status_overrides), 0.0, TIMEOUTS, external=external
    )


def phase_of(ota: OtaTracker) -> OtaPhase:
    """Return the phase, read anew so that mypy does not narrow it across events."""
    return ota.phase


def progress(update_type: int, percent: int) -> UpdateProgress:
    """Return a 22 message."""
    return UpdateProgress(type=update_type, percent=percent)


def result(update_type: int, success: bool) -> UpdateResult:
    """Return a 23 message."""
    return UpdateResult(type=update_type, success=success)


def downloading(target: UpdateTarget = OUTLET) -> OtaTracker:
    """Return a tracker that got 10 % of its final phase at 5.0 (stall at 65.0)."""
    ota = tracker(target)
    ota.progress(progress(FINAL[target], 10), 5.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    return ota


def stall_checking(target: UpdateTarget = OUTLET) -> OtaTracker:
    """Return a tracker that stalled at 65.0 and polls once (gives up at 75.0)."""
    ota = downloading(target)
    assert ota.tick(65.0)
    assert phase_of(ota) is OtaPhase.VERIFYING
    return ota


def starting_stall_checking() -> OtaTracker:
    """Return an outlet tracker that never saw progress and stalled at 180.0."""
    ota = tracker()
    assert ota.tick(180.0)
    assert phase_of(ota) is OtaPhase.VERIFYING
    return ota


def rebooting(target: UpdateTarget = OUTLET) -> OtaTracker:
    """Return a tracker whose final result came at 20.0 (poll 30.0, gives up 320.0)."""
    ota = downloading(target)
    ota.result(result(FINAL[target], True), 20.0)
    assert phase_of(ota) is OtaPhase.REBOOTING
    return ota


def verifying() -> OtaTracker:
    """Return an outlet tracker whose link came back at 40.0 (gives up at 160.0)."""
    ota = rebooting()
    ota.link_lost(25.0)
    ota.link_restored(40.0)
    assert phase_of(ota) is OtaPhase.VERIFYING
    return ota


def succeeded() -> OtaTracker:
    """Return a tracker that confirmed the new versions at 30.0."""
    ota = rebooting()
    ota.versions_read(NEW, 30.0)
    assert phase_of(ota) is OtaPhase.SUCCEEDED
    return ota


def failed() -> OtaTracker:
    """Return a tracker whose start was rejected at 1.0."""
    ota = tracker()
    ota.start_answered(False, 1.0)
    assert phase_of(ota) is OtaPhase.FAILED
    return ota


FINISHED = [
    pytest.param(succeeded, id="succeeded"),
    pytest.param(failed, id="failed"),
]


# Helpers of the module ------------------------------------------------------------


@pytest.mark.parametrize(
    ("update_type", "target"),
    [(1, OUTLET), (3, OUTLET), (2, DECO), (0, None), (4, None)],
)
def test_target_of_maps_message_types_to_targets(
    update_type: int, target: UpdateTarget | None
) -> None:
    """Types 1 and 3 belong to the outlet, 2 to the InvisDeco, others to nothing."""
    assert target_of(update_type) is target


@pytest.mark.parametrize(
    ("target", "overrides", "expected"),
    [
        pytest.param(OUTLET, {}, {FW, WWW}, id="outlet-both"),
        pytest.param(OUTLET, {"outlet_fw_available": "1.0.0"}, {WWW}, id="www-only"),
        pytest.param(OUTLET, {"www_fw_available": "2.0.0"}, {FW}, id="fw-only"),
        pytest.param(OUTLET, {"outlet_fw": None}, {WWW}, id="fw-unknown"),
        pytest.param(
            OUTLET,
            {"outlet_fw_available": "1.0.0", "www_fw_available": "2.0.0"},
            set(),
            id="outlet-current",
        ),
        pytest.param(DECO, {}, {DECO_FW}, id="deco"),
        pytest.param(DECO, {"deco_fw_available": "3.0.0"}, set(), id="deco-current"),
        pytest.param(
            DECO, {"deco_fw": None, "deco_fw_available": None}, set(), id="no-deco"
        ),
    ],
)
def test_pending_components_are_the_targets_components_with_an_update(
    target: UpdateTarget,
    overrides: dict[str, str | None],
    expected: set[FirmwareComponent],
) -> None:
    """Only the target's own components with a newer version available count."""
    assert pending_components(target, status(**overrides)) == expected


@pytest.mark.parametrize(
    ("target", "overrides", "expected"),
    [
        pytest.param(OUTLET, {"outlet_fw_available": "0.9.0"}, {WWW}, id="older-fw"),
        pytest.param(OUTLET, {"www_fw_available": "1.9.9"}, {FW}, id="older-www"),
        pytest.param(DECO, {"deco_fw_available": "2.10.0"}, set(), id="older-deco"),
        pytest.param(DECO, {"deco_fw_available": "3.0.10"}, {DECO_FW}, id="numeric"),
    ],
)
def test_pending_components_leave_out_an_older_offer(
    target: UpdateTarget,
    overrides: dict[str, str | None],
    expected: set[FirmwareComponent],
) -> None:
    """An offer older than what is installed is no update; 3.0.10 beats 3.0.0."""
    assert pending_components(target, status(**overrides)) == expected


@pytest.mark.parametrize(
    ("target", "overrides"),
    [
        pytest.param(OUTLET, {"outlet_fw_available": "0.9.0"}, id="older-fw"),
        pytest.param(OUTLET, {"www_fw_available": "1.9.9"}, id="older-www"),
        pytest.param(
            OUTLET,
            {"outlet_fw_available": "0.9.0", "www_fw_available": "2.0.0"},
            id="older-fw-current-www",
        ),
        pytest.param(DECO, {"deco_fw_available": "2.10.0"}, id="older-deco"),
    ],
)
def test_refusal_is_a_downgrade_when_any_covered_component_is_offered_older(
    target: UpdateTarget, overrides: dict[str, str | None]
) -> None:
    """One install puts every component of its target on: one older offer refuses it."""
    assert refusal(target, status(**overrides)) is FirmwareError.DOWNGRADE


@pytest.mark.parametrize(
    ("target", "overrides"),
    [
        pytest.param(
            OUTLET,
            {"outlet_fw_available": "1.0.0", "www_fw_available": "2.0.0"},
            id="outlet-current",
        ),
        pytest.param(DECO, {"deco_fw_available": "3.0.0"}, id="deco-current"),
        pytest.param(DECO, {"deco_fw": None, "deco_fw_available": None}, id="no-deco"),
    ],
)
def test_refusal_is_no_update_when_nothing_newer_is_offered(
    target: UpdateTarget, overrides: dict[str, str | None]
) -> None:
    """Nothing newer and nothing older: there is nothing to install."""
    assert refusal(target, status(**overrides)) is FirmwareError.NO_UPDATE


@pytest.mark.parametrize(
    ("target", "overrides"),
    [
        pytest.param(OUTLET, {}, id="outlet-both-newer"),
        pytest.param(OUTLET, {"www_fw_available": "2.0.0"}, id="outlet-fw-newer"),
        pytest.param(OUTLET, {"deco_fw_available": "2.0.0"}, id="older-deco-aside"),
        pytest.param(OUTLET, {"outlet_fw": None}, id="fw-installed-unknown"),
        pytest.param(DECO, {}, id="deco-newer"),
        pytest.param(DECO, {"outlet_fw_available": "0.9.0"}, id="older-fw-aside"),
    ],
)
def test_no_refusal_when_only_newer_versions_of_the_target_are_offered(
    target: UpdateTarget, overrides: dict[str, str | None]
) -> None:
    """Newer offers only (another target's older offer aside): the install may start."""
    assert refusal(target, status(**overrides)) is None


@pytest.mark.parametrize(
    ("target", "components"),
    [(OUTLET, {FW, WWW}), (DECO, {DECO_FW})],
)
def test_types_of_names_the_components_a_target_installs(
    target: UpdateTarget, components: set[FirmwareComponent]
) -> None:
    """An outlet install updates firmware and web interface; a deco one its firmware."""
    assert types_of(target) == components


# InstalledVersions ----------------------------------------------------------------


def test_read_of_nothing_knows_nothing() -> None:
    """Without 12 or 20, no version and no InvisDeco presence is known."""
    assert InstalledVersions.read() == InstalledVersions()
    assert InstalledVersions.read().deco_present is None


def test_read_of_info_only_takes_outlet_and_deco_versions() -> None:
    """12 alone gives the outlet and InvisDeco versions but no web interface."""
    info = outlet_info(outlet_fw="1.1.0", deco=deco_module(fw_rev="3.1.0"))
    assert InstalledVersions.read(info=info) == InstalledVersions(
        outlet_fw="1.1.0", www_fw=None, deco_fw="3.1.0", deco_present=True
    )


@pytest.mark.parametrize(
    "deco",
    [
        pytest.param(None, id="no-pm-block"),
        pytest.param(deco_module(online=False), id="offline"),
        pytest.param(deco_module(serial=None), id="no-serial"),
    ],
)
def test_read_of_info_with_deco_absent_or_offline_reports_it_absent(
    deco: DecoModule | None,
) -> None:
    """A missing, offline or anonymous PM block means no InvisDeco and no version."""
    versions = InstalledVersions.read(info=outlet_info(deco=deco))
    assert versions.deco_present is False
    assert versions.deco_fw is None
    assert versions.outlet_fw == "1.0.0"


def test_read_of_status_only_takes_all_three_versions() -> None:
    """20 alone gives all three versions; a PM version means the InvisDeco is there."""
    assert InstalledVersions.read(status=status()) == OLD


def test_read_of_status_without_deco_version_reports_deco_absent() -> None:
    """20 without a PM version means no InvisDeco."""
    versions = InstalledVersions.read(status=status(deco_fw=None))
    assert versions.deco_present is False
    assert versions.deco_fw is None


def test_read_of_both_prefers_info_and_takes_web_interface_from_status() -> None:
    """12 wins for outlet and InvisDeco versions; only 20 has the web interface."""
    info = outlet_info(outlet_fw="1.1.0", deco=deco_module(fw_rev="3.1.0"))
    assert InstalledVersions.read(info, status()) == InstalledVersions(
        outlet_fw="1.1.0", www_fw="2.0.0", deco_fw="3.1.0", deco_present=True
    )


def test_read_of_both_falls_back_to_status_where_info_is_blank() -> None:
    """Blank firmware versions in 12 (a module in a bad state) are taken from 20."""
    info = outlet_info(outlet_fw=None, deco=deco_module(fw_rev=None))
    assert InstalledVersions.read(info, status()) == OLD


def test_read_of_both_takes_presence_from_info_even_when_status_has_a_version() -> None:
    """No PM block in 12 means no InvisDeco, though 20 still gives its version."""
    versions = InstalledVersions.read(outlet_info(), status())
    assert versions.deco_present is False
    assert versions.deco_fw == "3.0.0"


@pytest.mark.parametrize(
    ("component", "expected"),
    [(FW, "1.0.0"), (WWW, "2.0.0"), (DECO_FW, "3.0.0")],
)
def test_installed_versions_get_returns_each_component(
    component: FirmwareComponent, expected: str
) -> None:
    """get() returns the version of the named component."""
    assert OLD.get(component) == expected


# Creating a tracker ---------------------------------------------------------------


def test_for_update_records_target_pending_and_baseline() -> None:
    """A tracker keeps what was pending and the versions read before the update."""
    ota = tracker(OUTLET)
    assert ota.target is OUTLET
    assert ota.pending == {FW, WWW}
    assert ota.baseline == OLD
    assert ota.timeouts == TIMEOUTS
    assert ota.external is False


def test_new_tracker_is_starting_and_waits_the_start_timeout() -> None:
    """A new tracker is starting, shows no percentage and wakes at the start timeout."""
    ota = tracker()
    assert phase_of(ota) is OtaPhase.STARTING
    assert ota.active
    assert ota.step is None
    assert ota.percent is None
    assert ota.display_percent is None
    assert ota.error is None
    assert ota.next_wakeup == START


def test_for_update_without_timeouts_uses_the_defaults() -> None:
    """Without explicit timeouts, the field-experience defaults apply."""
    ota = OtaTracker.for_update(OUTLET, status(), 1000.0)
    assert ota.timeouts == OtaTimeouts()
    assert ota.next_wakeup == 1000.0 + 180.0


def test_default_timeouts_follow_field_experience() -> None:
    """Defaults: 180 s to start, 60 s between progress, 300 s reboot, 120 s verify."""
    assert OtaTimeouts() == OtaTimeouts(
        start=180.0, progress=60.0, reboot=300.0, verify=120.0, poll_interval=10.0
    )


@pytest.mark.parametrize(
    ("target", "overrides"),
    [
        (OUTLET, {"outlet_fw_available": "1.0.0", "www_fw_available": "2.0.0"}),
        (DECO, {"deco_fw_available": "3.0.0"}),
    ],
)
def test_for_update_refuses_when_nothing_is_pending(
    target: UpdateTarget, overrides: dict[str, str | None]
) -> None:
    """Starting an update with nothing to install raises ValueError."""
    with pytest.raises(ValueError, match=f"nothing to update for {target.name}"):
        OtaTracker.for_update(target, status(**overrides), 0.0, TIMEOUTS)


def test_tracker_without_pending_components_is_refused() -> None:
    """The constructor refuses an empty set of pending components."""
    with pytest.raises(ValueError, match="nothing to update for DECO"):
        OtaTracker(target=DECO, pending=frozenset(), baseline=OLD, now=0.0)


@pytest.mark.parametrize(("target", "component"), [(OUTLET, FW), (DECO, DECO_FW)])
def test_external_tracker_without_pending_watches_firmware(
    target: UpdateTarget, component: FirmwareComponent
) -> None:
    """Started elsewhere with nothing pending in our reading: watch the firmware."""
    current = {
        "outlet_fw_available": "1.0.0",
        "www_fw_available": "2.0.0",
        "deco_fw_available": "3.0.0",
    }
    ota = tracker(target, external=True, **current)
    assert ota.pending == {component}
    assert ota.external is True
    assert phase_of(ota) is OtaPhase.STARTING
    assert ota.next_wakeup == START


def test_external_tracker_keeps_the_pending_components_it_knows() -> None:
    """An update started elsewhere watches what our reading showed as pending."""
    ota = tracker(OUTLET, external=True, outlet_fw_available="1.0.0")
    assert ota.pending == {WWW}


@pytest.mark.parametrize(
    ("component", "covered"), [(FW, False), (WWW, True), (DECO_FW, False)]
)
def test_covers_only_pending_components(
    component: FirmwareComponent, covered: bool
) -> None:
    """An update covers exactly the components that were pending."""
    ota = tracker(OUTLET, outlet_fw_available="1.0.0")
    assert ota.covers(component) is covered


# Answer to 21 ---------------------------------------------------------------------


def test_puback_one_moves_to_downloading_with_the_start_timeout() -> None:
    """PUBACK 1: downloading, and the first 22 may still take the start timeout."""
    ota = tracker()
    ota.start_answered(True, 2.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    assert ota.display_percent is None
    assert ota.next_wakeup == 2.0 + START


def test_puback_zero_fails_as_start_rejected() -> None:
    """PUBACK 0 means the update could not start."""
    ota = tracker()
    ota.start_answered(False, 2.0)
    assert phase_of(ota) is OtaPhase.FAILED
    assert ota.error is FirmwareError.START_REJECTED
    assert not ota.active
    assert ota.next_wakeup is None


def test_missing_start_answer_changes_nothing() -> None:
    """No answer to 21 (quirk Q1) leaves the update starting on its original timer."""
    ota = tracker()
    ota.start_answered(None, 2.0)
    assert phase_of(ota) is OtaPhase.STARTING
    assert ota.next_wakeup == START


@pytest.mark.parametrize("accepted", [True, False])
def test_start_answer_after_starting_is_ignored(accepted: bool) -> None:
    """An answer to 21 that arrives once progress came changes nothing."""
    ota = downloading()
    ota.start_answered(accepted, 30.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    assert ota.error is None
    assert ota.next_wakeup == 5.0 + PROGRESS


# Late answer to 21 (revB) ---------------------------------------------------------


def test_late_ok_answer_moves_starting_to_downloading() -> None:
    """A late 21 [t, 1] (revB) means the update goes on: downloading, start timer."""
    ota = tracker()
    ota.late_answer(UpdateAnswer(target=OUTLET, ok=True), 30.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    assert ota.next_wakeup == 30.0 + START


def test_late_ok_answer_restarts_the_progress_timer() -> None:
    """A late 21 [t, 1] while downloading is a sign of life."""
    ota = downloading()
    ota.late_answer(UpdateAnswer(target=OUTLET, ok=True), 30.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    assert ota.next_wakeup == 30.0 + PROGRESS


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(tracker, id="starting"),
        pytest.param(downloading, id="downloading"),
        pytest.param(stall_checking, id="stall-check"),
    ],
)
def test_late_failure_answer_fails_the_update(make: Callable[[], OtaTracker]) -> None:
    """A late 21 [t, 0] (revB) means the update failed."""
    ota = make()
    ota.late_answer(UpdateAnswer(target=OUTLET, ok=False), 70.0)
    assert phase_of(ota) is OtaPhase.FAILED
    assert ota.error is FirmwareError.FAILED


def test_late_answer_for_other_target_is_ignored() -> None:
    """A late 21 about the InvisDeco does not concern an outlet update."""
    ota = tracker(OUTLET)
    ota.late_answer(UpdateAnswer(target=DECO, ok=False), 30.0)
    assert phase_of(ota) is OtaPhase.STARTING
    assert ota.next_wakeup == START


def test_late_answer_while_rebooting_is_ignored() -> None:
    """A late 21 after the final result changes nothing."""
    ota = rebooting()
    ota.late_answer(UpdateAnswer(target=OUTLET, ok=False), 25.0)
    assert phase_of(ota) is OtaPhase.REBOOTING
    assert ota.error is None


def test_late_ok_answer_during_stall_check_resumes_downloading() -> None:
    """A late 21 [t, 1] during the stall check ends the check: downloading goes on."""
    ota = stall_checking()
    ota.late_answer(UpdateAnswer(target=OUTLET, ok=True), 70.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    assert ota.next_wakeup == 70.0 + PROGRESS
    assert not ota.tick(75.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING


# Progress (22) --------------------------------------------------------------------


def test_first_progress_moves_to_downloading_and_shows_its_percent() -> None:
    """The first 22 of the target shows its step and percentage."""
    ota = tracker()
    ota.progress(progress(WWW, 12), 5.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    assert ota.step is WWW
    assert ota.percent == 12
    assert ota.display_percent == 6  # the first half of the bar


def test_progress_restarts_the_progress_timer() -> None:
    """Each 22 allows the progress timeout until the next one."""
    ota = downloading()
    ota.progress(progress(FW, 20), 50.0)
    assert ota.next_wakeup == 50.0 + PROGRESS
    assert not ota.tick(65.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING


def test_progress_never_moves_backwards_within_a_step() -> None:
    """Duplicated or reordered 22 of the same step do not lower the bar."""
    ota = downloading()
    ota.progress(progress(FW, 40), 6.0)
    ota.progress(progress(FW, 30), 7.0)
    assert ota.percent == 40
    ota.progress(progress(FW, 40), 8.0)
    assert ota.percent == 40
    assert ota.next_wakeup == 8.0 + PROGRESS


def test_new_step_shows_its_own_percent() -> None:
    """The firmware step starts its own bar after the web-interface step."""
    ota = tracker()
    ota.progress(progress(WWW, 100), 5.0)
    ota.progress(progress(FW, 2), 6.0)
    assert ota.step is FW
    assert ota.display_percent == 51


def test_late_progress_of_an_earlier_step_switches_back_to_that_step() -> None:
    """A stray web-interface 22 after the firmware step began takes the bar back."""
    ota = tracker()
    ota.progress(progress(WWW, 90), 5.0)
    ota.progress(progress(FW, 2), 6.0)
    ota.progress(progress(WWW, 100), 7.0)
    assert ota.step is WWW
    assert ota.display_percent == 51  # the bar never goes back


@pytest.mark.parametrize(
    ("target", "update_type"),
    [(OUTLET, 2), (DECO, 1), (DECO, 3), (OUTLET, 0), (DECO, 9)],
)
def test_progress_of_other_target_is_ignored(
    target: UpdateTarget, update_type: int
) -> None:
    """A 22 whose type belongs to another target, or to none, changes nothing."""
    ota = tracker(target)
    ota.progress(progress(update_type, 50), 5.0)
    assert phase_of(ota) is OtaPhase.STARTING
    assert ota.step is None
    assert ota.next_wakeup == START


def test_progress_while_rebooting_is_ignored() -> None:
    """A 22 after the final result changes nothing."""
    ota = rebooting()
    ota.progress(progress(FW, 99), 25.0)
    assert phase_of(ota) is OtaPhase.REBOOTING
    assert ota.percent == 10
    assert ota.next_wakeup == 30.0


@pytest.mark.parametrize("make", FINISHED)
def test_progress_after_the_end_is_ignored(make: Callable[[], OtaTracker]) -> None:
    """A 22 after the update ended changes nothing."""
    ota = make()
    phase = ota.phase
    ota.progress(progress(FW, 50), 100.0)
    assert phase_of(ota) is phase
    assert ota.next_wakeup is None


def test_progress_during_stall_check_resumes_downloading() -> None:
    """A 22 during the stall check ends the check: downloading goes on."""
    ota = stall_checking()
    ota.progress(progress(FW, 11), 70.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    assert ota.display_percent == 55
    assert ota.next_wakeup == 70.0 + PROGRESS
    assert not ota.tick(75.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING


# Result (23) ----------------------------------------------------------------------


@pytest.mark.parametrize("target", [OUTLET, DECO])
def test_final_success_result_moves_to_rebooting(target: UpdateTarget) -> None:
    """23 [final, 1]: the module reboots, the bar turns indeterminate, polls begin."""
    ota = downloading(target)
    ota.result(result(FINAL[target], True), 20.0)
    assert phase_of(ota) is OtaPhase.REBOOTING
    assert ota.active
    assert ota.display_percent is None
    assert ota.next_wakeup == 20.0 + POLL


def test_success_result_before_any_progress_moves_to_rebooting() -> None:
    """A success without any 22 before it still ends the download."""
    ota = tracker()
    ota.result(result(FW, True), 20.0)
    assert phase_of(ota) is OtaPhase.REBOOTING


@pytest.mark.parametrize("target", [OUTLET, DECO])
def test_spurious_early_failure_result_is_ignored(target: UpdateTarget) -> None:
    """The 23 [t, 0] every update starts with (quirk Q2) is not a failure."""
    ota = tracker(target)
    ota.result(result(FINAL[target], False), 1.0)
    assert phase_of(ota) is OtaPhase.STARTING
    assert ota.error is None
    assert ota.next_wakeup == START


@pytest.mark.parametrize("target", [OUTLET, DECO])
def test_failure_result_after_progress_fails(target: UpdateTarget) -> None:
    """23 [final, 0] after a 22 means the update failed."""
    ota = downloading(target)
    ota.result(result(FINAL[target], False), 20.0)
    assert phase_of(ota) is OtaPhase.FAILED
    assert ota.error is FirmwareError.FAILED
    assert ota.next_wakeup is None


@pytest.mark.parametrize("success", [True, False])
def test_web_interface_result_does_not_end_outlet_update(success: bool) -> None:
    """23 [3, x] ends the web-interface step only (quirk Q7) and restarts the timer."""
    ota = tracker()
    ota.progress(progress(WWW, 100), 5.0)
    ota.result(result(WWW, success), 30.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    assert ota.error is None
    assert ota.next_wakeup == 30.0 + PROGRESS


def test_web_interface_only_update_ends_on_its_result() -> None:
    """With only the web interface pending, 23 [3, 1] ends the download."""
    ota = tracker(outlet_fw_available="1.0.0")
    ota.progress(progress(WWW, 50), 5.0)
    ota.result(result(WWW, True), 20.0)
    assert phase_of(ota) is OtaPhase.REBOOTING


def test_web_interface_only_failure_result_leaves_the_verdict_to_the_version() -> None:
    """A 23 [3, 0] carries no verdict (protocol.md §4.5): the version read decides."""
    ota = tracker(outlet_fw_available="1.0.0")
    ota.progress(progress(WWW, 50), 5.0)
    ota.result(result(WWW, False), 20.0)
    assert phase_of(ota) is OtaPhase.REBOOTING
    assert ota.error is None


def test_firmware_result_does_not_end_web_interface_only_update() -> None:
    """With only the web interface pending, a 23 [1, x] is not its end."""
    ota = tracker(outlet_fw_available="1.0.0")
    ota.progress(progress(WWW, 50), 5.0)
    ota.result(result(FW, True), 20.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    assert ota.next_wakeup == 20.0 + PROGRESS


@pytest.mark.parametrize(
    ("target", "update_type"),
    [(OUTLET, 2), (DECO, 1), (DECO, 3), (OUTLET, 0)],
)
def test_result_of_other_target_is_ignored(
    target: UpdateTarget, update_type: int
) -> None:
    """A 23 whose type belongs to another target, or to none, changes nothing."""
    ota = downloading(target)
    ota.result(result(update_type, True), 20.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    assert ota.next_wakeup == 5.0 + PROGRESS


def test_result_while_rebooting_is_ignored() -> None:
    """A second 23 after the final one changes nothing."""
    ota = rebooting()
    ota.result(result(FW, False), 25.0)
    assert phase_of(ota) is OtaPhase.REBOOTING
    assert ota.error is None


@pytest.mark.parametrize(
    ("success", "phase"), [(True, OtaPhase.REBOOTING), (False, OtaPhase.FAILED)]
)
def test_final_result_during_stall_check_is_taken(
    success: bool, phase: OtaPhase
) -> None:
    """A final 23 that arrives during the stall check ends the download as usual."""
    ota = stall_checking()
    ota.result(result(FW, success), 70.0)
    assert phase_of(ota) is phase


def test_spurious_failure_result_during_stall_check_is_ignored() -> None:
    """A 23 [t, 0] before any 22 does not end a stall check from starting."""
    ota = starting_stall_checking()
    ota.result(result(FW, False), 181.0)
    assert phase_of(ota) is OtaPhase.VERIFYING
    assert ota.next_wakeup == 180.0 + POLL
    assert not ota.tick(190.0)
    assert ota.error is FirmwareError.STALLED


def test_web_interface_result_during_stall_check_resumes_downloading() -> None:
    """A 23 [3, x] during the stall check is a sign of life: downloading goes on."""
    ota = tracker()
    ota.progress(progress(WWW, 100), 5.0)
    assert ota.tick(65.0)
    ota.result(result(WWW, True), 66.0)
    ota.progress(progress(FW, 3), 70.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    assert ota.step is FW
    assert ota.display_percent == 51


# Timers ---------------------------------------------------------------------------


def test_tick_before_a_deadline_does_nothing() -> None:
    """Ticks before the deadline neither change the phase nor ask for a read."""
    ota = tracker()
    assert not ota.tick(179.9)
    assert phase_of(ota) is OtaPhase.STARTING
    assert ota.next_wakeup == START


def test_no_sign_of_life_within_start_timeout_starts_a_stall_check() -> None:
    """A stall in starting also gets one verification poll before failing."""
    ota = tracker()
    assert ota.tick(START)
    assert phase_of(ota) is OtaPhase.VERIFYING
    assert ota.active
    assert ota.display_percent is None
    assert ota.next_wakeup == START + POLL


def test_no_progress_within_progress_timeout_starts_a_stall_check() -> None:
    """No 22 for the progress timeout: verifying with one immediate poll."""
    ota = downloading()
    assert not ota.tick(64.9)
    assert ota.tick(65.0)
    assert phase_of(ota) is OtaPhase.VERIFYING
    assert ota.next_wakeup == 65.0 + POLL


def test_start_timeout_applies_until_the_first_progress() -> None:
    """After PUBACK 1 but before any 22, the longer start timeout still applies."""
    ota = tracker()
    ota.start_answered(True, 2.0)
    assert not ota.tick(2.0 + PROGRESS)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    assert ota.tick(2.0 + START)
    assert phase_of(ota) is OtaPhase.VERIFYING


@pytest.mark.parametrize("target", [OUTLET, DECO])
def test_stall_without_change_fails_as_stalled(target: UpdateTarget) -> None:
    """The stall check's read shows the old versions: the update stalled."""
    ota = stall_checking(target)
    ota.versions_read(OLD, 66.0)
    assert phase_of(ota) is OtaPhase.FAILED
    assert ota.error is FirmwareError.STALLED
    assert ota.next_wakeup is None


def test_stall_check_with_only_some_components_new_fails_as_stalled() -> None:
    """A new web interface alone does not confirm a web-and-firmware update."""
    ota = stall_checking()
    ota.versions_read(replace(OLD, www_fw="2.1.0"), 66.0)
    assert ota.error is FirmwareError.STALLED


def test_stall_check_without_an_answer_fails_as_stalled() -> None:
    """No version read within one poll interval of the stall: the update stalled."""
    ota = stall_checking()
    assert not ota.tick(74.9)
    assert ota.active
    assert not ota.tick(75.0)
    assert ota.error is FirmwareError.STALLED


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(starting_stall_checking, id="from-starting"),
        pytest.param(stall_checking, id="from-downloading"),
        pytest.param(lambda: stall_checking(DECO), id="deco"),
    ],
)
def test_stall_check_that_finds_new_version_succeeds(
    make: Callable[[], OtaTracker],
) -> None:
    """An update that finished without telling is confirmed by the stall check."""
    ota = make()
    ota.versions_read(NEW, 200.0)
    assert phase_of(ota) is OtaPhase.SUCCEEDED
    assert ota.error is None


@pytest.mark.parametrize("target", [OUTLET, DECO])
def test_reboot_timeout_with_module_present_fails_as_version_unchanged(
    target: UpdateTarget,
) -> None:
    """A module that stayed reachable but never showed the new version is unchanged."""
    ota = rebooting(target)
    ota.versions_read(OLD, 30.0)
    ota.tick(319.9)
    assert phase_of(ota) is OtaPhase.REBOOTING
    assert not ota.tick(20.0 + REBOOT)
    assert ota.error is FirmwareError.VERSION_UNCHANGED


def test_outlet_not_back_within_reboot_timeout_fails_as_device_not_back() -> None:
    """The link lost after the result did not return within the reboot timeout."""
    ota = rebooting()
    ota.link_lost(25.0)
    assert ota.next_wakeup == 30.0
    assert not ota.tick(20.0 + REBOOT)
    assert ota.error is FirmwareError.DEVICE_NOT_BACK


def test_deco_not_back_within_reboot_timeout_fails_as_device_not_back() -> None:
    """The PM block that vanished after the result did not return in time."""
    ota = rebooting(DECO)
    ota.versions_read(DECO_GONE, 30.0)
    assert not ota.tick(20.0 + REBOOT)
    assert ota.error is FirmwareError.DEVICE_NOT_BACK


def test_verify_timeout_fails_as_version_unchanged() -> None:
    """The module came back but never showed the new version within the verify time."""
    ota = verifying()
    assert ota.tick(40.0)
    ota.versions_read(OLD, 41.0)
    assert phase_of(ota) is OtaPhase.VERIFYING
    assert ota.next_wakeup == 40.0 + POLL
    assert ota.tick(159.9)
    assert ota.active
    assert not ota.tick(40.0 + VERIFY)
    assert ota.error is FirmwareError.VERSION_UNCHANGED


def test_polls_fall_due_every_poll_interval_while_rebooting() -> None:
    """tick() asks for a read once per poll interval, counted from the last read."""
    ota = rebooting()
    assert ota.next_wakeup == 30.0
    assert not ota.tick(29.9)
    assert ota.tick(30.0)
    assert ota.next_wakeup == 40.0
    assert not ota.tick(35.0)
    assert ota.tick(42.0)
    assert ota.next_wakeup == 52.0


def test_no_polls_while_downloading() -> None:
    """While downloading, the only wakeup is the stall deadline."""
    ota = downloading()
    assert not ota.tick(30.0)
    assert ota.next_wakeup == 5.0 + PROGRESS


def test_next_wakeup_is_the_earlier_of_deadline_and_poll() -> None:
    """next_wakeup is the reboot deadline once it comes before the next poll."""
    ota = OtaTracker.for_update(
        OUTLET, status(), 0.0, OtaTimeouts(reboot=15.0, poll_interval=10.0)
    )
    ota.result(result(FW, True), 20.0)
    assert ota.next_wakeup == 30.0
    assert ota.tick(30.0)
    assert ota.next_wakeup == 35.0


@pytest.mark.parametrize("make", FINISHED)
def test_finished_tracker_has_no_wakeup_and_ignores_ticks(
    make: Callable[[], OtaTracker],
) -> None:
    """After the end there is nothing to wait for and ticks change nothing."""
    ota = make()
    phase, error = ota.phase, ota.error
    assert ota.next_wakeup is None
    assert not ota.tick(1e9)
    assert (ota.phase, ota.error) == (phase, error)


# Link to the outlet ---------------------------------------------------------------


def test_revb_restart_at_start_waits_for_the_link_with_the_reboot_timeout() -> None:
    """A drop right after 21 (revB) is a reboot: no bar, no polls, reboot timer."""
    ota = tracker()
    ota.link_lost(1.0)
    assert phase_of(ota) is OtaPhase.REBOOTING
    assert ota.active
    assert ota.display_percent is None
    assert ota.next_wakeup == 1.0 + REBOOT
    assert not ota.tick(START)
    assert phase_of(ota) is OtaPhase.REBOOTING


def test_revb_restart_at_start_resumes_starting_when_link_returns() -> None:
    """When the link returns after revB's restart, starting resumes on a fresh timer."""
    ota = tracker()
    ota.link_lost(1.0)
    ota.link_restored(40.0)
    assert phase_of(ota) is OtaPhase.STARTING
    assert ota.tick(40.0)  # one read at once: a result may have been lost
    assert ota.next_wakeup == 40.0 + START
    ota.late_answer(UpdateAnswer(target=OUTLET, ok=True), 41.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING


def test_revb_restart_at_start_without_return_fails_as_device_not_back() -> None:
    """An outlet that restarts at the start and never returns did not come back."""
    ota = tracker()
    ota.link_lost(1.0)
    assert not ota.tick(1.0 + REBOOT)
    assert ota.error is FirmwareError.DEVICE_NOT_BACK


def test_drop_while_downloading_resumes_downloading_when_link_returns() -> None:
    """A drop before the result returns to downloading, with its bar and step kept."""
    ota = downloading()
    ota.link_lost(30.0)
    assert phase_of(ota) is OtaPhase.REBOOTING
    assert ota.next_wakeup == 30.0 + REBOOT
    ota.link_restored(50.0)
    assert ota.tick(50.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    assert (ota.step, ota.display_percent) == (FW, 55)
    assert ota.next_wakeup == 50.0 + PROGRESS


@pytest.mark.parametrize(
    ("make", "lost", "stall_deadline", "wakeup"),
    [
        pytest.param(starting_stall_checking, 181.0, 190.0, 200.0 + START, id="start"),
        pytest.param(stall_checking, 66.0, 75.0, 200.0 + PROGRESS, id="downloading"),
    ],
)
def test_drop_during_stall_check_waits_for_link_and_resumes_downloading(
    make: Callable[[], OtaTracker], lost: float, stall_deadline: float, wakeup: float
) -> None:
    """A drop ends the stall check; when the link returns the download goes on."""
    ota = make()
    ota.link_lost(lost)
    assert phase_of(ota) is OtaPhase.REBOOTING
    assert not ota.tick(stall_deadline)
    assert ota.active
    ota.link_restored(200.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    assert ota.tick(200.0)
    assert ota.next_wakeup == wakeup


def test_resumed_download_reads_versions_once_then_waits_for_progress() -> None:
    """After a drop mid-download, one read at once (a lost result), then no more."""
    ota = tracker()
    ota.progress(progress(FW, 40), 5.0)
    ota.link_lost(6.0)
    ota.link_restored(7.0)
    assert ota.tick(7.0)
    assert not ota.tick(8.0)
    ota.versions_read(NEW, 8.0)
    assert phase_of(ota) is OtaPhase.SUCCEEDED


def test_drop_while_rebooting_keeps_the_reboot_deadline_and_polls() -> None:
    """The expected drop after the result changes neither deadline nor poll schedule."""
    ota = rebooting()
    ota.link_lost(25.0)
    assert phase_of(ota) is OtaPhase.REBOOTING
    assert ota.next_wakeup == 30.0
    assert ota.tick(30.0)


def test_outlet_back_after_reboot_starts_verifying() -> None:
    """The link back after the result: verify, reading versions at once."""
    ota = rebooting()
    ota.link_lost(25.0)
    ota.link_restored(40.0)
    assert phase_of(ota) is OtaPhase.VERIFYING
    assert ota.display_percent is None
    assert ota.next_wakeup == 40.0
    assert ota.tick(40.0)
    assert ota.next_wakeup == 40.0 + POLL


def test_drop_while_verifying_waits_for_the_outlet_again() -> None:
    """A drop while verifying waits for the outlet again on a fresh reboot timer."""
    ota = verifying()
    ota.link_lost(50.0)
    assert phase_of(ota) is OtaPhase.REBOOTING
    assert ota.next_wakeup == 50.0 + REBOOT
    assert not ota.tick(60.0)
    ota.link_restored(70.0)
    assert phase_of(ota) is OtaPhase.VERIFYING
    assert ota.next_wakeup == 70.0


def test_drop_while_verifying_without_return_fails_as_device_not_back() -> None:
    """An outlet that drops while verifying and does not return did not come back."""
    ota = verifying()
    ota.link_lost(50.0)
    assert not ota.tick(50.0 + REBOOT)
    assert ota.error is FirmwareError.DEVICE_NOT_BACK


def test_reconnect_while_verifying_keeps_the_verification_deadline() -> None:
    """Verifying resumed after a reconnect ends when the first return said it would."""
    ota = verifying()  # gives up at 40.0 + VERIFY
    ota.link_lost(50.0)
    ota.link_restored(70.0)
    assert phase_of(ota) is OtaPhase.VERIFYING
    ota.tick(40.0 + VERIFY - 1.0)
    assert ota.active
    assert not ota.tick(40.0 + VERIFY)
    assert ota.error is FirmwareError.VERSION_UNCHANGED


def test_return_after_the_verification_limit_fails_at_once_as_version_unchanged() -> (
    None
):
    """An outlet still reconnecting at the verification limit fails once it is back."""
    ota = verifying()  # gives up at 40.0 + VERIFY
    ota.link_lost(40.0 + VERIFY - 1.0)
    assert not ota.tick(40.0 + VERIFY)
    assert ota.active
    ota.link_restored(40.0 + VERIFY + 1.0)
    assert not ota.tick(40.0 + VERIFY + 1.0)
    assert ota.error is FirmwareError.VERSION_UNCHANGED


def test_reconnect_after_a_return_resumes_the_start_clock_of_that_return() -> None:
    """The return after revB's restart at 21 starts the clock; reconnects keep it."""
    ota = tracker()
    ota.link_lost(1.0)
    ota.link_restored(40.0)  # the start timeout runs until 40.0 + START
    ota.link_lost(50.0)
    ota.link_restored(60.0)
    assert phase_of(ota) is OtaPhase.STARTING
    assert ota.tick(60.0)
    assert ota.next_wakeup == 40.0 + START


def test_reconnect_during_a_stall_check_after_a_return_resumes_the_check() -> None:
    """A stall check after a return ends as stalled, however often the link reopens."""
    ota = tracker()
    ota.link_lost(1.0)
    ota.link_restored(10.0)
    assert ota.tick(10.0 + START)  # the stall check's one read
    ota.link_lost(10.0 + START + 1.0)
    ota.link_restored(10.0 + START + 2.0)
    assert phase_of(ota) is OtaPhase.VERIFYING
    ota.tick(10.0 + START + 2.0)
    assert not ota.tick(10.0 + START + POLL)
    assert ota.error is FirmwareError.STALLED


def test_sign_of_life_lets_the_next_return_start_a_fresh_clock() -> None:
    """Progress after a return: the device is alive, the next return starts afresh."""
    ota = tracker()
    ota.link_lost(1.0)
    ota.link_restored(10.0)
    ota.progress(progress(FW, 10), 20.0)
    ota.link_lost(30.0)
    ota.link_restored(40.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    assert ota.tick(40.0)
    assert ota.next_wakeup == 40.0 + PROGRESS


def test_link_return_outside_rebooting_changes_nothing() -> None:
    """A link report while downloading leaves the download and its timer alone."""
    ota = downloading()
    ota.link_restored(30.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    assert ota.next_wakeup == 5.0 + PROGRESS


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: tracker(DECO), id="starting"),
        pytest.param(lambda: downloading(DECO), id="downloading"),
        pytest.param(lambda: rebooting(DECO), id="rebooting"),
    ],
)
def test_deco_update_ignores_outlet_link_loss(make: Callable[[], OtaTracker]) -> None:
    """An InvisDeco update goes on while the outlet link drops."""
    ota = make()
    phase, wakeup = ota.phase, ota.next_wakeup
    ota.link_lost(25.0)
    assert (ota.phase, ota.next_wakeup) == (phase, wakeup)


def test_deco_link_return_brings_the_next_poll_forward() -> None:
    """The outlet link back during an InvisDeco reboot: read versions at once."""
    ota = rebooting(DECO)
    ota.link_restored(22.0)
    assert phase_of(ota) is OtaPhase.REBOOTING
    assert ota.next_wakeup == 22.0
    assert ota.tick(22.0)


def test_deco_link_return_without_pending_poll_changes_nothing() -> None:
    """When the outlet link returns during an InvisDeco download, nothing changes."""
    ota = downloading(DECO)
    ota.link_restored(30.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    assert ota.next_wakeup == 5.0 + PROGRESS


@pytest.mark.parametrize("make", FINISHED)
def test_link_changes_after_the_end_are_ignored(
    make: Callable[[], OtaTracker],
) -> None:
    """Link reports after the update ended change nothing."""
    ota = make()
    phase = ota.phase
    ota.link_lost(100.0)
    ota.link_restored(110.0)
    assert phase_of(ota) is phase
    assert ota.next_wakeup is None


# Version reads ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(tracker, id="starting"),
        pytest.param(downloading, id="downloading"),
        pytest.param(rebooting, id="rebooting"),
        pytest.param(verifying, id="verifying"),
        pytest.param(lambda: rebooting(DECO), id="deco-rebooting"),
    ],
)
def test_new_versions_of_all_pending_components_succeed(
    make: Callable[[], OtaTracker],
) -> None:
    """A new version of every pending component confirms the update, in any phase."""
    ota = make()
    ota.versions_read(NEW, 45.0)
    assert phase_of(ota) is OtaPhase.SUCCEEDED
    assert not ota.active
    assert ota.error is None
    assert ota.display_percent is None
    assert ota.next_wakeup is None


def test_new_version_of_only_some_pending_components_is_not_enough() -> None:
    """New firmware with the old web interface does not confirm a two-part update."""
    ota = rebooting()
    ota.versions_read(replace(OLD, outlet_fw="1.1.0"), 30.0)
    assert phase_of(ota) is OtaPhase.REBOOTING


def test_only_pending_components_need_a_new_version() -> None:
    """A firmware-only update is confirmed by the firmware alone."""
    ota = tracker(www_fw_available="2.0.0")
    ota.versions_read(replace(OLD, www_fw="9.9.9"), 5.0)
    assert phase_of(ota) is OtaPhase.STARTING
    ota.versions_read(replace(OLD, outlet_fw="1.1.0"), 6.0)
    assert phase_of(ota) is OtaPhase.SUCCEEDED


def test_versions_from_12_and_20_combine_to_confirm() -> None:
    """The firmware seen in 12 and the web interface seen later in 20 add up."""
    ota = rebooting()
    ota.versions_read(InstalledVersions.read(info=outlet_info(outlet_fw="1.1.0")), 30.0)
    assert phase_of(ota) is OtaPhase.REBOOTING
    later = status(outlet_fw=None, www_fw="2.1.0", deco_fw=None)
    ota.versions_read(InstalledVersions.read(status=later), 40.0)
    assert phase_of(ota) is OtaPhase.SUCCEEDED


def test_status_is_not_needed_while_the_firmware_is_unconfirmed() -> None:
    """Device information can still confirm the firmware: no status read yet."""
    ota = rebooting()

    assert not ota.needs_status()


def test_status_is_needed_once_only_the_web_interface_is_left() -> None:
    """With the new firmware seen, only callback 20 can confirm the web interface."""
    ota = rebooting()

    ota.versions_read(InstalledVersions.read(info=outlet_info(outlet_fw="1.1.0")), 30.0)

    assert ota.needs_status()


def test_status_is_needed_from_the_start_of_a_web_interface_only_update() -> None:
    """A web-interface-only update can only ever be confirmed by callback 20."""
    ota = tracker(outlet_fw_available="1.0.0")

    assert ota.needs_status()


def test_status_is_never_needed_for_an_invisdeco_update() -> None:
    """Device information carries the InvisDeco version: 20 is never required."""
    ota = rebooting(DECO)

    assert not ota.needs_status()


def test_status_is_not_needed_once_everything_is_confirmed() -> None:
    """Nothing left to confirm means nothing left to read."""
    ota = rebooting()
    ota.versions_read(NEW, 30.0)

    assert not ota.needs_status()


def test_unknown_versions_are_not_a_change() -> None:
    """A read without versions (blank or absent) confirms nothing."""
    ota = rebooting()
    ota.versions_read(InstalledVersions(), 30.0)
    assert phase_of(ota) is OtaPhase.REBOOTING


@pytest.mark.parametrize("make", FINISHED)
def test_versions_after_the_end_are_ignored(make: Callable[[], OtaTracker]) -> None:
    """Version reads after the update ended change nothing."""
    ota = make()
    phase = ota.phase
    ota.versions_read(replace(NEW, outlet_fw="7.7.7"), 100.0)
    assert phase_of(ota) is phase


def test_deco_reboot_waits_for_pm_block_to_return() -> None:
    """After its result the InvisDeco must leave 12 and come back before verifying."""
    ota = rebooting(DECO)
    ota.versions_read(OLD, 30.0)
    assert phase_of(ota) is OtaPhase.REBOOTING
    ota.versions_read(DECO_GONE, 40.0)
    assert phase_of(ota) is OtaPhase.REBOOTING
    ota.versions_read(OLD, 60.0)
    assert phase_of(ota) is OtaPhase.VERIFYING
    assert ota.next_wakeup == 60.0
    assert ota.tick(60.0)
    assert not ota.tick(60.0 + VERIFY)
    assert ota.error is FirmwareError.VERSION_UNCHANGED


def test_deco_absent_at_its_result_verifies_once_pm_block_returns() -> None:
    """An InvisDeco already gone when its result arrives verifies when it returns."""
    ota = downloading(DECO)
    ota.versions_read(DECO_GONE, 10.0)
    assert phase_of(ota) is OtaPhase.DOWNLOADING
    ota.result(result(DECO_FW, True), 20.0)
    ota.versions_read(OLD, 30.0)
    assert phase_of(ota) is OtaPhase.VERIFYING


def test_deco_gone_before_the_result_does_not_count_for_the_reboot() -> None:
    """An InvisDeco that vanished and returned during the download must vanish again."""
    ota = downloading(DECO)
    ota.versions_read(DECO_GONE, 10.0)
    ota.versions_read(OLD, 15.0)
    ota.result(result(DECO_FW, True), 20.0)
    ota.versions_read(OLD, 30.0)
    assert phase_of(ota) is OtaPhase.REBOOTING


def test_unknown_deco_presence_keeps_the_last_known_one() -> None:
    """A read that says nothing about the PM block keeps the InvisDeco gone."""
    ota = rebooting(DECO)
    ota.versions_read(DECO_GONE, 30.0)
    ota.versions_read(InstalledVersions(outlet_fw="1.0.0"), 40.0)
    assert phase_of(ota) is OtaPhase.REBOOTING
    assert not ota.tick(20.0 + REBOOT)
    assert ota.error is FirmwareError.DEVICE_NOT_BACK


def test_outlet_update_ignores_deco_presence() -> None:
    """A missing PM block does not make the outlet absent."""
    ota = rebooting()
    ota.versions_read(DECO_GONE, 30.0)
    assert not ota.tick(20.0 + REBOOT)
    assert ota.error is FirmwareError.VERSION_UNCHANGED


def test_deco_stall_check_that_finds_pm_block_missing_does_not_fail_at_once() -> None:
    """The stall check does not call it stalled while the InvisDeco is missing."""
    ota = stall_checking(DECO)
    ota.versions_read(DECO_GONE, 66.0)
    assert phase_of(ota) is OtaPhase.REBOOTING
    assert ota.error is None
    ota.versions_read(NEW, 70.0)
    assert phase_of(ota) is OtaPhase.SUCCEEDED


def test_deco_stall_check_that_finds_pm_block_missing_waits_for_its_return() -> None:
    """A stall check that finds the InvisDeco rebooting waits for it to return."""
    ota = stall_checking(DECO)
    ota.versions_read(DECO_GONE, 66.0)
    ota.tick(65.0 + POLL)
    assert ota.active
    ota.versions_read(NEW, 90.0)
    assert phase_of(ota) is OtaPhase.SUCCEEDED


def test_external_tracker_with_unknown_baseline_waits_for_the_restart() -> None:
    """Without a baseline, a version counts only once the module is back."""
    ota = tracker(DECO, external=True, deco_fw=None, deco_fw_available=None)
    assert ota.pending == {DECO_FW}
    ota.versions_read(OLD, 5.0)
    assert phase_of(ota) is OtaPhase.STARTING
    ota.progress(progress(DECO_FW, 50), 6.0)
    ota.result(result(DECO_FW, True), 7.0)
    ota.versions_read(DECO_GONE, 8.0)
    ota.versions_read(OLD, 9.0)
    assert phase_of(ota) is OtaPhase.SUCCEEDED


# What is shown --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "active", "shown"),
    [
        pytest.param(tracker, True, None, id="starting"),
        pytest.param(downloading, True, 55, id="downloading"),
        pytest.param(stall_checking, True, None, id="stall-check"),
        pytest.param(rebooting, True, None, id="rebooting"),
        pytest.param(verifying, True, None, id="verifying"),
        pytest.param(succeeded, False, None, id="succeeded"),
        pytest.param(failed, False, None, id="failed"),
    ],
)
def test_active_and_display_percent_follow_the_phase(
    make: Callable[[], OtaTracker], active: bool, shown: int | None
) -> None:
    """Only downloading shows a percentage; only the four running phases are active."""
    ota = make()
    assert ota.active is active
    assert ota.display_percent == shown


# Whole updates ------------------------------------------------------------------------


def test_reva_outlet_update_runs_to_success() -> None:
    """revA: PUBACK 1, web-interface step, firmware step, reboot, confirmed version."""
    ota = tracker()
    ota.start_answered(True, 1.0)
    ota.result(result(FW, False), 2.0)
    ota.progress(progress(WWW, 0), 10.0)
    ota.progress(progress(WWW, 100), 40.0)
    ota.result(result(WWW, True), 41.0)
    ota.progress(progress(FW, 50), 60.0)
    assert (ota.phase, ota.step, ota.display_percent) == (OtaPhase.DOWNLOADING, FW, 75)
    ota.result(result(FW, True), 90.0)
    ota.link_lost(91.0)
    ota.link_restored(120.0)
    assert ota.tick(120.0)
    info = outlet_info(outlet_fw="1.1.0")
    ota.versions_read(InstalledVersions.read(info=info), 121.0)
    assert phase_of(ota) is OtaPhase.VERIFYING
    after = status(outlet_fw="1.1.0", www_fw="2.1.0")
    ota.versions_read(InstalledVersions.read(info, after), 122.0)
    assert phase_of(ota) is OtaPhase.SUCCEEDED


def test_revb_outlet_update_runs_to_success() -> None:
    """revB: restart at 21, late answer, progress, result, second restart, confirmed."""
    ota = tracker()
    ota.link_lost(0.5)
    ota.link_restored(30.0)
    ota.late_answer(UpdateAnswer(target=OUTLET, ok=True), 31.0)
    ota.progress(progress(FW, 100), 60.0)
    ota.result(result(FW, True), 61.0)
    ota.link_lost(62.0)
    ota.link_restored(100.0)
    assert phase_of(ota) is OtaPhase.VERIFYING
    ota.versions_read(NEW, 101.0)
    assert phase_of(ota) is OtaPhase.SUCCEEDED


def test_deco_update_runs_to_success() -> None:
    """InvisDeco: progress, result, PM block gone and back with the new version."""
    ota = tracker(DECO)
    ota.start_answered(True, 1.0)
    ota.progress(progress(DECO_FW, 100), 30.0)
    ota.result(result(DECO_FW, True), 31.0)
    assert ota.tick(41.0)
    ota.versions_read(InstalledVersions.read(info=outlet_info()), 41.0)
    assert phase_of(ota) is OtaPhase.REBOOTING
    info = outlet_info(deco=deco_module(fw_rev="3.1.0"))
    ota.versions_read(InstalledVersions.read(info=info), 51.0)
    assert phase_of(ota) is OtaPhase.SUCCEEDED


def test_total_limit_is_every_phase_at_its_limit_and_a_long_download() -> None:
    """The whole install's limit follows from the phase limits."""
    limits = OtaTimeouts(start=10, progress=2, reboot=30, verify=5, poll_interval=1)
    assert limits.total == 10 + 2 * 30 + 5 + 20 * 2


def test_install_that_keeps_restarting_ends_at_the_total_limit() -> None:
    """Signs of life restart the phase clocks, never the clock of the whole install."""
    ota = tracker()
    total = ota.timeouts.total
    now = 0.0
    while now < total:
        ota.link_lost(now)
        ota.link_restored(now + 1.0)
        ota.late_answer(UpdateAnswer(target=OUTLET, ok=True), now + 1.0)
        now += 100.0
        assert ota.active
        assert ota.next_wakeup is not None
        assert ota.next_wakeup <= total
        ota.tick(min(now, total - 1))
    assert not ota.tick(total)
    assert phase_of(ota) is OtaPhase.FAILED
    assert ota.error is FirmwareError.TIMED_OUT


def test_another_device_coming_back_fails_the_install() -> None:
    """A different serial after the restart is never taken for success."""
    ota = rebooting()
    ota.different_device()
    assert phase_of(ota) is OtaPhase.FAILED
    assert ota.error is FirmwareError.DIFFERENT_DEVICE


def test_another_invisdeco_coming_back_fails_the_install_as_such() -> None:
    """Another faceplate after the restart: the InvisDeco is named as the reason."""
    ota = rebooting()
    ota.different_device(deco=True)
    assert phase_of(ota) is OtaPhase.FAILED
    assert ota.error is FirmwareError.DIFFERENT_DECO


def test_another_device_after_the_end_changes_nothing() -> None:
    """A finished install keeps its outcome."""
    ota = succeeded()
    ota.different_device()
    assert phase_of(ota) is OtaPhase.SUCCEEDED


def test_deco_download_fills_the_whole_bar() -> None:
    """A single component's download is the whole bar."""
    ota = tracker(DECO)
    ota.progress(progress(2, 40), 5.0)
    assert ota.display_percent == 40
