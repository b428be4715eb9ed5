"""Split the outlet's byte stream into JSON messages, robustly (protocol.md §2.5)."""

from __future__ import annotations

from collections.abc import Callable
import json
import logging
import re
from typing import Any

from .exceptions import InvisOutletProtocolError

LOGGER = logging.getLogger(__package__)

MAX_MESSAGE_SIZE = 64 * 1024

# Where a top-level object may end: a "}" that whitespace aside is followed by the
# end of what has arrived or by anything but ",", "}" or "]". Inside valid JSON a "}"
# is always followed by one of those three, so this finds boundaries at C speed;
# json.loads confirms each candidate.
_BOUNDARY = re.compile(rb"}\s*(?=[^,}\]\s]|\Z)")
# What the exact scanner stops at: outside strings braces and quotes, inside them
# the closing quote or an escape.
_STRUCTURE = re.compile(rb'[{}"]')
_IN_STRING = re.compile(rb'["\\]')

type SkipListener = Callable[[str, object], None]


def log_skip(reason: str, detail: object) -> None:
    """Log a skipped message at debug level (the link counts them instead)."""
    LOGGER.debug("Skipped %s: %.120s", reason, detail)


class OversizedMessageError(InvisOutletProtocolError):
    """A message exceeded the bound; `decoded` holds what arrived before it."""

    def __init__(self, limit: int) -> None:
        """Describe the bound that was exceeded."""
        super().__init__(f"message larger than {limit} bytes")
        self.decoded: list[Any] = []


class _Scanner:
    """Find the exact end of one object, resuming where the last bytes ended.

    Each byte is looked at once however the object arrives, so a message with many
    braces inside strings, fed a few bytes at a time, still costs linear time.
    """

    __slots__ = ("depth", "escaped", "in_string", "pos", "start")

    def __init__(self, start: int) -> None:
        """Start at the object's opening brace."""
        self.start = start
        self.pos = start
        self.depth = 0
        self.in_string = False
        self.escaped = False

    def end(self, buffer: bytearray) -> int | None:
        """Scan what arrived since the last call; return the end once it is there."""
        size = len(buffer)
        pos = self.pos
        while pos < size:
            if self.escaped:
                pos += 1
                self.escaped = False
                continue
            if self.in_string:
                match = _IN_STRING.search(buffer, pos)
                if match is None:
                    pos = size
                    break
                pos = match.end()
                if match.group() == b"\\":
                    self.escaped = True
                else:
                    self.in_string = False
                continue
            match = _STRUCTURE.search(buffer, pos)
            if match is None:
                pos = size
                break
            pos = match.end()
            token = match.group()
            if token == b'"':
                self.in_string = True
            elif token == b"{":
                self.depth += 1
            else:
                self.depth -= 1
                if self.depth == 0:
                    self.pos = pos
                    return pos
        self.pos = pos
        return None

    def shift(self, offset: int) -> None:
        """Follow the buffer when offset bytes before the object are dropped."""
        self.start -= offset
        self.pos -= offset


class JsonStreamDecoder:
    """Split a byte stream into JSON objects, resynchronising after garbage."""

    __slots__ = ("_buffer", "_limit", "_on_skip", "_scanner", "_search_from")

    def __init__(
        self, limit: int = MAX_MESSAGE_SIZE, on_skip: SkipListener = log_skip
    ) -> None:
        """Start with an empty buffer bounded at `limit` bytes."""
        self._buffer = bytearray()
        self._limit = limit
        self._on_skip = on_skip
        self._scanner: _Scanner | None = None
        self._search_from = 0

    def feed(self, data: bytes) -> list[Any]:
        """Add received bytes; return every complete JSON object they finish."""
        values: list[Any] = []
        try:
            self._feed(data, values)
        except OversizedMessageError as err:
            # Start afresh (the link is re-opened), keeping what came before.
            self._buffer.clear()
            self._search_from = 0
            self._scanner = None
            err.decoded = values
            raise
        return values

    def _feed(self, data: bytes, values: list[Any]) -> None:
        """Decode what the buffer holds after adding data."""
        buffer = self._buffer
        buffer += data
        start = self._skip_to_object(0)
        while start >= 0:
            end = self._decode_at(start, values)
            if end < 0:
                break
            start = self._skip_to_object(end)
        if start < 0:
            buffer.clear()
            self._search_from = 0
            self._scanner = None
        elif start:
            del buffer[:start]
            self._search_from = max(self._search_from - start, 0)
            if self._scanner is not None:
                self._scanner.shift(start)
        if len(buffer) > self._limit:
            raise OversizedMessageError(self._limit)

    def _skip_to_object(self, pos: int) -> int:
        """Return the index of the next "{" at or after pos, -1 when there is none."""
        buffer = self._buffer
        start = buffer.find(b"{", pos)
        skipped = buffer[pos : len(buffer) if start < 0 else start]
        if skipped.strip():
            # One report per stretch of garbage, however long it is.
            self._on_skip("bytes that are not JSON", f"{len(skipped)} bytes")
        return start

    def _decode_at(self, start: int, values: list[Any]) -> int:
        """Decode the object starting at start; return where to go on, -1 to wait."""
        scanner = self._scanner
        if scanner is not None and scanner.start == start:
            return self._decode_scanned(scanner, values)
        buffer = self._buffer
        search_from = max(start, self._search_from)
        if match := _BOUNDARY.search(buffer, search_from):
            outcome = self._try_decode(start, match.start() + 1, values)
            if outcome is not None:
                self._search_from = 0
                return outcome
            # A "}" inside a string fooled the fast search: find the exact end, and
            # keep scanning from there as more bytes arrive.
            self._scanner = _Scanner(start)
            return self._decode_scanned(self._scanner, values)
        # Only a "}" at the current end can become a boundary once more bytes arrive.
        last_brace = buffer.rfind(b"}", start)
        self._search_from = len(buffer) if last_brace < 0 else last_brace
        return -1

    def _decode_scanned(self, scanner: _Scanner, values: list[Any]) -> int:
        """Decode the object the scanner follows once it ended; -1 to wait."""
        end = scanner.end(self._buffer)
        if end is None:
            if scanner.pos - scanner.start > self._limit:
                raise OversizedMessageError(self._limit)
            return -1
        self._scanner = None
        self._search_from = 0
        outcome = self._try_decode(scanner.start, end, values)
        # Complete but not JSON: garbage that began with "{". Look again after it.
        return scanner.start + 1 if outcome is None else outcome

    def _try_decode(self, start: int, end: int, values: list[Any]) -> int | None:
        """Decode buffer[start:end]; return where to go on, None if it is incomplete."""
        if end - start > self._limit:
            raise OversizedMessageError(self._limit)
        try:
            text = self._buffer[start:end].decode()
            value = json.loads(text)
        except json.JSONDecodeError as err:
            if err.pos >= len(text) or err.msg.startswith("Unterminated string"):
                return None
            if err.msg == "Extra data" and text[err.pos :].lstrip()[:1] not in ",]":
                # A "}" too many: keep the object before it, skip the rest as garbage.
                values.append(json.loads(text[: err.pos]))
                return start + len(text[: err.pos].encode())
            # Malformed, or an element of an array: not a message. Look again at
            # the next "{".
            self._on_skip("malformed JSON", err)
            return start + 1
        except RecursionError:
            # A real, complete structure, only too deep: skip all of it at once.
            self._on_skip("a message nested too deeply", f"{end - start} bytes")
            return end
        except Exception as err:  # noqa: BLE001 - whatever the parser raises
            # Not UTF-8, a number too long to convert, ...: not a message.
            self._on_skip("malformed JSON", err)
            return start + 1
        if bytes(self._buffer[end : end + 64].lstrip()[:1]) in {b",", b"]"}:
            # Exactly where the scanner ended, but an element of an array.
            self._on_skip("an array element", f"{end - start} bytes")
        else:
            values.append(value)
        return end
