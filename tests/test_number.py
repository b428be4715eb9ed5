"""The colour light's effect speed (Aura) on the library mock."""

from __future__ import annotations

from collections.abc import Iterator
from unittest.mock import MagicMock, patch

from homeassistant.components.number import ATTR_VALUE, SERVICE_SET_VALUE  # type: ignore[attr-defined,unused-ignore]
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.invisoutlet.pyinvisoutlet import (
    ColorEffect,
    Design,
    InvisOutletCommandError,
    LedColor,
)

from .library_mock import color_light_state, deco_info, prepare_pro, push


@pytest.fixture
def platforms() -> list[Platform]:
    """Set entries up with the number platform only."""
    return [Platform.NUMBER]


EFFECT_SPEED = "number.invisdeco_0003c44076_effect_speed"


@pytest.fixture(autouse=True)
def only_numbers() -> Iterator[None]:
    """Load the number platform alone."""
    with patch("custom_components.invisoutlet.PLATFORMS", [Platform.NUMBER]):
        yield


def state_of(hass: HomeAssistant) -> str:
    """Return the effect speed's state."""
    state = hass.states.get(EFFECT_SPEED)
    assert state is not None
    return state.state


async def set_speed(hass: HomeAssistant, speed: float) -> None:
    """Call number.set_value on the effect speed and wait for it."""
    await hass.services.async_call(
        Platform.NUMBER,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: EFFECT_SPEED, ATTR_VALUE: speed},
        blocking=True,
    )


async def test_effect_speed_matches_the_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    mocked_integration: MockConfigEntry,
) -> None:
    """A configuration number from 0 to 7."""
    await snapshot_platform(
        hass, entity_registry, snapshot, mocked_integration.entry_id
    )


@pytest.mark.usefixtures("mock_firmware")
async def test_pro_has_no_effect_speed(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """A nightlight has no effects."""
    prepare_pro(mock_invisoutlet)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    numbers = hass.states.async_entity_ids(Platform.NUMBER)
    assert not [entity_id for entity_id in numbers if "effect_speed" in entity_id]


@pytest.mark.usefixtures("mocked_integration")
async def test_pushed_speed_is_shown(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The speed follows the InvisDeco's report."""
    push(mock_invisoutlet, color_light_state(speed=6))
    await hass.async_block_till_done()
    assert state_of(hass) == "6"


@pytest.mark.usefixtures("mocked_integration")
async def test_speed_is_sent_with_the_running_effect(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The design goes with the new speed, unchanged: every LED, effect, random."""
    rows = [[1, 70, [20, 80], 2700], [0, 40, [240, 100], 2700]]
    push(mock_invisoutlet, color_light_state(ColorEffect.BREATHING, rows=rows))
    await hass.async_block_till_done()
    await set_speed(hass, 5)
    mock_invisoutlet.set_design.assert_awaited_once_with(
        Design(
            leds=(
                LedColor(brightness=70, hs=(20, 80)),
                LedColor(on=False, brightness=40, hs=(240, 100)),
            ),
            effect=ColorEffect.BREATHING,
            speed=5,
            random_brightness=50,
        )
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_speed_is_not_guessed_after_a_command(hass: HomeAssistant) -> None:
    """Until the InvisDeco reports the new speed, the old one shows."""
    await set_speed(hass, 7)
    assert state_of(hass) == "3"


@pytest.mark.usefixtures("mocked_integration")
async def test_refused_speed_is_a_translated_error(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """PUBACK 0 raises device_error."""
    mock_invisoutlet.set_design.side_effect = InvisOutletCommandError("PUBACK 0")
    with pytest.raises(HomeAssistantError) as error:
        await set_speed(hass, 1)
    assert error.value.translation_key == "device_error"


@pytest.mark.usefixtures("mocked_integration")
async def test_offline_invisdeco_makes_the_speed_unavailable(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """While the faceplate is offline its speed cannot be set."""
    push(mock_invisoutlet, deco_info(online=False))
    await hass.async_block_till_done()
    assert state_of(hass) == STATE_UNAVAILABLE
