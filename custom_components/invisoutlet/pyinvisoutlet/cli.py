"""The command line: probe, read, switch, watch and update an outlet (``--help``)."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterator, Sequence
import contextlib
import logging
import sys
import time

from . import (
    DEFAULT_PORTS,
    PROBE_ORDER,
    Backoff,
    DecoUpdateMethod,
    Device,
    DevicePart,
    FirmwareError,
    InvisOutlet,
    InvisOutletError,
    InvisOutletUpdateError,
    OtaTimeouts,
    Outlet,
    Transport,
    UpdateTarget,
    probe,
)
from .cli_args import PROG, build_parser
from .cli_format import (
    TARGETS,
    ProgressPrinter,
    device_json,
    device_lines,
    dumps,
    firmware_json,
    firmware_lines,
    outlets_text,
    probe_json,
    probe_lines,
)

EXIT_OK, EXIT_DEVICE_ERROR, EXIT_USAGE = 0, 1, 2
# What a shell reports for a program ended by Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130
# An InvisDeco install tries Wi-Fi, then the outlet's relay (the integration's default).
DECO_METHODS = (DecoUpdateMethod.WIFI, DecoUpdateMethod.VIA_OUTLET)
# The library's own limits: an install ends within OTA_TIMEOUTS.total whatever happens.
BACKOFF = Backoff()
OTA_TIMEOUTS = OtaTimeouts()

# Why an install did not succeed, in words.
UPDATE_ERRORS = {
    FirmwareError.NO_UPDATE: "no newer version is available",
    FirmwareError.DOWNGRADE: "the device offers an older version, never installed",
    FirmwareError.IN_PROGRESS: "an update is already running on this outlet",
    FirmwareError.START_REJECTED: "the device refused to start the update",
    FirmwareError.FAILED: "the device reported that the update failed",
    FirmwareError.STALLED: "the download stopped making progress",
    FirmwareError.DEVICE_NOT_BACK: "the device did not come back after restarting",
    FirmwareError.VERSION_UNCHANGED: "the device still reports the old version",
    FirmwareError.DIFFERENT_DEVICE: "a different device answered after the restart",
    FirmwareError.TIMED_OUT: "the update did not finish within its time limit",
    FirmwareError.INTERRUPTED: "the update was interrupted",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return 0 when done, 1 on a device error, 2 on a usage error."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:
        # --help exits 0, a usage error 2: returned, so that callers decide.
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    try:
        with _debug_logs(enabled=args.verbose):
            asyncio.run(_run(args))
    except InvisOutletError as err:
        _error(_reason(err))
        return EXIT_DEVICE_ERROR
    except KeyboardInterrupt:
        # Ctrl-C is how a watch ends; anything else was cut short.
        return EXIT_OK if args.command == "watch" else EXIT_INTERRUPTED
    return EXIT_OK


async def _run(args: argparse.Namespace) -> None:
    """Run the command the arguments name."""
    if args.command == "probe":
        found = await probe(args.host, order=_order(args), timeout=args.timeout)
        if args.json:
            _out(dumps(probe_json(found)))
        else:
            _out(*probe_lines(found))
        return
    async with await _client(args) as client:
        if args.command == "info":
            await _info(client, as_json=args.json)
        elif args.command == "outlet":
            states = await client.set_outlet(
                outlet=Outlet(args.outlet), on=args.state == "on"
            )
            _out(f"outlets: {outlets_text(states)}")
        elif args.command == "watch":
            await _watch(client, seconds=args.seconds, count=args.count)
        else:
            await _firmware(client, install=args.install, as_json=args.json)


async def _client(args: argparse.Namespace) -> InvisOutlet:
    """Return a client of the outlet; probe for its transport unless one is given."""
    transport, port = args.transport, args.port
    if transport is None:
        found = await probe(args.host, order=_order(args), timeout=args.timeout)
        transport, port = found.transport, found.port
    return InvisOutlet(
        host=args.host,
        transport=Transport(transport),
        port=port,
        request_timeout=args.timeout,
        connect_timeout=args.timeout,
        backoff=BACKOFF,
        ota_timeouts=OTA_TIMEOUTS,
    )


async def _info(client: InvisOutlet, *, as_json: bool) -> None:
    """Read everything the device has and print it."""
    device = await client.update()
    if as_json:
        link = {"transport": client.transport, "port": client.effective_port}
        _out(dumps({"host": client.host} | link | device_json(device)))
    else:
        _out(*device_lines(device))


async def _watch(
    client: InvisOutlet, *, seconds: float | None, count: int | None
) -> None:
    """Print the device, then every change, until Ctrl-C, seconds or count changes."""
    _out(*device_lines(await client.update()))
    enough = asyncio.Event()
    changes = 0

    def changed(device: Device, parts: frozenset[DevicePart]) -> None:
        nonlocal changes
        if enough.is_set():
            return  # counted out: the watch is ending
        _out(*(f"{_clock()} {line}" for line in device_lines(device, parts)))
        changes += 1
        if count is not None and changes >= count:
            enough.set()

    def link(up: bool) -> None:
        _out(f"{_clock()} link: {'up' if up else 'down, reconnecting'}")

    # Installs started elsewhere (the vendor app) show as progress.
    client.firmware.start()
    client.subscribe_device(changed)
    client.subscribe_link(link)
    _note("watching; Ctrl-C to stop")
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await enough.wait()


async def _firmware(client: InvisOutlet, *, install: str | None, as_json: bool) -> None:
    """Print installed and available firmware; install first when asked."""
    if install is None:
        status = await client.firmware.available()
    else:
        target = UpdateTarget[install.upper()]
        printer = ProgressPrinter(sys.stderr)
        unsubscribe = client.firmware.subscribe(
            lambda: printer.show(client.firmware.progress)
        )
        try:
            status = await client.firmware.install(target, methods=DECO_METHODS)
        finally:
            unsubscribe()
            printer.end()
        _note(f"{TARGETS[target]} updated")
    _out(dumps(firmware_json(status)) if as_json else "\n".join(firmware_lines(status)))


def _order(args: argparse.Namespace) -> tuple[tuple[Transport, int], ...]:
    """Return where to probe: the transport given or both, each on its port."""
    transports = (
        [Transport(args.transport)]
        if args.transport
        else [transport for transport, _ in PROBE_ORDER]
    )
    return tuple((one, args.port or DEFAULT_PORTS[one]) for one in transports)


@contextlib.contextmanager
def _debug_logs(*, enabled: bool) -> Iterator[None]:
    """Show the library's debug logs on standard error while the command runs."""
    if not enabled:
        yield
        return
    logger = logging.getLogger(__package__)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _reason(err: InvisOutletError) -> str:
    """Return a device error in one line."""
    if isinstance(err, InvisOutletUpdateError):
        return f"the update did not succeed: {UPDATE_ERRORS[err.reason]}"
    return " ".join(str(err).split()) or type(err).__name__


def _out(*lines: str) -> None:
    """Print lines on standard output."""
    for line in lines:
        sys.stdout.write(f"{line}\n")
    sys.stdout.flush()


def _note(message: str) -> None:
    """Print a note on standard error, apart from what a script would read."""
    sys.stderr.write(f"{message}\n")


def _error(message: str) -> None:
    """Print an error in one line on standard error."""
    _note(f"{PROG}: error: {message}")


def _clock() -> str:
    """Return the local time of day, as a watch prints it."""
    return time.strftime("%H:%M:%S")
