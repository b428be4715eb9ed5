"""Firmware installs: one entry point owns a whole install, start to confirmation."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
import contextlib
from dataclasses import dataclass, field
from functools import partial
import itertools
import logging
from typing import TYPE_CHECKING

from .const import (
    CallbackName,
    DecoUpdateMethod,
    FirmwareComponent,
    FirmwareError,
    UpdateTarget,
)
from .envelope import Message
from .events import UpdateAnswer, UpdateProgress, UpdateResult
from .exceptions import InvisOutletError, InvisOutletUpdateError
from .installs import InstallQueue
from .link import discard as _discard
from .models import FirmwareStatus, OutletInfo
from .ota import (
    InstalledVersions,
    OtaPhase,
    OtaTimeouts,
    OtaTracker,
    refusal,
    target_of,
    types_of,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable

    from .client import InvisOutlet
    from .installs import Install

LOGGER = logging.getLogger(__package__)

# The immediate answer to an install request is optional (quirk Q1): do not wait long.
START_ANSWER_TIMEOUT = 10.0
# What the device offers after an install is read once, briefly, whatever happened.
FINAL_READ_TIMEOUT = 5.0
# Failures another InvisDeco delivery method may cure; not an InvisDeco that stays away.
RETRY_OTHER_METHOD = frozenset(
    {FirmwareError.START_REJECTED, FirmwareError.FAILED, FirmwareError.STALLED}
)
# Immutable: one serves every outlet that was given no limits of its own.
_DEFAULT_TIMEOUTS = OtaTimeouts()


@dataclass(frozen=True, slots=True)
class FirmwareProgress:
    """An install as it stands now; a new snapshot on every change."""

    target: UpdateTarget
    components: frozenset[FirmwareComponent]
    phase: OtaPhase
    step: FirmwareComponent | None
    # The whole download as one bar (an outlet's web interface the first half and
    # its firmware the second); None while indeterminate (starting, restarting,
    # verifying, finishing).
    percent: int | None
    # Started elsewhere (the vendor app): shown, never reported as a failure.
    external: bool
    baseline: InstalledVersions

    def covers(self, component: FirmwareComponent) -> bool:
        """Return whether this install updates the component."""
        return component in self.components


@dataclass
class _Run:
    """Feed one tracker from the outlet's messages and timers until it ends."""

    client: InvisOutlet
    tracker: OtaTracker
    on_change: Callable[[], None]
    # Who was installed on: success means the same outlet (and InvisDeco) came back.
    serials: tuple[str | None, str | None] = (None, None)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    stopped: bool = False
    # The available-updates answer read while verifying, if any (the final one).
    status: FirmwareStatus | None = None

    @contextlib.asynccontextmanager
    async def following(self) -> AsyncIterator[None]:
        """Listen to the outlet for as long as the install runs."""
        client = self.client
        unsubscribes = [
            client._link.listen(CallbackName.START_UPDATE, self._late_answer),
            client._link.listen(CallbackName.UPDATE_PROGRESS, self.progress),
            client._link.listen(CallbackName.UPDATE_RESULT, self._result),
            client.subscribe(OutletInfo, self._info),
            client.subscribe_link(self._link_changed),
        ]
        client._link.expect_reboot(self.tracker.target is UpdateTarget.OUTLET)
        try:
            yield
        finally:
            client._link.expect_reboot(False)
            for unsubscribe in unsubscribes:
                unsubscribe()

    async def until_done(self) -> None:
        """Sleep until the next event or timer, and act on it, until the end."""
        tracker = self.tracker
        while tracker.active and not self.stopped:
            if tracker.tick(_now()):
                await self._read_versions()
            self._changed()
            if self.stopped or (wakeup := tracker.next_wakeup) is None:
                break
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout_at(wakeup):
                    await self.wake.wait()

    def stop(self) -> None:
        """Stop following; the device may still finish on its own."""
        self.stopped = True
        self.wake.set()

    def progress(self, message: Message) -> None:
        """Take a progress message."""
        self.tracker.progress(UpdateProgress.from_args(message.args), _now())
        self._changed()

    def _late_answer(self, message: Message) -> None:
        """Take revB's late answer to the install request."""
        if message.args is not None:
            self.tracker.late_answer(UpdateAnswer.from_args(message.args), _now())
            self._changed()

    def _result(self, message: Message) -> None:
        """Take a phase result."""
        self.tracker.result(UpdateResult.from_args(message.args), _now())
        self._changed()

    def _info(self, info: OutletInfo) -> None:
        """Any reading of device information counts, whoever asked for it."""
        outlet, deco = self.serials
        if outlet is not None and info.serial != outlet:
            self.tracker.different_device()
        elif (
            deco is not None
            and info.deco is not None
            and info.deco_present
            and info.deco.serial != deco
        ):
            self.tracker.different_device(deco=True)
        else:
            self.tracker.versions_read(InstalledVersions.read(info=info), _now())
        self._changed()

    async def _read_versions(self) -> None:
        """Read device information, and available updates only when they must decide."""
        info = await self._try(self.client.outlet_info)
        if info is not None and not self.stopped:
            self._info(info)
        if self.stopped or not self.tracker.active or not self.tracker.needs_status():
            return
        if (status := await self._try(self.client.firmware_status)) is not None:
            self.status = status
            if not self.stopped:
                versions = InstalledVersions.read(info, status)
                self.tracker.versions_read(versions, _now())

    async def _try[T](self, read: Callable[[], Awaitable[T]]) -> T | None:
        """Return what a read returns, None if it fails or outlasts the install."""
        try:
            # A read may not keep the install running past its total limit.
            async with asyncio.timeout_at(self.tracker.ends_at):
                return await read()
        except (InvisOutletError, TimeoutError) as err:
            LOGGER.debug("Reading versions during the install failed: %r", err)
            return None

    def _link_changed(self, up: bool) -> None:
        """Feed a link change to the tracker."""
        if up:
            self.tracker.link_restored(_now())
        else:
            self.tracker.link_lost(_now())
        self._changed()

    def _changed(self) -> None:
        """Wake the loop and let the owner compare what it shows."""
        self.wake.set()
        self.on_change()


class Firmware:
    """Install firmware on one outlet and follow installs started elsewhere."""

    def __init__(
        self, client: InvisOutlet, *, timeouts: OtaTimeouts | None = None
    ) -> None:
        """Serve one outlet; call start() to follow installs started elsewhere."""
        self._client = client
        self._timeouts = timeouts or _DEFAULT_TIMEOUTS
        self._run: _Run | None = None
        self._installs = InstallQueue()
        self._progress: FirmwareProgress | None = None
        self._queued: frozenset[FirmwareComponent] = frozenset()
        self._listeners: list[Callable[[], None]] = []
        self._follower: asyncio.Task[None] | None = None
        self._unlisten: Callable[[], None] | None = None
        self._closed = False
        self.status: FirmwareStatus | None = None
        # The device information last seen: whom an install starts on.
        self._info: OutletInfo | None = None
        self._unsubscribe_info = client.subscribe(OutletInfo, self._info_seen)

    @property
    def progress(self) -> FirmwareProgress | None:
        """Return the running install, None when none runs."""
        return self._progress

    @property
    def queued(self) -> frozenset[FirmwareComponent]:
        """Return the components asked for whose install waits its turn."""
        return self._queued

    @property
    def installing(self) -> bool:
        """Return whether an install runs or waits (ours or one started elsewhere)."""
        return bool(self._installs) or self._run is not None

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call listener when the progress or the available updates change."""
        self._listeners.append(listener)
        return partial(_discard, self._listeners, listener)

    def start(self) -> None:
        """Follow installs started elsewhere, such as in the vendor app."""
        if self._unlisten is None:
            self._unlisten = self._client._link.listen(
                CallbackName.UPDATE_PROGRESS, self._progress_pushed
            )

    async def close(self) -> None:
        """Stop following any install; nothing keeps running."""
        self._closed = True
        self._installs.close()
        self._unsubscribe_info()
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None
        if self._run is not None:
            self._run.stop()
        if (follower := self._follower) is not None:
            await asyncio.wait([follower])

    async def available(self) -> FirmwareStatus:
        """Read installed and available versions (the outlet asks the vendor cloud)."""
        status = await self._client.firmware_status()
        self._set_status(status)
        return status

    async def check(self) -> FirmwareStatus | None:
        """Read available updates, unless an install runs (it reads them at its end)."""
        if self.installing:
            return self.status
        return await self.available()

    async def install(
        self,
        target: UpdateTarget,
        *,
        methods: Sequence[DecoUpdateMethod] = (DecoUpdateMethod.WIFI,),
        component: FirmwareComponent | None = None,
    ) -> FirmwareStatus:
        """Install what the device offers and wait until the new version shows.

        `component` is what the caller asks for (None: the whole target). One install
        runs per outlet: asking for a component the install of its target already
        updates (running or waiting) joins it and ends with it; an install of the
        other target waits its turn; asking again for a component already asked is
        refused at once. Tries each InvisDeco delivery method in turn when the earlier
        one fails in a way another may cure. Returns the available updates read at
        the end; raises InvisOutletUpdateError with the reason otherwise.
        """
        asked = types_of(target) if component is None else frozenset({component})
        if not asked <= types_of(target):
            msg = f"{component!r} is not updated by {target!r}"
            raise ValueError(msg)
        if self._closed:
            raise InvisOutletUpdateError(FirmwareError.INTERRUPTED)
        run = self._run
        if run is not None and run.tracker.external and run.tracker.target is target:
            raise InvisOutletUpdateError(FirmwareError.IN_PROGRESS)
        if (joined := self._installs.join(target, asked)) is not None:
            self._changed()
            return await joined.joined()
        install = self._installs.add(target, asked, busy=self.installing)
        self._changed()
        try:
            status = await self._run_install(target, methods, install)
        except BaseException as err:
            self._ended(install, err)
            raise
        self._ended(install, status)
        return status

    async def _run_install(
        self,
        target: UpdateTarget,
        methods: Sequence[DecoUpdateMethod],
        install: Install,
    ) -> FirmwareStatus:
        """Wait for this install's turn, then run it and read what is offered after."""
        await self._installs.turn(install, lambda: self._follower is not None)
        status = await self.available()
        if (reason := refusal(target, status)) is not None:
            raise InvisOutletUpdateError(reason)
        final: FirmwareStatus | None = None
        try:
            final = await self._install_with(target, status, methods)
        finally:
            # Shown as still running until what it changed has been read.
            final = await self._final_status(final)
        return final

    def _ended(self, install: Install, outcome: FirmwareStatus | BaseException) -> None:
        """Forget an install that ended, and tell who joined it and who waits."""
        self._installs.done(install, outcome)
        if install.running and self._run is not None:
            self._end(self._run)
        self._notify()

    async def _install_with(
        self,
        target: UpdateTarget,
        status: FirmwareStatus,
        methods: Sequence[DecoUpdateMethod],
    ) -> FirmwareStatus | None:
        """Install with each method in turn; return the status read while verifying."""
        if target is UpdateTarget.OUTLET:
            methods = (DecoUpdateMethod.WIFI,)
        for method, following in itertools.pairwise(methods):
            try:
                return await self._install_once(target, status, method)
            except InvisOutletUpdateError as err:
                if err.reason not in RETRY_OTHER_METHOD:
                    raise
                LOGGER.warning(
                    "Installing the InvisDeco firmware %s failed (%s); trying the next "
                    "method, %s",
                    method.label,
                    err.reason,
                    following.label,
                )
        return await self._install_once(target, status, methods[-1])

    async def _install_once(
        self, target: UpdateTarget, status: FirmwareStatus, method: DecoUpdateMethod
    ) -> FirmwareStatus | None:
        """Run one install with one method."""
        try:
            info = self._info or await self._client.outlet_info()
        finally:
            if self._closed:
                raise InvisOutletUpdateError(FirmwareError.INTERRUPTED)
        deco = info.deco.serial if info.deco and target is UpdateTarget.DECO else None
        tracker = OtaTracker.for_update(target, status, _now(), self._timeouts)
        run = self._begin(tracker, (info.serial, deco))
        try:
            async with run.following():
                answer = await self._client.start_firmware_update(
                    target, method, timeout=START_ANSWER_TIMEOUT
                )
                tracker.start_answered(answer, _now())
                run.wake.set()
                self._changed()
                await run.until_done()
        except BaseException:
            self._end(run)
            raise
        # The run stays current (shown as finishing) until install() has read the
        # available updates it changed; a retry by another method replaces it.
        if tracker.active:
            raise InvisOutletUpdateError(FirmwareError.INTERRUPTED)
        if tracker.error is not None:
            raise InvisOutletUpdateError(tracker.error)
        return run.status

    async def _final_status(self, read: FirmwareStatus | None) -> FirmwareStatus:
        """Return the available updates after an install: read once more if needed."""
        if read is not None:
            self._set_status(read)
            return read
        if self._closed:
            if self.status is None:
                raise InvisOutletUpdateError(FirmwareError.INTERRUPTED)
            return self.status
        try:
            async with asyncio.timeout(FINAL_READ_TIMEOUT):
                return await self.available()
        except (InvisOutletError, TimeoutError) as err:
            LOGGER.debug("Reading available updates after the install failed: %r", err)
        if self.status is None:
            raise InvisOutletUpdateError(FirmwareError.INTERRUPTED)
        return self.status

    def _info_seen(self, info: OutletInfo) -> None:
        """Remember the device information last seen."""
        self._info = info

    def _progress_pushed(self, message: Message) -> None:
        """Show an install started elsewhere, from its first progress message."""
        if self.installing or self.status is None:
            return
        target = target_of(UpdateProgress.from_args(message.args).type)
        if target is None:
            return
        tracker = OtaTracker.for_update(
            target, self.status, _now(), self._timeouts, external=True
        )
        run = self._begin(tracker)
        # Adopted before it takes the message, so its first progress shows at once.
        run.progress(message)
        self._follower = asyncio.create_task(
            self._follow(run), name=f"invisoutlet {self._client.host} firmware"
        )

    async def _follow(self, run: _Run) -> None:
        """Follow an install started elsewhere to its end, then read what is offered."""
        try:
            async with run.following():
                await run.until_done()
            if not run.stopped:
                with contextlib.suppress(InvisOutletError):
                    await self.available()
        finally:
            self._end(run)
            self._follower = None
            self._installs.wake()

    def _begin(
        self, tracker: OtaTracker, serials: tuple[str | None, str | None] = (None, None)
    ) -> _Run:
        """Make this tracker's run the current one."""
        run = _Run(self._client, tracker, self._changed, serials)
        self._run = run
        self._changed()
        return run

    def _end(self, run: _Run) -> None:
        """Forget a finished run."""
        if self._run is run:
            self._run = None
        self._changed()

    def _changed(self) -> None:
        """Take a new snapshot; tell the listeners when it differs."""
        run = self._run
        progress = _snapshot(run.tracker) if run is not None else None
        queued = self._installs.queued(run.tracker.target if run else None)
        if (progress, queued) != (self._progress, self._queued):
            self._progress, self._queued = progress, queued
            self._notify()

    def _set_status(self, status: FirmwareStatus) -> None:
        """Keep the last available-updates answer; tell the listeners when new."""
        if status != self.status:
            self.status = status
            self._notify()

    def _notify(self) -> None:
        """Tell every listener that something changed."""
        for listener in tuple(self._listeners):
            try:
                listener()
            except Exception:
                LOGGER.exception("Firmware listener failed")


def _snapshot(tracker: OtaTracker) -> FirmwareProgress:
    """Return what a tracker shows (an ended one: finishing, the bar indeterminate)."""
    return FirmwareProgress(
        target=tracker.target,
        components=tracker.pending,
        phase=tracker.phase,
        step=tracker.step,
        percent=tracker.display_percent,
        external=tracker.external,
        baseline=tracker.baseline,
    )


def _now() -> float:
    """Return the loop's monotonic time, the tracker's clock."""
    return asyncio.get_running_loop().time()
