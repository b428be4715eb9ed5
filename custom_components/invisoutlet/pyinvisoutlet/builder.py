"""Make frozen models fast: the ones made again on every push."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any


def builder[T](cls: type[T]) -> Callable[..., T]:
    """Return a function that makes cls from every field's value, in field order.

    A frozen dataclass's __init__ sets each field through object.__setattr__; its
    slots' own descriptors set a field in half the time, and the 14-field device
    snapshot and readings are made on every push. Only for a frozen, slotted
    dataclass without __post_init__: what __init__ would do is exactly this.
    """
    if (
        not is_dataclass(cls)
        or "__slots__" not in vars(cls)
        or hasattr(cls, "__post_init__")
    ):
        msg = f"{cls.__name__} is not a plain slotted dataclass"
        raise TypeError(msg)
    names = [field.name for field in fields(cls)]
    # Generated like dataclasses' own __init__: one statement per field, no loop.
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    lines = [f"def build({', '.join(names)}):", "    self = _new(_cls)"]
    for index, name in enumerate(names):
        namespace[f"_set{index}"] = getattr(cls, name).__set__
        lines.append(f"    _set{index}(self, {name})")
    lines.append("    return self")
    exec("\n".join(lines), namespace)  # noqa: S102 - our own field names only
    build: Callable[..., T] = namespace["build"]
    return build
