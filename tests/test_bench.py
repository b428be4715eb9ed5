"""The benchmark keeps working (smoke mode: tiny sizes, no timing asserted)."""

from __future__ import annotations

import asyncio
from pathlib import Path
import sys

ROOT = Path(__file__).parent.parent


async def test_benchmark_runs_in_smoke_mode() -> None:
    """scripts/bench's module runs every figure and prints the report."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "devtools.bench",
        "--smoke",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    text = output.decode()
    assert process.returncode == 0, text
    assert "| outlet push → switch state, p99 |" in text
    assert "| integration overhead of one OTA, zero device delays |" in text
    assert "| requests an outlet install makes, revB | ≤ 6 |" in text
