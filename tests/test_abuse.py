"""The whole device under abuse: bad input, floods, swapped faceplates, secrets."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
import logging
from typing import Any
from unittest.mock import MagicMock, patch

from homeassistant.components.number import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_VALUE,
    SERVICE_SET_VALUE,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.invisoutlet.const import DOMAIN
from custom_components.invisoutlet.pyinvisoutlet import InvisOutletCommandError

from .library_mock import Writes, no_deco_info, outlet_info, push, sensor_readings
from .simulator import InvisOutletSimulator


@pytest.fixture
def platforms() -> list[Platform]:
    """Set entries up with the light, number and sensor platforms only."""
    return [Platform.LIGHT, Platform.NUMBER, Platform.SENSOR]


AURA = "sensor.invisdeco_0003c44076"
PRO = "sensor.invisdeco_0003d44076"
BRIGHTNESS = "number.invisdeco_0003c44076_indicator_brightness"
EFFECT_SPEED = "number.invisdeco_0003c44076_effect_speed"
COLOR_LIGHT = "light.invisdeco_0003c44076_color_light"
# What any error a user reads may be long at most.
MAX_MESSAGE = 500
PASSWORD = "not-a-real-password"  # noqa: S105 (the fixture's, not a secret)


def state_of(hass: HomeAssistant, entity_id: str) -> str | None:
    """Return an entity's state, None when it does not exist."""
    state = hass.states.get(entity_id)
    return None if state is None else state.state


class FrozenClock:
    """The entities' write clock, moved only by the test."""

    def __init__(self) -> None:
        """Start at zero."""
        self.now = 0.0

    def __call__(self) -> float:
        """Return the current time."""
        return self.now


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    """Freeze the clock that bounds state writes per second."""
    frozen = FrozenClock()
    with patch("custom_components.invisoutlet.entity.monotonic", frozen):
        yield frozen


@pytest.mark.parametrize(
    ("value", "key"),
    [
        (float("nan"), "not_a_number"),
        # Home Assistant's own range check catches these first, translated too.
        (float("inf"), "out_of_range"),
        (float("-inf"), "out_of_range"),
    ],
)
@pytest.mark.parametrize("entity_id", [BRIGHTNESS, EFFECT_SPEED])
@pytest.mark.usefixtures("mocked_integration")
async def test_a_number_that_is_not_finite_is_refused_and_sends_nothing(
    hass: HomeAssistant,
    mock_invisoutlet: MagicMock,
    entity_id: str,
    value: float,
    key: str,
) -> None:
    """NaN and infinities from an automation get a translated error, nothing sent."""
    with pytest.raises(ServiceValidationError) as error:
        await hass.services.async_call(
            "number",
            SERVICE_SET_VALUE,
            {ATTR_ENTITY_ID: entity_id, ATTR_VALUE: value},
            blocking=True,
        )
    assert error.value.translation_key == key
    mock_invisoutlet.configure.assert_not_awaited()
    mock_invisoutlet.set_color_light.assert_not_awaited()


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
@pytest.mark.usefixtures("mocked_integration")
async def test_a_calibration_that_is_not_finite_is_refused_and_sends_nothing(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, value: float
) -> None:
    """The climate calibration refuses NaN and infinities with a translated error."""
    with pytest.raises(ServiceValidationError) as error:
        await hass.services.async_call(
            DOMAIN,
            "calibrate_climate",
            {"device_id": "any", "temperature": value, "humidity": 40},
            blocking=True,
        )
    assert error.value.translation_key == "temperature_out_of_range"
    mock_invisoutlet.calibrate_climate.assert_not_awaited()


@pytest.mark.usefixtures("mocked_integration")
async def test_an_error_echoing_user_input_is_bounded(hass: HomeAssistant) -> None:
    """A 10,000-character device id does not come back as a 10,000-character error."""
    with pytest.raises(ServiceValidationError) as error:
        await hass.services.async_call(
            DOMAIN,
            "calibrate_climate",
            {"device_id": "x" * 10_000, "temperature": 21, "humidity": 40},
            blocking=True,
        )
    assert error.value.translation_key == "not_an_invisdeco"
    assert len(str(error.value)) <= MAX_MESSAGE


@pytest.mark.usefixtures("mocked_integration")
async def test_an_unknown_effect_of_any_length_is_refused_bounded(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """A 10,000-character effect name gets a short translated error, nothing sent."""
    with pytest.raises(ServiceValidationError) as error:
        await hass.services.async_call(
            "light",
            "turn_on",
            {ATTR_ENTITY_ID: COLOR_LIGHT, "effect": "e" * 10_000},
            blocking=True,
        )
    assert error.value.translation_key == "unknown_effect"
    assert len(str(error.value)) <= MAX_MESSAGE
    mock_invisoutlet.set_design.assert_not_awaited()


@pytest.mark.usefixtures("mocked_integration")
async def test_an_error_carrying_device_text_is_bounded(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """An absurdly long refusal from the device is cut in what the user reads."""
    mock_invisoutlet.configure.side_effect = InvisOutletCommandError("no" * 5_000)
    with pytest.raises(HomeAssistantError) as error:
        await hass.services.async_call(
            "number",
            SERVICE_SET_VALUE,
            {ATTR_ENTITY_ID: BRIGHTNESS, ATTR_VALUE: 50},
            blocking=True,
        )
    assert len(str(error.value)) <= MAX_MESSAGE


@pytest.mark.usefixtures("mocked_integration")
async def test_a_flood_of_readings_writes_at_most_twenty_states_a_second(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, clock: FrozenClock
) -> None:
    """Thousands of changing readings a second: 20 writes at once, then the last."""
    writes = Writes(hass, f"{AURA}_temperature")
    for index in range(200):
        push(mock_invisoutlet, sensor_readings(temp_celsius=f"{20 + index / 100}"))
    await hass.async_block_till_done()
    assert writes.count == 20
    clock.now = 1.5
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2))
    await hass.async_block_till_done()
    # The last reading of the burst is never lost.
    assert writes.count == 21
    assert state_of(hass, f"{AURA}_temperature") == "21.99"


@pytest.mark.usefixtures("mocked_integration")
async def test_the_first_change_of_a_burst_is_written_at_once(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, clock: FrozenClock
) -> None:
    """The bound never delays what a real faceplate sends (one push a second)."""
    push(mock_invisoutlet, sensor_readings(temp_celsius="25.5"))
    await hass.async_block_till_done()
    assert state_of(hass, f"{AURA}_temperature") == "25.5"


@pytest.mark.usefixtures("mocked_integration")
async def test_readings_of_a_removed_faceplate_never_show_on_the_next(
    hass: HomeAssistant, mock_invisoutlet: MagicMock
) -> None:
    """Remove an Aura, fit a Pro whose readings are refused: no Aura value shows."""
    push(mock_invisoutlet, no_deco_info())
    mock_invisoutlet.sensors.side_effect = InvisOutletCommandError("refused")
    mock_invisoutlet.outlet_info.return_value = outlet_info("outlet_info_pro")
    for _ in range(2):  # a replacement is taken once two readings agree
        push(mock_invisoutlet, outlet_info("outlet_info_pro"))
        await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass, f"{PRO}_illuminance") in (None, STATE_UNAVAILABLE)
    assert state_of(hass, f"{PRO}_radar_distance") in (None, STATE_UNAVAILABLE)


async def test_no_log_line_carries_the_mqtt_password(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Settings in any shape, read at any log level: the password never shows."""
    caplog.set_level(logging.DEBUG)
    settings: Any = simulator.device.configuration
    shapes: tuple[Any, ...] = (
        [settings["sys_prefs"], settings["acc_prefs"]],
        [{"sys_prefs": settings["sys_prefs"]}, {"acc_prefs": settings["acc_prefs"]}],
        f"garbled {settings}",
    )
    for shape in shapes:
        simulator.device.configuration = shape
        await init_integration.runtime_data.device.async_refresh()
    assert PASSWORD not in caplog.text
