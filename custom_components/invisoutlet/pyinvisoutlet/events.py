"""The firmware-install messages the outlet pushes (protocol.md §4.3-4.5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from .fields import as_pair


@dataclass(frozen=True, slots=True)
class UpdateAnswer:
    """Late answer to an install on hardware revB: the install goes on or failed."""

    target: int
    ok: bool

    @classmethod
    def from_args(cls, args: object) -> Self:
        """Parse [target, 1 continues / 0 failed]."""
        target, ok = as_pair(args, "update answer")
        return cls(target=target, ok=bool(ok))


@dataclass(frozen=True, slots=True)
class UpdateProgress:
    """Download progress of one install phase."""

    type: int
    percent: int

    @classmethod
    def from_args(cls, args: object) -> Self:
        """Parse [type, percent], clamping the percentage to 0-100."""
        update_type, percent = as_pair(args, "update progress")
        return cls(type=update_type, percent=min(max(percent, 0), 100))


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """Result of one install phase."""

    type: int
    success: bool

    @classmethod
    def from_args(cls, args: object) -> Self:
        """Parse [type, 1 success / 0 failure]."""
        update_type, success = as_pair(args, "update result")
        return cls(type=update_type, success=bool(success))
