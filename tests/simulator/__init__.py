"""Simulate an InvisOutlet with its InvisDeco for tests and demos.

The simulator is an independent implementation of the device's local API
(protocol.md), so it never imports the integration. It always serves both transports
on one host (127.0.0.1 by default, ``::1`` works too): raw TCP (bare JSON objects,
hardware revB) and a WebSocket at ``/ws`` (one JSON object per text frame, hardware
revA); ``SimulatedDevice.hardware`` only changes how an outlet update behaves.

Modules, one job each:

- ``server``: ``InvisOutletSimulator``, the outlet as tests drive it; ``links`` its
  sockets and clients, ``clients`` one connection per transport, ``wire`` the bytes.
- ``device``: ``SimulatedDevice``, the whole device state, initialised from
  ``tests/fixtures`` (``fixtures.load_fixture``).
- ``accessories``: the whole-device callbacks (1-11, 14-18, 24-28), answering with
  ``answers``; ``lights``, ``sensors`` and ``settings`` hold their rules; ``jobs``
  runs their background work (calibrations, restarts, the periodic sensor push).
- ``ota``: the firmware update emulator and ``OtaFailure``; ``faults``: ``Faults``.
- ``page``: the web interface's page, served at ``/`` beside the WebSocket.
- ``cli``: ``python -m tests.simulator --help`` runs the standalone demo server.

Fault knobs live in ``Faults`` and may be flipped while the simulator runs. For an
oversized message, send ``oversized()`` (or any large payload) with ``send_raw``; for
malformed ones, ``garbage_burst``; for a push storm, ``flood``.
"""

from .cli import main
from .device import SimulatedDevice
from .faults import Faults
from .fixtures import load_fixture
from .lights import ColorLight, Led
from .ota import OtaFailure, OtaTiming, different_serial
from .server import InvisOutletSimulator
from .wire import Garbage, RecordedRequest, Transport, oversized

__all__ = [
    "ColorLight",
    "Faults",
    "Garbage",
    "InvisOutletSimulator",
    "Led",
    "OtaFailure",
    "OtaTiming",
    "RecordedRequest",
    "SimulatedDevice",
    "Transport",
    "different_serial",
    "load_fixture",
    "main",
    "oversized",
]
