"""Tolerant readers of the fields the outlet sends (protocol.md §6.10, §4.8)."""

from __future__ import annotations

import math
import re
from typing import Any

from .exceptions import InvisOutletProtocolError

# Device text is bounded and cleaned before it can reach a log, a title or a state.
MAX_TEXT = 64
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Values the firmware reports while a module is in a bad state (protocol.md §4.8).
_UNKNOWN_TEXT = frozenset({"", "unknown"})
_MAC = re.compile(r"[0-9a-f]{2}([:-]?)[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}", re.IGNORECASE)
# Placeholders, not addresses: taken as one, they would merge every such device.
_NO_MAC = frozenset({"000000000000", "ffffffffffff"})


def clean_text(value: str, limit: int = MAX_TEXT) -> str:
    """Return device text without control characters, cut to limit characters."""
    # Bounded work whatever arrives: 64 KiB messages bound the input already.
    cleaned = _CONTROL.sub("", value).strip()
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def as_int(value: object, what: str) -> int:
    """Return an integer sent as a number or as a numeric string."""
    if type(value) is int:
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and len(value) <= MAX_TEXT:
        try:
            return int(value.strip())
        except ValueError:
            pass
    msg = f"{what} is not an integer: {value!r:.40}"
    raise InvisOutletProtocolError(msg)


def as_float(value: object) -> float | None:
    """Return a finite number sent as a number or string; None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str) and len(value) <= MAX_TEXT:
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def as_text(block: dict[str, Any], key: str) -> str | None:
    """Return a cleaned text field; None when absent, blank or "Unknown"."""
    value = block.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        msg = f"{key} is not text: {value!r:.40}"
        raise InvisOutletProtocolError(msg)
    value = clean_text(value)
    return None if value.lower() in _UNKNOWN_TEXT else value


def as_mac(block: dict[str, Any], key: str) -> str | None:
    """Return a MAC address field; None unless it is one device's address."""
    value = as_text(block, key)
    if value is None or not _MAC.fullmatch(value):
        return None
    digits = re.sub("[:-]", "", value).lower()
    return None if digits in _NO_MAC else value


def as_bool(value: object, what: str) -> bool:
    """Return a flag sent as true/false, 1/0 or their string forms."""
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    return bool(as_int(value, what))


def as_block(args: object, key: str) -> dict[str, Any] | None:
    """Return the object args[key], None when absent."""
    if not isinstance(args, dict):
        msg = f"callbackArgs is not an object: {args!r:.80}"
        raise InvisOutletProtocolError(msg)
    block = args.get(key)
    if block is not None and not isinstance(block, dict):
        msg = f"{key} is not an object: {block!r:.80}"
        raise InvisOutletProtocolError(msg)
    return block


def as_list(args: object, length: int, what: str) -> list[Any]:
    """Return args as a list of at least length elements."""
    if not isinstance(args, list) or len(args) < length:
        msg = f"{what} arguments are not a list of {length}: {args!r:.80}"
        raise InvisOutletProtocolError(msg)
    return args


def as_pair(args: object, what: str) -> tuple[int, int]:
    """Return the two leading integers of a list of callback arguments."""
    first, second = as_list(args, 2, what)[:2]
    return as_int(first, what), as_int(second, what)
