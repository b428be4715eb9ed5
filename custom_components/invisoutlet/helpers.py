"""The one action decorator, and the one table from library errors to messages."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import wraps
import math
from typing import Any, Concatenate

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN
from .coordinator import InvisOutletDeviceCoordinator
from .entity import InvisOutletEntity
from .pyinvisoutlet import (
    MAX_NAME,
    FirmwareError,
    InvalidDesignError,
    InvalidNameError,
    InvisOutletConnectionError,
    InvisOutletError,
    InvisOutletTimeoutError,
    InvisOutletUpdateError,
)

# What a user reads is bounded: device text and user input can be of any length.
MAX_PLACEHOLDER = 200

# Why an install failed → the translation key of what the user reads.
FIRMWARE_ERROR_KEYS: dict[FirmwareError, str] = {
    FirmwareError.NO_UPDATE: "no_update_available",
    FirmwareError.DOWNGRADE: "ota_downgrade",
    FirmwareError.IN_PROGRESS: "ota_in_progress",
    FirmwareError.START_REJECTED: "ota_start_rejected",
    FirmwareError.FAILED: "ota_failed",
    FirmwareError.STALLED: "ota_stalled",
    FirmwareError.DEVICE_NOT_BACK: "ota_device_not_back",
    FirmwareError.VERSION_UNCHANGED: "ota_version_unchanged",
    FirmwareError.DIFFERENT_DEVICE: "ota_different_device",
    FirmwareError.DIFFERENT_DECO: "ota_different_deco",
    FirmwareError.TIMED_OUT: "ota_timed_out",
    FirmwareError.INTERRUPTED: "ota_interrupted",
}


def translated_error(err: InvisOutletError) -> HomeAssistantError:
    """Return the translated error a user sees for a library error."""
    if isinstance(err, InvisOutletUpdateError):
        return HomeAssistantError(
            translation_domain=DOMAIN, translation_key=FIRMWARE_ERROR_KEYS[err.reason]
        )
    if isinstance(err, InvisOutletTimeoutError):
        key = "command_timeout"
    elif isinstance(err, InvisOutletConnectionError):
        key = "communication_error"
    else:
        key = "device_error"
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"error": bounded(str(err))},
    )


def invalid_input(key: str, **placeholders: object) -> ServiceValidationError:
    """Return the translated error of bad input; what it echoes back is bounded."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={
            name: bounded(str(value)) for name, value in placeholders.items()
        },
    )


def whole_number(value: float) -> int:
    """Return a number as the device's integer; NaN and infinities are refused."""
    if not math.isfinite(value):
        raise invalid_input("not_a_number", value=value)
    return round(value)


def invalid_design(err: InvalidDesignError) -> ServiceValidationError:
    """Return the translated error a user sees for a design the Aura refuses."""
    # One key per reason: design_no_leds, design_hue_range, …
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=f"design_{err.reason.value}",
        translation_placeholders={"value": bounded(str(err.value))},
    )


def invalid_name_error(err: InvalidNameError) -> ServiceValidationError:
    """Return the translated error of a name the device is not sent."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=err.reason.value,
        translation_placeholders={"max": str(MAX_NAME)},
    )


def bounded(text: str) -> str:
    """Return text cut to what an error message may carry."""
    return text if len(text) <= MAX_PLACEHOLDER else f"{text[: MAX_PLACEHOLDER - 1]}…"


async def run_command[T](
    coordinator: InvisOutletDeviceCoordinator, command: Coroutine[Any, Any, T]
) -> T:
    """Run a command; a library error becomes the translated error a user reads."""
    try:
        return await command
    except InvalidDesignError as err:
        raise invalid_design(err) from err
    except InvisOutletError as err:
        coordinator.async_command_failed(err)
        raise translated_error(err) from err


def invisoutlet_action[E: InvisOutletEntity, **P](
    func: Callable[Concatenate[E, P], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[E, P], Coroutine[Any, Any, None]]:
    """Turn library errors into translated errors; a lost link makes it unavailable."""

    async def handler(self: E, /, *args: P.args, **kwargs: P.kwargs) -> None:
        await run_command(self.coordinator, func(self, *args, **kwargs))

    return wraps(func)(handler)
