"""How long an occupancy calibration measures: kept here, used by the button."""

from __future__ import annotations

from collections.abc import Iterator
from unittest.mock import MagicMock, patch

from homeassistant.components.button import SERVICE_PRESS  # type: ignore[attr-defined,unused-ignore]
from homeassistant.components.number import ATTR_VALUE, SERVICE_SET_VALUE  # type: ignore[attr-defined,unused-ignore]
from homeassistant.const import ATTR_ENTITY_ID, EntityCategory, Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
)

from .common import DECO_SERIAL, get_device


@pytest.fixture
def platforms() -> list[Platform]:
    """Set entries up with the button and number platforms only."""
    return [Platform.BUTTON, Platform.NUMBER]


DURATION = "number.invisdeco_0003c44076_calibration_duration"
CALIBRATE = "button.invisdeco_0003c44076_calibrate_occupancy"


@pytest.fixture(autouse=True)
def button_and_number() -> Iterator[None]:
    """Load the button and number platforms."""
    with patch(
        "custom_components.invisoutlet.PLATFORMS", [Platform.BUTTON, Platform.NUMBER]
    ):
        yield


def duration_of(hass: HomeAssistant) -> str:
    """Return the duration shown."""
    state = hass.states.get(DURATION)
    assert state is not None
    return state.state


async def set_duration(hass: HomeAssistant, seconds: float) -> None:
    """Call number.set_value on the duration and wait for it."""
    await hass.services.async_call(
        Platform.NUMBER,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: DURATION, ATTR_VALUE: seconds},
        blocking=True,
    )


async def calibrate(hass: HomeAssistant) -> None:
    """Press the calibrate button and wait for it."""
    await hass.services.async_call(
        Platform.BUTTON, SERVICE_PRESS, {ATTR_ENTITY_ID: CALIBRATE}, blocking=True
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_duration_is_the_recommended_30_seconds_at_first(
    hass: HomeAssistant,
) -> None:
    """Nothing set yet: the vendor's recommendation."""
    assert duration_of(hass) == "30"


@pytest.mark.usefixtures("mocked_integration")
async def test_duration_is_configuration_of_the_invisdeco(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """A configuration entity of the faceplate whose radar it calibrates."""
    entry = entity_registry.async_get(DURATION)
    assert entry is not None
    assert (entry.entity_category, entry.device_id) == (
        EntityCategory.CONFIG,
        get_device(hass, DECO_SERIAL).id,
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_calibration_measures_for_the_duration_set(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Set 45 s, press the button: the InvisDeco is asked for 45 s."""
    await set_duration(hass, 45)
    await calibrate(hass)
    mock_invisoutlet.calibrate_occupancy.assert_awaited_once_with(seconds=45)
    assert duration_of(hass) == "45"


@pytest.mark.parametrize("seconds", [29, 61])
@pytest.mark.usefixtures("mocked_integration")
async def test_duration_outside_30_to_60_seconds_is_refused(
    hass: HomeAssistant, seconds: int
) -> None:
    """The vendor advises 30-60 s; anything else is refused and the value stays."""
    with pytest.raises(ServiceValidationError):
        await set_duration(hass, seconds)
    assert duration_of(hass) == "30"


@pytest.mark.usefixtures("mock_firmware")
async def test_duration_set_before_a_restart_is_kept(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """The device stores no duration: Home Assistant restores the one last set."""
    mock_restore_cache_with_extra_data(
        hass,
        (
            (
                State(DURATION, "50"),
                {
                    "native_max_value": 60,
                    "native_min_value": 30,
                    "native_step": 1,
                    "native_unit_of_measurement": "s",
                    "native_value": 50,
                },
            ),
        ),
    )
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await calibrate(hass)
    mock_invisoutlet.calibrate_occupancy.assert_awaited_once_with(seconds=50)
