"""Specification of the package: the vendored library builds as its own `pyinvisoutlet`.

`pip wheel` at the repository root builds, offline and with the build backend pinned in
requirements_lint.txt, a wheel of the library alone under its own top-level name, and
that wheel imports in an interpreter that cannot import Home Assistant.
"""

from __future__ import annotations

import email
from email.message import Message
from pathlib import Path
import subprocess
import sys
import zipfile

import pytest

from custom_components.invisoutlet.pyinvisoutlet import __version__

# One worker builds the wheel once for every test here (each build costs a second).
pytestmark = pytest.mark.xdist_group("wheel")

ROOT = Path(__file__).parents[2]
LIBRARY = ROOT / "custom_components" / "invisoutlet" / "pyinvisoutlet"
DIST_INFO = f"pyinvisoutlet-{__version__}.dist-info"
# Far above the second that each subprocess takes: a bound, never the verdict.
TIMEOUT = 40

# Run with the unpacked wheel first on sys.path by an interpreter whose import system
# refuses Home Assistant and the integration: the library must stand on its own.
REFUSE_HOME_ASSISTANT = """
import importlib.abc, sys

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {"homeassistant", "custom_components"}:
            raise ImportError(f"refused: {name}")
        return None

sys.meta_path.insert(0, Refuse())
sys.path.insert(0, sys.argv[1])
"""
IMPORT_WITHOUT_HOME_ASSISTANT = (
    REFUSE_HOME_ASSISTANT
    + """
import pyinvisoutlet
print(pyinvisoutlet.__version__)
print(pyinvisoutlet.__file__)
print(pyinvisoutlet.InvisOutlet.__name__)
try:
    import homeassistant
except ImportError:
    print("homeassistant refused")
"""
)
# `python -m pyinvisoutlet --help`, in that same interpreter.
RUN_COMMAND_LINE_WITHOUT_HOME_ASSISTANT = (
    REFUSE_HOME_ASSISTANT
    + """
import runpy
sys.argv = ["pyinvisoutlet", "--help"]
runpy.run_module("pyinvisoutlet", run_name="__main__", alter_sys=True)
"""
)


def run(*args: str) -> str:
    """Run this interpreter with args and return what it printed; fail on an error."""
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, *args],
        capture_output=True,
        check=False,
        cwd=ROOT,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel from the repository, offline, and return it."""
    wheels = tmp_path_factory.mktemp("wheels")
    run(
        *("-m", "pip", "wheel", "--isolated", "--disable-pip-version-check"),
        *("--no-build-isolation", "--no-deps", "--no-index", "--no-cache-dir"),
        *("--quiet", "--wheel-dir", str(wheels), str(ROOT)),
    )
    (built,) = wheels.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    """Return the names of the files in the wheel."""
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.fixture(scope="module")
def metadata(wheel: Path) -> Message:
    """Return the wheel's core metadata."""
    with zipfile.ZipFile(wheel) as archive:
        return email.message_from_bytes(archive.read(f"{DIST_INFO}/METADATA"))


def test_wheel_is_pyinvisoutlet_at_the_library_version(wheel: Path) -> None:
    """The wheel is named after the package and the library's __version__."""
    assert wheel.name == f"pyinvisoutlet-{__version__}-py3-none-any.whl"


def test_wheel_holds_every_module_of_the_library_under_its_own_name(
    names: set[str],
) -> None:
    """The vendored folder becomes the top-level package pyinvisoutlet."""
    modules = {f"pyinvisoutlet/{path.name}" for path in LIBRARY.glob("*.py")}

    assert "pyinvisoutlet/__init__.py" in names
    assert modules <= names


def test_wheel_marks_the_library_as_typed(names: set[str]) -> None:
    """A py.typed marker lets type checkers use the library's annotations."""
    assert "pyinvisoutlet/py.typed" in names


def test_wheel_holds_nothing_but_the_library(names: set[str]) -> None:
    """No integration, no tests, no caches: the package and its metadata only."""
    assert {name.split("/")[0] for name in names} == {"pyinvisoutlet", DIST_INFO}
    assert not [name for name in names if "custom_components" in name]
    assert not [name for name in names if "tests" in name.split("/")]
    assert not [name for name in names if name.endswith(".pyc")]


def test_wheel_declares_python_its_dependencies_and_the_mit_licence(
    metadata: Message,
) -> None:
    """Python 3.13 or later, aiohttp and orjson as HA 2025.4 pins them, MIT, typed."""
    assert metadata["Name"] == "pyinvisoutlet"
    assert metadata["Version"] == __version__
    assert metadata["Requires-Python"] == ">=3.13"
    assert metadata.get_all("Requires-Dist") == [
        "aiohttp>=3.11.16",
        "orjson>=3.10.16",
    ]
    assert metadata["License-Expression"] == "MIT"
    assert "Typing :: Typed" in metadata.get_all("Classifier", [])


def test_library_imports_from_the_wheel_without_home_assistant(
    wheel: Path, tmp_path: Path
) -> None:
    """A fresh interpreter that refuses Home Assistant imports the wheel's library."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path)

    printed = run("-I", "-c", IMPORT_WITHOUT_HOME_ASSISTANT, str(tmp_path))

    version, module, client, refused = printed.splitlines()
    assert version == __version__
    assert Path(module) == tmp_path / "pyinvisoutlet" / "__init__.py"
    assert client == "InvisOutlet"
    assert refused == "homeassistant refused"


def test_wheel_installs_the_pyinvisoutlet_command(wheel: Path) -> None:
    """`pip install` of the wheel puts a `pyinvisoutlet` command on PATH."""
    with zipfile.ZipFile(wheel) as archive:
        entry_points = archive.read(f"{DIST_INFO}/entry_points.txt").decode()

    assert "[console_scripts]" in entry_points
    assert "pyinvisoutlet = pyinvisoutlet.cli:main" in entry_points.splitlines()


def test_command_line_runs_from_the_wheel_without_home_assistant(
    wheel: Path, tmp_path: Path
) -> None:
    """`python -m pyinvisoutlet --help` needs nothing of Home Assistant."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path)

    printed = run("-I", "-c", RUN_COMMAND_LINE_WITHOUT_HOME_ASSISTANT, str(tmp_path))

    assert printed.startswith("usage: pyinvisoutlet")
