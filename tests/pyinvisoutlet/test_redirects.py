"""Only the configured host is ever contacted: redirects are refused, not followed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web
import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    InvisOutletConnectionError,
    Transport,
    redirect_guard,
)
from tests.simulator import Faults

from .conftest import HOST, ClientFactory


@pytest.fixture
async def elsewhere(socket_enabled: None) -> AsyncIterator[tuple[str, list[str]]]:
    """Run another web server that records every request it gets."""
    hits: list[str] = []

    async def record(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(status=404)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, HOST, 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://{HOST}:{port}/ws", hits
    await runner.cleanup()


@pytest.mark.parametrize("transport", [Transport.WEBSOCKET], ids=["websocket"])
async def test_websocket_redirect_is_refused_and_never_followed(
    make_client: ClientFactory, faults: Faults, elsewhere: tuple[str, list[str]]
) -> None:
    """An answer that redirects elsewhere fails the connect; elsewhere hears nothing."""
    url, hits = elsewhere
    faults.ws_redirect = url

    with pytest.raises(InvisOutletConnectionError, match="redirect"):
        await make_client().connect()
    assert hits == []


@pytest.mark.parametrize("transport", [Transport.WEBSOCKET], ids=["websocket"])
async def test_injected_session_with_the_guard_refuses_redirects(
    make_client: ClientFactory, faults: Faults, elsewhere: tuple[str, list[str]]
) -> None:
    """A session made with redirect_guard(), as the integration makes it, refuses."""
    url, hits = elsewhere
    faults.ws_redirect = url

    async with aiohttp.ClientSession(trace_configs=[redirect_guard()]) as session:
        with pytest.raises(InvisOutletConnectionError, match="redirect"):
            await make_client(session=session).connect()
    assert hits == []
