"""The action invisoutlet.calibrate_climate."""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock, patch

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.invisoutlet.const import DOMAIN
from custom_components.invisoutlet.pyinvisoutlet import (
    InvisOutletCommandError,
    InvisOutletConnectionError,
    InvisOutletTimeoutError,
)

from .common import DECO_SERIAL, SERIAL, get_device

INTEGRATION = Path(__file__).parent.parent / "custom_components" / "invisoutlet"
CALIBRATE = "calibrate_climate"


@pytest.fixture(autouse=True)
def no_platforms() -> Iterator[None]:
    """Load no entity platform: the action needs none."""
    with patch("custom_components.invisoutlet.PLATFORMS", []):
        yield


async def calibrate(hass: HomeAssistant, **data: Any) -> None:
    """Call invisoutlet.calibrate_climate and wait for it."""
    await hass.services.async_call(DOMAIN, CALIBRATE, data, blocking=True)


def deco_id(hass: HomeAssistant) -> str:
    """Return the device id of the fixture outlet's InvisDeco."""
    return get_device(hass, DECO_SERIAL).id


async def test_action_exists_without_any_outlet(hass: HomeAssistant) -> None:
    """It is registered with the integration, not with an entry."""
    assert await async_setup_component(hass, DOMAIN, {})
    assert hass.services.has_service(DOMAIN, CALIBRATE)


@pytest.mark.usefixtures("mocked_integration")
async def test_calibration_sends_the_reference_values(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The InvisDeco gets the temperature and humidity measured beside it."""
    await calibrate(hass, device_id=deco_id(hass), temperature=21.5, humidity=45)
    mock_invisoutlet.calibrate_climate.assert_awaited_once_with(
        temperature=21.5, humidity=45.0
    )


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"temperature": -40.5, "humidity": 45}, "temperature_out_of_range"),
        ({"temperature": 85.1, "humidity": 45}, "temperature_out_of_range"),
        ({"temperature": 21, "humidity": -1}, "humidity_out_of_range"),
        ({"temperature": 21, "humidity": 100.5}, "humidity_out_of_range"),
    ],
)
@pytest.mark.usefixtures("mocked_integration")
async def test_value_outside_the_sensor_range_is_a_translated_error(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, values: dict[str, float], key: str
) -> None:
    """Nothing is sent; the error names the value and the range."""
    with pytest.raises(ServiceValidationError) as error:
        await calibrate(hass, device_id=deco_id(hass), **values)
    assert (error.value.translation_domain, error.value.translation_key) == (
        DOMAIN,
        key,
    )
    mock_invisoutlet.calibrate_climate.assert_not_awaited()


@pytest.mark.usefixtures("mocked_integration")
async def test_range_limits_are_accepted(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """-40 °C and 100 % are still within what the sensor measures."""
    await calibrate(hass, device_id=deco_id(hass), temperature=-40, humidity=100)
    mock_invisoutlet.calibrate_climate.assert_awaited_once_with(
        temperature=-40.0, humidity=100.0
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_the_outlet_itself_is_not_an_invisdeco(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """The outlet has no climate sensor: not_an_invisdeco."""
    outlet = get_device(hass, SERIAL).id
    with pytest.raises(ServiceValidationError) as error:
        await calibrate(hass, device_id=outlet, temperature=21, humidity=45)
    assert error.value.translation_key == "not_an_invisdeco"
    mock_invisoutlet.calibrate_climate.assert_not_awaited()


@pytest.mark.usefixtures("mocked_integration")
async def test_an_unknown_device_is_not_an_invisdeco(hass: HomeAssistant) -> None:
    """A device id that does not exist: not_an_invisdeco."""
    with pytest.raises(ServiceValidationError) as error:
        await calibrate(hass, device_id="no-such-device", temperature=21, humidity=45)
    assert error.value.translation_key == "not_an_invisdeco"


async def test_an_invisdeco_of_an_unloaded_outlet_cannot_be_calibrated(
    hass: HomeAssistant, mocked_integration: MockConfigEntry
) -> None:
    """Without its outlet's link nothing reaches it: not_an_invisdeco."""
    device = deco_id(hass)
    await hass.config_entries.async_unload(mocked_integration.entry_id)
    with pytest.raises(ServiceValidationError) as error:
        await calibrate(hass, device_id=device, temperature=21, humidity=45)
    assert error.value.translation_key == "not_an_invisdeco"


@pytest.mark.usefixtures("mocked_integration")
async def test_refused_calibration_is_a_translated_error(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """PUBACK 0 raises device_error."""
    mock_invisoutlet.calibrate_climate.side_effect = InvisOutletCommandError("0")
    with pytest.raises(HomeAssistantError) as error:
        await calibrate(hass, device_id=deco_id(hass), temperature=21, humidity=45)
    assert error.value.translation_key == "device_error"


async def test_unanswered_calibration_is_that_actions_error(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    mocked_integration: MockConfigEntry,
) -> None:
    """No answer on a live link raises command_timeout; the outlet stays."""
    mock_invisoutlet.calibrate_climate.side_effect = InvisOutletTimeoutError("late")
    with pytest.raises(HomeAssistantError) as error:
        await calibrate(hass, device_id=deco_id(hass), temperature=21, humidity=45)
    assert error.value.translation_key == "command_timeout"
    assert mocked_integration.runtime_data.device.last_update_success


async def test_calibration_on_a_lost_link_makes_the_outlet_unavailable(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    mocked_integration: MockConfigEntry,
) -> None:
    """A link lost under the action raises communication_error, outlet unavailable."""
    mock_invisoutlet.calibrate_climate.side_effect = InvisOutletConnectionError("x")
    with pytest.raises(HomeAssistantError) as error:
        await calibrate(hass, device_id=deco_id(hass), temperature=21, humidity=45)
    assert error.value.translation_key == "communication_error"
    assert not mocked_integration.runtime_data.device.last_update_success


def test_action_and_its_fields_are_described_and_named() -> None:
    """services.yaml, strings.json and icons.json agree on the action's fields."""
    described = load_yaml_dict(INTEGRATION / "services.yaml")[CALIBRATE]["fields"]
    strings = json.loads((INTEGRATION / "strings.json").read_text(encoding="utf-8"))
    icons = json.loads((INTEGRATION / "icons.json").read_text(encoding="utf-8"))
    action = strings["services"][CALIBRATE]
    assert action["name"]
    assert action["description"]
    assert (
        set(action["fields"])
        == set(described)
        == {
            "device_id",
            "temperature",
            "humidity",
        }
    )
    assert icons["services"][CALIBRATE]["service"].startswith("mdi:")
