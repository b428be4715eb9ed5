"""The envelope of every message from the outlet: a reply or a push (§3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .builder import builder
from .exceptions import InvisOutletProtocolError
from .fields import as_int, shape

# Every message carries at least one of these (§3.2, §3.3).
_ENVELOPE = frozenset(("sn", "packetID", "PUBACK", "payload"))


@dataclass(frozen=True, slots=True)
class Message:
    """One message from the outlet; callers never see it."""

    serial: str | None
    packet_id: int | None
    puback: int | None
    callback_name: int | None
    # The settings answer carries the MQTT password (§6.2): never in a repr.
    args: Any = field(repr=False)

    @classmethod
    def from_json(cls, data: object) -> Message:
        """Parse the envelope of a decoded JSON message."""
        if type(data) is not dict:
            msg = f"message is not an object: {shape(data)}"
            raise InvisOutletProtocolError(msg)
        if _ENVELOPE.isdisjoint(data):
            # An object that a stretch of garbage happened to hold.
            msg = f"object without an envelope: {data!r:.80}"
            raise InvisOutletProtocolError(msg)
        payload = data.get("payload")
        if payload is None:
            payload = {}
        elif type(payload) is list:
            # The app's reading of some replies: the payload is the argument list.
            payload = {"callbackArgs": payload}
        elif type(payload) is not dict:
            msg = f"payload is not an object: {shape(payload)}"
            raise InvisOutletProtocolError(msg)
        serial = data.get("sn")
        packet_id = data.get("packetID")
        puback = data.get("PUBACK")
        name = payload.get("callbackName")
        # Exact ints, as the device sends them, skip the tolerant reader (hot path).
        return _build_message(
            serial if type(serial) is str else None,
            packet_id if type(packet_id) is int else _packet_id(packet_id),
            puback if type(puback) is int else _optional_int(puback, "PUBACK"),
            name if type(name) is int else _optional_int(name, "callbackName"),
            # The app reads the settings straight from the payload (§6.2): accept both.
            payload.get("callbackArgs", payload if "acc_prefs" in payload else None),
        )


_build_message = builder(Message)


def _packet_id(value: object) -> int | None:
    """Return the packetID; None when not a number (it only matters on replies)."""
    try:
        return _optional_int(value, "packetID")
    except InvisOutletProtocolError:
        return None


def _optional_int(value: object, what: str) -> int | None:
    """Return an optional integer field; exact ints skip the tolerant reader."""
    if value is None:
        return None
    if type(value) is int:
        return value
    return as_int(value, what)
