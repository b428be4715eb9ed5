"""The side-by-side report: medians, spreads, ratios; its section of BENCHMARKS.md."""

from __future__ import annotations

from dataclasses import dataclass
import datetime as dt
import importlib.metadata
import os
from pathlib import Path
import platform
import statistics

from devtools.bench_sizes import KINDS, Sizes

HEADING = "## Side by side: ours, invisoutlet 1.1.5 and a minimal client"
LINKS = {"tcp": "TCP", "ws": "WS"}

# Every value of one figure, by "figure/kind/transport" (or "figure/kind").
type Results = dict[str, list[float]]


@dataclass(frozen=True)
class Row:
    """One figure of the table."""

    key: str
    label: str
    unit: str
    per_transport: bool = True


ROWS = (
    Row("connect", "1. connect + first answer (median of the run)", "ms"),
    Row("request_p50", "2. request round trip p50", "µs"),
    Row("request_p99", "2. request round trip p99", "µs"),
    Row("push_p50", "3. push → subscriber p50 at {rate}/s", "µs"),
    Row("push_p99", "3. push → subscriber p99 at {rate}/s", "µs"),
    Row("burst", "4. burst of {burst} pushes → last delivered", "ms"),
    Row("burst_cpu", "5. CPU per {burst} pushes (the burst)", "ms"),
    Row("client_memory", "6. memory per connected client (tracemalloc)", "KiB"),
    Row("burst_peak", "7. peak memory per {burst} pushes (tracemalloc)", "KiB"),
    Row("reconnect", "8. reconnect: accepting → first answer", "ms"),
    Row("decode_64k", "9. decode {decoded} messages, 64 KiB reads", "ms", False),
    Row("decode_small", "9. decode {decoded} messages, 1-64 B reads", "ms", False),
)


def cell(values: list[float]) -> str:
    """Return the median and the spread (min-max)."""
    return f"{statistics.median(values):.3g} ({min(values):.3g}-{max(values):.3g})"


def ratio(results: Results, key: str, other: str) -> str:
    """Return median(ours) / median(other) of one figure."""
    ours = statistics.median(results[key.format(kind="ours")])
    theirs = statistics.median(results[key.format(kind=other)])
    return f"{ours / theirs:.2f}" if theirs else "-"


def table(results: Results, sizes: Sizes) -> str:
    """Return the Markdown table of every figure."""
    lines = [
        f"| Figure | Link | Unit | {' | '.join(KINDS)} | ours/theirs | ours/minimal |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in ROWS:
        label = row.label.format(
            rate=f"{sizes.push_rate:.0f}",
            burst=f"{sizes.burst:,}",
            decoded=f"{sizes.decoded:,}",
        )
        links = LINKS.items() if row.per_transport else [("", "-")]
        for transport, link in links:
            key = f"{row.key}/{{kind}}" + (f"/{transport}" if transport else "")
            cells = " | ".join(cell(results[key.format(kind=kind)]) for kind in KINDS)
            lines.append(
                f"| {label} | {link} | {row.unit} | {cells} | "
                f"{ratio(results, key, 'theirs')} | {ratio(results, key, 'minimal')} |"
            )
    return "\n".join(lines)


def machine() -> str:
    """Describe the machine and the software the figures were measured with."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}"
        for name in ("invisoutlet", "aiohttp")
    )
    return (
        f"{cpu}, nproc {os.cpu_count()}; {platform.platform()}; "
        f"Python {platform.python_version()} for every process "
        f"(clients and simulator); {versions}"
    )


def section(results: Results, sizes: Sizes, command: str) -> str:
    """Return the BENCHMARKS.md section."""
    return f"""{HEADING}

Measured by `{command}` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.

Machine: {machine()}. The machine was shared with other jobs during the run.

Each cell is the median of {sizes.repeats} repetitions, then the spread (min-max) of
the repetitions; ratios are median over median (below 1: ours is faster or smaller).

- All three clients in one run, in the benchmark's own venv (`.bench/theirs`); each
  client in a process of its own, against a fresh simulator (`tests/simulator`) in
  another process, on 127.0.0.1. The order of the clients rotates by repetition.
- 1: {sizes.connects} connects, each with its first device-information answer
  (after one untimed). 2: {sizes.requests} sequential device-information requests
  (after 20 untimed).
- 3: {sizes.paced_pushes} sensor pushes at {sizes.push_rate:.0f}/s, each with a new
  reading; from the simulator's `perf_counter` before the write to the subscriber's
  (one monotonic clock for both processes). The subscriber of ours is a device
  subscription, as the integration's coordinator has (each push merged into the
  device snapshot); theirs a sensor-data callback; minimal's its one listener.
- 4, 5: {sizes.burst:,} pushes written at once (TCP: back to back; WS: one text frame
  each), until the subscriber has the last; CPU is `time.process_time` of the client
  process over that time. 7: the same burst again under tracemalloc, its peak above
  what was traced before.
- 6: {sizes.clients} clients connected to one simulator, each after its first
  answer; traced Python memory (tracemalloc, not RSS) divided by {sizes.clients}.
  On WS, theirs and minimal make one aiohttp session per client; ours' links that
  are given none share one (the integration passes Home Assistant's).
- 8: the simulator drops every link, refuses for {sizes.refuse_seconds} s, then
  accepts; the client polls device information every 1 ms. Every client retries
  1 s after the drop (both libraries' default; the minimal client does the same), so
  the figure is mostly that schedule: ~0.1 s for all.
- 9: the decoders alone on one recorded stream: ours `JsonStreamDecoder`; theirs
  what their TCP read loop does (str buffer, `raw_decode`; their client reads 4 KiB);
  minimal `raw_decode` from an index.
- Theirs on WS is told to prefer the WebSocket (it tries TCP first).
- The simulator's TCP sockets keep Nagle's algorithm on (asyncio sets `TCP_NODELAY`
  only on sockets made with proto 6): a client that does not ACK at once may wait a
  delayed ACK (~40 ms) for the next small push (3, p99). Ours sets `TCP_QUICKACK`.
- 7 includes, for theirs and minimal on TCP, asyncio's receive into a 256 KiB bytes
  object (ours reads at most 16 KiB at a time into a buffer of its own); the minimal
  TCP client also decodes a whole such read before dispatching it; on WS, aiohttp's
  reads for every client.

{table(results, sizes)}
"""


def write_section(path: Path, text: str, heading: str = HEADING) -> None:
    """Put the section into the file, replacing an earlier one, else at the end."""
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    start = current.find(heading)
    if start < 0:
        updated = current.rstrip("\n") + "\n\n" + text
    else:
        end = current.find("\n## ", start + len(heading))
        rest = "" if end < 0 else current[end:]
        updated = current[:start] + text + rest
    path.write_text(updated, encoding="utf-8")
