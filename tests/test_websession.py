"""The outlet's WebSocket rides on a Home Assistant session that refuses redirects."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from unittest.mock import MagicMock, patch

import aiohttp
from aiohttp import web
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_create_clientsession
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .simulator import InvisOutletSimulator

HOST = "127.0.0.1"


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
    yield f"http://{HOST}:{runner.addresses[0][1]}/ws", hits
    await runner.cleanup()


@pytest.fixture
def sessions() -> Iterator[MagicMock]:
    """Record the sessions the integration asks Home Assistant for."""
    with patch(
        "custom_components.invisoutlet.async_create_clientsession",
        wraps=async_create_clientsession,
    ) as create:
        yield create


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set the entry up against the simulator."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.parametrize("transport", ["websocket"])
@pytest.mark.usefixtures("simulator")
async def test_websocket_outlet_uses_a_session_of_home_assistants(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, sessions: MagicMock
) -> None:
    """One session made by Home Assistant, with the redirect guard; the outlet loads."""
    await set_up(hass, mock_config_entry)

    assert mock_config_entry.state is ConfigEntryState.LOADED
    sessions.assert_called_once()
    (guard,) = sessions.call_args.kwargs["trace_configs"]
    assert isinstance(guard, aiohttp.TraceConfig)


@pytest.mark.usefixtures("simulator")
async def test_tcp_outlet_needs_no_http_session(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, sessions: MagicMock
) -> None:
    """Raw TCP (revB) is no HTTP: no session is made."""
    await set_up(hass, mock_config_entry)

    assert mock_config_entry.state is ConfigEntryState.LOADED
    sessions.assert_not_called()


@pytest.mark.parametrize("transport", ["websocket"])
async def test_websocket_redirected_elsewhere_is_never_followed(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    elsewhere: tuple[str, list[str]],
) -> None:
    """An outlet address that redirects is retried later; elsewhere hears nothing."""
    url, hits = elsewhere
    simulator.faults.ws_redirect = url

    await set_up(hass, mock_config_entry)

    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert hits == []
