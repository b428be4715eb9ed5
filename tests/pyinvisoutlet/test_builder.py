"""Specification of the fast builder of the models made on every push."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass

import pytest

from custom_components.invisoutlet.pyinvisoutlet.builder import builder


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


@pytest.mark.parametrize("cls", [Unslotted, Checked, Plain])
def test_builder_refuses_what_init_does_more_for(cls: type) -> None:
    """Only a plain slotted dataclass is built without its __init__."""
    with pytest.raises(TypeError, match="not a plain slotted dataclass"):
        builder(cls)
