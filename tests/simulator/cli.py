"""``python -m tests.simulator``: run the simulated outlet on its own, for the demo.

Every option has the default device's value (``tests/fixtures``), except the sensor
push, which runs every 5 s here so that the demo shows moving values.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from typing import TYPE_CHECKING

from .device import SimulatedDevice
from .faults import Faults
from .ota import OtaFailure, OtaTiming
from .server import InvisOutletSimulator

if TYPE_CHECKING:
    from collections.abc import Sequence

_DEMO_FAULTS = ("silent-after-boot", "reboot-loop", "drop-every=SECONDS")
_SWITCHES = ("silent-after-boot", "reboot-loop")

_LOGGER = logging.getLogger(__name__)


def _fault(text: str) -> tuple[str, float | None]:
    """Parse one --fault value into its name and its seconds, if it takes any."""
    name, _, value = text.partition("=")
    if name in _SWITCHES and not value:
        return name, None
    if name == "drop-every" and value:
        try:
            return name, float(value)
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(
        f"unknown fault {text!r}; known: {', '.join(_DEMO_FAULTS)}"
    )


def _name(text: str) -> tuple[int, str]:
    """Parse one --name value, ACCESSORY=NAME, into the accessory and its name."""
    accessory, _, name = text.partition("=")
    if accessory in {"1", "2", "3"} and name:
        return int(accessory), name
    raise argparse.ArgumentTypeError(
        f"{text!r} is not ACCESSORY=NAME, ACCESSORY 1, 2 (outlets) or 3 (nightlight)"
    )


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    defaults = SimulatedDevice()
    pro = SimulatedDevice.pro()
    default_names = ", ".join(f"{a}={n}" for a, n in sorted(defaults.names.items()))
    parser = argparse.ArgumentParser(
        prog="python -m tests.simulator",
        description="Run a simulated InvisOutlet (TCP and WebSocket) until stopped.",
    )
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="address to listen on (::1 for IPv6)")
    add("--tcp-port", type=int, default=3333, help="raw TCP port (revB)")
    add("--ws-port", type=int, default=8080, help="WebSocket port, path /ws (revA)")
    add("--hardware", choices=["A", "B"], default="B", help="hardware revision")
    add("--serial", default=defaults.serial, help="outlet serial number")
    add("--mac", default=defaults.mac, help="outlet MAC address")
    add("--outlet-fw", default=defaults.outlet_fw)
    add("--outlet-fw-available", default=defaults.outlet_fw_available)
    add("--www-fw", default=defaults.www_fw)
    add("--www-fw-available", default=defaults.www_fw_available)
    add(
        "--name",
        action="append",
        default=[],
        type=_name,
        metavar="ACCESSORY=NAME",
        help="an accessory's name, repeatable: 1 and 2 the outlets, 3 the nightlight "
        f"(default: {default_names})",
    )
    add("--no-deco", action="store_true", help="no InvisDeco attached")
    add("--deco-offline", action="store_true", help="InvisDeco attached but offline")
    add(
        "--deco-type",
        choices=["aura", "pro"],
        default="aura",
        help="InvisDeco kind: aura (colour light) or pro (nightlight, air quality)",
    )
    add(
        "--deco-serial",
        help=f"InvisDeco serial (aura {defaults.deco_serial}, pro {pro.deco_serial})",
    )
    add("--deco-fw", default=defaults.deco_fw)
    add("--deco-fw-available", default=defaults.deco_fw_available)
    add(
        "--sensor-interval",
        type=float,
        default=5.0,
        help="seconds between sensor pushes; 0 for none",
    )
    add(
        "--mqtt",
        choices=["off", "connected"],
        default="off",
        help="connected: MQTT enabled, broker connected, discovery published",
    )
    add("--step-interval", type=float, default=1.0, help="seconds between progress")
    add("--reboot-duration", type=float, default=5.0, help="seconds of a reboot")
    add("--ota-failure", choices=[failure.value for failure in OtaFailure])
    add(
        "--fault",
        action="append",
        default=[],
        type=_fault,
        metavar="FAULT",
        help=f"misbehave, repeatable: {', '.join(_DEMO_FAULTS)}",
    )
    return parser.parse_args(argv)


def _faults_from(args: argparse.Namespace) -> Faults:
    failure = OtaFailure(args.ota_failure) if args.ota_failure else None
    faults = Faults(ota_failure=failure)
    for name, seconds in args.fault:
        if name == "silent-after-boot":
            faults.silent_after_boot = True
        elif name == "reboot-loop":
            faults.reboot_loop = True
        else:
            faults.drop_every = seconds
    return faults


def _device_from(args: argparse.Namespace) -> SimulatedDevice:
    device = SimulatedDevice.pro() if args.deco_type == "pro" else SimulatedDevice()
    device.hardware = args.hardware
    device.serial = args.serial
    device.mac = args.mac
    device.names.update(args.name)
    device.outlet_fw = args.outlet_fw
    device.outlet_fw_available = args.outlet_fw_available
    device.www_fw = args.www_fw
    device.www_fw_available = args.www_fw_available
    device.deco_attached = not args.no_deco
    device.deco_online = not args.deco_offline
    device.deco_serial = args.deco_serial or device.deco_serial
    device.deco_fw = args.deco_fw
    device.deco_fw_available = args.deco_fw_available
    device.sensor_push_interval = args.sensor_interval or None
    if args.mqtt == "connected":
        device.mqtt_enabled = True
        device.mqtt_connected = True
        device.mqtt_discovery_published = True
    return device


def _simulator_from(args: argparse.Namespace) -> InvisOutletSimulator:
    timing = OtaTiming(
        step_interval=args.step_interval,
        progress_steps=tuple(range(0, 101, 10)),
        reboot_duration=args.reboot_duration,
    )
    return InvisOutletSimulator(
        device=_device_from(args),
        timing=timing,
        faults=_faults_from(args),
        host=args.host,
        tcp_port=args.tcp_port,
        ws_port=args.ws_port,
    )


async def _run_standalone(simulator: InvisOutletSimulator) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    async with simulator:
        host = f"[{simulator.host}]" if ":" in simulator.host else simulator.host
        sys.stdout.write(
            f"InvisOutlet simulator listening on tcp://{host}:{simulator.tcp_port}"
            f" and ws://{host}:{simulator.ws_port}/ws\n"
        )
        sys.stdout.flush()
        # A standalone server runs until it is told to stop; no timeout on purpose.
        await stopping.wait()
    _LOGGER.info("Simulator stopped")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the simulator standalone until SIGINT or SIGTERM."""
    simulator = _simulator_from(_parse_args(argv))
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    asyncio.run(_run_standalone(simulator))
    return 0
