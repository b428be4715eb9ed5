"""Split the outlet's byte stream into JSON messages, robustly (protocol.md §2.5).

Clean input is cut where one object ends and the next begins, and each piece is
decoded by orjson at C speed. Anything odd (an object cut by the end of a read,
garbage, a message over the size bound) goes through the careful path, which costs
linear time however the bytes arrive, never buffers more than the bound, and never
gives up on the stream: a message over the bound is skipped and counted like any
other bad message.
"""

from __future__ import annotations

from collections.abc import Buffer, Callable
import json
import logging
import re
from typing import Any

import orjson

from .exceptions import InvisOutletProtocolError

LOGGER = logging.getLogger(__package__)

MAX_MESSAGE_SIZE = 64 * 1024

# Why a stretch of the stream was skipped; the link counts skips by reason. Garbage
# is one reason, between objects or inside one: a stretch of it is one kind of skip.
NOT_JSON = "bytes that are not JSON"
OVERSIZED = "a message over the size limit"
TOO_DEEP = "a message nested too deeply"
ARRAY_ELEMENT = "an array element"
UNFINISHED = "an unfinished message"

# Where a message may start: every message is an object with members, so "{", a key
# and ":" (whitespace aside), or as much of that as has arrived. Garbage rarely
# matches, so the careful path seldom runs on it.
_START = re.compile(rb'\{\s*+(?:"(?:[^"\\\x00-\x1f]|\\.)*+(?:"\s*+(?::|\Z)|\\?\Z)|\Z)')
# Where a top-level object may end: a "}" that whitespace aside is followed by the
# end of what has arrived or by anything but ",", "}" or "]". Inside valid JSON a "}"
# is always followed by one of those three, so this finds boundaries at C speed;
# the parser confirms each candidate.
_BOUNDARY = re.compile(rb"}\s*(?=[^,}\]\s]|\Z)")
# What the exact scanner stops at: outside strings braces, quotes and any byte JSON
# cannot hold there; inside them the closing quote, an escape or a control byte.
# So it notices at once most garbage that follows what began as an object.
_STRUCTURE = re.compile(rb'[{}"]|[^ \t\n\r\[\],:0-9+.aefilnrstuyEIN-]')
_IN_STRING = re.compile(rb'["\\\x00-\x1f]')
# Where the fast path cuts: a "}" that whitespace aside is followed by the next
# object's "{" or by the end of the buffer (as between the device's messages).
_NEXT_START = re.compile(rb"}[ \t\n\r]*+(?=\{|\Z)")
_WHITESPACE = frozenset(b" \t\n\r")
# Inside valid JSON an object after one of these is a value, never a message.
_IN_A_VALUE = frozenset(b":,[")
_IN_AN_ARRAY = frozenset(b",]")
_COLON = ord(":")

_JSON = json.JSONDecoder()
# What decodes a span known to hold one whole object: orjson, which Home Assistant
# ships, at three times json's speed. It is stricter than json (no NaN, no lone
# surrogate, at most 1024 levels): whatever it refuses takes json's careful path.
_loads = orjson.loads
# Below this (a read of a few bytes) the careful path costs less than a pass at C
# speed that fails; the device's messages are longer (a sensor push ~270 bytes).
_FAST_MIN = 128
_OPEN, _CLOSE = ord("{"), ord("}")


def _whole(buffer: bytearray, start: int, end: int) -> Any:
    """Return the object buffer[start:end] holds as orjson reads it; None if it won't.

    Every path decodes with orjson first, so the same bytes give the same value
    however the reads cut them; json reads or refuses only what orjson refuses (NaN,
    a lone surrogate, more than 1024 levels, trailing bytes). orjson reads an integer
    beyond 64 bits as a float: the device's integers are machine words, and a field
    that wants an integer refuses such a float as it would refuse the integer.
    """
    try:
        # A copy: a view would pin the buffer, which cannot be resized while viewed.
        return _loads(buffer[start:end])
    except ValueError:
        return None


def _one_object(data: Buffer, limit: int) -> list[Any] | None:
    """Return [the object] when data is exactly one whole one; None for anything else.

    One call at C speed, where the stream's path would search, slice and buffer. It
    is tried only on a read that begins with "{" and ends with "}": on a read of
    several messages it fails at the end of the first and the stream's path runs.
    """
    view = memoryview(data)
    if not 1 < len(view) <= limit or view[0] != _OPEN or view[-1] != _CLOSE:
        return None
    try:
        value = _loads(view)
    except ValueError:  # several, cut short, not UTF-8, not JSON, too deep
        return None
    return [value] if type(value) is dict and value else None


# A pending object is parsed again once it has grown past three times what was
# parsed plus this: garbage is noticed early, and the parses of one object cost
# linear time (about 1.5 times its size, plus the parse that decodes it).
_CHECK_STEP = 1024
_CHECK_GROWTH = 3
# What a parse that only ran out of bytes can fail on: the start of a literal, a
# number or a \u escape, cut by the end of what arrived.
_CUT_TOKEN = re.compile(r"[-+.0-9a-zA-Z\\]{0,9}")
_WAIT = -1
_MALFORMED = -2
_INCOMPLETE = -3
_BROKEN = -4

type SkipListener = Callable[[str, object], None]


def log_skip(reason: str, detail: object) -> None:
    """Log a skipped message at debug level (the link counts them instead)."""
    LOGGER.debug("Skipped %s: %.120s", reason, detail)


class OversizedMessageError(InvisOutletProtocolError):
    """A message exceeded the bound; `decoded` holds what arrived before it.

    The decoder no longer raises it (it skips such a message); kept for callers
    that still catch it.
    """

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

    def end(self, buffer: bytearray, stop: int) -> int | None:
        """Scan on up to stop; return the object's end, or _BROKEN if not JSON."""
        pos = self.pos
        while pos < stop:
            if self.escaped:
                pos += 1
                self.escaped = False
                continue
            if self.in_string:
                pos = self._string(buffer, pos, stop)
                if pos == _BROKEN:
                    return _BROKEN
                continue
            match = _STRUCTURE.search(buffer, pos, stop)
            if match is None:
                pos = stop
                break
            pos = match.end()
            token = match.group()
            if token == b'"':
                self.in_string = True
            elif token == b"{":
                self.depth += 1
            elif token != b"}":
                return _BROKEN
            else:
                self.depth -= 1
                if self.depth == 0:
                    self.pos = pos
                    return pos
        self.pos = pos
        return None

    def _string(self, buffer: bytearray, pos: int, stop: int) -> int:
        """Scan inside a string; return where to go on, _BROKEN at a control byte."""
        match = _IN_STRING.search(buffer, pos, stop)
        if match is None:
            return stop
        token = match.group()
        if token == b"\\":
            self.escaped = True
        elif token == b'"':
            self.in_string = False
        else:
            return _BROKEN
        return match.end()

    def shift(self, offset: int) -> None:
        """Follow the buffer when offset bytes before the object are dropped."""
        self.start -= offset
        self.pos -= offset


class JsonStreamDecoder:
    """Split a byte stream into JSON objects, resynchronising after garbage.

    A message over `limit` bytes is skipped, reported to `on_skip` and followed by a
    resynchronisation: only a "{" that cannot be a value inside the message skipped
    (not after ":", "," or "[") counts as the next start. At most `limit` bytes
    stay buffered between two reads.
    """

    __slots__ = (
        "_before",
        "_buffer",
        "_checked",
        "_confirmed",
        "_limit",
        "_on_skip",
        "_resync",
        "_scanner",
        "_search_from",
        "_waiting",
    )

    def __init__(
        self, limit: int = MAX_MESSAGE_SIZE, on_skip: SkipListener = log_skip
    ) -> None:
        """Start with an empty buffer bounded at `limit` bytes."""
        self._buffer = bytearray()
        self._limit = limit
        self._on_skip = on_skip
        # The object pending at the start of the buffer, if any: its scanner, where
        # to look for its end, how much of it parsed as JSON, whether it waits.
        self._scanner: _Scanner | None = None
        self._search_from = 0
        self._checked = 0
        self._waiting = False
        # Whether the last start found is a whole "{", key and ":" (for feed).
        self._confirmed = False
        self._resync = False
        # The last byte before the buffer that is not whitespace (for _plausible).
        self._before = 0

    def feed(self, data: Buffer) -> list[Any]:
        """Add received bytes; return every complete JSON object they finish."""
        buffer = self._buffer
        if (
            not buffer
            and not self._resync
            and (whole := _one_object(data, self._limit))
        ):
            # A read that is one whole message, as a push after a quiet spell is.
            return whole
        values: list[Any] = []
        buffer += data
        # One pass at C speed per read at most: each decodes the rest of the buffer.
        fast = True
        if self._waiting and self._confirmed:
            start = 0  # still the object that was waiting
        else:
            start = self._find_start(0)
            if start != 0:
                self._forget()
        while start >= 0:
            if fast and not self._waiting and len(buffer) - start >= _FAST_MIN:
                fast = False
                end = self._decode_fast(start, values)
            else:
                end = self._decode_at(start, values)
                if end == _WAIT:
                    self._waiting = True
                    if start:
                        self._drop(start)
                    return values
                self._forget()
            start = self._find_start(end)
        self._drop(len(buffer))
        return values

    def finish(self) -> None:
        """Drop what is left of an unfinished object; the stream has ended."""
        if self._buffer.strip():
            self._on_skip(UNFINISHED, f"{len(self._buffer)} bytes")
        self._drop(len(self._buffer))
        self._forget()
        self._resync = False

    def _find_start(self, pos: int) -> int:
        """Return where the next message may start, at or after pos; -1 if nowhere."""
        buffer = self._buffer
        match = _START.search(buffer, pos)
        if self._resync:
            # The bytes skipped belong to the message over the bound: reported.
            while match is not None and not self._plausible(match.start()):
                match = _START.search(buffer, match.start() + 1)
        if match is None:
            self._confirmed = False
            start = -1
        else:
            self._confirmed = buffer[match.end() - 1] == _COLON
            start = match.start()
        if self._resync:
            return start
        if start != pos:
            skipped = buffer[pos : len(buffer) if start < 0 else start]
            if skipped.strip():
                # One report per stretch of garbage, however long it is.
                self._on_skip(NOT_JSON, f"{len(skipped)} bytes")
        return start

    def _plausible(self, start: int) -> bool:
        """Return whether the "{" at start could begin a message, not a value."""
        buffer = self._buffer
        pos = start - 1
        while pos >= 0 and buffer[pos] in _WHITESPACE:
            pos -= 1
        return (buffer[pos] if pos >= 0 else self._before) not in _IN_A_VALUE

    def _drop(self, count: int) -> None:
        """Forget the first count bytes of the buffer."""
        if not count:
            return
        buffer = self._buffer
        if self._resync and (dropped := buffer[:count].rstrip()):
            self._before = dropped[-1]
        del buffer[:count]
        if self._scanner is not None:
            self._scanner.shift(count)
        self._search_from = max(self._search_from - count, 0)

    def _forget(self) -> None:
        """Forget the pending object: the next one starts afresh."""
        self._scanner = None
        self._search_from = 0
        self._checked = 0
        self._waiting = False

    def _decode_fast(self, start: int, values: list[Any]) -> int:
        """Decode whole objects back to back from start; return where they stop.

        Each "}" followed (whitespace aside) by "{" or by the end of the buffer may
        end an object: orjson decodes up to it. The first that does not decode (a
        "}" inside a string, a message cut short, garbage) leaves the rest to the
        careful path, which tells which it is.
        """
        buffer = self._buffer
        limit = self._limit
        pos = start
        for match in _NEXT_START.finditer(buffer, start):
            end = match.start() + 1
            if end - pos > limit:
                break  # not a message: the careful path reports it
            try:
                value = _loads(buffer[pos:end])
            except ValueError:
                break  # cut short, or not plain JSON: the careful path knows
            if not value:
                break  # "{}" is no message: the careful path reports it
            values.append(value)
            pos = match.end()
        if pos != start:
            self._resync = False
        return pos

    def _decode_at(self, start: int, values: list[Any]) -> int:
        """Decode the object starting at start; return where to go on, or _WAIT."""
        if self._scanner is not None:
            return self._decode_scanned(self._scanner, start, values)
        buffer = self._buffer
        search_from = max(start, self._search_from)
        if match := _BOUNDARY.search(buffer, search_from):
            stop = match.start() + 1
            if stop - start <= self._limit and (
                (value := _whole(buffer, start, stop)) is not None
            ):
                return self._accept(value, start, stop, values)
            end = self._try_decode(start, stop, values)
            if end is None:
                # A "}" inside a string fooled the fast search, or garbage opened a
                # string: parse as far as the bytes go, then scan on as they come.
                end = self._check(start, values)
            if end is None:
                return self._decode_scanned(_Scanner(start), start, values)
            return end
        # Only a "}" at the current end can become a boundary later.
        last_brace = buffer.rfind(b"}", search_from)
        self._search_from = len(buffer) if last_brace < 0 else last_brace
        pending = len(buffer) - start
        if pending < _CHECK_GROWTH * self._checked + _CHECK_STEP and (
            pending <= self._limit
        ):
            return _WAIT
        end = self._check(start, values)
        return _WAIT if end is None else end

    def _decode_scanned(self, scanner: _Scanner, start: int, values: list[Any]) -> int:
        """Scan on for the object's end, parsing it again as it grows; or _WAIT."""
        self._scanner = scanner
        buffer = self._buffer
        while True:
            stop = min(len(buffer), start + self._next_check())
            end = scanner.end(buffer, stop)
            if end == _BROKEN:
                self._on_skip(NOT_JSON, "an object that stops being JSON")
                return start + 1
            if end is not None:
                return self._finish(start, end, values)
            if stop == len(buffer) and stop - start <= self._limit:
                return _WAIT
            end = self._check(start, values)
            if end is not None:
                return end

    def _next_check(self) -> int:
        """Return how long the pending object may grow before it is parsed again."""
        return min(_CHECK_GROWTH * self._checked + _CHECK_STEP, self._limit + 1)

    def _check(self, start: int, values: list[Any]) -> int | None:
        """Parse the pending object as far as it arrived; None while it may go on."""
        probed = self._probe(start)
        if probed >= 0:
            return self._finish(start, probed, values)
        if probed == _MALFORMED:
            self._on_skip(NOT_JSON, "an object that stops being JSON")
            return start + 1
        pending = len(self._buffer) - start
        if pending > self._limit:
            self._on_skip(OVERSIZED, f"over {self._limit} bytes")
            self._resync = True
            return start + 1
        self._checked = pending
        return None

    def _probe(self, start: int) -> int:
        """Parse from start: the object's end, or _MALFORMED or _INCOMPLETE.

        Reads bytes as Latin-1, one character each: the structure of JSON is ASCII,
        so the end found is exact; _finish checks the UTF-8. The window grows from a
        little so that garbage costs little, and stops past the bound.
        """
        buffer = self._buffer
        cap = min(len(buffer) - start, self._limit + 1)
        # What parsed before was JSON: no need to start small again.
        size = min(cap, max(_CHECK_STEP, 2 * self._checked))
        while True:
            text = buffer[start : start + size].decode("latin-1")
            try:
                _, end = _JSON.raw_decode(text)
            except json.JSONDecodeError as err:
                cut = err.msg.startswith("Unterminated string") or (
                    _CUT_TOKEN.fullmatch(text, err.pos) is not None
                )
                if not cut:
                    return _MALFORMED
                if size == cap:
                    return _INCOMPLETE
                size = min(4 * size, cap)
            except RecursionError:
                return _INCOMPLETE  # the scanner finds its end; _finish skips it
            except ValueError:
                return _MALFORMED  # a number too long to convert
            else:
                return start + end

    def _try_decode(self, start: int, end: int, values: list[Any]) -> int | None:
        """Decode buffer[start:end]; return where to go on, None if it goes on."""
        if end - start > self._limit:
            return None  # _check tells a long message from garbage
        text = ""
        try:
            text = self._buffer[start:end].decode()
            value, stop = _JSON.raw_decode(text)
        except RecursionError:
            # A real, complete structure, only too deep: skip all of it at once.
            self._on_skip(TOO_DEEP, f"{end - start} bytes")
            return end
        except Exception as err:  # noqa: BLE001 - whatever the parser raises
            if isinstance(err, json.JSONDecodeError) and (
                err.pos >= len(text) or err.msg.startswith("Unterminated string")
            ):
                return None  # it goes on past this "}"
            # Malformed, not UTF-8, a number too long to convert, ...: not a
            # message. Look again at the next "{".
            self._on_skip(NOT_JSON, err)
            return start + 1
        if stop < len(text):
            if text[stop:].lstrip()[:1] in {",", "]"}:
                # An element of an array, and more of it: not a message.
                self._on_skip(NOT_JSON, f"extra data after {stop} bytes")
                return start + 1
            # A "}" too many: keep the object before it, skip the rest as garbage.
            end = start + len(text[:stop].encode())
        return self._accept(value, start, end, values)

    def _finish(self, start: int, end: int, values: list[Any]) -> int:
        """Decode the object known to span buffer[start:end]; return where to go on."""
        if end - start > self._limit:
            self._on_skip(OVERSIZED, f"{end - start} bytes")
            self._resync = False
            return end
        try:
            value = _whole(self._buffer, start, end)
            if value is None:
                value = _JSON.raw_decode(self._buffer[start:end].decode())[0]
        except RecursionError:
            self._on_skip(TOO_DEEP, f"{end - start} bytes")
            self._resync = False
            return end
        except Exception as err:  # noqa: BLE001 - whatever the parser raises
            # Complete but not JSON: garbage that began like a message.
            self._on_skip(NOT_JSON, err)
            return start + 1
        return self._accept(value, start, end, values)

    def _accept(self, value: Any, start: int, end: int, values: list[Any]) -> int:
        """Keep a decoded object unless it is an element of an array."""
        buffer = self._buffer
        after = buffer[end] if end < len(buffer) else 0
        if after in _WHITESPACE:
            rest = buffer[end : end + 64].lstrip()
            after = rest[0] if rest else 0
        if after in _IN_AN_ARRAY:
            # Exactly where the object ended, but an element of an array.
            self._on_skip(ARRAY_ELEMENT, f"{end - start} bytes")
        else:
            values.append(value)
        self._resync = False
        return end
