"""The firmware update (OTA) state machine: events in, phase and percentage out.

Pure on purpose: no sockets, no clock. Every event carries the caller's monotonic
time, and the caller asks `next_wakeup` when to call `tick()`. protocol.md §4.10 and
design.md §4 describe the phases; comments say where this machine departs from them.
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from enum import StrEnum

from .const import FirmwareComponent, FirmwareError, UpdateTarget
from .events import UpdateAnswer, UpdateProgress, UpdateResult
from .models import FirmwareStatus, OutletInfo


class OtaPhase(StrEnum):
    """Where one firmware update stands."""

    STARTING = "starting"
    DOWNLOADING = "downloading"
    REBOOTING = "rebooting"
    VERIFYING = "verifying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True)
class OtaTimeouts:
    """Time limits of an update, in seconds."""

    # From sending 21 (or the late 21 after a revB restart) to the first progress.
    start: float = 180.0
    # Between two progress messages (protocol.md §2.4a).
    progress: float = 60.0
    # From the result (or an expected disconnect) until the module is back.
    reboot: float = 300.0
    # From the module being back until the new version is read. Like the start and
    # progress limits, counted from the first return: a reconnect does not restart it.
    verify: float = 120.0
    # Between version reads while rebooting or verifying.
    poll_interval: float = 10.0

    @property
    def total(self) -> float:
        """Return the limit of a whole install, whatever the device does meanwhile.

        Every phase at its limit, with a restart at the start (revB) and at the end,
        and a download of up to DOWNLOAD_GAPS progress gaps: a device that restarts
        in a loop, or answers but never finishes, cannot keep an install running.
        """
        return (
            self.start + 2 * self.reboot + self.verify + DOWNLOAD_GAPS * self.progress
        )


# Progress gaps a whole download may take (each at most `progress` seconds long).
DOWNLOAD_GAPS = 20


_TYPES_OF = {
    UpdateTarget.OUTLET: frozenset(
        {FirmwareComponent.WEB_INTERFACE, FirmwareComponent.OUTLET_FIRMWARE}
    ),
    UpdateTarget.DECO: frozenset({FirmwareComponent.DECO_FIRMWARE}),
}
ACTIVE_PHASES = frozenset(
    {OtaPhase.STARTING, OtaPhase.DOWNLOADING, OtaPhase.REBOOTING, OtaPhase.VERIFYING}
)


def types_of(target: UpdateTarget) -> frozenset[FirmwareComponent]:
    """Return the components an install of this target updates."""
    return _TYPES_OF[target]


def target_of(update_type: int) -> UpdateTarget | None:
    """Return which update target a progress or result type belongs to."""
    for target, types in _TYPES_OF.items():
        if update_type in types:
            return target
    return None


@dataclass(frozen=True, slots=True)
class InstalledVersions:
    """Installed versions read from the device; None where unknown or absent."""

    outlet_fw: str | None = None
    www_fw: str | None = None
    deco_fw: str | None = None
    # Whether the InvisDeco answered in this reading (PM present and online).
    deco_present: bool | None = None

    @classmethod
    def read(
        cls, info: OutletInfo | None = None, status: FirmwareStatus | None = None
    ) -> InstalledVersions:
        """Combine what 12 and 20 report; only 20 has the web interface version."""
        deco = info.deco if info is not None and info.deco_present else None
        deco_present = None
        if info is not None:
            deco_present = deco is not None
        elif status is not None:
            deco_present = status.deco_fw is not None
        return cls(
            outlet_fw=(info.outlet.fw_rev if info else None)
            or (status.outlet_fw if status else None),
            www_fw=status.www_fw if status else None,
            deco_fw=(deco.fw_rev if deco else None)
            or (status.deco_fw if status else None),
            deco_present=deco_present,
        )

    def get(self, component: FirmwareComponent) -> str | None:
        """Return the version of one component."""
        if component is FirmwareComponent.OUTLET_FIRMWARE:
            return self.outlet_fw
        if component is FirmwareComponent.WEB_INTERFACE:
            return self.www_fw
        return self.deco_fw


def pending_components(
    target: UpdateTarget, status: FirmwareStatus
) -> frozenset[FirmwareComponent]:
    """Return the components of a target that have an update available."""
    return frozenset(c for c in _TYPES_OF[target] if status.offers(c))


def refusal(target: UpdateTarget, status: FirmwareStatus) -> FirmwareError | None:
    """Return why an install of this target must not start, None when it may."""
    # The device installs every component of the target whose version differs, the
    # older ones too: one older offer beside a newer one would be a downgrade.
    if any(status.offers_older(component) for component in _TYPES_OF[target]):
        return FirmwareError.DOWNGRADE
    if not pending_components(target, status):
        return FirmwareError.NO_UPDATE
    return None


@dataclass
class OtaTracker:
    """Follow one firmware update of one target from start to confirmed version."""

    target: UpdateTarget
    pending: frozenset[FirmwareComponent]
    baseline: InstalledVersions
    now: InitVar[float]
    timeouts: OtaTimeouts = field(default_factory=OtaTimeouts)
    # Started elsewhere (the vendor app): shown, never reported as our failure.
    external: bool = False

    phase: OtaPhase = field(default=OtaPhase.STARTING, init=False)
    step: FirmwareComponent | None = field(default=None, init=False)
    percent: int | None = field(default=None, init=False)
    # The whole download as one bar, whichever component it is at: never goes back.
    overall: int | None = field(default=None, init=False)
    error: FirmwareError | None = field(default=None, init=False)
    _seen_progress: bool = field(default=False, init=False)
    _deadline: float | None = field(default=None, init=False)
    _poll_at: float | None = field(default=None, init=False)
    # Phase to return to when the link comes back after a drop before the result:
    # revB restarts as soon as 21 arrives and then carries on with the update.
    _resume: OtaPhase | None = field(default=None, init=False)
    _module_gone: bool = field(default=False, init=False)
    _module_present: bool = field(default=True, init=False)
    _stall_check: bool = field(default=False, init=False)
    # Latest version read per component; 12 and 20 each report only some of them.
    _seen: dict[FirmwareComponent, str] = field(default_factory=dict, init=False)
    # The install as a whole ends by then; reconnects do not move it.
    _ends_at: float = field(default=0.0, init=False)
    # The link came back since the device last showed life (a message of the
    # update): that return started the phase's clock, and no later one restarts it.
    _returned: bool = field(default=False, init=False)
    # The clock a later return resumes: (stall check running, deadline).
    _held: tuple[bool, float | None] | None = field(default=None, init=False)

    def __post_init__(self, now: float) -> None:
        """Start the clocks: the phase's and the whole install's."""
        if not self.pending:
            msg = f"nothing to update for {self.target.name}"
            raise ValueError(msg)
        self._ends_at = now + self.timeouts.total
        self._alive(now)

    @classmethod
    def for_update(
        cls,
        target: UpdateTarget,
        status: FirmwareStatus,
        now: float,
        timeouts: OtaTimeouts | None = None,
        *,
        external: bool = False,
    ) -> OtaTracker:
        """Create a tracker from the versions read just before the update."""
        pending = pending_components(target, status)
        if external and not pending:
            # Our last reading is older than the update the vendor app started.
            pending = frozenset({_final_of(target, frozenset())})
        return cls(
            target=target,
            pending=pending,
            baseline=InstalledVersions.read(status=status),
            now=now,
            timeouts=timeouts or OtaTimeouts(),
            external=external,
        )

    @property
    def active(self) -> bool:
        """Return whether the update is still running."""
        return self.phase in ACTIVE_PHASES

    @property
    def ends_at(self) -> float:
        """Return when the install as a whole ends, whatever happens until then."""
        return self._ends_at

    @property
    def next_wakeup(self) -> float | None:
        """Return when tick() must be called next, None once finished."""
        times = [t for t in (self._deadline, self._poll_at) if t is not None]
        return min(*times, self._ends_at) if self.active else None

    @property
    def display_percent(self) -> int | None:
        """Return the whole download's percentage; None for an indeterminate bar."""
        return self.overall if self.phase is OtaPhase.DOWNLOADING else None

    def _on_the_bar(self, step: FirmwareComponent) -> int:
        """Place the current step's percentage on the bar of the whole download.

        An outlet install that updates the web interface too fills the first half
        with it and the second half with the firmware (protocol.md §4.6).
        """
        percent = self.percent or 0
        both = {FirmwareComponent.WEB_INTERFACE, FirmwareComponent.OUTLET_FIRMWARE}
        if not both <= self.pending:
            return percent
        if step is FirmwareComponent.WEB_INTERFACE:
            return percent // 2
        return 50 + percent // 2

    def needs_status(self) -> bool:
        """Return whether only the available-updates answer can confirm what is left.

        Device information has no web-interface version: the answer is read only
        once everything else is confirmed, so an install reads it at most once more.
        """
        waiting = {c for c in self.pending if not self._is_new(c)}
        return waiting == {FirmwareComponent.WEB_INTERFACE}

    def covers(self, component: FirmwareComponent) -> bool:
        """Return whether this update installs the given component."""
        return component in self.pending

    # Events -----------------------------------------------------------------------

    def start_answered(self, accepted: bool | None, now: float) -> None:
        """Take the immediate answer to callback 21 (None: none came)."""
        if self.phase is not OtaPhase.STARTING or accepted is None:
            return
        if accepted:
            self._enter(OtaPhase.DOWNLOADING)
            self._alive(now)
        else:
            self._fail(FirmwareError.START_REJECTED)

    def late_answer(self, answer: UpdateAnswer, now: float) -> None:
        """Take revB's late 21: the update goes on or it failed."""
        if answer.target != self.target or not self._downloading:
            return
        if answer.ok:
            self._enter(OtaPhase.DOWNLOADING)
            self._alive(now)
        else:
            self._fail(FirmwareError.FAILED)

    def progress(self, progress: UpdateProgress, now: float) -> None:
        """Take a 22 progress message."""
        if target_of(progress.type) is not self.target or not self._downloading:
            return
        update_type = FirmwareComponent(progress.type)
        if update_type is self.step and self.percent is not None:
            # Duplicated or reordered messages must not move the bar backwards.
            self.percent = max(self.percent, progress.percent)
        else:
            self.step, self.percent = update_type, progress.percent
        self.overall = max(self.overall or 0, self._on_the_bar(update_type))
        self._seen_progress = True
        self._enter(OtaPhase.DOWNLOADING)
        self._alive(now)

    def result(self, result: UpdateResult, now: float) -> None:
        """Take a 23 result message."""
        if target_of(result.type) is not self.target or not self._downloading:
            return
        if result.type != self._final:
            # The web-interface phase ended; the firmware phase follows (quirk Q7).
            self._alive(now)
            return
        if not result.success and not self._seen_progress:
            return  # The spurious 23 [t, 0] every update starts with (quirk Q2).
        if result.success or result.type is FirmwareComponent.WEB_INTERFACE:
            # A web-interface result carries no verdict (protocol.md §4.5): the
            # version read after it decides.
            self._wait_for_reboot(now)
        else:
            self._fail(FirmwareError.FAILED)

    def link_lost(self, now: float) -> None:
        """Take the loss of the link to the outlet."""
        if self.target is not UpdateTarget.OUTLET or not self.active:
            return
        self._module_present = False
        self._module_gone = True
        if self.phase is OtaPhase.REBOOTING:
            return
        if self._returned:
            # A silent outlet whose reads time out drops the link every request
            # timeout: resuming on a fresh clock would let it run to the total limit.
            self._held = (self._stall_check, self._deadline)
        if self._downloading:
            # revB restarts as soon as 21 arrives, then carries on where it was.
            starting = self.phase is OtaPhase.STARTING
            self._resume = OtaPhase.STARTING if starting else OtaPhase.DOWNLOADING
        self._stall_check = False
        self._enter(OtaPhase.REBOOTING)
        self._deadline = now + self.timeouts.reboot
        self._poll_at = None

    def link_restored(self, now: float) -> None:
        """Take the return of the link to the outlet."""
        if not self.active:
            return
        if self.target is UpdateTarget.DECO:
            if self._poll_at is not None:
                self._poll_at = now
            return
        self._module_present = True
        if self.phase is not OtaPhase.REBOOTING:
            return
        if self._resume is not None:
            self._enter(self._resume)
            self._resume = None
            self._run_clock(now)
            # The result may have been lost with the link: look once, straight away,
            # rather than only when the progress timeout runs out.
            self._poll_at = now
        else:
            self._verify(now)
        self._returned = True
        if (held := self._held) is not None:
            self._held = None
            self._stall_check, self._deadline = held
            if self._stall_check:
                self._enter(OtaPhase.VERIFYING)

    def versions_read(self, versions: InstalledVersions, now: float) -> None:
        """Take installed versions read from 12 or 20 (reply or push)."""
        if not self.active:
            return
        for component in FirmwareComponent:
            if (version := versions.get(component)) is not None:
                self._seen[component] = version
        if self.target is UpdateTarget.DECO and versions.deco_present is not None:
            self._module_present = versions.deco_present
            self._module_gone |= not versions.deco_present
            if (
                self.phase is OtaPhase.REBOOTING
                and self._module_gone
                and self._module_present
            ):
                self._verify(now)
        if self._confirmed():
            self._enter(OtaPhase.SUCCEEDED)
        elif self._stall_check:
            if self._module_present:
                self._fail(FirmwareError.STALLED)
            else:
                # The InvisDeco is restarting: it finished without telling (Q8, Q9).
                self._stall_check = False
                self._wait_for_reboot(now)

    def different_device(self, *, deco: bool = False) -> None:
        """Take a device (or InvisDeco) back with another serial: never a success."""
        if self.active:
            self._fail(
                FirmwareError.DIFFERENT_DECO if deco else FirmwareError.DIFFERENT_DEVICE
            )

    def tick(self, now: float) -> bool:
        """Advance the timers; return whether the caller should read versions now."""
        if not self.active:
            return False
        if now >= self._ends_at:
            self._fail(FirmwareError.TIMED_OUT)
            return False
        if self._deadline is not None and now >= self._deadline:
            self._expire(now)
        return self._poll_due(now)

    # Internals --------------------------------------------------------------------

    @property
    def _downloading(self) -> bool:
        """Return whether download messages are expected (or a stall check runs)."""
        return self.phase in _RUNNING or self._stall_check

    @property
    def _final(self) -> FirmwareComponent:
        """Return the type whose result ends the download."""
        return _final_of(self.target, self.pending)

    def _alive(self, now: float) -> None:
        """Restart the stall timer on a sign of life."""
        self._returned = False
        self._run_clock(now)

    def _run_clock(self, now: float) -> None:
        """Start the start or progress timer afresh."""
        if self._stall_check:
            self._enter(OtaPhase.DOWNLOADING)
        limit = self.timeouts.progress if self._seen_progress else self.timeouts.start
        self._deadline = now + limit
        self._poll_at = None
        self._stall_check = False

    def _enter(self, phase: OtaPhase) -> None:
        """Move to a phase; the bar is indeterminate outside downloading."""
        self.phase = phase
        if phase in {OtaPhase.SUCCEEDED, OtaPhase.FAILED}:
            self._deadline = self._poll_at = None

    def _fail(self, error: FirmwareError) -> None:
        """End the update as failed."""
        self.error = error
        self._enter(OtaPhase.FAILED)

    def _wait_for_reboot(self, now: float) -> None:
        """After a successful result the module restarts (quirk Q8)."""
        self._enter(OtaPhase.REBOOTING)
        self._resume = None
        self._returned = False
        self._module_gone = not self._module_present
        self._deadline = now + self.timeouts.reboot
        self._poll_at = now + self.timeouts.poll_interval

    def _verify(self, now: float) -> None:
        """Read versions until the new one shows, now that the module is back."""
        self._enter(OtaPhase.VERIFYING)
        self._deadline = now + self.timeouts.verify
        self._poll_at = now

    def _expire(self, now: float) -> None:
        """Handle a deadline that passed."""
        if self._stall_check:
            self._fail(FirmwareError.STALLED)
        elif self.phase in _RUNNING:
            # An update can finish without telling: look once before calling it stalled.
            self._enter(OtaPhase.VERIFYING)
            self._stall_check = True
            self._deadline = now + self.timeouts.poll_interval
            self._poll_at = now
        elif self.phase is OtaPhase.REBOOTING and not self._module_present:
            self._fail(FirmwareError.DEVICE_NOT_BACK)
        else:
            self._fail(FirmwareError.VERSION_UNCHANGED)

    def _poll_due(self, now: float) -> bool:
        """Return whether a version read is due, and schedule the next one."""
        if not self.active or self._poll_at is None or now < self._poll_at:
            return False
        # While downloading a read is a one-off (after a reconnect); after the result
        # reads repeat until the new version shows.
        running = self.phase in _RUNNING
        self._poll_at = None if running else now + self.timeouts.poll_interval
        return True

    def _confirmed(self) -> bool:
        """Return whether every pending component now reports a new version."""
        return all(self._is_new(component) for component in self.pending)

    def _is_new(self, component: FirmwareComponent) -> bool:
        """Return whether a component reports a version other than its baseline."""
        seen = self._seen.get(component)
        baseline = self.baseline.get(component)
        if seen is None:
            return False
        if baseline is None:
            # Nothing to compare with: trust a version read once the module is back.
            return self.phase is OtaPhase.VERIFYING
        return seen != baseline


_RUNNING = frozenset({OtaPhase.STARTING, OtaPhase.DOWNLOADING})


def _final_of(
    target: UpdateTarget, pending: frozenset[FirmwareComponent]
) -> FirmwareComponent:
    """Return the last phase type of an update of this target."""
    if target is UpdateTarget.DECO:
        return FirmwareComponent.DECO_FIRMWARE
    if pending == {FirmwareComponent.WEB_INTERFACE}:
        # Only the web interface is out of date: no firmware phase will follow.
        return FirmwareComponent.WEB_INTERFACE
    return FirmwareComponent.OUTLET_FIRMWARE
