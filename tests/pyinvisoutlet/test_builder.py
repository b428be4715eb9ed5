"""Specification of the fast builder of the models made on every push."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass

import pytest

from custom_components.invisoutlet.pyinvisoutlet.builder import builder, replacer


@dataclass(frozen=True, slots=True)
class Pair:
    """A frozen, slotted model."""

    first: int
    second: str | None = None


def test_builder_makes_what_init_makes() -> None:
    """The instance built equals the one __init__ makes, and stays frozen."""
    build = builder(Pair)

    pair = build(1, "one")

    assert pair == Pair(1, "one")
    assert type(pair) is Pair
    with pytest.raises(FrozenInstanceError):
        pair.first = 2  # type: ignore[misc]


@dataclass(frozen=True)
class Unslotted:
    """A frozen model without slots."""

    value: int = 0


@dataclass(frozen=True, slots=True)
class Checked:
    """A model whose __init__ does more than set its fields."""

    value: int

    def __post_init__(self) -> None:
        """Refuse negative values."""
        if self.value < 0:
            raise ValueError(self.value)


class Plain:
    """Not a dataclass."""

    __slots__ = ("value",)


@dataclass(frozen=True, slots=True)
class Derived(Pair):
    """A model whose slots are partly its base's."""

    third: int = 0


def test_builder_makes_every_field_and_nothing_else() -> None:
    """Every field holds its own value, and the instance has no other state."""
    build = builder(Pair)

    pair = build(2, None)

    assert (pair.first, pair.second) == (2, None)
    assert not hasattr(pair, "__dict__")
    assert pair == Pair(2)
    assert hash(pair) == hash(Pair(2))


@pytest.mark.parametrize("cls", [Unslotted, Checked, Plain, Derived])
def test_builder_refuses_what_init_does_more_for(cls: type) -> None:
    """Only a plain slotted dataclass is built without its __init__."""
    with pytest.raises(TypeError, match="not a plain slotted dataclass"):
        builder(cls)


def test_replacer_copies_with_one_field_changed() -> None:
    """The copy equals dataclasses.replace's, stays frozen and leaves the old alone."""
    replace_second = replacer(Pair, "second")
    old = Pair(1, "one")

    new = replace_second(old, "two")

    assert new == Pair(1, "two")
    assert type(new) is Pair
    assert old == Pair(1, "one")
    with pytest.raises(FrozenInstanceError):
        new.second = "three"  # type: ignore[misc]


def test_replacer_refuses_a_field_the_class_lacks() -> None:
    """Only a field of the class can be replaced."""
    with pytest.raises(TypeError, match="no field"):
        replacer(Pair, "third")


@dataclass(frozen=True, slots=True)
class Shadowed:
    """A model with a field named like the replacer's argument."""

    value_: int = 0
    other: int = 0


def test_replacer_refuses_a_class_with_a_field_named_like_its_argument() -> None:
    """The generated function's argument can never shadow a field."""
    with pytest.raises(TypeError, match="no field"):
        replacer(Shadowed, "other")
