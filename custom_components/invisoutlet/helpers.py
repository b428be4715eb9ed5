"""Error mapping for entity actions: library errors become translated HA errors."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any

from homeassistant.exceptions import HomeAssistantError

from .const import DOMAIN
from .pyinvisoutlet import (
    InvisOutletConnectionError,
    InvisOutletError,
    InvisOutletUpdateError,
)


def invisoutlet_exception_handler[**P](
    func: Callable[P, Coroutine[Any, Any, None]],
) -> Callable[P, Coroutine[Any, Any, None]]:
    """Turn the library's errors into translated HomeAssistantErrors."""

    @wraps(func)
    async def handler(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            await func(*args, **kwargs)
        except InvisOutletError as err:
            raise _translated(err) from err

    return handler


def _translated(err: InvisOutletError) -> HomeAssistantError:
    """Return the translated error a user sees for a library error."""
    if isinstance(err, InvisOutletUpdateError):
        return HomeAssistantError(translation_domain=DOMAIN, translation_key=err.reason)
    key = (
        "communication_error"
        if isinstance(err, InvisOutletConnectionError)
        else "device_error"
    )
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"error": str(err)},
    )
