"""Benchmark our library side by side with invisoutlet 1.1.5 and a minimal client.

``scripts/bench --theirs`` makes the benchmark's own venv (``.bench/theirs``, Python
3.13, ``invisoutlet==1.1.5`` from PyPI, this checkout on its path) and runs
``python -m devtools.bench_theirs`` there. Every repetition measures each client on
each transport in a process of its own (devtools/bench_client.py) against a fresh
simulator in another (devtools/bench_pusher.py), then the decoders alone; the report
(devtools/bench_report.py) goes into its section of BENCHMARKS.md. ``--smoke`` runs
every figure with tiny sizes and prints the section instead.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
import json
from pathlib import Path
import shlex
import sys

from devtools.bench_report import Results, section, write_section
from devtools.bench_sizes import KINDS, SMOKE, TRANSPORTS, WAIT, Sizes

ROOT = Path(__file__).resolve().parent.parent
# One client process measures for some seconds; more means it hangs.
PROCESS_TIMEOUT = 180.0


@asynccontextmanager
async def simulator() -> AsyncIterator[dict[str, int]]:
    """Run a simulator process; yield its TCP, WebSocket and control ports."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "devtools.bench_pusher",
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        async with asyncio.timeout(WAIT):
            ports: dict[str, int] = json.loads(await process.stdout.readline())
        yield ports
    finally:
        process.stdin.close()  # the simulator stops when its stdin ends
        try:
            async with asyncio.timeout(WAIT):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()


async def measure(*args: str) -> dict[str, float]:
    """Run devtools.bench_client with these arguments; return its figures."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "devtools.bench_client",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(PROCESS_TIMEOUT):
            output, _ = await process.communicate()
    except TimeoutError:
        with suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise
    if process.returncode != 0:
        raise RuntimeError(f"devtools.bench_client {args[:2]} failed")
    figures: dict[str, float] = json.loads(output.decode().splitlines()[-1])
    return figures


async def run(sizes: Sizes) -> Results:
    """Measure every client on every transport, and the decoders, each repetition."""
    results: Results = defaultdict(list)
    for repeat in range(sizes.repeats):
        # Rotated, so that no client always runs first (or right after another).
        kinds = KINDS[repeat % len(KINDS) :] + KINDS[: repeat % len(KINDS)]
        for transport in TRANSPORTS:
            for kind in kinds:
                async with simulator() as ports:
                    figures = await measure(
                        kind, transport, json.dumps(ports), sizes.to_json()
                    )
                for name, value in figures.items():
                    results[f"{name}/{kind}/{transport}"].append(value)
                print(f"repetition {repeat + 1}: {kind} {transport}", file=sys.stderr)
        for key, value in (await measure("decode", sizes.to_json())).items():
            results[key].append(value)
        print(f"repetition {repeat + 1}: decoders", file=sys.stderr)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write its section of BENCHMARKS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no report")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else Sizes()
    results = asyncio.run(run(sizes))
    command = "scripts/bench --theirs" + "".join(
        f" {shlex.quote(arg)}" for arg in sys.argv[1:]
    )
    text = section(results, sizes, command)
    if args.smoke:
        print(text)
    else:
        write_section(args.output, text)
        print(f"Wrote its section of {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
