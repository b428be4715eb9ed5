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


class InvisOutletWrongDeviceError(InvisOutletError):
    """Another outlet answers at the address (a moved lease): nothing of it is taken."""

    def __init__(self, host: str, expected: str | None, found: str | None) -> None:
        """Keep which outlet was expected and which one answered."""
        super().__init__(f"{host} is outlet {found}, not {expected}")
        self.host = host
        self.expected = expected
        self.found = found
