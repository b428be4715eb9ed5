"""Every translation matches the English source string for string."""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
import re

import pytest

from custom_components.invisoutlet.switch import OUTLET_SWITCHES
from custom_components.invisoutlet.update import UPDATES

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


# A device page shows about 22 characters of a name; longer ones are cut short.
MAX_NAME_LENGTH = 24
# Names of one device and platform must differ within what a narrow page shows.
DISTINCT_PREFIX = 18
# The outlet's own entities; every other one belongs to its InvisDeco.
OUTLET_ENTITIES = {("switch", description.key) for description in OUTLET_SWITCHES} | {
    ("update", description.key) for description in UPDATES
}
NAMED_FILES = [INTEGRATION / "strings.json", *LANGUAGE_FILES]


def entity_names(path: Path) -> dict[tuple[str, str], str]:
    """Return the entity names of a strings file by (platform, translation key)."""
    platforms = load(path)["entity"]
    assert isinstance(platforms, dict)
    return {
        (platform, key): entity["name"]
        for platform, entities in platforms.items()
        for key, entity in entities.items()
        if "name" in entity
    }


@pytest.mark.parametrize("path", NAMED_FILES, ids=lambda path: path.stem)
def test_entity_names_fit_a_device_page(path: Path) -> None:
    """No entity name is longer than a device page shows."""
    long = {
        key: name
        for key, name in entity_names(path).items()
        if len(name) > MAX_NAME_LENGTH
    }
    assert long == {}


@pytest.mark.parametrize("path", NAMED_FILES, ids=lambda path: path.stem)
def test_entity_names_differ_where_a_device_page_cuts_them(path: Path) -> None:
    """Two entities of one device and platform differ within their first characters."""
    seen: dict[tuple[bool, str, str], str] = {}
    clashes = []
    for (platform, key), name in entity_names(path).items():
        where = ((platform, key) in OUTLET_ENTITIES, platform)
        shown = name[:DISTINCT_PREFIX].casefold()
        if (other := seen.setdefault((*where, shown), key)) != key:
            clashes.append((other, key, name))
    assert clashes == []
