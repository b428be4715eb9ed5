"""What the device answers to a whole-device callback, and what the callbacks may use.

An ``Answer`` is the reply to one request (or none) plus what the device does once the
reply is out; ``DeviceHost`` is what the callbacks may ask of the simulated outlet.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Protocol

from .wire import int_within

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from .device import SimulatedDevice


class Callback(IntEnum):
    """The whole-device callbacks (protocol.md §6.1), and 12 for the deco's return."""

    CONFIGURATION = 1
    CONFIGURE = 2
    NAMES = 3
    SET_NAMES = 4
    RESTART = 5
    NETWORK_RESET = 6
    FACTORY_RESET = 7
    OUTLETS = 9
    SET_OUTLET = 10
    SENSORS = 11
    DEVICE_INFO = 12
    SET_NIGHTLIGHT = 14
    NIGHTLIGHT = 15
    SET_COLOR_LIGHT = 17
    COLOR_LIGHT = 18
    RESTART_DECO = 24
    RESET_DECO = 25
    CALIBRATE_OCCUPANCY = 26
    MQTT = 27
    CALIBRATE_CLIMATE = 28


@dataclass(frozen=True)
class Answer:
    """What the device answers to one request, and what it does afterwards."""

    puback: int | None = 1
    payload: Any = None
    reply: bool = True
    then: Callable[[], Awaitable[None]] | None = None


ACCEPTED = Answer()
REFUSED = Answer(puback=0)
NO_REPLY = Answer(reply=False)


def data(name: Callback, args: Any) -> dict[str, Any]:
    """Return the payload of a reply that carries data."""
    return {"callbackName": name, "callbackArgs": args}


def single(args: Any, allowed: range) -> int | None:
    """Return the one integer argument of a request if it is allowed, else None."""
    if not isinstance(args, list) or len(args) != 1:
        return None
    return int_within(args[0], allowed)


def pair(args: Any, first: range, second: range) -> tuple[int | None, int | None]:
    """Return the two integer arguments of a request, None where one is not allowed."""
    if not isinstance(args, list) or len(args) != 2:
        return None, None
    return int_within(args[0], first), int_within(args[1], second)


class DeviceHost(Protocol):
    """Expose the parts of the simulated outlet that the callbacks drive."""

    device: SimulatedDevice

    @property
    def silent(self) -> bool:
        """Return whether the outlet is hung (silent after boot)."""

    async def push(self, callback_name: int, args: Any) -> None:
        """Push a message to every connected client."""

    async def reboot(self, duration: float | None = None) -> None:
        """Restart the outlet."""
