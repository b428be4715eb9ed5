"""Find how an outlet serves its API: raw TCP (revB) first, then WebSocket (revA)."""

from __future__ import annotations

from dataclasses import dataclass
import logging
from typing import TYPE_CHECKING

from .client import InvisOutlet
from .exceptions import InvisOutletConnectionError, InvisOutletError
from .models import OutletInfo
from .transport import DEFAULT_PORTS, Transport

if TYPE_CHECKING:
    import aiohttp

LOGGER = logging.getLogger(__package__)

# revB serves raw TCP, revA the WebSocket; TCP is tried first (protocol.md §2.4a).
PROBE_ORDER: tuple[tuple[Transport, int], ...] = (
    (Transport.TCP, DEFAULT_PORTS[Transport.TCP]),
    (Transport.WEBSOCKET, DEFAULT_PORTS[Transport.WEBSOCKET]),
)
PROBE_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """How an outlet answered, and what it said about itself."""

    transport: Transport
    port: int
    info: OutletInfo


async def probe(
    host: str,
    *,
    session: aiohttp.ClientSession | None = None,
    order: tuple[tuple[Transport, int], ...] = PROBE_ORDER,
    timeout: float = PROBE_TIMEOUT,
) -> ProbeResult:
    """Return the first transport on which the host answers with its information."""
    errors: list[str] = []
    for transport, port in order:
        client = InvisOutlet(
            host=host,
            transport=transport,
            port=port,
            session=session,
            connect_timeout=timeout,
            request_timeout=timeout,
        )
        try:
            async with client:
                info = await client.outlet_info()
        except InvisOutletError as err:
            LOGGER.debug("No InvisOutlet over %s at %s: %s", transport, host, err)
            errors.append(f"{transport}: {err}")
            continue
        return ProbeResult(transport=transport, port=port, info=info)
    msg = f"no InvisOutlet answered at {host} ({'; '.join(errors)})"
    raise InvisOutletConnectionError(msg)
