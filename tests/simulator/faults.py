"""The simulator's fault knobs: every misbehaviour, all off by default.

Every knob may be flipped while the simulator runs, with two exceptions that need a
method so that a background loop starts: ``refuse_connections`` (use
``set_refusing()``) and ``drop_every`` going from None to a number (use
``set_drop_every()``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .ota import OtaFailure


@dataclass
class Faults:
    """Switch on misbehaviour; everything is off by default.

    A callback in ``silent_callbacks`` still acts (a 21 still starts the update, as
    when the device's reply is lost, quirk Q1). ``silent_after_boot``: once the outlet
    has restarted with this knob on, it accepts connections but answers nothing and
    does nothing until the knob is cleared. ``reboot_loop``: after a restart the outlet
    comes back and restarts again after ``OtaTiming.reboot_duration``, until cleared.
    ``drop_every``: abort every client connection every so many seconds.
    ``ws_redirect``: answer the WebSocket upgrade with a 302 to this URL.
    """

    split_writes: bool = False
    coalesce: bool = False
    garbage_between: bytes = b""
    include_puback_on_12: bool = False
    silent_callbacks: set[int] = field(default_factory=set)
    wrong_packet_id: set[int] = field(default_factory=set)
    malformed_reply: set[int] = field(default_factory=set)
    wrong_types: set[int] = field(default_factory=set)
    puback_zero: set[int] = field(default_factory=set)
    drop_on: set[int] = field(default_factory=set)
    refuse_connections: bool = False
    ota_failure: OtaFailure | None = None
    silent_after_boot: bool = False
    reboot_loop: bool = False
    drop_every: float | None = None
    ws_redirect: str | None = None
