"""Exceptions raised by the InvisOutlet client."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .const import FirmwareError


class InvisOutletError(Exception):
    """Base error of the InvisOutlet client."""


class InvisOutletConnectionError(InvisOutletError):
    """The outlet could not be reached or the link dropped."""


class InvisOutletTimeoutError(InvisOutletConnectionError):
    """The outlet did not answer in time."""


class InvisOutletProtocolError(InvisOutletError):
    """The outlet sent something that does not follow the protocol."""


class InvisOutletCommandError(InvisOutletError):
    """The outlet refused a command (PUBACK 0)."""


class InvisOutletUpdateError(InvisOutletError):
    """A firmware install did not succeed; `reason` says why."""

    def __init__(self, reason: FirmwareError) -> None:
        """Keep the reason for the caller to word."""
        super().__init__(reason.value)
        self.reason = reason
