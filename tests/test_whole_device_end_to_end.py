"""One round trip per platform: Home Assistant, the real client, the simulator.

Each test changes something from one end, over real sockets, and waits for the other
end to show it: a service call reaches the simulated device, whose push comes back as
the entity's state; a reading changed on the device comes back the same way.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.light import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_BRIGHTNESS,
    ATTR_EFFECT,
    ATTR_HS_COLOR,
)
from homeassistant.components.number import ATTR_VALUE, SERVICE_SET_VALUE  # type: ignore[attr-defined,unused-ignore]
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_FRIENDLY_NAME,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    Platform,
)
from homeassistant.core import HomeAssistant, State
import pytest

from .simulator import InvisOutletSimulator, SimulatedDevice
from .waiting import wait_until

OUTLET_2 = "switch.invisoutlet_11a1f7000fe_phone_charger"
TEMPERATURE = "sensor.invisdeco_0003c44076_temperature"
OCCUPANCY = "binary_sensor.invisdeco_0003c44076_occupancy"
COLOR_LIGHT = "light.invisdeco_0003c44076_color_light"
NIGHTLIGHT = "light.invisdeco_0003d44076_nightlight"
EFFECT_SPEED = "number.invisdeco_0003c44076_effect_speed"
OUTLET_2_NAME = "text.invisoutlet_11a1f7000fe_outlet_2_name"

pytestmark = pytest.mark.usefixtures("init_integration")


def state_of(hass: HomeAssistant, entity_id: str) -> State:
    """Return an entity's state."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state


async def call(
    hass: HomeAssistant, platform: Platform, service: str, **data: Any
) -> None:
    """Call a service, wait for it, and let what the device pushed be shown."""
    await hass.services.async_call(platform, service, data, blocking=True)
    await hass.async_block_till_done()


async def test_outlet_switched_on_in_home_assistant_is_on_at_the_device(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """switch.turn_on switches the outlet; its push shows the switch on."""
    assert state_of(hass, OUTLET_2).state == STATE_OFF
    await call(hass, Platform.SWITCH, SERVICE_TURN_ON, **{ATTR_ENTITY_ID: OUTLET_2})
    assert simulator.device.outlets == [True, True]
    assert state_of(hass, OUTLET_2).state == STATE_ON


async def test_reading_pushed_by_the_device_is_shown(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """A temperature the InvisDeco pushes is the sensor's state."""
    await simulator.set_readings(temp_celsius="24.3")
    await wait_until(lambda: state_of(hass, TEMPERATURE).state == "24.3")


async def test_room_left_empty_clears_occupancy(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """The radar's verdict, pushed, is the occupancy sensor's state."""
    assert state_of(hass, OCCUPANCY).state == STATE_ON
    await simulator.set_readings(occupancy_state=0)
    await wait_until(lambda: state_of(hass, OCCUPANCY).state == STATE_OFF)


async def test_colour_chosen_in_home_assistant_lights_every_led(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """light.turn_on with a colour and full brightness reaches all nine LEDs."""
    await call(
        hass,
        Platform.LIGHT,
        SERVICE_TURN_ON,
        **{
            ATTR_ENTITY_ID: COLOR_LIGHT,
            ATTR_HS_COLOR: (240, 100),
            ATTR_BRIGHTNESS: 255,
        },
    )
    leds = simulator.device.color_light.leds
    assert {(led.on, led.brightness, led.hue, led.saturation) for led in leds} == {
        (1, 100, 240, 100)
    }
    state = state_of(hass, COLOR_LIGHT)
    assert (state.attributes[ATTR_HS_COLOR], state.attributes[ATTR_BRIGHTNESS]) == (
        (240, 100),
        255,
    )


async def test_effect_chosen_in_home_assistant_runs_on_the_device(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """light.turn_on with an effect starts it; the light shows it running."""
    await call(
        hass,
        Platform.LIGHT,
        SERVICE_TURN_ON,
        **{ATTR_ENTITY_ID: COLOR_LIGHT, ATTR_EFFECT: "rainbow"},
    )
    assert simulator.device.color_light.effect == 6
    assert state_of(hass, COLOR_LIGHT).attributes[ATTR_EFFECT] == "rainbow"


async def test_effect_speed_set_in_home_assistant_is_the_device_speed(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """number.set_value sends the speed; the report shows it."""
    await call(
        hass,
        Platform.NUMBER,
        SERVICE_SET_VALUE,
        **{ATTR_ENTITY_ID: EFFECT_SPEED, ATTR_VALUE: 6},
    )
    assert simulator.device.color_light.speed == 6
    assert state_of(hass, EFFECT_SPEED).state == "6"


@pytest.mark.parametrize("device", [SimulatedDevice.pro()])
async def test_nightlight_dimmed_in_home_assistant_is_dimmed_at_the_device(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """Half brightness in Home Assistant is 50 % on the InvisDeco Pro, and back."""
    await call(
        hass,
        Platform.LIGHT,
        SERVICE_TURN_ON,
        **{ATTR_ENTITY_ID: NIGHTLIGHT, ATTR_BRIGHTNESS: 128},
    )
    assert (simulator.device.nightlight_on, simulator.device.nightlight_brightness) == (
        True,
        50,
    )
    assert state_of(hass, NIGHTLIGHT).attributes[ATTR_BRIGHTNESS] == 128


async def test_outlet_renamed_in_home_assistant_is_renamed_at_the_device(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """text.set_value stores the name on the device; the switch takes it too."""
    await call(
        hass,
        Platform.TEXT,
        SERVICE_SET_VALUE,
        entity_id=OUTLET_2_NAME,
        value="Kettle",
    )

    assert simulator.device.names == {1: "Floor lamp", 2: "Kettle", 3: "Nightlight"}
    assert state_of(hass, OUTLET_2_NAME).state == "Kettle"
    outlet = state_of(hass, OUTLET_2)
    assert outlet.attributes[ATTR_FRIENDLY_NAME] == "InvisOutlet 11A1F7000FE Kettle"
