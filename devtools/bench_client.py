"""Run one client's side-by-side figures in this process and print them as JSON.

``python -m devtools.bench_client KIND TRANSPORT PORTS SIZES`` measures figures 1-8
of one client (devtools/bench_jobs.py) against the simulator whose ports PORTS
gives; ``python -m devtools.bench_client decode SIZES`` measures figure 9
(devtools/bench_decoders.py). PORTS and SIZES are JSON. The benchmark runs this in
its own venv, where Home Assistant is not installed: our library is imported
without the integration package's ``__init__``, which needs it.
"""

from __future__ import annotations

import importlib.util
import json
import logging
from pathlib import Path
import sys
import types

from devtools.bench_sizes import Sizes

INTEGRATION = Path(__file__).resolve().parent.parent / "custom_components/invisoutlet"


def import_ours_alone() -> None:
    """Make custom_components.invisoutlet.pyinvisoutlet importable without HA."""
    name = "custom_components.invisoutlet"
    if name in sys.modules or importlib.util.find_spec("homeassistant") is not None:
        return
    package = types.ModuleType(name)
    package.__path__ = [str(INTEGRATION)]
    sys.modules[name] = package


def main(argv: list[str]) -> None:
    """Measure what the arguments ask and print it as one JSON line."""
    # The libraries log lost links as warnings: the reconnect figure makes them.
    logging.basicConfig(level=logging.ERROR)
    import_ours_alone()
    # Imported only now: they import our library.
    from devtools.bench_decoders import decode_times  # noqa: PLC0415
    from devtools.bench_jobs import run_client  # noqa: PLC0415

    if argv[0] == "decode":
        figures = decode_times(Sizes.from_json(argv[1]).decoded)
    else:
        kind, transport, ports, sizes = argv
        figures = run_client(kind, transport, json.loads(ports), Sizes.from_json(sizes))
    sys.stdout.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
