"""Typed models parsed once from the outlet's JSON messages."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Self

from .exceptions import InvisOutletProtocolError

# Values the firmware reports while a module is in a bad state (protocol.md §4.8).
_UNKNOWN_TEXT = frozenset({"", "unknown"})


class Callback(IntEnum):
    """Callback numbers of the local API that this client uses."""

    DEVICE_INFO = 12
    FIRMWARE_STATUS = 20
    START_UPDATE = 21
    UPDATE_PROGRESS = 22
    UPDATE_RESULT = 23


class UpdateTarget(IntEnum):
    """What callback 21 updates."""

    OUTLET = 1
    DECO = 2


class UpdateType(IntEnum):
    """What a progress (22) or result (23) message is about."""

    OUTLET_FIRMWARE = 1
    DECO_FIRMWARE = 2
    WEB_INTERFACE = 3


class DecoUpdateMethod(IntEnum):
    """How the InvisDeco receives its firmware."""

    WIFI = 0
    VIA_OUTLET = 1


def as_int(value: object, what: str) -> int:
    """Return an integer sent as a number or as a numeric string."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    msg = f"{what} is not an integer: {value!r}"
    raise InvisOutletProtocolError(msg)


def as_text(block: dict[str, Any], key: str) -> str | None:
    """Return a text field, None when absent, blank or "Unknown"."""
    value = block.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        msg = f"{key} is not text: {value!r}"
        raise InvisOutletProtocolError(msg)
    value = value.strip()
    return None if value.lower() in _UNKNOWN_TEXT else value


def as_bool(value: object, what: str) -> bool:
    """Return a flag sent as true/false, 1/0 or their string forms."""
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    return bool(as_int(value, what))


def as_block(args: object, key: str) -> dict[str, Any] | None:
    """Return the object args[key], None when absent."""
    if not isinstance(args, dict):
        msg = f"callbackArgs is not an object: {args!r:.80}"
        raise InvisOutletProtocolError(msg)
    block = args.get(key)
    if block is not None and not isinstance(block, dict):
        msg = f"{key} is not an object: {block!r:.80}"
        raise InvisOutletProtocolError(msg)
    return block


def as_pair(args: object, what: str) -> tuple[int, int]:
    """Return the two leading integers of a list of callback arguments."""
    if not isinstance(args, list) or len(args) < 2:
        msg = f"{what} arguments are not a list of two: {args!r}"
        raise InvisOutletProtocolError(msg)
    return as_int(args[0], what), as_int(args[1], what)


@dataclass(frozen=True, slots=True)
class Message:
    """One message from the outlet: a reply or a push."""

    serial: str | None
    packet_id: int | None
    puback: int | None
    callback_name: int | None
    args: Any

    @classmethod
    def from_json(cls, data: object) -> Self:
        """Parse the envelope of a decoded JSON message."""
        if not isinstance(data, dict):
            msg = f"message is not an object: {data!r:.80}"
            raise InvisOutletProtocolError(msg)
        payload = data.get("payload")
        if payload is not None and not isinstance(payload, dict):
            msg = f"payload is not an object: {payload!r:.80}"
            raise InvisOutletProtocolError(msg)
        payload = payload or {}
        packet_id = data.get("packetID")
        puback = data.get("PUBACK")
        callback_name = payload.get("callbackName")
        serial = data.get("sn")
        return cls(
            serial=serial if isinstance(serial, str) else None,
            packet_id=None if packet_id is None else as_int(packet_id, "packetID"),
            puback=None if puback is None else as_int(puback, "PUBACK"),
            callback_name=(
                None if callback_name is None else as_int(callback_name, "callbackName")
            ),
            args=payload.get("callbackArgs"),
        )


@dataclass(frozen=True, slots=True)
class OutletModule:
    """The InvisOutlet itself (IM block of callback 12)."""

    serial: str | None
    mac: str | None
    device: str | None
    fw_rev: str | None
    hw_rev: str | None

    @classmethod
    def from_block(cls, block: dict[str, Any]) -> Self:
        """Parse the IM block."""
        return cls(
            serial=as_text(block, "sn"),
            mac=as_text(block, "MAC"),
            device=as_text(block, "device"),
            fw_rev=as_text(block, "fw_rev"),
            hw_rev=as_text(block, "hw_rev"),
        )


@dataclass(frozen=True, slots=True)
class DecoModule:
    """The InvisDeco faceplate (PM block of callback 12)."""

    online: bool
    serial: str | None
    mac: str | None
    device: str | None
    model: str | None
    fw_rev: str | None
    hw_rev: str | None

    @classmethod
    def from_block(cls, block: dict[str, Any]) -> Self:
        """Parse the PM block."""
        return cls(
            online=as_bool(block.get("online", True), "PM.online"),
            serial=as_text(block, "sn"),
            mac=as_text(block, "MAC"),
            device=as_text(block, "device"),
            model=as_text(block, "type"),
            fw_rev=as_text(block, "fw_rev"),
            hw_rev=as_text(block, "hw_rev"),
        )


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """Device information (callback 12)."""

    serial: str
    outlet: OutletModule
    deco: DecoModule | None

    @classmethod
    def from_message(cls, message: Message) -> Self:
        """Parse a callback 12 reply or push."""
        outlet_block = as_block(message.args, "IM")
        if outlet_block is None:
            msg = "device information without an IM block"
            raise InvisOutletProtocolError(msg)
        outlet = OutletModule.from_block(outlet_block)
        serial = outlet.serial or message.serial
        if not serial:
            msg = "device information without a serial number"
            raise InvisOutletProtocolError(msg)
        deco_block = as_block(message.args, "PM")
        deco = DecoModule.from_block(deco_block) if deco_block is not None else None
        return cls(serial=serial, outlet=outlet, deco=deco)

    @property
    def deco_present(self) -> bool:
        """Return whether an InvisDeco is attached and online."""
        return (
            self.deco is not None and self.deco.online and self.deco.serial is not None
        )


@dataclass(frozen=True, slots=True)
class FirmwareStatus:
    """Installed and available firmware versions (callback 20)."""

    outlet_fw: str | None
    outlet_fw_available: str | None
    www_fw: str | None
    www_fw_available: str | None
    deco_fw: str | None
    deco_fw_available: str | None

    @classmethod
    def from_message(cls, message: Message) -> Self:
        """Parse a callback 20 reply."""
        outlet = as_block(message.args, "IM")
        if outlet is None:
            msg = "firmware status without an IM block"
            raise InvisOutletProtocolError(msg)
        deco = as_block(message.args, "PM") or {}
        return cls(
            outlet_fw=as_text(outlet, "fw_rev"),
            outlet_fw_available=as_text(outlet, "available_fw_rev"),
            www_fw=as_text(outlet, "www_fw_rev"),
            www_fw_available=as_text(outlet, "available_www_fw_rev"),
            deco_fw=as_text(deco, "fw_rev"),
            deco_fw_available=as_text(deco, "available_fw_rev"),
        )

    @property
    def outlet_fw_pending(self) -> bool:
        """Return whether newer outlet firmware is available."""
        return _newer(self.outlet_fw, self.outlet_fw_available)

    @property
    def www_fw_pending(self) -> bool:
        """Return whether a newer web interface is available."""
        return _newer(self.www_fw, self.www_fw_available)

    @property
    def deco_fw_pending(self) -> bool:
        """Return whether newer InvisDeco firmware is available."""
        return _newer(self.deco_fw, self.deco_fw_available)


def _newer(installed: str | None, available: str | None) -> bool:
    """Return whether an update is offered (plain comparison, as the device does)."""
    return installed is not None and available is not None and installed != available


@dataclass(frozen=True, slots=True)
class UpdateAnswer:
    """Late answer to callback 21 on hardware revB: the OTA continues or failed."""

    target: int
    ok: bool

    @classmethod
    def from_message(cls, message: Message) -> Self:
        """Parse a callback 21 push."""
        target, ok = as_pair(message.args, "callback 21")
        return cls(target=target, ok=bool(ok))


@dataclass(frozen=True, slots=True)
class UpdateProgress:
    """Download progress of one OTA phase (callback 22)."""

    type: int
    percent: int

    @classmethod
    def from_message(cls, message: Message) -> Self:
        """Parse a callback 22 push, clamping the percentage to 0-100."""
        update_type, percent = as_pair(message.args, "callback 22")
        return cls(type=update_type, percent=min(max(percent, 0), 100))


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """Result of one OTA phase (callback 23)."""

    type: int
    success: bool

    @classmethod
    def from_message(cls, message: Message) -> Self:
        """Parse a callback 23 push."""
        update_type, success = as_pair(message.args, "callback 23")
        return cls(type=update_type, success=bool(success))
