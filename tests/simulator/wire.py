"""What travels on the wire: requests as received, messages as sent, and bad bytes.

``RequestDecoder`` pulls the client's JSON objects out of a byte stream and skips
anything invalid, as a forgiving device would. ``oversized``, ``garbage``, ``malformed``
and ``break_types`` build the hostile messages of ``send_raw``, ``garbage_burst``,
``Faults.malformed_reply`` and ``Faults.wrong_types``.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from enum import StrEnum
import json
import logging
import secrets
from typing import Any

_LOGGER = logging.getLogger(__name__)

_DEVICE_INFO = 12
_AVAILABLE_UPDATES = 20

_MAX_REQUEST_BUFFER = 1_048_576
# Deeper than the recursion limit of Python's json module (about 1000 levels).
_NESTING_DEPTH = 5_000


class Transport(StrEnum):
    """Name the two transports of the local API."""

    TCP = "tcp"
    WEBSOCKET = "websocket"


@dataclass
class RecordedRequest:
    """Remember one request as the simulator received it."""

    transport: Transport
    packet_id: int | None
    callback_name: int | None
    args: Any
    raw: dict[str, Any]


class Garbage(StrEnum):
    """Name the kinds of malformed message ``garbage_burst`` sends."""

    INVALID_OBJECT = "invalid_object"
    NON_UTF8 = "non_utf8"
    ARRAY = "array"
    HUGE_NUMBER = "huge_number"
    DEEP_NESTING = "deep_nesting"
    NAN = "nan"


def encode(message: dict[str, Any]) -> bytes:
    """Return a message compact, as the device writes it."""
    return json.dumps(message, separators=(",", ":")).encode()


def int_or_none(value: Any) -> int | None:
    """Return value if it is a JSON integer (not a boolean), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def int_within(value: Any, allowed: range) -> int | None:
    """Return value if it is a JSON integer in allowed, else None."""
    number = int_or_none(value)
    return number if number is not None and number in allowed else None


def random_packet_id() -> int:
    """Return a packetID as the device picks one for a push."""
    return 100_000 + secrets.randbelow(900_000)


def oversized(size: int = 70_000) -> bytes:
    """Return a valid push of exactly ``size`` bytes, for ``send_raw``."""
    head = b'{"sn":"OVERSIZED","packetID":123456,"payload":{"callbackName":11,'
    head += b'"callbackArgs":["'
    tail = b'"]}}'
    return head + b"x" * max(0, size - len(head) - len(tail)) + tail


def garbage(kind: Garbage, serial: str) -> bytes:
    """Return one malformed message of a kind, carrying the outlet's serial."""
    sn = json.dumps(serial).encode()
    start = b'{"sn":' + sn + b',"packetID":' + str(random_packet_id()).encode()
    if kind is Garbage.INVALID_OBJECT:
        # Balanced braces and closed strings, so a resynchronising reader recovers.
        return start + b',"payload":{callbackName:11,"callbackArgs":[1,{oops}]}}'
    if kind is Garbage.NON_UTF8:
        return start + b',"payload":{"callbackName":3,"callbackArgs":["\xff\xfe\xc3"]}}'
    if kind is Garbage.ARRAY:
        return b"[" + start + b',"payload":{"callbackName":9,"callbackArgs":[1,0]}}]'
    if kind is Garbage.HUGE_NUMBER:
        return start + b',"payload":{"callbackName":11,"callbackArgs":[1e999999,{}]}}'
    if kind is Garbage.DEEP_NESTING:
        nested = b"[" * _NESTING_DEPTH + b"]" * _NESTING_DEPTH
        return start + b',"payload":{"callbackName":11,"callbackArgs":' + nested + b"}}"
    readings = b'{"temp_celsius":NaN,"humidity":Infinity,"lux":-Infinity}'
    return (
        start + b',"payload":{"callbackName":11,"callbackArgs":[1,' + readings + b"]}}"
    )


def malformed(serial: str, packet_id: int, name: int) -> bytes:
    """Return a reply that starts well and ends in garbage (``malformed_reply``)."""
    # Balanced braces and closed strings, so a resynchronising client recovers.
    start = f'{{"sn":{json.dumps(serial)},"packetID":{packet_id},"PUBACK":1,'
    start += f'"payload":{{"callbackName":{name},"callbackArgs":'
    return start.encode() + b"\x00#garbage#}}"


def break_types(reply: dict[str, Any]) -> None:
    """Give a reply fields of the wrong type."""
    payload = reply.get("payload", {})
    name = payload.get("callbackName") if isinstance(payload, dict) else None
    if name == _DEVICE_INFO:
        payload["callbackArgs"]["IM"]["fw_rev"] = None
        payload["callbackArgs"]["PM"] = "InvisDeco"
    elif name == _AVAILABLE_UPDATES:
        payload["callbackArgs"] = list(payload["callbackArgs"].values())
    else:
        reply["PUBACK"] = str(reply.get("PUBACK", 1))


def _object_end(text: str) -> int | None:
    """Return the index just past the object opening ``text``, or None if incomplete."""
    depth = 0
    in_string = escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif in_string:
            escaped = char == "\\"
            in_string = char != '"'
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return index + 1
    return None


class RequestDecoder:
    """Pull JSON objects out of a client's byte stream and skip anything invalid."""

    def __init__(self) -> None:
        """Start with an empty buffer."""
        self._text = ""
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._json = json.JSONDecoder()

    def feed(self, data: bytes) -> list[dict[str, Any]]:
        """Add received bytes and return every complete object."""
        self._text += self._utf8.decode(data)
        objects: list[dict[str, Any]] = []
        while True:
            self._text = self._text.lstrip()
            if not self._text:
                break
            if not self._text.startswith("{"):
                self._skip_to_object()
                continue
            try:
                value, end = self._json.raw_decode(self._text)
            except json.JSONDecodeError:
                if (invalid_end := _object_end(self._text)) is None:
                    self._bound()
                    break
                _LOGGER.debug("Skipping invalid JSON: %r", self._text[:invalid_end])
                self._text = self._text[invalid_end:]
            else:
                objects.append(value)
                self._text = self._text[end:]
        return objects

    def _skip_to_object(self) -> None:
        start = self._text.find("{")
        skipped = self._text if start < 0 else self._text[:start]
        _LOGGER.debug("Skipping non-JSON input: %r", skipped)
        self._text = "" if start < 0 else self._text[start:]

    def _bound(self) -> None:
        # An object that never ends must not grow the buffer forever.
        if len(self._text) > _MAX_REQUEST_BUFFER:
            _LOGGER.debug("Dropping %d bytes of unfinished input", len(self._text))
            self._text = ""
