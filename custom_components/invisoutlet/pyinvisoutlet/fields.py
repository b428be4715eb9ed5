"""Tolerant readers of the fields the outlet sends (protocol.md §6.10, §4.8)."""

from __future__ import annotations

from collections import Counter
import logging
import math
import re
from typing import Any

from .exceptions import InvisOutletProtocolError

LOGGER = logging.getLogger(__package__)

# Device text is bounded and cleaned before it can reach a log, a title or a state.
MAX_TEXT = 64
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Values the firmware reports while a module is in a bad state (protocol.md §4.8).
_UNKNOWN_TEXT = frozenset({"", "unknown"})
_MAC = re.compile(r"[0-9a-f]{2}([:-]?)[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}", re.IGNORECASE)
# Placeholders, not addresses: taken as one, they would merge every such device.
_NO_MAC = frozenset({"000000000000", "ffffffffffff"})
# The device's integers are machine words: a longer one is no value it can mean.
_INT_BITS = 63
# How much of an object's keys a shape shows: enough to tell one block from another.
_SHOWN_KEYS = 8
_SHOWN_KEY_LENGTH = 24
# Values the outlet sent that were not used, by kind, since the library was loaded:
# the first of each kind is a warning, the rest are counted at debug level (a sensor
# push every few seconds would otherwise fill the log).
REJECTED: Counter[str] = Counter()


def reject(kind: str) -> None:
    """Count a value that was not used; warn about the first of each kind."""
    REJECTED[kind] += 1
    if REJECTED[kind] == 1:
        LOGGER.warning("Ignored %s from an outlet; further ones are counted", kind)
    else:
        LOGGER.debug("Ignored %s from an outlet (%d so far)", kind, REJECTED[kind])


def shape(value: object) -> str:
    """Describe a value by its type and size, never by its content."""
    match value:
        case None:
            text = "null"
        case bool():
            text = "a boolean"
        case int():
            text = f"an integer of {value.bit_length()} bits"
        case float():
            text = "a number" if math.isfinite(value) else "a non-finite number"
        case str():
            text = f"text of {len(value)} characters"
        case list():
            text = f"a list of {len(value)}"
        case dict():
            keys = [clean_text(str(key), _SHOWN_KEY_LENGTH) for key in value]
            more = ", …" if len(keys) > _SHOWN_KEYS else ""
            text = f"an object with keys [{', '.join(keys[:_SHOWN_KEYS])}{more}]"
        case _:
            text = f"a {type(value).__name__}"
    return text


def _shown(value: object) -> str:
    """Show a scalar as sent (cut short), anything bigger by its shape only."""
    if isinstance(value, (list, dict)) or (
        isinstance(value, int) and value.bit_length() > _INT_BITS
    ):
        return shape(value)
    return f"{value!r:.40}"


def clean_text(value: str, limit: int = MAX_TEXT) -> str:
    """Return device text without control characters, cut to limit characters."""
    # Bounded work whatever arrives: 64 KiB messages bound the input already. What
    # CONTROL removes is never printable: printable text (the usual) skips it.
    cleaned = (value if value.isprintable() else CONTROL.sub("", value)).strip()
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def as_int(value: object, what: str) -> int:
    """Return an integer sent as a number or as a numeric string."""
    number = _integer(value)
    if number is None or number.bit_length() > _INT_BITS:
        msg = f"{what} is not an integer: {_shown(value)}"
        raise InvisOutletProtocolError(msg)
    return number


def _integer(value: object) -> int | None:
    """Return value as an integer of any size, None when it is not one."""
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and len(value) <= MAX_TEXT:
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def as_float(value: object) -> float | None:
    """Return a finite number sent as a number or string; None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        if isinstance(value, (int, float)):
            number = float(value)
        elif isinstance(value, str) and len(value) <= MAX_TEXT:
            number = float(value.strip())
        else:
            return None
    except (ValueError, OverflowError):  # "warm"; an integer beyond any float
        return None
    return number if math.isfinite(number) else None


def as_text(block: dict[str, Any], key: str) -> str | None:
    """Return a cleaned text field; None when absent, blank or "Unknown"."""
    value = block.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            msg = f"{key} is not text: {_shown(value)}"
            raise InvisOutletProtocolError(msg)
        value = str(value)
    value = clean_text(value)
    return None if value.lower() in _UNKNOWN_TEXT else value


def as_mac(block: dict[str, Any], key: str) -> str | None:
    """Return a MAC address field; None unless it is one device's address."""
    value = as_text(block, key)
    if value is None or not _MAC.fullmatch(value):
        return None
    digits = value.replace(":", "").replace("-", "").lower()
    return None if digits in _NO_MAC else value


def as_bool(value: object, what: str) -> bool:
    """Return a flag sent as true/false, 1/0 or their string forms."""
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    return bool(as_int(value, what))


def as_block(args: object, key: str) -> dict[str, Any] | None:
    """Return the object args[key], None when absent."""
    if not isinstance(args, dict):
        msg = f"callbackArgs is not an object: {shape(args)}"
        raise InvisOutletProtocolError(msg)
    block = args.get(key)
    if block is not None and not isinstance(block, dict):
        msg = f"{key} is not an object: {shape(block)}"
        raise InvisOutletProtocolError(msg)
    return block


def as_list(args: object, length: int, what: str) -> list[Any]:
    """Return args as a list of at least length elements."""
    if not isinstance(args, list) or len(args) < length:
        msg = f"{what} arguments are not a list of {length}: {shape(args)}"
        raise InvisOutletProtocolError(msg)
    return args


def as_pair(args: object, what: str) -> tuple[int, int]:
    """Return the two leading integers of a list of callback arguments."""
    first, second = as_list(args, 2, what)[:2]
    return as_int(first, what), as_int(second, what)
