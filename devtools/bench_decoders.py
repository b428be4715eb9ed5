"""Figure 9: the three TCP stream decoders alone, on one recorded stream.

The stream is what an outlet sends (device information, available updates, update
progress, sensor readings, compact JSON back to back), cut into 64 KiB reads or into
reads of 1-64 bytes. Ours is ``JsonStreamDecoder``; theirs is what their TCP
transport does per read (decode the bytes, append to a str buffer, ``raw_decode``
every whole object; their client reads 4 KiB at a time); the minimal one is
``RawDecodeStream`` of devtools/bench_clients.py.
"""

from __future__ import annotations

from collections.abc import Callable
import importlib
import json
import random
import time
from typing import Any

from custom_components.invisoutlet.pyinvisoutlet import JsonStreamDecoder
from devtools.bench_clients import RawDecodeStream
from devtools.bench_sizes import HOST
from tests.simulator import SimulatedDevice

LARGE_READ = 65_536
SMALL_READS = (1, 64)

type Feed = Callable[[bytes], int]


def recorded_stream(messages: int) -> bytes:
    """Return `messages` compact messages back to back, a mix an outlet sends."""
    device = SimulatedDevice()
    bodies = []
    for index in range(messages):
        args: Any
        kind = index % 10
        if kind == 0:
            name, args = 12, device.device_info()
        elif kind == 1:
            name, args = 20, device.available_updates()
        elif kind < 6:
            sensor_kind, readings = device.sensor_args()
            name, args = 11, [sensor_kind, {**readings, "distance": index}]
        else:
            name, args = 22, [1 + index % 3, index % 101]
        message = {"sn": device.serial, "packetID": 100_000 + index, "PUBACK": 1}
        message["payload"] = {"callbackName": name, "callbackArgs": args}
        bodies.append(json.dumps(message, separators=(",", ":")).encode())
    return b"".join(bodies)


def cut(stream: bytes, *, small: bool) -> list[bytes]:
    """Cut the stream into 64 KiB reads, or into reads of 1-64 bytes."""
    rng = random.Random(1)  # noqa: S311 - reproducible test data, not security
    chunks, position = [], 0
    while position < len(stream):
        size = rng.randint(*SMALL_READS) if small else LARGE_READ
        chunks.append(stream[position : position + size])
        position += size
    return chunks


def ours() -> Feed:
    """Return a feed of our decoder that counts what it decodes."""
    decoder = JsonStreamDecoder()
    return lambda chunk: len(decoder.feed(chunk))


def theirs() -> Feed:
    """Return a feed of their TCP transport's decoding, as its read loop does it."""
    transport: Any = importlib.import_module("invisoutlet.transport").TcpTransport(HOST)

    def feed(chunk: bytes) -> int:
        transport._buf += chunk.decode(errors="replace")
        transport._drain_buffer()
        decoded = len(transport._pending)
        transport._pending.clear()
        return decoded

    return feed


def minimal() -> Feed:
    """Return a feed of the minimal raw_decode stream."""
    stream = RawDecodeStream()
    return lambda chunk: len(stream.feed(chunk))


DECODERS: dict[str, Callable[[], Feed]] = {
    "ours": ours,
    "theirs": theirs,
    "minimal": minimal,
}


def decode_times(messages: int) -> dict[str, float]:
    """Return each decoder's time for the whole stream per kind of read, in ms."""
    stream = recorded_stream(messages)
    figures = {}
    for reads, small in (("decode_64k", False), ("decode_small", True)):
        chunks = cut(stream, small=small)
        for kind, make in DECODERS.items():
            feed = make()
            start = time.perf_counter()
            decoded = sum(feed(chunk) for chunk in chunks)
            figures[f"{reads}/{kind}"] = 1000 * (time.perf_counter() - start)
            assert decoded == messages, (kind, reads, decoded)
    return figures
