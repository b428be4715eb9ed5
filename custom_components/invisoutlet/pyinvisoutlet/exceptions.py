"""Exceptions raised by the InvisOutlet client."""

from __future__ import annotations


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
    """A firmware update failed; `reason` says how (an OtaError value)."""

    def __init__(self, reason: str) -> None:
        """Keep the reason for the caller to map to a message."""
        super().__init__(reason)
        self.reason = reason
