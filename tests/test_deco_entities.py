"""An InvisDeco's entities come and go with the faceplate, at start-up too."""

from __future__ import annotations

from unittest.mock import MagicMock

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .common import DECO_SERIAL
from .library_mock import prepare_pro

PRO_SERIAL = "0003D44076"


def unique_ids(registry: er.EntityRegistry, entry: MockConfigEntry) -> list[str]:
    """Return the unique ids of the entry's entities."""
    return [
        entity.unique_id
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id)
    ]


async def test_entities_of_a_faceplate_gone_while_stopped_are_removed_at_start_up(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    mock_invisoutlet: MagicMock,
    entity_registry: er.EntityRegistry,
) -> None:
    """An Aura swapped for a Pro while Home Assistant was stopped leaves nothing."""
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert any(DECO_SERIAL in uid for uid in unique_ids(entity_registry, config_entry))
    await hass.config_entries.async_unload(config_entry.entry_id)
    prepare_pro(mock_invisoutlet)

    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    shown = unique_ids(entity_registry, config_entry)
    assert not [uid for uid in shown if DECO_SERIAL in uid]
    assert [uid for uid in shown if PRO_SERIAL in uid]
