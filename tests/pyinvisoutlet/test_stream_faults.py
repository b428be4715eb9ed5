"""Specification of the client under faults of the outlet's stream, over real sockets.

Framing (garbage, packed writes), content (JSON that is no message, bytes that are not
UTF-8, deep nesting, callbacks nobody follows) and replies (refused, repeated, late,
with a packetID nobody sent): each costs at most the message it spoils, never the
link, never a device change, never a request.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    CallbackName,
    DevicePart,
    Firmware,
    InvisOutlet,
    InvisOutletCommandError,
    InvisOutletTimeoutError,
    SensorReadings,
    Transport,
    UpdateTarget,
)
from tests.simulator import Faults, InvisOutletSimulator

from .conftest import (
    FAST_OTA,
    SERIAL,
    SHORT_TIMEOUT,
    WAIT,
    Recorder,
    assert_usable,
    envelope,
)

LIBRARY_LOGGER = "custom_components.invisoutlet.pyinvisoutlet"
TCP_ONLY = pytest.mark.parametrize("transport", [Transport.TCP], ids=["tcp"])
# What a device may write before a message: each must cost no message after it.
GARBAGE = {
    "text": b"\r\n#garbage\x00 ",
    "stray braces": b" }{#} {junk{ ",
    "bytes that are not UTF-8": b"\xff\xfe#{#}\x00",
    "open brace then an invalid byte": b"{\xff",
}
# A sensor push: the one message a subscriber can tell arrived, or not.
READINGS = [2, {"lux_valid": 1, "lux": "15.0"}]
NEXT_READINGS = [2, {"lux_valid": 1, "lux": "16.0"}]

type Changes = frozenset[DevicePart]


def record_changes(client: InvisOutlet) -> Recorder[Changes]:
    """Record the parts every device change of the client reports."""
    changes = Recorder[Changes]()
    client.subscribe_device(lambda _device, changed: changes(changed))
    return changes


def record_readings(client: InvisOutlet) -> Recorder[SensorReadings]:
    """Record every sensor reading the client's subscribers are given."""
    readings = Recorder[SensorReadings]()
    client.subscribe(SensorReadings, readings)
    return readings


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the library's warnings and worse, in order."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith(LIBRARY_LOGGER) and record.levelno >= logging.WARNING
    ]


def nested(opening: bytes, depth: int = 10_000) -> bytes:
    """Return a device message holding JSON nested depth levels deep."""
    closing = b"]" if opening == b"[" else b"}"
    deep = opening * depth + b"0" + closing * depth
    return b'{"sn":"' + SERIAL.encode() + b'","deep":' + deep + b"}"


# Framing ---------------------------------------------------------------------------


@TCP_ONLY
@pytest.mark.parametrize(
    "faults",
    [pytest.param(Faults(garbage_between=g), id=name) for name, g in GARBAGE.items()],
    indirect=True,
)
async def test_a_refresh_reads_every_part_with_garbage_before_every_message(
    client: InvisOutlet, links: Recorder[bool]
) -> None:
    """Bytes that are not JSON before each reply cost no reply: every part is read."""
    device = await client.update()

    assert device.info.serial == SERIAL
    assert None not in (device.outlets, device.names, device.sensors)
    assert None not in (device.color_light, device.configuration)
    assert links.values == []


@TCP_ONLY
@pytest.mark.parametrize(
    "faults",
    [
        pytest.param(Faults(coalesce=True), id="coalesced writes"),
        *(
            pytest.param(Faults(garbage_between=GARBAGE[name]), id=name)
            for name in ("text", "stray braces", "bytes that are not UTF-8")
        ),
    ],
    indirect=True,
)
async def test_an_outlet_install_succeeds_whatever_the_framing(
    client: InvisOutlet,
) -> None:
    """Packed and padded writes, through the restarts: the new versions are read."""
    firmware = Firmware(client, timeouts=FAST_OTA)
    try:
        async with asyncio.timeout(2 * WAIT):
            final = await firmware.install(UpdateTarget.OUTLET)
    finally:
        await firmware.close()

    assert (final.outlet_fw, final.www_fw) == ("1.3.0", "0.3.0")


# Content ---------------------------------------------------------------------------


@TCP_ONLY
async def test_a_push_holding_bytes_that_are_not_utf8_is_skipped_with_a_warning(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    links: Recorder[bool],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The spoilt push reaches no subscriber; the next push does; the link stays."""
    readings = record_readings(client)
    spoilt = envelope(1, callback_name=CallbackName.SENSORS, args=READINGS)

    await simulator.send_raw(spoilt.replace(SERIAL.encode(), b"\xff\xfe"))
    await simulator.push(CallbackName.SENSORS, NEXT_READINGS)

    assert [r.illuminance for r in await readings.wait_for(1)] == [16.0]
    await assert_usable(client)
    assert links.values == []
    # Skipped and counted: the first of each kind warns, whatever the rest holds.
    assert warnings(caplog)
    assert all(w.startswith("Skipped a message from") for w in warnings(caplog))


async def test_json_that_is_not_an_object_is_no_message(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    links: Recorder[bool],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Top-level arrays, strings, numbers and literals: at most one warning, no harm."""
    await client.update()
    changes = record_changes(client)

    await simulator.send_raw(b'[1,2] "text" 42 -3.5 null true false []\n')

    await assert_usable(client)
    assert changes.values == []
    assert links.values == []
    assert len(warnings(caplog)) <= 1


async def test_an_array_holding_a_message_is_not_a_message(
    client: InvisOutlet, simulator: InvisOutletSimulator, links: Recorder[bool]
) -> None:
    """A push inside a top-level array reaches no subscriber; the next push does."""
    readings = record_readings(client)
    push = envelope(1, callback_name=CallbackName.SENSORS, args=READINGS)

    await simulator.send_raw(b"[" + push + b"]")
    await simulator.push(CallbackName.SENSORS, NEXT_READINGS)

    assert [r.illuminance for r in await readings.wait_for(1)] == [16.0]
    await assert_usable(client)
    assert links.values == []


@pytest.mark.parametrize("opening", [b"[", b'{"a":'], ids=["arrays", "objects"])
async def test_json_nested_10000_deep_leaves_the_link_up(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    links: Recorder[bool],
    opening: bytes,
) -> None:
    """Dropped, or decoded and ignored: either way the next request is answered."""
    await client.update()
    changes = record_changes(client)
    data = nested(opening)
    assert len(data) < 64 * 1024

    await simulator.send_raw(data)

    await assert_usable(client)
    assert changes.values == []
    assert links.values == []
    assert simulator.accepted_count == 1


@pytest.mark.parametrize(
    "stray",
    [
        pytest.param(
            [
                envelope(1, callback_name=99, args=[1, 2]),
                envelope(2, callback_name=0),
                envelope(3, callback_name=8, args=[{"outlet": 1, "state": 1}]),
            ],
            id="pushes of callbacks nobody follows",
        ),
        pytest.param([envelope(123456, puback=1)], id="acknowledgement nobody awaits"),
    ],
)
async def test_messages_nobody_waits_for_change_nothing_and_warn_nothing(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    stray: list[bytes],
) -> None:
    """They start no request, change no part of the device and log no warning."""
    await client.update()
    changes = record_changes(client)
    requests = len(simulator.requests)

    for message in stray:
        await simulator.send_raw(message)

    await assert_usable(client)
    assert len(simulator.requests) == requests + 1  # only assert_usable's own read
    assert changes.values == []
    assert warnings(caplog) == []


# Replies ---------------------------------------------------------------------------


async def test_device_information_refused_fails_the_refresh(
    client: InvisOutlet, faults: Faults
) -> None:
    """12 answered with PUBACK 0 is the refresh's command error; the link stays."""
    faults.puback_zero.add(CallbackName.OUTLET_INFO)

    with pytest.raises(InvisOutletCommandError, match="refused a request for device"):
        await client.update()

    faults.puback_zero.clear()
    await assert_usable(client)


async def test_device_information_with_a_wrong_packet_id_is_no_news(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    faults: Faults,
    links: Recorder[bool],
) -> None:
    """The read times out; its reply, taken for a push, is no news and asks nothing."""
    await client.update()
    changes = record_changes(client)
    asked = len(simulator.requests_for(CallbackName.OUTLET_INFO))
    faults.wrong_packet_id.add(CallbackName.OUTLET_INFO)

    with pytest.raises(InvisOutletTimeoutError):
        await client._link.request(CallbackName.OUTLET_INFO, timeout=SHORT_TIMEOUT)

    faults.wrong_packet_id.clear()
    await assert_usable(client)
    # The timed-out read and assert_usable's own: the stray reply asked nothing.
    assert len(simulator.requests_for(CallbackName.OUTLET_INFO)) == asked + 2
    assert changes.values == []
    assert links.values == []  # the outlet talked: the link is alive


@pytest.mark.parametrize(
    "callback_name",
    [CallbackName.OUTLET_INFO, CallbackName.FIRMWARE_STATUS],
    ids=["device information", "available updates"],
)
async def test_a_reply_that_comes_again_is_no_news(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    links: Recorder[bool],
    caplog: pytest.LogCaptureFixture,
    callback_name: CallbackName,
) -> None:
    """A whole reply repeated after its request completed changes nothing, warns not."""
    await client.update()
    await client.firmware.available()
    changes = record_changes(client)
    request = simulator.requests_for(callback_name)[-1]
    assert request.packet_id is not None
    answers = {
        CallbackName.OUTLET_INFO: (None, simulator.device.device_info()),
        CallbackName.FIRMWARE_STATUS: (1, simulator.device.available_updates()),
    }
    puback, args = answers[callback_name]
    requests = len(simulator.requests)

    await simulator.send_raw(
        envelope(
            request.packet_id, puback=puback, callback_name=callback_name, args=args
        )
    )

    await assert_usable(client)
    assert len(simulator.requests) == requests + 1  # only assert_usable's own read
    assert changes.values == []
    assert links.values == []
    assert warnings(caplog) == []


async def test_a_reply_after_its_request_timed_out_is_no_news(
    client: InvisOutlet, simulator: InvisOutletSimulator, faults: Faults
) -> None:
    """The reply of a read that gave up changes nothing; the next read is answered."""
    await client.update()
    faults.silent_callbacks.add(CallbackName.OUTLET_INFO)
    asked = len(simulator.requests_for(CallbackName.OUTLET_INFO))
    reading = asyncio.create_task(
        client._link.request(CallbackName.OUTLET_INFO, timeout=SHORT_TIMEOUT)
    )
    late = await simulator.wait_for_request(CallbackName.OUTLET_INFO, count=asked + 1)
    assert late.packet_id is not None
    # The outlet keeps talking, so the link is not taken for dead.
    await simulator.push(CallbackName.SENSORS, READINGS)
    with pytest.raises(InvisOutletTimeoutError):
        await reading
    faults.silent_callbacks.clear()
    changes = record_changes(client)

    reply = envelope(
        late.packet_id,
        callback_name=CallbackName.OUTLET_INFO,
        args=simulator.device.device_info(),
    )
    await simulator.send_raw(reply)

    await assert_usable(client)
    assert changes.values == []
