"""Specification of the link: requests, replies, pushes, reconnects, over real sockets.

Unless a test says otherwise it runs over both transports: raw TCP (revB) and the
WebSocket (revA) carry the same messages and the client must treat them alike.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Buffer
import itertools
import logging
from typing import Any

import aiohttp
import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    Backoff,
    CallbackName,
    FirmwareStatus,
    InvisOutlet,
    InvisOutletCommandError,
    InvisOutletConnectionError,
    InvisOutletProtocolError,
    InvisOutletTimeoutError,
    OutletInfo,
    SensorReadings,
    Transport,
    link as link_module,
    transport as transport_module,
)
from custom_components.invisoutlet.pyinvisoutlet.decoder import JsonStreamDecoder
from custom_components.invisoutlet.pyinvisoutlet.envelope import Message
from custom_components.invisoutlet.pyinvisoutlet.transport import (
    open_connection,
)
from tests.simulator import (
    Faults,
    InvisOutletSimulator,
    oversized,
)
from tests.waiting import at_once

from .conftest import (
    HOST,
    SERIAL,
    SHORT_TIMEOUT,
    WAIT,
    ClientFactory,
    Recorder,
    assert_usable,
    envelope,
    unused_port,
    with_device,
    with_faults,
)

SENSORS = CallbackName.SENSORS
# Without expect_reboot or reconnect_now, a reconnect would take far longer than WAIT.
SLOW_BACKOFF = Backoff(initial=60.0, maximum=60.0, reboot=0.01)
TCP_ONLY = pytest.mark.parametrize("transport", [Transport.TCP], ids=["tcp"])
WEBSOCKET_ONLY = pytest.mark.parametrize(
    "transport", [Transport.WEBSOCKET], ids=["websocket"]
)


def runner_tasks() -> list[asyncio.Task[Any]]:
    """Return the client tasks still alive in this loop."""
    return [
        task
        for task in asyncio.all_tasks()
        if task.get_name().startswith("invisoutlet ") and not task.done()
    ]


# Requests -------------------------------------------------------------------------


async def test_request_while_never_connected_fails_at_once(
    make_client: ClientFactory,
) -> None:
    """A request before connect() fails at once with a connection error."""
    client = make_client()

    with pytest.raises(InvisOutletConnectionError, match="not connected"):
        await at_once(client.outlet_info())


async def test_request_after_close_fails_at_once(client: InvisOutlet) -> None:
    """A request after close() fails at once with a connection error."""
    await client.close()

    assert not client.connected
    with pytest.raises(InvisOutletConnectionError, match="not connected"):
        await at_once(client.firmware_status())


async def test_request_while_reconnecting_fails_at_once(
    client: InvisOutlet, simulator: InvisOutletSimulator, links: Recorder[bool]
) -> None:
    """While the link is down, a request fails at once instead of waiting."""
    await simulator.set_refusing(True)
    await links.wait_for(1)

    with pytest.raises(InvisOutletConnectionError, match="not connected"):
        await at_once(client.outlet_info())


@with_faults(puback_zero={20})
async def test_puback_0_raises_a_command_error(client: InvisOutlet) -> None:
    """A request refused with PUBACK 0 raises a command error."""
    with pytest.raises(
        InvisOutletCommandError, match="refused a request for available updates"
    ):
        await client.firmware_status()

    await assert_usable(client)


def test_every_request_has_words_for_the_messages_people_read() -> None:
    """A timeout or refusal names what was asked in words, never an internal name."""
    unworded = [
        name
        for name in CallbackName
        if not name.label.startswith(("a ", "an ")) or "_" in name.label
    ]
    assert unworded == []


@with_faults(silent_callbacks={12})
async def test_unanswered_request_times_out(
    client: InvisOutlet, faults: Faults
) -> None:
    """A request without reply raises a timeout error; the link is usable after."""
    with pytest.raises(
        InvisOutletTimeoutError,
        match="did not answer a request for device information in time",
    ):
        await client._link.request(CallbackName.OUTLET_INFO, timeout=SHORT_TIMEOUT)

    faults.silent_callbacks.clear()
    await assert_usable(client)


@with_faults(silent_callbacks={12})
async def test_silent_link_is_reopened_after_a_timeout(
    client: InvisOutlet, links: Recorder[bool]
) -> None:
    """Not a byte since an unanswered request: the link is dead, a new one opens."""
    with pytest.raises(InvisOutletTimeoutError):
        await client._link.request(CallbackName.OUTLET_INFO, timeout=SHORT_TIMEOUT)

    assert await links.wait_for(2) == [False, True]


@with_faults(silent_callbacks={20})
async def test_timeout_while_the_outlet_talks_keeps_the_link(
    client: InvisOutlet, simulator: InvisOutletSimulator, links: Recorder[bool]
) -> None:
    """A request left unanswered while other messages arrive keeps the link."""
    waiting = asyncio.create_task(
        client._link.request(CallbackName.FIRMWARE_STATUS, timeout=SHORT_TIMEOUT)
    )
    await simulator.wait_for_request(20)
    await simulator.push(SENSORS, [{"lux": 1}])
    with pytest.raises(InvisOutletTimeoutError):
        await waiting

    await assert_usable(client)
    assert links.values == []


@with_faults(silent_callbacks={12})
async def test_client_request_timeout_applies_by_default(
    make_client: ClientFactory,
) -> None:
    """Without a per-call timeout the client's request_timeout applies."""
    client = make_client(request_timeout=SHORT_TIMEOUT)
    await client.connect()

    async with asyncio.timeout(WAIT):
        with pytest.raises(InvisOutletTimeoutError):
            await client.outlet_info()


@with_faults(wrong_packet_id={12})
async def test_reply_with_unknown_packet_id_is_ignored(
    client: InvisOutlet, faults: Faults
) -> None:
    """A reply whose packetID matches no request is dropped: the request times out."""
    with pytest.raises(InvisOutletTimeoutError):
        await client._link.request(CallbackName.OUTLET_INFO, timeout=SHORT_TIMEOUT)

    faults.wrong_packet_id.clear()
    await assert_usable(client)


@with_faults(malformed_reply={12})
async def test_malformed_reply_is_skipped(client: InvisOutlet, faults: Faults) -> None:
    """A reply that is not valid JSON is skipped; the link stays usable."""
    with pytest.raises(InvisOutletTimeoutError):
        await client._link.request(CallbackName.OUTLET_INFO, timeout=SHORT_TIMEOUT)

    faults.malformed_reply.clear()
    await assert_usable(client)


@with_faults(wrong_types={12, 20})
@pytest.mark.parametrize("command", ["outlet_info", "firmware_status"])
async def test_reply_with_wrong_field_types_raises_a_protocol_error(
    client: InvisOutlet, faults: Faults, command: str
) -> None:
    """A reply whose fields have the wrong types raises; the link stays usable."""
    with pytest.raises(InvisOutletProtocolError):
        await getattr(client, command)()

    faults.wrong_types.clear()
    await assert_usable(client)


async def test_concurrent_requests_each_get_their_own_reply(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """50 requests in flight at once are each answered with their own reply."""
    calls = [
        client.outlet_info() if index % 2 else client.firmware_status()
        for index in range(50)
    ]

    results = await asyncio.gather(*calls)

    assert [type(result) for result in results] == [
        OutletInfo if index % 2 else FirmwareStatus for index in range(50)
    ]
    packet_ids = {request.packet_id for request in simulator.requests}
    assert len(packet_ids) == 50


class RepeatingDraws:
    """Draw every packetID twice in a row: each request's first draw collides."""

    def __init__(self) -> None:
        """Start at the smallest packetID."""
        self._draws = (100_000 + index // 2 for index in itertools.count())

    def randint(self, _low: int, _high: int) -> int:
        """Return the next draw, whatever the range."""
        return next(self._draws)


async def test_concurrent_requests_never_share_a_packet_id(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """50 requests in flight get 50 packetIDs even when every draw repeats one."""
    monkeypatch.setattr(link_module, "random", RepeatingDraws())
    earlier = len(simulator.requests_for(CallbackName.OUTLET_INFO))

    replies = await asyncio.gather(
        *(client._link.request(CallbackName.OUTLET_INFO) for _ in range(50))
    )

    sent = [r.packet_id for r in simulator.requests_for(CallbackName.OUTLET_INFO)]
    assert len(set(sent[earlier:])) == 50
    assert [reply.packet_id for reply in replies] == sent[earlier:]


async def test_duplicate_reply_is_ignored(
    client: InvisOutlet, simulator: InvisOutletSimulator, faults: Faults
) -> None:
    """A reply that arrives twice completes its request once, without error."""
    faults.silent_callbacks.add(20)
    answer = asyncio.create_task(client._link.request(CallbackName.FIRMWARE_STATUS))
    request = await simulator.wait_for_request(20)
    assert request.packet_id is not None
    reply = envelope(request.packet_id, puback=1)

    await simulator.send_raw(reply + reply)

    assert (await answer).puback == 1
    await assert_usable(client)


async def test_push_reusing_a_pending_packet_id_is_a_push(
    client: InvisOutlet, simulator: InvisOutletSimulator, faults: Faults
) -> None:
    """A push that carries a pending request's packetID is not taken as its reply."""
    pushes = Recorder[Message]()
    client._link.listen(CallbackName.UPDATE_PROGRESS, pushes)
    faults.silent_callbacks.add(12)
    answer = asyncio.create_task(client._link.request(CallbackName.OUTLET_INFO))
    request = await simulator.wait_for_request(12)
    assert request.packet_id is not None

    await simulator.send_raw(envelope(request.packet_id, callback_name=22, args=[2, 5]))
    await pushes.wait_for(1)
    assert not answer.done()
    await simulator.send_raw(envelope(request.packet_id, puback=1))

    assert (await answer).puback == 1
    assert pushes.values[0].args == [2, 5]


@with_device(outlet_fw_available="1.2.0", www_fw_available="0.1.2")
async def test_late_21_answer_is_a_push_even_with_the_request_packet_id(
    client: InvisOutlet, simulator: InvisOutletSimulator, faults: Faults
) -> None:
    """A 21 carrying arguments is revB's late answer, never the 21 reply (§4.10)."""
    late = Recorder[Message]()
    client._link.listen(CallbackName.START_UPDATE, late)
    faults.silent_callbacks.add(21)
    answer = asyncio.create_task(
        client._link.request(CallbackName.START_UPDATE, [1, 0])
    )
    request = await simulator.wait_for_request(21)
    assert request.packet_id is not None

    await simulator.send_raw(envelope(request.packet_id, callback_name=21, args=[1, 1]))
    await late.wait_for(1)
    assert not answer.done()
    await simulator.send_raw(envelope(request.packet_id, puback=1))

    assert (await answer).puback == 1


async def test_acknowledgement_with_an_unknown_packet_id_is_dropped(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bare PUBACK for no request in flight (a late reply) is dropped."""
    caplog.set_level(logging.DEBUG, "custom_components.invisoutlet.pyinvisoutlet")

    await simulator.send_raw(envelope(999999, puback=1))

    await assert_usable(client)
    assert "Ignored an acknowledgement from 127.0.0.1 nobody waits for" in caplog.text


async def test_reply_followed_by_a_nul_answers_its_request(
    client: InvisOutlet, simulator: InvisOutletSimulator, faults: Faults
) -> None:
    """A reply terminated by a NUL byte, as C firmware may send it, is delivered."""
    faults.silent_callbacks.add(20)
    answer = asyncio.create_task(
        client._link.request(CallbackName.FIRMWARE_STATUS, timeout=SHORT_TIMEOUT)
    )
    request = await simulator.wait_for_request(20)
    assert request.packet_id is not None

    await simulator.send_raw(envelope(request.packet_id, puback=1) + b"\x00")

    assert (await answer).puback == 1


def skip_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the warnings about skipped messages, in order."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno == logging.WARNING
        and record.getMessage().startswith("Skipped a message")
    ]


async def test_message_with_a_broken_envelope_is_skipped(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A decoded object that is not a valid envelope is logged and dropped."""
    await simulator.send_raw(b'{"packetID":1,"PUBACK":"yes"}')

    await assert_usable(client)
    assert skip_warnings(caplog) == [
        (
            "Skipped a message from 127.0.0.1 (not a message): "
            "PUBACK is not an integer: 'yes'; further ones are counted"
        )
    ]


async def test_push_the_listeners_cannot_read_is_skipped(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A push whose arguments do not parse is skipped with the callback named."""
    client.subscribe(SensorReadings, Recorder[SensorReadings]())

    await simulator.push(SENSORS, "not readings")

    await assert_usable(client)
    assert len(warnings := skip_warnings(caplog)) == 1
    assert "(malformed callback 11)" in warnings[0]


async def test_skipped_messages_warn_once_per_kind_and_session(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    links: Recorder[bool],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The first of each kind warns; the rest are counted and told at the end."""
    caplog.set_level(logging.DEBUG, "custom_components.invisoutlet.pyinvisoutlet")
    client.subscribe(SensorReadings, Recorder[SensorReadings]())
    for _ in range(3):
        await simulator.send_raw(b'{"payload":5}')
        await simulator.push(SENSORS, [7])
    await assert_usable(client)
    assert len(skip_warnings(caplog)) == 2

    await simulator.drop_connections()
    await links.wait_for(2)
    await simulator.send_raw(b'{"payload":5}')
    await assert_usable(client)

    assert len(skip_warnings(caplog)) == 3
    assert "Skipped 3 messages from 127.0.0.1: not a message" in caplog.text
    assert "Skipped 3 messages from 127.0.0.1: malformed callback 11" in caplog.text


async def test_push_with_a_non_numeric_packet_id_is_still_routed(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """Pushes are routed by callback name, whatever their packetID holds."""
    pushes = Recorder[Message]()
    client._link.listen(SENSORS, pushes)

    await simulator.send_raw(
        b'{"sn":"11A1F7000FE","packetID":"push",'
        b'"payload":{"callbackName":11,"callbackArgs":[1,{"lux":3}]}}'
    )

    assert (await pushes.wait_for(1))[0].args == [1, {"lux": 3}]


async def test_packet_ids_in_flight_are_never_reused(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    faults: Faults,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A packetID drawn again while its request is in flight is drawn anew."""
    draws = iter([111111, 111111, 222222])

    class Draws:
        """Stand in for the random module inside the client."""

        @staticmethod
        def randint(_low: int, _high: int) -> int:
            return next(draws)

    monkeypatch.setattr(link_module, "random", Draws)
    faults.silent_callbacks.add(20)
    first = asyncio.create_task(client._link.request(CallbackName.FIRMWARE_STATUS))
    await simulator.wait_for_request(20)
    faults.silent_callbacks.clear()

    await client._link.request(CallbackName.FIRMWARE_STATUS)

    assert [request.packet_id for request in simulator.requests] == [111111, 222222]
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first


# Framing faults (TCP only: a WebSocket frame always holds one message) ------------


@TCP_ONLY
@pytest.mark.parametrize(
    "faults",
    [
        pytest.param(Faults(split_writes=True), id="split into 1-byte writes"),
        pytest.param(Faults(coalesce=True), id="coalesced writes"),
        pytest.param(
            Faults(garbage_between=b"\r\n#garbage { junk\x00\n"), id="garbage between"
        ),
        pytest.param(
            Faults(split_writes=True, garbage_between=b" }{ junk "),
            id="split garbage",
        ),
    ],
    indirect=True,
)
async def test_framing_faults_still_decode(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """Split, packed and garbage-padded replies and pushes all decode."""
    pushes = Recorder[Message]()
    client._link.listen(SENSORS, pushes)

    # One after the other: a reply written byte by byte takes many loop iterations.
    assert isinstance(await client.outlet_info(), OutletInfo)
    assert isinstance(await client.firmware_status(), FirmwareStatus)
    await simulator.push(SENSORS, [{"temperature": 21.5}])

    assert (await pushes.wait_for(1))[0].args == [{"temperature": 21.5}]


@TCP_ONLY
@with_faults(coalesce=True, garbage_between=b"\n")
async def test_coalesced_replies_reach_their_requests(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """Replies packed into one TCP write each complete their own request."""
    calls = [
        client.outlet_info() if index % 2 else client.firmware_status()
        for index in range(9)
    ]

    results = await asyncio.gather(*calls)

    assert [type(result) for result in results] == [
        OutletInfo if index % 2 else FirmwareStatus for index in range(9)
    ]


async def test_oversized_message_is_skipped_and_the_link_kept(
    client: InvisOutlet, simulator: InvisOutletSimulator, links: Recorder[bool]
) -> None:
    """A message over 64 KiB is skipped; the link stays up and keeps answering."""
    await simulator.send_raw(oversized())

    await assert_usable(client)
    assert links.values == []
    assert simulator.accepted_count == 1


@TCP_ONLY
async def test_pushes_around_an_oversized_message_in_one_read_are_delivered(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    links: Recorder[bool],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What arrived before and after an oversized message in one read is dispatched."""
    monkeypatch.setattr(transport_module, "READ_SIZE", 1 << 20)
    pushes = Recorder[Message]()
    client._link.listen(SENSORS, pushes)
    push = envelope(1, callback_name=SENSORS, args=[])

    await simulator.send_raw(push + oversized() + push)

    assert len(await pushes.wait_for(2)) == 2
    assert links.values == []


async def test_unexpected_error_while_reconnecting_does_not_end_the_loop(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    links: Recorder[bool],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A surprise from the socket layer is logged and the next attempt goes on."""
    failures = iter([RuntimeError("surprise")])

    async def open_once_broken(*args: Any, **kwargs: Any) -> Any:
        if (error := next(failures, None)) is not None:
            raise error
        return await open_connection(*args, **kwargs)

    monkeypatch.setattr(link_module, "open_connection", open_once_broken)
    await simulator.drop_connections()

    assert await links.wait_for(2) == [False, True]
    assert "Reconnecting to 127.0.0.1 failed" in caplog.text
    await assert_usable(client)


@TCP_ONLY
async def test_unexpected_error_while_reading_takes_the_link_down(
    client: InvisOutlet,
    links: Recorder[bool],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A surprise in the reader is logged and the link reopened: never silently dead."""
    real_feed = JsonStreamDecoder.feed
    failures = iter([RuntimeError("reader bug")])

    def feed_once_broken(decoder: JsonStreamDecoder, data: Buffer) -> list[Any]:
        if (error := next(failures, None)) is not None:
            raise error
        return real_feed(decoder, data)

    monkeypatch.setattr(JsonStreamDecoder, "feed", feed_once_broken)
    with pytest.raises(InvisOutletConnectionError):
        await client.outlet_info()  # its answer reaches a broken reader

    assert await links.wait_for(2) == [False, True]
    assert "Reading from 127.0.0.1 failed; reconnecting" in caplog.text
    await assert_usable(client)


# Pushes and link events -------------------------------------------------------------


async def test_push_reaches_its_subscribers(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """Every listener of a callback gets its pushes; others do not."""
    first, second, other = Recorder[Message](), Recorder[Message](), Recorder[Message]()
    client._link.listen(SENSORS, first)
    client._link.listen(SENSORS, second)
    client._link.listen(CallbackName.NIGHTLIGHT, other)

    await simulator.push(SENSORS, [{"lux": 80}])

    message = (await first.wait_for(1))[0]
    assert (message.callback_name, message.args, message.serial) == (
        SENSORS,
        [{"lux": 80}],
        SERIAL,
    )
    assert message.puback is None
    assert await second.wait_for(1) == [message]
    assert other.values == []


async def test_unsubscribed_listener_gets_no_more_pushes(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """After unsubscribing, a listener is not called again."""
    gone, staying = Recorder[Message](), Recorder[Message]()
    unsubscribe = client._link.listen(SENSORS, gone)
    client._link.listen(SENSORS, staying)
    await simulator.push(SENSORS, [1])
    await gone.wait_for(1)

    unsubscribe()
    await simulator.push(SENSORS, [2])

    await staying.wait_for(2)
    assert [message.args for message in gone.values] == [[1]]


async def test_failing_push_listener_does_not_stop_dispatch(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A listener that raises is logged; the others and the link carry on."""

    def broken(_message: Message) -> None:
        raise RuntimeError("listener bug")

    after = Recorder[Message]()
    client._link.listen(SENSORS, broken)
    client._link.listen(SENSORS, after)

    await simulator.push(SENSORS, [1])

    await after.wait_for(1)
    await assert_usable(client)
    assert "Listener for callback 11 failed" in caplog.text


async def test_link_listeners_see_the_drop_and_the_return(
    client: InvisOutlet, simulator: InvisOutletSimulator, links: Recorder[bool]
) -> None:
    """Link listeners get False when the link drops and True when it is back."""
    await simulator.drop_connections()

    assert await links.wait_for(2) == [False, True]
    assert client.connected


async def test_link_listener_hears_the_first_connect(
    make_client: ClientFactory,
) -> None:
    """A listener subscribed before connect() hears the link come up."""
    client = make_client()
    links = Recorder[bool]()
    client.subscribe_link(links)

    await client.connect()

    assert links.values == [True]


async def test_unsubscribed_link_listener_is_not_called(
    client: InvisOutlet, simulator: InvisOutletSimulator, links: Recorder[bool]
) -> None:
    """After unsubscribing, a link listener hears nothing more."""
    gone = Recorder[bool]()
    client.subscribe_link(gone)()

    await simulator.drop_connections()

    await links.wait_for(2)
    assert gone.values == []


async def test_failing_link_listener_is_logged(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    links: Recorder[bool],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A link listener that raises is logged; reconnecting carries on."""

    def broken(_up: bool) -> None:
        raise RuntimeError("listener bug")

    client.subscribe_link(broken)
    await simulator.drop_connections()

    await links.wait_for(2)
    await assert_usable(client)
    assert "Link listener failed" in caplog.text


# Reconnecting ---------------------------------------------------------------------


async def test_reconnects_after_the_device_drops_the_link(
    client: InvisOutlet, simulator: InvisOutletSimulator, links: Recorder[bool]
) -> None:
    """After the device drops the connection the client reconnects by itself."""
    await assert_usable(client)

    await simulator.drop_connections()

    await links.wait_for(2)
    await simulator.wait_for_connections(2)
    await assert_usable(client)


async def test_reconnects_after_refusing_for_a_while(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    links: Recorder[bool],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The client keeps retrying while the device refuses, and is back after."""
    attempts = Recorder[bool]()

    async def counted_open(*args: Any, **kwargs: Any) -> Any:
        try:
            connection = await open_connection(*args, **kwargs)
        except InvisOutletConnectionError:
            attempts(False)
            raise
        attempts(True)
        return connection

    monkeypatch.setattr(link_module, "open_connection", counted_open)
    await simulator.set_refusing(True)
    assert await attempts.wait_for(3) == [False] * 3
    assert links.values == [False]

    await simulator.set_refusing(False)

    assert await links.wait_for(2) == [False, True]
    assert attempts.values[-1] is True
    await assert_usable(client)


@TCP_ONLY
async def test_reconnect_delay_doubles_up_to_the_maximum(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each failed attempt doubles the wait, capped at the backoff maximum."""
    delays = Recorder[float]()

    async def no_sleep(delay: float) -> None:
        delays(delay)
        await asyncio.sleep(0)

    monkeypatch.setattr(client._link, "_sleep", no_sleep)
    await simulator.set_refusing(True)

    waits = await delays.wait_for(6)

    assert waits[:6] == pytest.approx([0.01, 0.02, 0.04, 0.05, 0.05, 0.05])


@TCP_ONLY
async def test_reconnect_delay_resets_after_a_link_that_carried_messages(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    links: Recorder[bool],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A link that received messages resets the delay; a silent one does not."""
    delays = Recorder[float]()

    async def no_sleep(delay: float) -> None:
        delays(delay)

    monkeypatch.setattr(client._link, "_sleep", no_sleep)
    await assert_usable(client)

    await simulator.drop_connections()
    await links.wait_for(2)
    await simulator.drop_connections()
    await links.wait_for(4)
    await assert_usable(client)
    await simulator.drop_connections()
    await links.wait_for(6)

    assert delays.values == pytest.approx([0.01, 0.02, 0.01])


async def test_expect_reboot_makes_the_reconnect_fast(
    make_client: ClientFactory, simulator: InvisOutletSimulator
) -> None:
    """While a reboot is expected, the reboot pace replaces a long backoff."""
    client = make_client(backoff=SLOW_BACKOFF)
    links = Recorder[bool]()
    client.subscribe_link(links)
    await client.connect()
    client._link.expect_reboot(True)

    await simulator.reboot()

    assert await links.wait_for(3) == [True, False, True]


async def test_expect_reboot_cuts_a_long_wait_short(
    make_client: ClientFactory, simulator: InvisOutletSimulator
) -> None:
    """Expecting a reboot while waiting out a long backoff retries at once."""
    client = make_client(backoff=SLOW_BACKOFF)
    links = Recorder[bool]()
    client.subscribe_link(links)
    await client.connect()
    await simulator.drop_connections()
    await links.wait_for(2)

    client._link.expect_reboot(True)

    assert await links.wait_for(3) == [True, False, True]


@TCP_ONLY
async def test_expect_reboot_false_restores_the_backoff(
    make_client: ClientFactory,
    simulator: InvisOutletSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once no reboot is expected, the normal backoff applies again."""
    client = make_client(backoff=Backoff(initial=0.03, maximum=0.05, reboot=0.01))
    links = Recorder[bool]()
    client.subscribe_link(links)
    await client.connect()
    delays = Recorder[float]()

    async def no_sleep(delay: float) -> None:
        delays(delay)

    monkeypatch.setattr(client._link, "_sleep", no_sleep)
    client._link.expect_reboot(True)
    await simulator.drop_connections()
    await links.wait_for(3)
    client._link.expect_reboot(False)
    await assert_usable(client)
    await simulator.drop_connections()
    await links.wait_for(5)

    assert delays.values == pytest.approx([0.01, 0.03])


async def test_reconnect_now_cuts_a_long_wait_short(
    make_client: ClientFactory, simulator: InvisOutletSimulator
) -> None:
    """reconnect_now() retries at once instead of waiting out the backoff."""
    client = make_client(backoff=SLOW_BACKOFF)
    links = Recorder[bool]()
    client.subscribe_link(links)
    await client.connect()
    await simulator.drop_connections()
    await links.wait_for(2)

    client.reconnect_now()

    assert await links.wait_for(3) == [True, False, True]
    await assert_usable(client)


@TCP_ONLY
async def test_reconnect_now_reconnects_at_once_to_the_given_address(
    make_client: ClientFactory, simulator: InvisOutletSimulator
) -> None:
    """reconnect_now(host) cuts a long backoff short and uses the address given."""
    client = make_client(backoff=SLOW_BACKOFF)
    links = Recorder[bool]()
    client.subscribe_link(links)
    await client.connect()
    await simulator.drop_connections()
    await links.wait_for(2)
    client._link.host = "outlet.invalid"  # where it was; never contacted again

    # pytest-socket allows 127.0.0.1 only, so the new address is that one.
    client.reconnect_now("127.0.0.1")

    assert await links.wait_for(3) == [True, False, True]
    assert client.host == "127.0.0.1"
    await assert_usable(client)


async def test_close_during_reconnect_leaves_no_task(
    client: InvisOutlet, simulator: InvisOutletSimulator, links: Recorder[bool]
) -> None:
    """close() while the device refuses stops retrying and leaves nothing running."""
    await simulator.set_refusing(True)
    await links.wait_for(1)
    assert runner_tasks()

    await client.close()

    assert runner_tasks() == []
    assert not client.connected
    await simulator.set_refusing(False)
    assert simulator.accepted_count == 1


@pytest.fixture
async def stalled_port(
    socket_enabled: None,
) -> AsyncIterator[tuple[int, asyncio.Event]]:
    """Listen on a port that accepts connections and then never answers."""
    accepted = asyncio.Event()
    release = asyncio.Event()

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.set()
        await release.wait()
        writer.close()

    server = await asyncio.start_server(hold, HOST, 0)
    yield server.sockets[0].getsockname()[1], accepted
    release.set()
    server.close()
    await server.wait_closed()


# A WebSocket handshake to the stalled port hangs: the way to hold a connection
# attempt open on loopback (a TCP connect there succeeds at once).
@WEBSOCKET_ONLY
async def test_reconnect_now_during_a_connection_attempt_is_not_forgotten(
    make_client: ClientFactory,
    simulator: InvisOutletSimulator,
    stalled_port: tuple[int, asyncio.Event],
) -> None:
    """reconnect_now() during a hanging attempt retries as soon as that attempt ends."""
    port, accepted = stalled_port
    client = make_client(backoff=SLOW_BACKOFF, connect_timeout=SHORT_TIMEOUT)
    links = Recorder[bool]()
    client.subscribe_link(links)
    await client.connect()
    client._link.port = port  # the old address, where the outlet no longer answers
    await simulator.drop_connections()
    await links.wait_for(2)
    client.reconnect_now()
    async with asyncio.timeout(WAIT):
        await accepted.wait()

    client._link.port = (
        simulator.ws_port
    )  # zeroconf found the outlet at its new address
    client.reconnect_now()

    assert await links.wait_for(3, timeout=1.0) == [True, False, True]


@WEBSOCKET_ONLY
async def test_close_during_a_websocket_connect_closes_its_session(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    links: Recorder[bool],
    stalled_port: tuple[int, asyncio.Event],
    created_sessions: list[aiohttp.ClientSession],
) -> None:
    """close() while a WebSocket handshake hangs closes the session it opened."""
    port, accepted = stalled_port
    client._link.port = port
    await simulator.drop_connections()
    async with asyncio.timeout(WAIT):
        await accepted.wait()

    await client.close()

    left_open = [session for session in created_sessions if not session.closed]
    for session in left_open:
        await session.close()
    assert left_open == []


async def test_async_context_manager_connects_and_closes(
    simulator: InvisOutletSimulator, transport: Transport
) -> None:
    """`async with` connects on entry and closes on exit."""
    port = simulator.tcp_port if transport is Transport.TCP else simulator.ws_port
    outlet = InvisOutlet(host=HOST, transport=transport, port=port)

    async with outlet as client:
        assert client is outlet
        assert client.connected
        await assert_usable(client)

    assert not outlet.connected
    assert runner_tasks() == []


async def test_connect_twice_keeps_one_link(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """connect() on a connected client does nothing."""
    await client.connect()

    await assert_usable(client)
    assert simulator.accepted_count == 1


async def test_close_without_connect_does_nothing(make_client: ClientFactory) -> None:
    """close() on a client that never connected is harmless."""
    client = make_client()

    await client.close()

    assert not client.connected


async def test_drop_in_the_middle_of_a_request_fails_it(
    client: InvisOutlet, faults: Faults, links: Recorder[bool]
) -> None:
    """A link lost while a request waits fails it with a connection error at once."""
    faults.drop_on.add(12)

    async with asyncio.timeout(WAIT):
        with pytest.raises(InvisOutletConnectionError) as raised:
            await client.outlet_info()

    assert not isinstance(raised.value, InvisOutletTimeoutError)
    faults.drop_on.clear()
    await links.wait_for(2)
    await assert_usable(client)


async def test_connect_to_a_refused_port_raises(
    make_client: ClientFactory, created_sessions: list[aiohttp.ClientSession]
) -> None:
    """connect() to a port where nothing listens raises a connection error."""
    client = make_client(port=unused_port())

    with pytest.raises(InvisOutletConnectionError, match="cannot connect"):
        await client.connect()

    assert not client.connected
    assert all(session.closed for session in created_sessions)


@WEBSOCKET_ONLY
async def test_injected_session_is_used_and_left_open(
    make_client: ClientFactory,
    created_sessions: list[aiohttp.ClientSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A caller's aiohttp session carries the WebSocket and is not closed."""
    async with aiohttp.ClientSession() as session:
        opened: list[object] = []
        real_connect = session.ws_connect

        def counted_connect(*args: Any, **kwargs: Any) -> Any:
            opened.append(args[0])
            return real_connect(*args, **kwargs)

        monkeypatch.setattr(session, "ws_connect", counted_connect)
        client = make_client(session=session)
        await client.connect()
        await assert_usable(client)

        await client.close()

        assert len(opened) == 1
        assert created_sessions == [session]
        assert not session.closed


@WEBSOCKET_ONLY
async def test_own_sessions_are_closed_with_their_links(
    created_sessions: list[aiohttp.ClientSession],
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    links: Recorder[bool],
) -> None:
    """Each session the client creates is closed with its link: on a drop, on close."""
    await simulator.drop_connections()
    await links.wait_for(2)
    assert [session.closed for session in created_sessions] == [True, False]

    await client.close()

    assert [session.closed for session in created_sessions] == [True, True]


def test_default_port_follows_the_transport() -> None:
    """Without a port, TCP uses 3333 and the WebSocket 80."""
    assert InvisOutlet(host=HOST).effective_port == 3333
    assert InvisOutlet(host=HOST, transport=Transport.WEBSOCKET).effective_port == 80
    assert InvisOutlet(host=HOST, port=5000).effective_port == 5000
