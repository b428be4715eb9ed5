"""Specification of the JSON stream decoder: whole messages out of a TCP byte stream.

These tests are pure (no sockets): they feed bytes as reads would bring them.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    JsonStreamDecoder,
    decoder as decoder_module,
)
from custom_components.invisoutlet.pyinvisoutlet.decoder import (
    MAX_MESSAGE_SIZE,
    NOT_JSON,
    OVERSIZED,
)

REPLY = {"sn": "11A1F7000FE", "packetID": 373184, "PUBACK": 1}
# Nested objects, a multi-byte character, an emoji and "}{" inside a string: every
# byte position of this message is a place where a read can end.
TRICKY = {
    "sn": "11A1F7000FE",
    "packetID": 839379,
    "payload": {
        "callbackName": 4,
        "callbackArgs": [{"accessory": 1, "name": "Küche }{ 💡"}, {"x": {}}],
    },
}


def compact(value: Any) -> bytes:
    """Return the compact JSON the device writes."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def feed_all(decoder: JsonStreamDecoder, *chunks: bytes) -> list[Any]:
    """Feed chunks in order; return every value they complete."""
    values: list[Any] = []
    for chunk in chunks:
        values += decoder.feed(chunk)
    return values


def sized_object(size: int) -> bytes:
    """Return a valid JSON object of exactly size bytes."""
    head, tail = b'{"data":"', b'"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


# Reads that begin with "{" and end with "}": one whole message is taken at once;
# everything else (several, garbage inside, not UTF-8, empty, too deep, too big)
# must come out as the stream's path gives it.
WHOLE_READS = {
    "one message": compact(TRICKY),
    "two messages": compact(REPLY) + compact(TRICKY),
    "two messages with a space": compact(REPLY) + b" " + compact(REPLY),
    "garbage between": compact(REPLY) + b"}{garbage}" + compact(REPLY),
    "not UTF-8 inside": b'{"sn":"\xff\xfe","packetID":1}',
    "an empty object": b"{}",
    "an array inside": b'{"a":[1,2]}',
    "too deep": b'{"a":' * 3000 + b"1" + b"}" * 3000,
    "too big": sized_object(MAX_MESSAGE_SIZE + 1),
}


@pytest.mark.parametrize("data", list(WHOLE_READS.values()), ids=list(WHOLE_READS))
def test_a_read_that_looks_whole_decodes_as_the_stream_does(data: bytes) -> None:
    """Values and reports match the same bytes read as "{" and then the rest.

    Those two reads never look whole: they take the stream's path.
    """
    at_once: list[str] = []
    in_two: list[str] = []
    whole = JsonStreamDecoder(on_skip=lambda reason, _: at_once.append(reason))
    split = JsonStreamDecoder(on_skip=lambda reason, _: in_two.append(reason))

    values = whole.feed(data)

    assert values == feed_all(split, data[:1], data[1:])
    assert at_once == in_two


# The stream decoder ---------------------------------------------------------------


def test_decodes_one_message() -> None:
    """One complete object comes out as one value."""
    assert JsonStreamDecoder().feed(compact(REPLY)) == [REPLY]


def test_decodes_several_messages_in_one_chunk() -> None:
    """Objects packed into one read come out in order."""
    second = {**REPLY, "packetID": 221040}
    chunk = compact(REPLY) + compact(second) + compact(TRICKY)

    assert JsonStreamDecoder().feed(chunk) == [REPLY, second, TRICKY]


def test_empty_read_yields_nothing() -> None:
    """Feeding no bytes returns no value."""
    assert JsonStreamDecoder().feed(b"") == []


@pytest.mark.parametrize("split", range(1, len(compact(TRICKY))))
def test_decodes_a_message_split_at_any_byte(split: int) -> None:
    """A message split at any byte, even inside a UTF-8 character, decodes once."""
    data = compact(TRICKY)
    decoder = JsonStreamDecoder()

    assert decoder.feed(data[:split]) == []
    assert decoder.feed(data[split:]) == [TRICKY]


def test_decodes_a_message_fed_byte_by_byte() -> None:
    """A message that arrives one byte per read decodes when its last byte comes."""
    data = compact(TRICKY) + compact(REPLY)
    decoder = JsonStreamDecoder()

    values = feed_all(decoder, *(data[i : i + 1] for i in range(len(data))))

    assert values == [TRICKY, REPLY]


def test_skips_whitespace_and_garbage_between_messages() -> None:
    """Whitespace and non-JSON bytes between objects are dropped."""
    chunk = compact(REPLY) + b" \r\n\t garbage ## " + compact(TRICKY) + b"\n"

    assert JsonStreamDecoder().feed(chunk) == [REPLY, TRICKY]


def test_skips_garbage_that_contains_an_opening_brace() -> None:
    """A "{" in the garbage is not mistaken for the start of the next object."""
    chunk = b'noise { not json "x ' + compact(REPLY)

    assert JsonStreamDecoder().feed(chunk) == [REPLY]


def test_skips_an_unfinished_brace_that_arrived_alone() -> None:
    """A lone "{" in an earlier read does not swallow the object that follows."""
    decoder = JsonStreamDecoder()

    assert decoder.feed(b"junk {") == []
    assert decoder.feed(compact(REPLY)) == [REPLY]


def test_skips_a_malformed_object_and_decodes_the_next() -> None:
    """An object that is not valid JSON is dropped; the next one still decodes."""
    chunk = b'{"packetID":1,"payload":}' + compact(REPLY)

    assert JsonStreamDecoder().feed(chunk) == [REPLY]


def test_brace_pair_inside_a_string_is_not_a_boundary() -> None:
    """A "}{" inside a string value does not end the object."""
    value = {"name": "a}{b", "other": "}", "more": "{"}

    assert JsonStreamDecoder().feed(compact(value) + compact(REPLY)) == [value, REPLY]


def test_decodes_pretty_printed_objects() -> None:
    """Indented objects with newlines between them decode."""
    text = json.dumps(TRICKY, indent=4) + "\n\n" + json.dumps(REPLY, indent="\t")

    assert JsonStreamDecoder().feed(text.encode()) == [TRICKY, REPLY]


def test_decodes_pretty_printed_objects_in_pieces() -> None:
    """Indented objects fed in small pieces decode to the same values."""
    data = (json.dumps(TRICKY, indent=4) + "\n" + json.dumps(REPLY, indent=2)).encode()
    decoder = JsonStreamDecoder()

    values = feed_all(decoder, *(data[i : i + 7] for i in range(0, len(data), 7)))

    assert values == [TRICKY, REPLY]


@pytest.mark.parametrize(
    "chunks",
    [
        pytest.param([b'{"a":1}}', b'{"b":2}'], id="separate reads"),
        pytest.param([b'{"a":1}}{"b":2}'], id="one read"),
        pytest.param([b'{"a":1} }\n{"b":2}'], id="with whitespace"),
    ],
)
def test_drops_a_stray_closing_brace(chunks: list[bytes]) -> None:
    """A "}" too many after an object is dropped; both objects decode."""
    assert feed_all(JsonStreamDecoder(), *chunks) == [{"a": 1}, {"b": 2}]


def test_skips_an_object_with_invalid_utf8() -> None:
    """An object holding bytes that are not UTF-8 is dropped; the next decodes."""
    chunk = b'{"name":"\xff\xfe"}' + compact(REPLY)

    assert JsonStreamDecoder().feed(chunk) == [REPLY]


@pytest.mark.parametrize(
    ("opening", "depth", "limit"),
    [
        pytest.param(b"[", 30_000, MAX_MESSAGE_SIZE, id="30000 arrays in 64 KiB"),
        pytest.param(b'{"a":', 10_000, MAX_MESSAGE_SIZE, id="10000 objects in 64 KiB"),
        pytest.param(b"[", 100_000, 1_000_000, id="100000 arrays"),
        pytest.param(b'{"a":', 100_000, 1_000_000, id="100000 objects"),
    ],
)
def test_survives_deeply_nested_json(opening: bytes, depth: int, limit: int) -> None:
    """Deeply nested JSON never crashes the decoder; the next message decodes."""
    closing = b"]" if opening == b"[" else b"}"
    nested = b'{"deep":' + opening * depth + b"0" + closing * depth + b"}"
    assert len(nested) <= limit
    decoder = JsonStreamDecoder(limit=limit)

    values = decoder.feed(nested + compact(REPLY))
    # Python 3.13's parser gives up (RecursionError: skipped); 3.14's decodes it.
    assert values[-1] == REPLY
    assert len(values) <= 2
    assert decoder.feed(compact(TRICKY)) == [TRICKY]


def test_skips_json_that_is_not_an_object() -> None:
    """Arrays, strings, numbers and null at the top level are not messages."""
    chunk = b'[1,2] "text" 42 null true ' + compact(REPLY) + b" [3] " + compact(TRICKY)

    assert JsonStreamDecoder().feed(chunk) == [REPLY, TRICKY]


def test_object_of_exactly_the_limit_is_accepted() -> None:
    """An object of exactly 64 KiB, even when it arrives in two reads, decodes."""
    data = sized_object(MAX_MESSAGE_SIZE)
    decoder = JsonStreamDecoder()

    assert decoder.feed(data[:-1]) == []
    assert decoder.feed(data[-1:]) == [json.loads(data)]


def test_object_over_the_limit_is_skipped_and_reported() -> None:
    """A complete object over 64 KiB is skipped and reported; the next decodes."""
    skipped: list[str] = []
    decoder = JsonStreamDecoder(on_skip=lambda reason, _: skipped.append(reason))

    assert decoder.feed(sized_object(MAX_MESSAGE_SIZE + 1) + compact(REPLY)) == [REPLY]
    assert skipped == [OVERSIZED]


def test_decoder_is_usable_after_an_oversized_object() -> None:
    """After skipping an oversized object the decoder decodes the next message."""
    decoder = JsonStreamDecoder()
    assert decoder.feed(sized_object(70_000)) == []

    assert decoder.feed(compact(REPLY)) == [REPLY]


def test_unfinished_object_over_the_limit_is_skipped_and_reported() -> None:
    """An unfinished object that grows past 64 KiB is skipped once and reported."""
    skipped: list[str] = []
    decoder = JsonStreamDecoder(on_skip=lambda reason, _: skipped.append(reason))
    assert decoder.feed(b'{"data":"' + b"x" * (MAX_MESSAGE_SIZE - 9)) == []
    assert skipped == []

    assert decoder.feed(b"x") == []
    assert skipped == [OVERSIZED]


def test_buffer_never_holds_more_than_the_limit() -> None:
    """An object that never ends keeps at most 64 KiB buffered, however long."""
    decoder = JsonStreamDecoder()
    data = b'{"data":"' + b"x" * (1 << 20)

    for index in range(0, len(data), 16_384):
        assert decoder.feed(data[index : index + 16_384]) == []
        assert len(decoder._buffer) <= MAX_MESSAGE_SIZE
    assert decoder.feed(compact(REPLY)) == [REPLY]


def test_large_message_in_small_reads_decodes() -> None:
    """A 60 KB message with many nested objects, in 1 KB reads, decodes once."""
    value = {"items": [{"id": i, "name": f"n{i}"} for i in range(2_500)]}
    data = compact(value)
    assert 50_000 < len(data) < MAX_MESSAGE_SIZE
    decoder = JsonStreamDecoder()

    values = feed_all(decoder, *(data[i : i + 1024] for i in range(0, len(data), 1024)))

    assert values == [value]


def test_large_message_in_one_byte_reads_decodes() -> None:
    """A 60 KB message that arrives one byte per read decodes once."""
    data = sized_object(60_000)
    decoder = JsonStreamDecoder()

    values = feed_all(decoder, *(data[i : i + 1] for i in range(len(data))))

    assert values == [json.loads(data)]


@pytest.mark.parametrize(
    "trailer",
    [
        pytest.param(b"\x00", id="NUL"),
        pytest.param(b"garbage", id="text"),
        pytest.param(b" \r\n#", id="whitespace and text"),
    ],
)
def test_trailing_garbage_does_not_hold_back_a_complete_object(trailer: bytes) -> None:
    """An object followed by non-JSON bytes in the same read comes out at once."""
    assert JsonStreamDecoder().feed(compact(REPLY) + trailer) == [REPLY]


@pytest.mark.parametrize("trailer", [b"]", b","])
def test_object_followed_by_a_comma_or_bracket_is_an_array_element(
    trailer: bytes,
) -> None:
    """An object followed by "," or "]" is part of an array, not a message."""
    decoder = JsonStreamDecoder()

    assert decoder.feed(compact(REPLY) + trailer) == []
    assert decoder.feed(compact(TRICKY)) == [TRICKY]


def test_braces_inside_strings_cost_linear_time() -> None:
    """Many "}" inside string values still decode in one pass (no quadratic work)."""
    body = b'{"v":[' + b",".join(b'"a}b"' for _ in range(8000)) + b"]}"

    assert JsonStreamDecoder().feed(body) == [json.loads(body)]


def test_values_around_an_oversized_message_are_kept() -> None:
    """Replies in the same read as an oversized message, before or after, are kept."""
    decoder = JsonStreamDecoder()

    chunk = compact(REPLY) + sized_object(70_000) + compact(TRICKY)
    assert decoder.feed(chunk) == [REPLY, TRICKY]


class CountingParser(json.JSONDecoder):
    """Record how many characters each parse was handed, then parse."""

    def __init__(self) -> None:
        """Start with no parse recorded."""
        super().__init__()
        self.parsed: list[int] = []

    def raw_decode(self, s: str, idx: int = 0) -> tuple[Any, int]:
        """Record the characters from idx on; parse as json does."""
        self.parsed.append(len(s) - idx)
        return super().raw_decode(s, idx)


@pytest.fixture
def parser(monkeypatch: pytest.MonkeyPatch) -> CountingParser:
    """Make the decoder parse through a CountingParser."""
    counting = CountingParser()
    monkeypatch.setattr(decoder_module, "_JSON", counting)
    return counting


def test_braces_in_strings_arriving_in_pieces_are_parsed_once(
    parser: CountingParser,
) -> None:
    """A message full of "}" inside strings, fed 3 bytes at a time, parses linearly."""
    body = compact({"v": ["a}b" * 50 for _ in range(200)], "w": "}" * 2000})
    decoder = JsonStreamDecoder()

    values = feed_all(decoder, *(body[i : i + 3] for i in range(0, len(body), 3)))

    assert values == [json.loads(body)]
    # Before: one parse of everything so far per arriving "}" (quadratic).
    assert sum(parser.parsed) <= 3 * len(body)


def test_an_object_that_never_ends_is_parsed_linearly(parser: CountingParser) -> None:
    """An endless string in small reads is parsed a bounded number of times."""
    data = b'{"a":"' + b"x" * (1 << 20)
    decoder = JsonStreamDecoder()

    chunks = (data[i : i + 256] for i in range(0, len(data), 256))
    assert feed_all(decoder, *chunks) == []
    # Parsed again each time it doubled, up to the bound: never once per read.
    assert sum(parser.parsed) <= 4 * MAX_MESSAGE_SIZE


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(b'{"n":' + b"1" * 5000 + b"}", id="integer too long to convert"),
        pytest.param(b'{"name":"\xc3"}', id="cut UTF-8 character"),
        pytest.param(b'{"a":[}', id="mismatched brackets"),
        pytest.param(b'{"a" 1}', id="missing colon"),
    ],
)
def test_anything_the_parser_rejects_skips_only_that_message(bad: bytes) -> None:
    """Whatever the JSON parser raises, that message is skipped and the next comes."""
    skipped: list[str] = []
    decoder = JsonStreamDecoder(on_skip=lambda reason, _: skipped.append(reason))

    assert decoder.feed(bad + compact(REPLY)) == [REPLY]
    assert skipped
    assert decoder.feed(compact(TRICKY)) == [TRICKY]


def test_a_stretch_of_garbage_is_reported_once() -> None:
    """A megabyte of bytes that are not JSON is one skip, not one per byte or line."""
    skipped: list[str] = []
    decoder = JsonStreamDecoder(on_skip=lambda reason, _: skipped.append(reason))
    garbage = b"no json here at all; just text\n" * 32_000

    assert decoder.feed(garbage + compact(REPLY)) == [REPLY]
    assert skipped == ["bytes that are not JSON"]


def test_an_empty_object_is_not_a_message() -> None:
    """Every message has members: "{}" is skipped like any garbage."""
    skipped: list[str] = []
    decoder = JsonStreamDecoder(on_skip=lambda reason, _: skipped.append(reason))

    assert decoder.feed(b"{} { }" + compact(REPLY) + b"{}") == [REPLY]
    assert skipped == [NOT_JSON, NOT_JSON]


def test_objects_inside_a_skipped_message_are_not_messages() -> None:
    """After a message over 64 KiB, the objects it holds are not taken for messages."""
    items = [{"accessory": i, "name": f"n{i}", "x": {"y": 1}} for i in range(3000)]
    big = compact({"sn": "X", "packetID": 1, "payload": {"callbackArgs": items}})
    assert len(big) > MAX_MESSAGE_SIZE
    data = big + b"\n" + compact(REPLY)
    decoder = JsonStreamDecoder()

    values = feed_all(decoder, *(data[i : i + 4096] for i in range(0, len(data), 4096)))

    assert values == [REPLY]


@pytest.mark.parametrize("read", [1 << 20, 4096, 1000])
def test_a_message_right_after_an_endless_string_decodes(read: int) -> None:
    """A string that never closes, then a message: the message comes out."""
    data = b'{"a":"' + b"x" * (1 << 20) + compact(REPLY)
    skipped: list[str] = []
    decoder = JsonStreamDecoder(on_skip=lambda reason, _: skipped.append(reason))

    values = feed_all(decoder, *(data[i : i + read] for i in range(0, len(data), read)))

    assert values == [REPLY]
    assert skipped == [OVERSIZED]


ODD_PIECES = [
    pytest.param(b"}", id="stray brace"),
    pytest.param(b"garbage \x00\xff", id="garbage"),
    pytest.param(b"{}", id="empty object"),
    pytest.param(b'{"a":}', id="malformed object"),
    pytest.param(b'{"name":"\xff"}', id="invalid UTF-8"),
    pytest.param(b" \r\n", id="whitespace"),
]


@pytest.mark.parametrize("odd", ODD_PIECES)
def test_a_large_read_decodes_as_single_bytes_do(odd: bytes) -> None:
    """Odd input among many messages in one read gives what byte-wise reads give."""
    data = compact(REPLY) * 30 + odd + compact(TRICKY) * 30
    assert len(data) > 4096

    whole = JsonStreamDecoder().feed(data)
    bytewise = feed_all(
        JsonStreamDecoder(), *(data[i : i + 1] for i in range(len(data)))
    )

    assert whole == bytewise
    assert whole[:30] == [REPLY] * 30
    assert whole[-30:] == [TRICKY] * 30


def reads_of_every_size(data: bytes) -> list[list[Any]]:
    """Return what the decoder gives for data in one read and in 1-byte reads."""
    bytewise = (data[i : i + 1] for i in range(len(data)))
    return [JsonStreamDecoder().feed(data), feed_all(JsonStreamDecoder(), *bytewise)]


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        pytest.param(b'"\\ud800"', "\ud800", id="a lone surrogate"),
        pytest.param(b"-Infinity", -math.inf, id="infinity"),
        pytest.param(b"1" * 30, float("1" * 30), id="an integer over 64 bits"),
    ],
)
def test_a_value_only_json_or_only_orjson_reads_comes_out_however_it_is_read(
    sent: bytes, read: object
) -> None:
    """What orjson refuses json reads, and each value is the same in any reads."""
    data = compact(REPLY) * 30 + b'{"sn":"X","v":' + sent + b"}" + compact(REPLY)

    for values in reads_of_every_size(data):
        assert values[:30] == [REPLY] * 30
        assert values[30:] == [{"sn": "X", "v": read}, REPLY]


@pytest.mark.parametrize(
    "message",
    [b'{"sn":"X","v":NaN}', b'{"sn":"X","a":"}x","v":NaN}'],
    ids=["plain", "a brace inside a string"],
)
def test_not_a_number_comes_out_however_it_is_read(message: bytes) -> None:
    """NaN, which only json reads, is a value in one read and in many."""
    data = compact(REPLY) * 30 + message + compact(REPLY)

    for values in reads_of_every_size(data):
        assert math.isnan(values[30]["v"])
        assert values[31] == REPLY


@pytest.mark.parametrize("cut", range(1, 60))
def test_a_large_read_cut_inside_a_character_decodes(cut: int) -> None:
    """Large reads of non-ASCII messages, cut anywhere near the end, decode."""
    data = compact(TRICKY) * 40
    split = len(data) - cut
    decoder = JsonStreamDecoder()

    assert feed_all(decoder, data[:split], data[split:]) == [TRICKY] * 40


def test_an_oversized_message_in_non_ascii_is_measured_in_bytes() -> None:
    """The bound counts bytes: 30,000 three-byte characters are over 64 KiB."""
    big = compact({"sn": "X", "name": "€" * 30_000})
    assert len(big.decode()) < MAX_MESSAGE_SIZE < len(big)
    skipped: list[str] = []
    decoder = JsonStreamDecoder(on_skip=lambda reason, _: skipped.append(reason))

    assert decoder.feed(big + compact(REPLY)) == [REPLY]
    assert skipped == [OVERSIZED]


@pytest.mark.parametrize(
    "between", [b"\n", b"", b" #"], ids=["newline", "nothing", "text"]
)
def test_a_message_after_a_broken_string_comes_out_when_complete(
    between: bytes,
) -> None:
    """Garbage that opened a string costs no wait: the next message comes at once."""
    decoder = JsonStreamDecoder()
    assert decoder.feed(b'{"a":"xxxxxxxxxx}') == []

    assert decoder.feed(between) == []
    assert decoder.feed(compact(REPLY)) == [REPLY]
