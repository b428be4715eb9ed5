"""Make the demo's Home Assistant listen on 127.0.0.1 only, on every release.

Up to 2026.9 Home Assistant reads its HTTP settings from ``configuration.yaml``. From
2026.10 it keeps them in its storage: YAML is migrated once as a "pending" setting the
user must confirm within five minutes (or Home Assistant restarts listening on every
address), and YAML left behind raises a repair. So where the release keeps the
settings in storage the demo writes them there, as already confirmed, with the
release's own schema, and leaves them out of the YAML.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from pathlib import Path
from types import ModuleType

HOST = "127.0.0.1"


def http_settings(config_dir: Path, port: int) -> str:
    """Return the YAML for the HTTP settings, or "" once they are written to storage."""
    if (store := _http_store_module()) is None:
        return f"http:\n  server_host: {HOST}\n  server_port: {port}\n"
    settings = store.HTTP_STORAGE_SCHEMA({"server_host": [HOST], "server_port": port})
    confirmed = settings | {
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "error": None,
        "error_message": None,
    }
    stored = {
        "version": store.STORAGE_VERSION,
        "minor_version": store.STORAGE_MINOR_VERSION,
        "key": store.STORAGE_KEY,
        "data": {"stable": confirmed, "pending": None, "yaml_migration_done": True},
    }
    path = config_dir / ".storage" / store.STORAGE_KEY
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stored, indent=2), encoding="utf-8")
    return ""


def _http_store_module() -> ModuleType | None:
    """Return the release's HTTP settings store, or None where YAML holds them."""
    try:
        return importlib.import_module("homeassistant.components.http.config")
    except ModuleNotFoundError:
        return None
