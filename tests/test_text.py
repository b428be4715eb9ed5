"""The names kept on the device (callbacks 3 and 4) as text entities."""

from __future__ import annotations

from collections.abc import Iterator
from unittest.mock import MagicMock, patch

from homeassistant.components.text import ATTR_VALUE, SERVICE_SET_VALUE  # type: ignore[attr-defined,unused-ignore]
from homeassistant.const import (
    ATTR_ENTITY_ID,
    STATE_UNAVAILABLE,
    EntityCategory,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.invisoutlet.pyinvisoutlet import (
    Accessory,
    AccessoryNames,
    InvisOutletCommandError,
)

from .common import SERIAL, get_device
from .library_mock import prepare_pro


@pytest.fixture
def platforms() -> list[Platform]:
    """Set entries up with the text platform only."""
    return [Platform.TEXT]


OUTLET_1 = "text.invisoutlet_11a1f7000fe_outlet_1_name"
OUTLET_2 = "text.invisoutlet_11a1f7000fe_outlet_2_name"
NIGHTLIGHT = "text.invisdeco_0003d44076_nightlight_name"
PRO_SERIAL = "0003D44076"


@pytest.fixture(autouse=True)
def only_texts() -> Iterator[None]:
    """Load the text platform alone."""
    with patch("custom_components.invisoutlet.PLATFORMS", [Platform.TEXT]):
        yield


@pytest.fixture
def pro(mock_invisoutlet: MagicMock) -> None:
    """Attach an InvisDeco Pro (it has the nightlight) to the fixture outlet."""
    prepare_pro(mock_invisoutlet)


def state_of(hass: HomeAssistant, entity_id: str) -> str | None:
    """Return an entity's state, None if it does not exist."""
    state = hass.states.get(entity_id)
    return None if state is None else state.state


async def rename(hass: HomeAssistant, entity_id: str, name: str) -> None:
    """Call text.set_value and wait for it."""
    await hass.services.async_call(
        Platform.TEXT,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: entity_id, ATTR_VALUE: name},
        blocking=True,
    )


@pytest.mark.usefixtures("pro")
async def test_names_match_the_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    mocked_integration: MockConfigEntry,
) -> None:
    """The outlets' names on the outlet, the nightlight's on the InvisDeco Pro."""
    await snapshot_platform(
        hass, entity_registry, snapshot, mocked_integration.entry_id
    )


@pytest.mark.usefixtures("pro", "mocked_integration")
async def test_names_show_what_the_device_reports(hass: HomeAssistant) -> None:
    """The names the owner gave in the vendor app (tests/fixtures)."""
    shown = {
        entity_id: state_of(hass, entity_id) for entity_id in (OUTLET_1, NIGHTLIGHT)
    }
    assert shown == {OUTLET_1: "Floor lamp", NIGHTLIGHT: "Nightlight"}


@pytest.mark.usefixtures("mocked_integration")
async def test_names_are_configuration_of_the_outlet(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """The outlets' names are configuration entities of the outlet's device."""
    outlet = get_device(hass, SERIAL).id
    for entity_id in (OUTLET_1, OUTLET_2):
        entry = entity_registry.async_get(entity_id)
        assert entry is not None
        assert (entry.entity_category, entry.device_id) == (
            EntityCategory.CONFIG,
            outlet,
        )


@pytest.mark.usefixtures("pro", "mocked_integration")
async def test_nightlight_name_is_the_invisdeco_pros(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """The nightlight belongs to the InvisDeco Pro: so does its name."""
    entry = entity_registry.async_get(NIGHTLIGHT)
    assert entry is not None
    assert entry.device_id == get_device(hass, PRO_SERIAL).id


@pytest.mark.usefixtures("mocked_integration")
async def test_aura_has_no_nightlight_name(hass: HomeAssistant) -> None:
    """An Aura has no nightlight to name."""
    assert sorted(hass.states.async_entity_ids(Platform.TEXT)) == [OUTLET_1, OUTLET_2]


@pytest.mark.usefixtures("mocked_integration")
async def test_renaming_sends_the_name_without_surrounding_spaces(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """text.set_value sends the one accessory's name, then reads the names back."""
    await rename(hass, OUTLET_2, "  Kettle ")
    mock_invisoutlet.set_accessory_name.assert_awaited_once_with(
        accessory=Accessory.BOTTOM_OUTLET, name="Kettle"
    )
    mock_invisoutlet.accessory_names.assert_awaited()


@pytest.mark.usefixtures("mocked_integration")
async def test_renamed_outlet_shows_the_name_read_back(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The name shown is the one the device reports after the answer."""
    mock_invisoutlet.accessory_names.return_value = AccessoryNames(
        names=((1, "Floor lamp"), (2, "Kettle"))
    )
    await rename(hass, OUTLET_2, "Kettle")
    assert state_of(hass, OUTLET_2) == "Kettle"


@pytest.mark.usefixtures("mocked_integration")
async def test_rename_is_not_guessed(hass: HomeAssistant) -> None:
    """A device that reports the old name back is shown with the old name."""
    await rename(hass, OUTLET_2, "Kettle")
    assert state_of(hass, OUTLET_2) == "Phone charger"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("", "name_empty"),
        ("   ", "name_empty"),
        ("x" * 33, "name_too_long"),
        ("Desk\nlamp", "name_control_character"),
        ("Desk\tlamp", "name_control_character"),
    ],
    ids=["empty", "blank", "33 characters", "line break", "tab"],
)
@pytest.mark.usefixtures("mocked_integration")
async def test_a_name_the_device_is_not_sent_is_a_translated_error(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, name: str, key: str
) -> None:
    """Empty, over 32 characters or with control characters: refused, not sent."""
    with pytest.raises(ServiceValidationError) as error:
        await rename(hass, OUTLET_1, name)
    assert error.value.translation_key == key
    mock_invisoutlet.set_accessory_name.assert_not_awaited()


@pytest.mark.usefixtures("mocked_integration")
async def test_too_long_name_error_says_the_limit(hass: HomeAssistant) -> None:
    """The message names the longest name allowed."""
    with pytest.raises(ServiceValidationError) as error:
        await rename(hass, OUTLET_1, "x" * 40)
    assert error.value.translation_placeholders == {"max": "32"}


@pytest.mark.usefixtures("mocked_integration")
async def test_a_name_of_32_characters_is_sent(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """32 characters, accents and all, is a name."""
    name = "Lampe de l'entrée " + "é" * 14
    await rename(hass, OUTLET_1, name)
    mock_invisoutlet.set_accessory_name.assert_awaited_once_with(
        accessory=Accessory.TOP_OUTLET, name=name
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_refused_name_is_a_translated_error(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """PUBACK 0 raises device_error; the name shown stays."""
    mock_invisoutlet.set_accessory_name.side_effect = InvisOutletCommandError("0")
    with pytest.raises(HomeAssistantError) as error:
        await rename(hass, OUTLET_1, "Fan")
    assert error.value.translation_key == "device_error"
    assert state_of(hass, OUTLET_1) == "Floor lamp"


async def test_names_not_read_are_unavailable(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """Names the device did not answer with cannot be shown."""
    mock_invisoutlet.accessory_names.side_effect = InvisOutletCommandError("0")
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert state_of(hass, OUTLET_1) == STATE_UNAVAILABLE
