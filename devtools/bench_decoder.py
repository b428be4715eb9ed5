"""Time the TCP stream decoder and the WebSocket receive path.

``python -m devtools.bench_decoder`` prints, each the median of 5 runs:

- µs per message to decode a recorded 20,000-message stream read in 64 KiB chunks and
  in chunks of 1-64 bytes;
- ms to get through 1 MiB of each kind of garbage and the valid push after it, next to
  the ms for the same number of bytes of valid messages, both in reads of the size the
  TCP connection uses;
- µs per message of a 10,000-frame burst over a loopback WebSocket.

Times are CPU time of this process (the WebSocket burst includes the peer's), so a
busy machine moves them less than wall time. Only 127.0.0.1 is used. Compare figures
of one session; the functions take the decoder or connection class, so that an older
build can be measured side by side.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import gc
import json
import random
import statistics
import time
from typing import Any

from aiohttp import web

from custom_components.invisoutlet.pyinvisoutlet import JsonStreamDecoder, transport
from custom_components.invisoutlet.pyinvisoutlet.transport import WebSocketConnection
from tests.simulator import SimulatedDevice

HOST = "127.0.0.1"
MESSAGES = 20_000
FRAMES = 10_000
REPEATS = 5
MIB = 1 << 20
PUSH = b'{"sn":"11A1F7000FE","packetID":123456,"payload":{"callbackName":22,'
PUSH += b'"callbackArgs":[1,50]}}'


def recorded_messages(count: int) -> list[bytes]:
    """Return device messages as the outlet writes them: replies and pushes."""
    device = SimulatedDevice()
    shapes: list[tuple[int, Any]] = [
        (12, device.device_info()),
        (20, device.available_updates()),
        (9, [1, 0, 1, 1]),
        (11, [{"temp_celsius": 21.5, "humidity": 40, "lux": 120, "occupancy": 0}]),
    ]
    bodies = []
    for index in range(count):
        if index % 10 < len(shapes):
            name, args = shapes[index % 10]
        else:
            name, args = 22, [1 + index % 3, index % 101]
        message: dict[str, Any] = {"sn": "11A1F7000FE", "packetID": 100000 + index}
        if name in {12, 20}:
            message["PUBACK"] = 1
        message["payload"] = {"callbackName": name, "callbackArgs": args}
        bodies.append(json.dumps(message, separators=(",", ":")).encode())
    return bodies


def cut(stream: bytes, size: Callable[[], int]) -> list[bytes]:
    """Cut a stream into reads of the sizes size() returns."""
    chunks, position = [], 0
    while position < len(stream):
        step = size()
        chunks.append(stream[position : position + step])
        position += step
    return chunks


def feed(
    chunks: list[bytes], decoder_class: type[JsonStreamDecoder] = JsonStreamDecoder
) -> tuple[float, int]:
    """Feed chunks to a new decoder; return the CPU seconds taken and the values."""
    decoder = decoder_class(on_skip=lambda _reason, _detail: None)
    decoded = 0
    gc.collect()
    start = time.process_time()
    for chunk in chunks:
        try:
            decoded += len(decoder.feed(chunk))
        except Exception:  # noqa: BLE001 - a decoder that gives up still counts
            decoded -= 1_000_000
    return time.process_time() - start, decoded


def every_seconds(
    chunks: list[bytes],
    expected: int,
    decoder_class: type[JsonStreamDecoder] = JsonStreamDecoder,
) -> list[float]:
    """Return the time of each of REPEATS decodings; check the count each time."""
    times = []
    for _ in range(REPEATS):
        seconds, decoded = feed(chunks, decoder_class)
        assert decoded == expected, (decoded, expected)
        times.append(seconds)
    return times


def median_seconds(
    chunks: list[bytes],
    expected: int,
    decoder_class: type[JsonStreamDecoder] = JsonStreamDecoder,
) -> float:
    """Return the median time of REPEATS decodings; check the count each time."""
    return statistics.median(every_seconds(chunks, expected, decoder_class))


def stream_figures() -> None:
    """Print µs per message for 64 KiB reads and for 1-64 byte reads."""
    bodies = recorded_messages(MESSAGES)
    stream = b"".join(bodies)
    rng = random.Random(1)  # noqa: S311 - reproducible data, not security
    for label, size in (
        ("64 KiB reads", lambda: 65_536),
        ("1-64 B reads", lambda: rng.randint(1, 64)),
    ):
        chunks = cut(stream, size)
        seconds = median_seconds(chunks, MESSAGES)
        print(f"decode {MESSAGES} messages, {label}: {seconds / MESSAGES * 1e6:.2f} µs")


def garbage(kind: str) -> bytes:
    """Return 1 MiB of one kind of garbage."""
    rng = random.Random(2)  # noqa: S311 - reproducible data, not security
    if kind == "printable":
        # Printable ASCII with the structural characters ten times as likely.
        alphabet = [chr(code) for code in range(0x20, 0x7F)] + list('{"}' * 10)
        return "".join(rng.choices(alphabet, k=MIB)).encode()
    if kind == "binary":
        return rng.randbytes(MIB)
    return b'{"a":"' + b"x" * (MIB - 6)


GARBAGE_KINDS = ("printable", "binary", "unterminated")


def garbage_times(read_size: int) -> dict[str, tuple[list[float], bool]]:
    """Return each run's CPU seconds and whether the push after came out, by kind.

    "valid" is 1 MiB of valid messages, the bound each kind of garbage is held to.
    """
    bodies = recorded_messages(MESSAGES)
    valid = b""
    count = 0
    while len(valid) < MIB:
        valid += bodies[count]
        count += 1
    times = {"valid": (every_seconds(cut(valid, lambda: read_size), count), True)}
    for kind in GARBAGE_KINDS:
        chunks = cut(garbage(kind) + PUSH, lambda: read_size)
        seconds, outcomes = [], set()
        for _ in range(REPEATS):
            taken, decoded = feed(chunks)
            seconds.append(taken)
            outcomes.add(decoded)
        times[kind] = (seconds, outcomes == {1})
    return times


def garbage_figures(read_size: int) -> None:
    """Print the cost of 1 MiB of garbage next to that of 1 MiB of valid messages."""
    times = garbage_times(read_size)
    valid = statistics.median(times["valid"][0])
    print(f"1 MiB of valid messages: {valid * 1e3:.1f} ms")
    for kind in GARBAGE_KINDS:
        seconds, delivered = times[kind]
        outcome = "push delivered" if delivered else "push lost"
        median = statistics.median(seconds)
        print(f"1 MiB {kind} garbage + push: {median * 1e3:.1f} ms ({outcome})")


async def websocket_burst(
    connection_class: type[WebSocketConnection] = WebSocketConnection,
) -> float:
    """Return µs per message of a burst of frames over a loopback WebSocket."""
    frames = [body.decode() for body in recorded_messages(FRAMES)]
    ready: asyncio.Queue[web.WebSocketResponse] = asyncio.Queue()

    async def handle(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ready.put(ws)
        async for _frame in ws:  # until the client closes
            pass
        return ws

    app = web.Application()
    app.router.add_get("/ws", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, HOST, 0)
    await site.start()
    port = runner.addresses[0][1]
    times = []
    try:
        for _ in range(REPEATS):
            connection = await connection_class.open(HOST, port, 5.0, None)
            peer = await ready.get()
            gc.collect()
            start = time.process_time()
            received = 0
            for text in frames:
                await peer.send_str(text)
            while received < FRAMES:
                received += len(await connection.receive())
            times.append(time.process_time() - start)
            await connection.close()
    finally:
        await runner.cleanup()
    return statistics.median(times) / FRAMES * 1e6


def main() -> None:
    """Print every figure."""
    stream_figures()
    garbage_figures(transport.READ_SIZE)
    burst = asyncio.run(websocket_burst())
    print(f"WebSocket burst of {FRAMES} frames: {burst:.2f} µs per message")


if __name__ == "__main__":
    main()
