"""Names the owner gives the outlets and the nightlight (protocol.md §6.4-6.5)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .fields import CONTROL

if TYPE_CHECKING:
    from .const import Accessory
    from .models import AccessoryNames

# The longest name sent. The vendor documents no limit: 32 characters hold every
# name of its examples and stay well within the name fields of small firmware.
MAX_NAME = 32


class InvalidNameReason(StrEnum):
    """Why a name is not sent; the values suit translation keys."""

    EMPTY = "name_empty"
    TOO_LONG = "name_too_long"
    CONTROL_CHARACTER = "name_control_character"


class InvalidNameError(ValueError):
    """A name the device should not be sent."""

    def __init__(self, reason: InvalidNameReason) -> None:
        """Say why; the name itself is the caller's and not repeated."""
        super().__init__(reason.value)
        self.reason = reason


def checked_name(name: str) -> str:
    """Return the name without surrounding spaces, or raise InvalidNameError."""
    name = name.strip()
    if not name:
        raise InvalidNameError(InvalidNameReason.EMPTY)
    if len(name) > MAX_NAME:
        raise InvalidNameError(InvalidNameReason.TOO_LONG)
    if CONTROL.search(name):
        raise InvalidNameError(InvalidNameReason.CONTROL_CHARACTER)
    return name


def names_args(
    known: AccessoryNames | None, accessory: Accessory, name: str
) -> list[dict[str, Any]]:
    """Return the arguments of 4 that give one accessory a name (§6.5).

    The other names go along as last read, as in the vendor's example: no source
    says whether the firmware keeps a name left out of the list.
    """
    names = dict(known.names) if known else {}
    names[int(accessory)] = checked_name(name)
    return [
        {"accessory": number, "name": text} for number, text in sorted(names.items())
    ]
