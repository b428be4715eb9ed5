"""The aiohttp session of the WebSocket links given none: one, shared, per loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
import weakref

import aiohttp


@dataclass(slots=True)
class _Shared:
    """A session and how many links use it."""

    session: aiohttp.ClientSession
    users: int = 0


# Per event loop: a session belongs to the loop it was made in.
_SHARED: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Shared] = (
    weakref.WeakKeyDictionary()
)


def borrow(guard: Callable[[], aiohttp.TraceConfig]) -> aiohttp.ClientSession:
    """Return the shared session (made with guard's trace config); give it back later.

    One session serves every link given none, as one application session would:
    a session and its connector cost more than the link itself (~8 KiB). No cap on
    connections (a WebSocket holds one for as long as it is open), no cookies.
    """
    loop = asyncio.get_running_loop()
    shared = _SHARED.get(loop)
    if shared is None:
        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0),
            cookie_jar=aiohttp.DummyCookieJar(),
            trace_configs=[guard()],
        )
        shared = _SHARED[loop] = _Shared(session)
    shared.users += 1
    return shared.session


async def give_back(session: aiohttp.ClientSession) -> None:
    """Stop using a borrowed session; the last link to give it back closes it."""
    loop = asyncio.get_running_loop()
    shared = _SHARED.get(loop)
    if shared is None or shared.session is not session:
        return  # closed already (given back twice)
    shared.users -= 1
    if shared.users == 0:
        # Gone before closing: a link opened meanwhile makes a new one.
        del _SHARED[loop]
        await session.close()
