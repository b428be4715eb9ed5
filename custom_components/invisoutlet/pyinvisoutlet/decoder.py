"""Split the outlet's byte stream into JSON messages, robustly (protocol.md §2.5)."""

from __future__ import annotations

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
# Tokens for finding an object's exact end when a "}" inside a string fooled the
# boundary search: whole strings (skipped), braces, and a string not yet ended.
_TOKEN = re.compile(rb'(?s)"(?:[^"\\]|\\.)*"|[{}]|"')


class OversizedMessageError(InvisOutletProtocolError):
    """A message exceeded the bound; `decoded` holds what arrived before it."""

    def __init__(self, limit: int) -> None:
        """Describe the bound that was exceeded."""
        super().__init__(f"message larger than {limit} bytes")
        self.decoded: list[Any] = []


class JsonStreamDecoder:
    """Split a byte stream into JSON values, resynchronising after garbage."""

    __slots__ = ("_buffer", "_limit", "_search_from")

    def __init__(self, limit: int = MAX_MESSAGE_SIZE) -> None:
        """Start with an empty buffer bounded at `limit` bytes."""
        self._buffer = bytearray()
        self._limit = limit
        self._search_from = 0

    def feed(self, data: bytes) -> list[Any]:
        """Add received bytes; return every complete JSON value they finish."""
        values: list[Any] = []
        try:
            self._feed(data, values)
        except OversizedMessageError as err:
            # Start afresh (the link is re-opened), keeping what came before.
            self._buffer.clear()
            self._search_from = 0
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
        elif start:
            del buffer[:start]
            self._search_from = max(self._search_from - start, 0)
        if len(buffer) > self._limit:
            raise OversizedMessageError(self._limit)

    def _skip_to_object(self, pos: int) -> int:
        """Return the index of the next "{" at or after pos, -1 when there is none."""
        start = self._buffer.find(b"{", pos)
        skipped = self._buffer[pos : len(self._buffer) if start < 0 else start]
        if skipped.strip():
            LOGGER.debug("Skipped %d bytes that are not JSON", len(skipped))
        return start

    def _decode_at(self, start: int, values: list[Any]) -> int:
        """Decode the object starting at start; return where to go on, -1 to wait."""
        buffer = self._buffer
        search_from = max(start, self._search_from)
        if match := _BOUNDARY.search(buffer, search_from):
            outcome = self._try_decode(start, match.start() + 1, values)
            if outcome is None and (end := _object_end(buffer, start)) is not None:
                # The candidate was a "}" inside a string: decode at the exact end.
                outcome = self._try_decode(start, end, values)
            if outcome is not None:
                self._search_from = 0
                return outcome
        # Only a "}" at the current end can become a boundary once more bytes arrive.
        last_brace = buffer.rfind(b"}", start)
        self._search_from = len(buffer) if last_brace < 0 else last_brace
        return -1

    def _try_decode(self, start: int, end: int, values: list[Any]) -> int | None:
        """Decode buffer[start:end]; return where to go on, None if it is incomplete."""
        if end - start > self._limit:
            raise OversizedMessageError(self._limit)
        try:
            text = self._buffer[start:end].decode()
            values.append(json.loads(text))
        except json.JSONDecodeError as err:
            if err.pos >= len(text) or err.msg.startswith("Unterminated string"):
                return None
            if err.msg == "Extra data" and text[err.pos :].lstrip()[:1] not in ",]":
                # A "}" too many: keep the object before it, skip the rest as garbage.
                values.append(json.loads(text[: err.pos]))
                return start + len(text[: err.pos].encode())
            # Malformed, or an element of an array (followed by "," or "]"): not a
            # message. Resynchronise on the next "{".
            LOGGER.warning("Skipped malformed JSON from the outlet: %s", err)
            return start + 1
        except UnicodeDecodeError as err:
            LOGGER.warning("Skipped a message that is not UTF-8: %s", err)
            return start + 1
        except RecursionError:
            # A real, complete structure, only too deep: skip all of it at once.
            LOGGER.warning("Skipped a message nested too deeply to decode")
            return end
        return end


def _object_end(buffer: bytearray, start: int) -> int | None:
    """Return the end of the object at start, skipping strings; None if unfinished."""
    depth = 0
    for token in _TOKEN.finditer(buffer, start):
        kind = token.group()
        if kind == b"{":
            depth += 1
        elif kind == b"}":
            depth -= 1
            if depth == 0:
                return token.end()
        elif kind == b'"':
            return None
    return None
