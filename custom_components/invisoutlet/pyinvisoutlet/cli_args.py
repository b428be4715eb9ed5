"""The command line's commands and options (argparse)."""

from __future__ import annotations

import argparse

from . import Outlet, Transport, UpdateTarget

PROG = "pyinvisoutlet"
DEFAULT_TIMEOUT = 10.0


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of every command and its options."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("host", help="the outlet's address (host name or IP)")
    common.add_argument(
        "--transport",
        choices=[transport.value for transport in Transport],
        help="tcp (hardware revB) or websocket (revA); default: probe, TCP first",
    )
    common.add_argument(
        "--port", type=_port, help="default: 3333 for tcp, 80 for websocket"
    )
    common.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        help=f"seconds to connect and per answer (default {DEFAULT_TIMEOUT:g})",
    )
    common.add_argument("-v", "--verbose", action="store_true", help="debug logs")
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="print JSON")

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Talk to an Intecular InvisOutlet on the local network.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add = commands.add_parser
    add("probe", parents=[common, as_json], help="how the outlet answers, what it is")
    add("info", parents=[common, as_json], help="device information and readings")
    outlet = add("outlet", parents=[common], help="switch an outlet on or off")
    outlet.add_argument("outlet", type=int, choices=[int(one) for one in Outlet])
    outlet.add_argument("state", choices=["on", "off"])
    watch = add("watch", parents=[common], help="print every change until Ctrl-C")
    watch.add_argument("--seconds", type=_seconds, help="stop after this long")
    watch.add_argument("--count", type=_count, help="stop after this many changes")
    firmware = add(
        "firmware", parents=[common, as_json], help="installed, available, install"
    )
    firmware.add_argument(
        "--install",
        choices=[target.name.lower() for target in UpdateTarget],
        help="install what the device offers for the outlet or the InvisDeco",
    )
    return parser


def _port(text: str) -> int:
    """Parse a TCP port."""
    port = int(text)
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"not a port: {text}")
    return port


def _seconds(text: str) -> float:
    """Parse a positive number of seconds."""
    seconds = float(text)
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"not a positive number of seconds: {text}")
    return seconds


def _count(text: str) -> int:
    """Parse a positive count."""
    count = int(text)
    if count < 1:
        raise argparse.ArgumentTypeError(f"not a positive count: {text}")
    return count
