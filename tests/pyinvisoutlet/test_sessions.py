"""Specification of the session the library's WebSocket links share."""

from __future__ import annotations

import aiohttp
import pytest

from custom_components.invisoutlet.pyinvisoutlet import Transport, sessions
from custom_components.invisoutlet.pyinvisoutlet.transport import redirect_guard

from .conftest import ClientFactory, assert_usable

WEBSOCKET_ONLY = pytest.mark.parametrize(
    "transport", [Transport.WEBSOCKET], ids=["websocket"]
)


@WEBSOCKET_ONLY
async def test_links_given_no_session_share_one(
    make_client: ClientFactory, created_sessions: list[aiohttp.ClientSession]
) -> None:
    """Two clients without a session of their caller's use one session."""
    first, second = make_client(), make_client()

    await first.connect()
    await second.connect()
    await assert_usable(first)
    await assert_usable(second)

    assert len(created_sessions) == 1


@WEBSOCKET_ONLY
async def test_shared_session_closes_with_its_last_link(
    make_client: ClientFactory, created_sessions: list[aiohttp.ClientSession]
) -> None:
    """The shared session stays open while a link uses it, and closes after the last."""
    first, second = make_client(), make_client()
    await first.connect()
    await second.connect()

    await first.close()
    assert [session.closed for session in created_sessions] == [False]
    await assert_usable(second)

    await second.close()
    assert [session.closed for session in created_sessions] == [True]


async def test_a_session_given_back_twice_is_closed_once() -> None:
    """Giving back more often than borrowed does not close a newer session."""
    session = sessions.borrow(redirect_guard)
    await sessions.give_back(session)
    newer = sessions.borrow(redirect_guard)

    await sessions.give_back(session)

    assert session.closed
    assert not newer.closed
    await sessions.give_back(newer)
    assert newer.closed
