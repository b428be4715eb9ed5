"""Specification of the tolerant field readers every model is built from (fields.py).

The outlet writes numbers as numbers or strings and flags in several spellings; its
text reaches logs, titles and states, so it is cleaned and bounded first.
"""

from __future__ import annotations

from collections.abc import Iterator
import logging
import math
from typing import Any

import pytest

from custom_components.invisoutlet.pyinvisoutlet import InvisOutletProtocolError
from custom_components.invisoutlet.pyinvisoutlet.fields import (
    MAX_TEXT,
    REJECTED,
    as_block,
    as_bool,
    as_float,
    as_int,
    as_list,
    as_mac,
    as_pair,
    as_text,
    clean_text,
    reject,
    shape,
)

SECRET = "not-a-real-password"  # noqa: S105 - a sample, never a secret
HUGE = 10**400  # a valid JSON number no float can hold
KIND = "a sample value"


@pytest.fixture(autouse=True)
def no_rejections_yet() -> Iterator[None]:
    """Start every test as if the library had just been loaded."""
    REJECTED.clear()
    yield
    REJECTED.clear()


# clean_text -------------------------------------------------------------------------


def test_clean_text_keeps_ordinary_text() -> None:
    """Printable text, accents and symbols included, passes unchanged."""
    assert clean_text("Salle de bain, 2ᵉ étage ☀") == "Salle de bain, 2ᵉ étage ☀"


@pytest.mark.parametrize(
    "control",
    [
        "\x00",
        "\x07",
        "\t",
        "\n",
        "\r",
        "\x1b",
        "\x7f",
        "\x85",
        "\x9f",
        "\u2028",
        "\u2029",
        "\u202a",
        "\u202e",
        "\u2066",
        "\u2069",
    ],
    ids=lambda c: f"U+{ord(c):04X}",
)
def test_clean_text_removes_control_and_bidi_characters(control: str) -> None:
    """C0, DEL, C1, line separators and bidi overrides cannot forge a log line."""
    assert clean_text(f"Lamp{control}One") == "LampOne"


def test_clean_text_strips_surrounding_whitespace() -> None:
    """Spaces left around the text once control characters are gone are removed."""
    assert clean_text("\n  Lamp  \x00") == "Lamp"


def test_clean_text_keeps_text_of_exactly_the_limit() -> None:
    """64 characters fit as they are."""
    text = "a" * MAX_TEXT

    assert clean_text(text) == text


def test_clean_text_cuts_longer_text_with_an_ellipsis() -> None:
    """65 characters become 63 and an ellipsis: 64 in all."""
    cleaned = clean_text("a" * (MAX_TEXT + 1))

    assert cleaned == "a" * (MAX_TEXT - 1) + "…"
    assert len(cleaned) == MAX_TEXT


def test_clean_text_bounds_huge_input() -> None:
    """A megabyte of text is cut to the limit too."""
    assert len(clean_text("b" * 1_000_000)) == MAX_TEXT


def test_clean_text_counts_the_limit_after_removing_control_characters() -> None:
    """Control characters do not use up the limit: the visible text is what counts."""
    text = "\x00".join("c" * MAX_TEXT)

    assert clean_text(text) == "c" * MAX_TEXT


def test_clean_text_takes_another_limit() -> None:
    """The limit is a parameter."""
    assert clean_text("abcdef", limit=4) == "abc…"


def test_clean_text_of_only_control_characters_is_empty() -> None:
    """Nothing printable left: the empty string."""
    assert clean_text("\x00\x01\u202e") == ""


# as_text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [("1.2.0", "1.2.0"), (" 1.2.0\n", "1.2.0"), (5, "5"), (1.5, "1.5")],
    ids=repr,
)
def test_as_text_reads_text_and_numbers(value: Any, text: str) -> None:
    """Text is cleaned; a number becomes its text."""
    assert as_text({"key": value}, "key") == text


@pytest.mark.parametrize("value", [None, "", "  ", "Unknown", "unknown", "\x00"])
def test_as_text_of_absent_blank_or_unknown_is_none(value: str | None) -> None:
    """Absent, null, blank and "Unknown" are all no value."""
    assert as_text({"key": value}, "key") is None
    assert as_text({}, "key") is None


def test_as_text_is_bounded() -> None:
    """A text field is cut to 64 characters."""
    assert as_text({"key": "z" * 200}, "key") == "z" * 63 + "…"


@pytest.mark.parametrize("value", [True, False, [1], {"a": 1}], ids=repr)
def test_as_text_of_another_type_is_rejected(value: Any) -> None:
    """A flag, list or object where text belongs is a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="key is not text"):
        as_text({"key": value}, "key")


# as_mac -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mac",
    ["24:0A:C4:12:34:56", "24-0a-c4-12-34-56", "240AC4123456", "0e:00:00:00:00:01"],
)
def test_as_mac_reads_an_address_as_the_device_writes_it(mac: str) -> None:
    """A MAC address in any usual spelling is kept as sent."""
    assert as_mac({"MAC": mac}, "MAC") == mac


@pytest.mark.parametrize(
    "value",
    [
        "00:00:00:00:00:00",
        "FF:FF:FF:FF:FF:FF",
        "24:0A:C4:12:34",
        "24:0A:C4:12:34:5G",
        "24:0A-C4:12:34:56",
        "not a mac",
        "Unknown",
        None,
    ],
)
def test_as_mac_of_a_placeholder_or_garbage_is_none(value: str | None) -> None:
    """Placeholders and garbage are no address: devices never merge over them."""
    assert as_mac({"MAC": value}, "MAC") is None


# as_int -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number"),
    [(7, 7), (-3, -3), (7.0, 7), (True, 1), (False, 0), ("42", 42), (" -4 ", -4)],
    ids=repr,
)
def test_as_int_reads_integers_in_every_spelling(value: Any, number: int) -> None:
    """Integers, integral floats, flags and numeric strings are integers."""
    assert as_int(value, "value") == number


@pytest.mark.parametrize(
    "value", [1.5, math.inf, math.nan, "1.5", "abc", "", None, [1], "9" * 65], ids=repr
)
def test_as_int_rejects_what_is_not_an_integer(value: Any) -> None:
    """Fractions, non-finite numbers, other text and over-long strings are rejected."""
    with pytest.raises(InvisOutletProtocolError, match="value is not an integer"):
        as_int(value, "value")


@pytest.mark.parametrize(
    "value",
    [HUGE, -HUGE, 2**63, -(2**63), 1e308, "9" * MAX_TEXT, 10**5000],
    ids=["400 digits", "-400 digits", "2**63", "-2**63", "1e308", "64 nines", "5000"],
)
def test_as_int_rejects_integers_no_device_word_holds(value: Any) -> None:
    """Beyond 64-bit integers a number means nothing: rejected, never an overflow."""
    with pytest.raises(InvisOutletProtocolError, match="value is not an integer"):
        as_int(value, "value")


@pytest.mark.parametrize("value", [2**63 - 1, -(2**63 - 1)], ids=["max", "min"])
def test_as_int_reads_the_largest_device_integers(value: int) -> None:
    """The 64-bit extremes are still integers."""
    assert as_int(value, "value") == value


def test_as_int_names_a_huge_integer_by_its_size() -> None:
    """The message says how big the number was, not its 400 digits."""
    with pytest.raises(InvisOutletProtocolError) as caught:
        as_int(HUGE, "value")

    assert str(caught.value) == "value is not an integer: an integer of 1329 bits"


# as_float ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number"),
    [(21, 21.0), (21.8, 21.8), ("21.8", 21.8), (" -4.5 ", -4.5), ("1e3", 1000.0)],
    ids=repr,
)
def test_as_float_reads_finite_numbers_and_numeric_strings(
    value: Any, number: float
) -> None:
    """Numbers and numeric strings are readings."""
    assert as_float(value) == number


@pytest.mark.parametrize(
    "value",
    [
        math.inf,
        -math.inf,
        math.nan,
        "inf",
        "-Infinity",
        "nan",
        "NaN",
        "warm",
        "",
        True,
        False,
        None,
        [21.8],
        {"v": 1},
        "1" * 65,
        "1e400",
        [[1]],
    ],
    ids=repr,
)
def test_as_float_of_anything_else_is_none(value: Any) -> None:
    """Non-finite numbers, flags, other text and other types are no reading."""
    assert as_float(value) is None


@pytest.mark.parametrize("value", [HUGE, -HUGE], ids=["400 digits", "-400 digits"])
def test_as_float_of_an_integer_beyond_any_float_is_none(value: int) -> None:
    """A 400-digit integer is no reading: None, never an OverflowError."""
    assert as_float(value) is None


def test_as_float_keeps_the_largest_float() -> None:
    """1e308 is finite: whether it is a possible reading is the model's call."""
    assert as_float(1e308) == 1e308


# as_bool ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        ("true", True),
        (" False ", False),
        ("TRUE", True),
        ("1", True),
        ("0", False),
        (2, True),
    ],
    ids=repr,
)
def test_flags_accept_booleans_numbers_and_strings(value: Any, expected: bool) -> None:
    """A flag may be true/false, 1/0, or either as a string."""
    assert as_bool(value, "flag") is expected


def test_flag_of_a_huge_integer_is_rejected() -> None:
    """A 400-digit flag is no flag."""
    with pytest.raises(InvisOutletProtocolError, match="flag is not an integer"):
        as_bool(HUGE, "flag")


def test_flag_that_is_neither_is_rejected() -> None:
    """A flag such as "maybe" is a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="flag is not an integer"):
        as_bool("maybe", "flag")


# as_block, as_list, as_pair ---------------------------------------------------------


def test_as_block_returns_the_object_or_none() -> None:
    """A present object is returned; an absent or null one is None."""
    assert as_block({"IM": {"sn": "x"}}, "IM") == {"sn": "x"}
    assert as_block({"IM": None}, "IM") is None
    assert as_block({}, "IM") is None


@pytest.mark.parametrize("args", [None, [], "IM", 1], ids=repr)
def test_as_block_of_arguments_that_are_not_an_object_is_rejected(args: Any) -> None:
    """Blocks live in an object; other arguments are a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="callbackArgs is not an object"):
        as_block(args, "IM")


@pytest.mark.parametrize("block", ["x", [1], 0, False], ids=repr)
def test_as_block_that_is_not_an_object_is_rejected(block: Any) -> None:
    """A block that is present must be an object."""
    with pytest.raises(InvisOutletProtocolError, match="PM is not an object"):
        as_block({"PM": block}, "PM")


def test_as_list_returns_a_long_enough_list() -> None:
    """A list of at least the length asked for is returned whole."""
    assert as_list([1, 2, 3], 2, "thing") == [1, 2, 3]


@pytest.mark.parametrize("args", [[1], (1, 2), "12", None, {"0": 1}], ids=repr)
def test_as_list_of_anything_shorter_or_else_is_rejected(args: Any) -> None:
    """Too short, or not a list at all, is a protocol error naming the callback."""
    with pytest.raises(
        InvisOutletProtocolError, match="thing arguments are not a list of 2"
    ):
        as_list(args, 2, "thing")


def test_as_pair_reads_the_two_leading_integers() -> None:
    """Further elements are ignored; numeric strings are read."""
    assert as_pair(["1", 90, "extra"], "progress") == (1, 90)


# What errors and logs may show --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "described"),
    [
        (None, "null"),
        (True, "a boolean"),
        (7, "an integer of 3 bits"),
        (2.5, "a number"),
        (math.inf, "a non-finite number"),
        ("abc", "text of 3 characters"),
        ([1, [2]], "a list of 2"),
        ({"user": "u", "pass": "p"}, "an object with keys [user, pass]"),
        (
            {str(i): i for i in range(10)},
            "an object with keys [0, 1, 2, 3, 4, 5, 6, 7, …]",
        ),
        ((1, 2), "a tuple"),
    ],
    ids=repr,
)
def test_shape_describes_type_and_size(value: Any, described: str) -> None:
    """A shape names the type, the length and an object's first keys."""
    assert shape(value) == described


@pytest.mark.parametrize(
    "value",
    [SECRET, {"pass": SECRET}, [{"sys_prefs": {"mqtt": {"pass": SECRET}}}]],
    ids=["text", "object", "list"],
)
def test_shape_never_shows_content(value: Any) -> None:
    """Not a character of the content: a shape may reach any log."""
    assert SECRET not in shape(value)


@pytest.mark.parametrize(
    "read",
    [
        lambda value: as_block(value, "sys_prefs"),
        lambda value: as_block({"sys_prefs": value}, "sys_prefs"),
        lambda value: as_list(value, 2, "settings"),
        lambda value: as_text({"key": value}, "key"),
        lambda value: as_int(value, "value"),
    ],
    ids=["arguments", "block", "list", "text", "integer"],
)
@pytest.mark.parametrize(
    "value",
    [[{"pass": SECRET}], [SECRET], [[SECRET]]],
    ids=["list of object", "list of text", "nested list"],
)
def test_errors_show_containers_by_their_shape_only(read: Any, value: Any) -> None:
    """A rejected list or object is described, never quoted: it may hold a password."""
    with pytest.raises(InvisOutletProtocolError) as caught:
        read(value)

    assert SECRET not in str(caught.value)


def test_first_rejected_value_of_a_kind_is_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The first value of a kind that is not used is said once, at warning level."""
    with caplog.at_level(logging.DEBUG):
        reject(KIND)

    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (
            logging.WARNING,
            "Ignored a sample value from an outlet; further ones are counted",
        )
    ]


def test_further_rejected_values_of_a_kind_are_counted_at_debug(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Later ones of the same kind only count, at debug level."""
    reject(KIND)
    caplog.clear()

    with caplog.at_level(logging.DEBUG):
        reject(KIND)
        reject(KIND)

    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.DEBUG, "Ignored a sample value from an outlet (2 so far)"),
        (logging.DEBUG, "Ignored a sample value from an outlet (3 so far)"),
    ]
    assert REJECTED[KIND] == 3


def test_each_kind_of_rejected_value_gets_its_own_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Another kind is news: it is warned about too."""
    reject(KIND)
    reject("another sample value")
    reject(KIND)

    assert [r.levelno for r in caplog.records if r.levelno >= logging.INFO] == [
        logging.WARNING,
        logging.WARNING,
    ]
