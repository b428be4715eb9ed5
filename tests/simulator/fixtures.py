"""Read the device's messages from ``tests/fixtures/<name>.json``.

Each file holds the ``callbackArgs`` of one reply or push as the device sends it. The
simulator takes its initial state from them and the integration's tests build their
library models from them, so every value lives in exactly one place.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent.parent / "fixtures"


def load_fixture(name: str) -> Any:
    """Return the decoded ``tests/fixtures/<name>.json`` (a fresh copy every call)."""
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
