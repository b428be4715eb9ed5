"""How much work each side-by-side figure does (devtools/bench_theirs.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
import json
from typing import Any, Self

HOST = "127.0.0.1"
KINDS = ("ours", "theirs", "minimal")
TRANSPORTS = ("tcp", "ws")
# Every wait of the benchmark ends by this many seconds, whatever happens.
WAIT = 30.0


@dataclass(frozen=True)
class Sizes:
    """Sizes of one repetition, the same for every client."""

    connects: int = 20
    requests: int = 500
    paced_pushes: int = 500
    push_rate: float = 200.0
    burst: int = 10_000
    clients: int = 50
    # The outlet drops every link, refuses for this long, then accepts again.
    refuse_seconds: float = 0.9
    decoded: int = 20_000
    repeats: int = 5

    def to_json(self) -> str:
        """Return the sizes as one JSON argument."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Self:
        """Read sizes given as one JSON argument."""
        values: dict[str, Any] = json.loads(text)
        return cls(**values)


SMOKE = Sizes(
    connects=2,
    requests=20,
    paced_pushes=20,
    burst=200,
    clients=3,
    decoded=300,
    repeats=1,
)
