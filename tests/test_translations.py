"""Every translation matches the English source string for string."""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
import re

import pytest

INTEGRATION = Path(__file__).parent.parent / "custom_components" / "invisoutlet"
TRANSLATIONS = INTEGRATION / "translations"
REQUIRED_LANGUAGES = {"de", "en", "es", "fr", "nl"}
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
LANGUAGE_FILES = sorted(TRANSLATIONS.glob("*.json"))


def load(path: Path) -> dict[str, object]:
    """Return the decoded JSON object in path."""
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def leaves(tree: dict[str, object], prefix: str = "") -> Iterator[tuple[str, object]]:
    """Yield (key path, value) for every non-object value in tree."""
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            yield from leaves(value, path)
        else:
            yield path, value


def strings() -> dict[str, object]:
    """Return the English source strings as a flat key path mapping."""
    return dict(leaves(load(INTEGRATION / "strings.json")))


def translation(path: Path) -> dict[str, object]:
    """Return a translation file as a flat key path mapping."""
    return dict(leaves(load(path)))


def test_required_languages_exist() -> None:
    """German, English, Spanish, French and Dutch translations are present."""
    missing = REQUIRED_LANGUAGES - {path.stem for path in LANGUAGE_FILES}
    assert missing == set()


@pytest.mark.parametrize("path", LANGUAGE_FILES, ids=lambda path: path.stem)
def test_translation_has_exactly_the_keys_of_strings(path: Path) -> None:
    """A translation has every key path of strings.json and no others."""
    expected = set(strings())
    actual = set(translation(path))
    assert (sorted(expected - actual), sorted(actual - expected)) == ([], [])


@pytest.mark.parametrize("path", LANGUAGE_FILES, ids=lambda path: path.stem)
def test_translation_keeps_the_placeholders(path: Path) -> None:
    """Each translated string uses the same placeholder names as the English."""
    english = strings()
    wrong = {
        key: value
        for key, value in translation(path).items()
        if isinstance(value, str)
        and isinstance(english.get(key), str)
        and set(PLACEHOLDER.findall(value))
        != set(PLACEHOLDER.findall(str(english[key])))
    }
    assert wrong == {}


@pytest.mark.parametrize("path", LANGUAGE_FILES, ids=lambda path: path.stem)
def test_translation_has_no_empty_value(path: Path) -> None:
    """Every value in a translation is a non-blank string."""
    empty = [
        key
        for key, value in translation(path).items()
        if not isinstance(value, str) or not value.strip()
    ]
    assert empty == []
