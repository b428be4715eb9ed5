"""Immutable models of the outlet itself: information, firmware, outlets, names."""

from __future__ import annotations

from dataclasses import dataclass
import re
from typing import Any, Self

from .builder import builder
from .const import DecoKind, FirmwareComponent, Outlet
from .exceptions import InvisOutletProtocolError
from .fields import (
    as_block,
    as_bool,
    as_int,
    as_list,
    as_mac,
    as_text,
    clean_text,
    shape,
)

_VERSION = re.compile(r"v?(\d+(?:\.\d+)*)")


@dataclass(frozen=True, slots=True)
class OutletModule:
    """The InvisOutlet itself (the IM block of its information)."""

    serial: str | None
    mac: str | None
    device: str | None
    fw_rev: str | None
    hw_rev: str | None

    @classmethod
    def from_block(cls, block: dict[str, Any]) -> OutletModule:
        """Parse the IM block."""
        # Built through its slots, in field order: read on every connect and poll.
        return _build_outlet(
            as_text(block, "sn"),
            as_mac(block, "MAC"),
            as_text(block, "device"),
            as_text(block, "fw_rev"),
            as_text(block, "hw_rev"),
        )


@dataclass(frozen=True, slots=True)
class DecoModule:
    """The InvisDeco faceplate (the PM block of the outlet's information)."""

    online: bool
    serial: str | None
    mac: str | None
    device: str | None
    model: str | None
    fw_rev: str | None
    hw_rev: str | None

    @classmethod
    def from_block(cls, block: dict[str, Any]) -> DecoModule:
        """Parse the PM block."""
        return _build_deco(
            as_bool(block.get("online", True), "PM.online"),
            as_text(block, "sn"),
            as_mac(block, "MAC"),
            as_text(block, "device"),
            as_text(block, "type"),
            as_text(block, "fw_rev"),
            as_text(block, "hw_rev"),
        )

    @property
    def kind(self) -> DecoKind | None:
        """Return Pro or Aura from the device-type name, None when unknown."""
        model = (self.model or "").lower()
        if "aura" in model:
            return DecoKind.AURA
        if "pro" in model:
            return DecoKind.PRO
        return None


@dataclass(frozen=True, slots=True)
class OutletInfo:
    """What the outlet says about itself and its InvisDeco (device information)."""

    serial: str
    outlet: OutletModule
    deco: DecoModule | None

    @classmethod
    def from_args(cls, args: object, envelope_serial: str | None = None) -> OutletInfo:
        """Parse device information; the IM serial wins over the envelope's."""
        outlet_block = as_block(args, "IM")
        if outlet_block is None:
            msg = "device information without an IM block"
            raise InvisOutletProtocolError(msg)
        outlet = OutletModule.from_block(outlet_block)
        serial = outlet.serial or (
            clean_text(envelope_serial) if envelope_serial else None
        )
        if not serial:
            msg = "device information without a serial number"
            raise InvisOutletProtocolError(msg)
        deco_block = as_block(args, "PM")
        deco = DecoModule.from_block(deco_block) if deco_block is not None else None
        return _build_info(serial, outlet, deco)

    @property
    def deco_present(self) -> bool:
        """Return whether an InvisDeco is attached and online."""
        deco = self.deco
        return deco is not None and deco.online and deco.serial is not None


_build_outlet = builder(OutletModule)
_build_deco = builder(DecoModule)
_build_info = builder(OutletInfo)


def parse_version(version: str) -> tuple[int, ...] | None:
    """Return the numbers of a dotted version, None when it is not one."""
    match = _VERSION.fullmatch(version.strip())
    return tuple(map(int, match.group(1).split("."))) if match else None


def is_newer(available: str | None, installed: str | None) -> bool:
    """Return whether available is a newer version than installed.

    Dotted numbers compare as numbers, so an older offer is never an update; other
    texts fall back to the device's own rule, plain inequality (protocol.md §4.1).
    """
    if available is None or installed is None or available == installed:
        return False
    new, old = parse_version(available), parse_version(installed)
    if new is None or old is None:
        return True
    return new > old


@dataclass(frozen=True, slots=True)
class FirmwareStatus:
    """Installed and available firmware versions (the available-updates answer)."""

    outlet_fw: str | None
    outlet_fw_available: str | None
    www_fw: str | None
    www_fw_available: str | None
    deco_fw: str | None
    deco_fw_available: str | None

    @classmethod
    def from_args(cls, args: object) -> Self:
        """Parse the IM and PM blocks of available updates."""
        outlet = as_block(args, "IM")
        if outlet is None:
            msg = "firmware status without an IM block"
            raise InvisOutletProtocolError(msg)
        deco = as_block(args, "PM") or {}
        return cls(
            outlet_fw=as_text(outlet, "fw_rev"),
            outlet_fw_available=as_text(outlet, "available_fw_rev"),
            www_fw=as_text(outlet, "www_fw_rev"),
            www_fw_available=as_text(outlet, "available_www_fw_rev"),
            deco_fw=as_text(deco, "fw_rev"),
            deco_fw_available=as_text(deco, "available_fw_rev"),
        )

    def installed(self, component: FirmwareComponent) -> str | None:
        """Return the installed version of a component."""
        if component is FirmwareComponent.OUTLET_FIRMWARE:
            return self.outlet_fw
        if component is FirmwareComponent.WEB_INTERFACE:
            return self.www_fw
        return self.deco_fw

    def available(self, component: FirmwareComponent) -> str | None:
        """Return the version of a component the device offers."""
        if component is FirmwareComponent.OUTLET_FIRMWARE:
            return self.outlet_fw_available
        if component is FirmwareComponent.WEB_INTERFACE:
            return self.www_fw_available
        return self.deco_fw_available

    def offers(self, component: FirmwareComponent) -> bool:
        """Return whether a newer version of a component is available."""
        return is_newer(self.available(component), self.installed(component))

    def offers_older(self, component: FirmwareComponent) -> bool:
        """Return whether the device offers a different but older version."""
        available, installed = self.available(component), self.installed(component)
        return (
            available is not None
            and installed is not None
            and available != installed
            and not is_newer(available, installed)
        )


@dataclass(frozen=True, slots=True)
class OutletStates:
    """Whether each outlet is on."""

    top: bool
    bottom: bool

    @classmethod
    def from_args(cls, args: object) -> Self:
        """Parse [outlet 1, outlet 2], also when wrapped as a second element (§6.8)."""
        values = as_list(args, 2, "outlets")
        if isinstance(values[1], list):
            values = as_list(values[1], 2, "outlets")
        return cls(
            top=as_bool(values[0], "outlet 1"), bottom=as_bool(values[1], "outlet 2")
        )

    def is_on(self, outlet: Outlet) -> bool:
        """Return whether one outlet is on."""
        return self.top if outlet is Outlet.TOP else self.bottom


@dataclass(frozen=True, slots=True)
class AccessoryNames:
    """The names the owner gave the outlets and the nightlight in the vendor app."""

    names: tuple[tuple[int, str], ...]

    @classmethod
    def from_args(cls, args: object) -> Self:
        """Parse the list of {accessory, name}, in any of its three shapes (§6.4)."""
        if isinstance(args, dict):
            args = args.get("payload")
        if not isinstance(args, list):
            msg = f"accessory names are not a list: {shape(args)}"
            raise InvisOutletProtocolError(msg)
        names: dict[int, str] = {}
        for item in args[:16]:
            if not isinstance(item, dict):
                continue
            name = as_text(item, "name")
            if name and "accessory" in item:
                names[as_int(item["accessory"], "accessory")] = name
        return cls(names=tuple(sorted(names.items())))

    def get(self, accessory: int) -> str | None:
        """Return the name of an accessory (1, 2 outlets; 3 nightlight), if any."""
        return dict(self.names).get(accessory)
