"""Make frozen models fast: the ones made again on every push."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any


def builder[T](cls: type[T]) -> Callable[..., T]:
    """Return a function that makes cls from every field's value, in field order.

    A frozen dataclass's __init__ sets each field through object.__setattr__, and
    the 13-field device snapshot and 14-field readings are made on every push. The
    function sets the fields on an instance of an unfrozen twin with the very same
    slots, where each is a plain store, then makes the instance cls's: the same
    memory layout, so Python allows the change of class, and from then on the
    instance is frozen like any other. Only for a frozen, slotted dataclass without
    __post_init__ or base class: what __init__ would do is exactly this.
    """
    names = _plain_fields(cls)
    # Generated like dataclasses' own __init__: one statement per field, no loop.
    return _generated(cls, f"build({', '.join(names)})", names, names)


def replacer[T](cls: type[T], name: str) -> Callable[[T, Any], T]:
    """Return a function that copies an instance of cls with one field's new value.

    What dataclasses.replace does for that field, made like builder()'s instances:
    the snapshot is copied with one part changed on every push.
    """
    names = _plain_fields(cls)
    if name not in names or _VALUE in names:
        msg = f"{cls.__name__} has no field {name} to replace"
        raise TypeError(msg)
    values = [_VALUE if field == name else f"old.{field}" for field in names]
    return _generated(cls, f"replace(old, {_VALUE})", names, values)


# The argument of a replacer (a class with a field of this name gets none).
_VALUE = "value_"


def _plain_fields(cls: type[Any]) -> list[str]:
    """Return the fields of a plain slotted dataclass; refuse any other class."""
    if (
        not is_dataclass(cls)
        or "__slots__" not in vars(cls)
        or hasattr(cls, "__post_init__")
        or cls.__bases__ != (object,)
    ):
        msg = f"{cls.__name__} is not a plain slotted dataclass"
        raise TypeError(msg)
    return [field.name for field in fields(cls)]


def _twin(cls: type[Any]) -> type[Any]:
    """Return a class with cls's slots and nothing else: one per class."""
    if (twin := _TWINS.get(cls)) is None:
        slots = {"__slots__": vars(cls)["__slots__"]}
        twin = _TWINS[cls] = type(f"_{cls.__name__}Fields", (), slots)
    return twin


_TWINS: dict[type[Any], type[Any]] = {}


def _generated(
    cls: type[Any], signature: str, names: list[str], values: list[str]
) -> Callable[..., Any]:
    """Return a function that sets each field from its value's expression."""
    namespace: dict[str, Any] = {
        "_new": object.__new__,
        "_twin": _twin(cls),
        "_cls": cls,
    }
    lines = [f"def {signature}:", "    self = _new(_twin)"]
    lines += [
        f"    self.{name} = {value}" for name, value in zip(names, values, strict=True)
    ]
    lines += ["    self.__class__ = _cls", "    return self"]
    exec("\n".join(lines), namespace)  # noqa: S102 - our own field names only
    function: Callable[..., Any] = namespace[signature.split("(", 1)[0]]
    return function
