"""One round trip per platform: Home Assistant, the real client, the simulator.

Each test changes something from one end, over real sockets, and waits for the other
end to show it: a service call reaches the simulated device, whose push comes back as
the entity's state; a reading changed on the device comes back the same way.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.light import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_BRIGHTNESS,
    ATTR_COLOR_TEMP_KELVIN,
    ATTR_EFFECT,
    ATTR_HS_COLOR,
)
from homeassistant.components.number import ATTR_VALUE, SERVICE_SET_VALUE  # type: ignore[attr-defined,unused-ignore]
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_FRIENDLY_NAME,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    Platform,
)
from homeassistant.core import HomeAssistant, State
import pytest

from custom_components.invisoutlet.const import DOMAIN

from .simulator import InvisOutletSimulator, SimulatedDevice
from .simulator.lights import ColorLight, Led
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


async def call(hass: HomeAssistant, domain: str, service: str, **data: Any) -> None:
    """Call a service, wait for it, and let what the device pushed be shown."""
    await hass.services.async_call(domain, service, data, blocking=True)
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


async def test_colour_temperature_chosen_in_home_assistant_lights_every_led(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """A colour temperature at full brightness is every LED's, not LED 1's alone."""
    await call(
        hass,
        Platform.LIGHT,
        SERVICE_TURN_ON,
        **{
            ATTR_ENTITY_ID: COLOR_LIGHT,
            ATTR_COLOR_TEMP_KELVIN: 3000,
            ATTR_BRIGHTNESS: 255,
        },
    )
    light = simulator.device.color_light
    assert light.effect == 2
    assert {(led.on, led.brightness, led.kelvin) for led in light.leds} == {
        (1, 100, 3000)
    }
    assert state_of(hass, COLOR_LIGHT).attributes[ATTR_COLOR_TEMP_KELVIN] == 3000


async def test_brightness_chosen_in_home_assistant_reaches_every_led(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """Half brightness dims all nine LEDs to 50 %, each keeping its colour."""
    hues = [led.hue for led in simulator.device.color_light.leds]
    await call(
        hass,
        Platform.LIGHT,
        SERVICE_TURN_ON,
        **{ATTR_ENTITY_ID: COLOR_LIGHT, ATTR_BRIGHTNESS: 128},
    )
    leds = simulator.device.color_light.leds
    assert [(led.on, led.brightness) for led in leds] == [(1, 50)] * 9
    assert [led.hue for led in leds] == hues
    assert state_of(hass, COLOR_LIGHT).attributes[ATTR_BRIGHTNESS] == 128


async def test_design_set_in_home_assistant_repeats_around_the_ring(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """Three colours light LEDs 1-9 as red, green, blue, red, …, breathing."""
    leds = [{"hs_color": [hue, 100], "brightness_pct": 60} for hue in (0, 120, 240)]
    await call(
        hass,
        DOMAIN,
        "set_design",
        **{ATTR_ENTITY_ID: COLOR_LIGHT, "leds": leds, "effect": "breathing"},
    )
    light = simulator.device.color_light
    assert light.effect == 3
    assert [(led.on, led.brightness, led.hue) for led in light.leds] == [
        (1, 60, hue) for hue in (0, 120, 240) * 3
    ]
    assert state_of(hass, COLOR_LIGHT).attributes[ATTR_EFFECT] == "breathing"


async def test_design_comes_back_when_turned_off_and_on(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """Off darkens every LED; on brings the design back, not one flattened colour."""
    before = ColorLight.from_args(simulator.device.color_light.args())
    await call(hass, Platform.LIGHT, SERVICE_TURN_OFF, **{ATTR_ENTITY_ID: COLOR_LIGHT})
    assert {led.on for led in simulator.device.color_light.leds} == {0}
    assert state_of(hass, COLOR_LIGHT).state == STATE_OFF

    await call(hass, Platform.LIGHT, SERVICE_TURN_ON, **{ATTR_ENTITY_ID: COLOR_LIGHT})

    assert simulator.device.color_light == before


async def test_design_made_in_the_vendor_app_is_read_and_set_again(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """get_design's answer, given to set_design later, makes the same LEDs again."""
    vendor = simulator.device.color_light
    vendor.effect = 7
    vendor.leds[:2] = [Led(1, 30, 240, 100, 2700), Led(1, 90, 60, 20, 2700)]
    await simulator.push(18, vendor.args())
    await hass.async_block_till_done()
    saved = await hass.services.async_call(
        DOMAIN,
        "get_design",
        {ATTR_ENTITY_ID: COLOR_LIGHT},
        blocking=True,
        return_response=True,
    )
    assert saved is not None
    design = saved[COLOR_LIGHT]
    assert isinstance(design, dict)
    before = ColorLight.from_args(vendor.args())
    await call(
        hass,
        Platform.LIGHT,
        SERVICE_TURN_ON,
        **{ATTR_ENTITY_ID: COLOR_LIGHT, ATTR_EFFECT: "rainbow"},
    )
    assert simulator.device.color_light.effect == 6

    await call(hass, DOMAIN, "set_design", entity_id=COLOR_LIGHT, **design)

    assert simulator.device.color_light.effect == before.effect
    assert simulator.device.color_light.leds[:2] == before.leds[:2]


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
