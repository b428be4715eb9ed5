"""Asynchronous client for the Intecular InvisOutlet local API.

Written as a standalone library: it never imports Home Assistant.
"""

from .client import Backoff, InvisOutlet
from .decoder import JsonStreamDecoder
from .exceptions import (
    InvisOutletCommandError,
    InvisOutletConnectionError,
    InvisOutletError,
    InvisOutletProtocolError,
    InvisOutletTimeoutError,
    InvisOutletUpdateError,
)
from .models import (
    Callback,
    DecoModule,
    DecoUpdateMethod,
    DeviceInfo,
    FirmwareStatus,
    Message,
    OutletModule,
    UpdateAnswer,
    UpdateProgress,
    UpdateResult,
    UpdateTarget,
    UpdateType,
)
from .ota import (
    InstalledVersions,
    OtaError,
    OtaPhase,
    OtaTimeouts,
    OtaTracker,
    pending_components,
    target_of,
)
from .transport import DEFAULT_PORTS, Transport
from .updater import FirmwareUpdate

__all__ = [
    "DEFAULT_PORTS",
    "Backoff",
    "Callback",
    "DecoModule",
    "DecoUpdateMethod",
    "DeviceInfo",
    "FirmwareStatus",
    "FirmwareUpdate",
    "InstalledVersions",
    "InvisOutlet",
    "InvisOutletCommandError",
    "InvisOutletConnectionError",
    "InvisOutletError",
    "InvisOutletProtocolError",
    "InvisOutletTimeoutError",
    "InvisOutletUpdateError",
    "JsonStreamDecoder",
    "Message",
    "OtaError",
    "OtaPhase",
    "OtaTimeouts",
    "OtaTracker",
    "OutletModule",
    "Transport",
    "UpdateAnswer",
    "UpdateProgress",
    "UpdateResult",
    "UpdateTarget",
    "UpdateType",
    "pending_components",
    "target_of",
]
