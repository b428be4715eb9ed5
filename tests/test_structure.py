"""Repository rules that keep the integration consistent."""

from __future__ import annotations

import ast
import json
from pathlib import Path
import subprocess
import sys

from homeassistant.util.yaml import load_yaml_dict

from custom_components.invisoutlet.helpers import FIRMWARE_ERROR_KEYS
from custom_components.invisoutlet.pyinvisoutlet import (
    FirmwareError,
    InvalidNameReason,
)

ROOT = Path(__file__).parent.parent
INTEGRATION = ROOT / "custom_components" / "invisoutlet"
RAISED_KEYS = {
    "cannot_connect",
    "communication_error",
    "device_error",
    "device_mismatch",
    "humidity_out_of_range",
    "maximum_below_minimum",
    "minimum_above_maximum",
    "name_control_character",
    "name_empty",
    "name_too_long",
    "no_update_available",
    "not_an_invisdeco",
    "ota_in_progress",
    "temperature_out_of_range",
    "unknown_effect",
}


def strings() -> dict[str, object]:
    """Return strings.json."""
    data: dict[str, object] = json.loads(
        (INTEGRATION / "strings.json").read_text(encoding="utf-8")
    )
    return data


def test_english_translation_is_identical_to_strings() -> None:
    """translations/en.json is an exact copy of strings.json."""
    source = (INTEGRATION / "strings.json").read_bytes()
    assert (INTEGRATION / "translations" / "en.json").read_bytes() == source


def test_library_never_imports_home_assistant() -> None:
    """Pyinvisoutlet stays a standalone library."""
    for path in (INTEGRATION / "pyinvisoutlet").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name.split(".")[0] == "homeassistant" for name in names), (
                path
            )


# Imports every module of the integration in a fresh interpreter: Home Assistant
# reports a deprecated name the first time an integration's module uses it.
IMPORT_EVERY_MODULE = """
import importlib, logging, pkgutil
logging.basicConfig(level=logging.WARNING)
import custom_components.invisoutlet as package
for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    importlib.import_module(module.name)
"""


def test_nothing_home_assistant_deprecated_is_used() -> None:
    """The Home Assistant release under test logs no deprecation for our code."""
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", IMPORT_EVERY_MODULE],
        capture_output=True,
        check=True,
        cwd=ROOT,
        text=True,
        timeout=120,
    )
    assert "deprecated" not in result.stderr.lower(), result.stderr


def test_every_error_a_user_can_see_is_translated() -> None:
    """Each failure reason and raised key has a message in strings.json."""
    exceptions = strings()["exceptions"]
    assert isinstance(exceptions, dict)
    assert set(FIRMWARE_ERROR_KEYS) == set(FirmwareError)
    assert set(FIRMWARE_ERROR_KEYS.values()) | RAISED_KEYS <= exceptions.keys()
    assert {reason.value for reason in InvalidNameReason} <= exceptions.keys()


def test_manifest_keys_are_ordered_as_hassfest_wants() -> None:
    """Domain and name first, then the other keys alphabetically."""
    manifest = json.loads((INTEGRATION / "manifest.json").read_text(encoding="utf-8"))
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert manifest["version"]
    assert manifest["zeroconf"] == ["_invis._tcp.local."]


def test_quality_scale_tracks_every_rule_honestly() -> None:
    """Every rule is done, todo, or exempt with a written reason."""
    rules = load_yaml_dict(INTEGRATION / "quality_scale.yaml")["rules"]
    assert len(rules) >= 50
    for rule, status in rules.items():
        if isinstance(status, dict):
            assert status["status"] in {"done", "todo", "exempt"}, rule
            assert status["status"] != "exempt" or status.get("comment"), rule
        else:
            assert status in {"done", "todo"}, rule
