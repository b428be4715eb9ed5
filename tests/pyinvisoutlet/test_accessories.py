"""Specification of the InvisDeco's models: sensors, nightlight and colour light.

Each parser takes the callback's arguments as the device sends them (protocol.md
§6.10-6.14) and never lets a reading the device vouches against through.
"""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    ColorEffect,
    ColorLightState,
    InvisOutletProtocolError,
    Led,
    NightlightState,
    SensorReadings,
)

PRO_READINGS: dict[str, Any] = {
    "temp_valid": 1,
    "temp_celsius": 22.4,
    "humidity": 41.6,
    "BME680_temp_celsius": "24.9",
    "aqi_valid": 1,
    "AQI": 42,
    "AQI_accuracy": 3,
    "pressure": 100842,
    "gas": 152340,
    "co2_equiv": 612,
    "bvoc_equiv": "0.62",
    "lux_valid": 1,
    "lux": 182.5,
    "occupancy_valid": 1,
    "occupancy_state": 2,
    "distance": 143,
    "movement_energy": 0,
    "stationary_energy": 37,
}
AURA_READINGS: dict[str, Any] = {
    "temp_valid": 1,
    "temp_celsius": "21.8",
    "humidity": "44.5",
    "lux_valid": 1,
    "lux": "135.5",
    "occupancy_valid": 1,
    "occupancy_state": 1,
    "distance": 95,
    "movement_energy": 24,
    "stationary_energy": 0,
}
CLIMATE = frozenset({"temperature", "humidity"})
LIGHT = frozenset({"illuminance"})
RADAR = frozenset({"distance", "occupancy_state", "movement_energy"})
AIR = frozenset({"pressure", "aqi", "co2", "bvoc", "aqi_accuracy"})


def readings(**changes: Any) -> list[Any]:
    """Return the arguments of a Pro's sensor report, with changes (None removes)."""
    values = dict(PRO_READINGS)
    for key, value in changes.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    return [1, values]


# Sensors (11) ------------------------------------------------------------------------


def test_sensors_of_a_pro_read_every_reading() -> None:
    """A Pro reports climate, air quality, light and radar."""
    sensors = SensorReadings.from_args([1, PRO_READINGS])

    assert sensors == SensorReadings(
        reported=CLIMATE | AIR | LIGHT | RADAR,
        temperature=22.4,
        humidity=41.6,
        pressure=100842.0,
        aqi=42.0,
        co2=612.0,
        bvoc=0.62,
        illuminance=182.5,
        distance=143.0,
        occupancy_state=2.0,
        movement_energy=0.0,
        aqi_accuracy=3.0,
    )


def test_sensors_of_an_aura_report_no_air_quality() -> None:
    """An Aura has no air-quality sensor: those readings are not reported at all."""
    sensors = SensorReadings.from_args([2, AURA_READINGS])

    assert sensors.reported == CLIMATE | LIGHT | RADAR
    assert (sensors.aqi, sensors.co2, sensors.pressure) == (None, None, None)


def test_sensors_sent_as_strings_are_numbers() -> None:
    """The Aura sends "21.8": a reading all the same."""
    sensors = SensorReadings.from_args([2, AURA_READINGS])

    assert (sensors.temperature, sensors.humidity, sensors.illuminance) == (
        21.8,
        44.5,
        135.5,
    )


@pytest.mark.parametrize(
    "value", ["inf", "-inf", "nan", "NaN", "Infinity", "warm", "", None, [1], True]
)
def test_sensor_that_is_not_a_finite_number_is_unknown(value: Any) -> None:
    """A value that is not a finite number is reported but unknown."""
    sensors = SensorReadings.from_args([1, {**PRO_READINGS, "temp_celsius": value}])

    assert "temperature" in sensors.reported
    assert sensors.temperature is None
    assert sensors.humidity == 41.6


@pytest.mark.parametrize(
    ("flag", "vouches_for"),
    [
        ("temp_valid", {"temperature", "humidity"}),
        ("aqi_valid", {"pressure", "aqi", "co2", "bvoc"}),
        ("lux_valid", {"illuminance"}),
        ("occupancy_valid", {"distance", "occupancy_state", "movement_energy"}),
    ],
)
@pytest.mark.parametrize("invalid", [0, "0"], ids=repr)
def test_readings_the_device_marks_invalid_are_unknown(
    flag: str, vouches_for: set[str], invalid: Any
) -> None:
    """A validity flag of 0 makes every reading it vouches for unknown, only those."""
    sensors = SensorReadings.from_args(readings(**{flag: invalid}))

    unknown = {name for name in sensors.reported if getattr(sensors, name) is None}
    assert unknown == vouches_for
    assert vouches_for <= sensors.reported


def test_readings_without_a_validity_flag_are_valid() -> None:
    """A reading whose flag is absent is taken as valid."""
    sensors = SensorReadings.from_args(readings(temp_valid=None, lux_valid=None))

    assert (sensors.temperature, sensors.illuminance) == (22.4, 182.5)


def test_aqi_accuracy_needs_no_validity_flag() -> None:
    """The AQI accuracy is reported whatever aqi_valid says."""
    sensors = SensorReadings.from_args(readings(aqi_valid=0))

    assert sensors.aqi is None
    assert sensors.aqi_accuracy == 3.0


def test_sensors_ignore_keys_they_do_not_know() -> None:
    """Raw gas resistance, peaks and the second climate sensor are not readings."""
    sensors = SensorReadings.from_args([1, {"gas": 1, "co2_peak_lvl": 2}])

    assert sensors == SensorReadings(reported=frozenset())


@pytest.mark.parametrize(
    "args",
    [
        pytest.param({"lux": 5}, id="bare object"),
        pytest.param([{"lux": 5}], id="object first"),
        pytest.param(["2", {"lux": 5}, "extra"], id="type as text"),
    ],
)
def test_sensors_find_the_readings_object(args: Any) -> None:
    """[device type, {readings}], or the readings alone: the object is found."""
    assert SensorReadings.from_args(args).illuminance == 5.0


@pytest.mark.parametrize("args", [[1], [1, 2, {"lux": 5}], "lux", None, 7], ids=repr)
def test_sensors_without_a_readings_object_are_rejected(args: Any) -> None:
    """No object among the first two arguments is a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="sensor readings"):
        SensorReadings.from_args(args)


@pytest.mark.parametrize(
    ("state", "energy", "occupied", "motion"),
    [(0, 0, False, False), (1, 24, True, True), (2, 0, True, False)],
)
def test_occupancy_and_motion_follow_the_radar(
    state: int, energy: int, occupied: bool, motion: bool
) -> None:
    """State 0 is empty, 1-3 occupied; movement energy above 0 is motion."""
    sensors = SensorReadings.from_args(
        readings(occupancy_state=state, movement_energy=energy)
    )

    assert sensors.occupied is occupied
    assert sensors.motion is motion
    assert not sensors.calibrating_occupancy


@pytest.mark.parametrize("state", [4, 5, 6])
def test_occupancy_is_unknown_while_the_radar_calibrates(state: int) -> None:
    """States 4-6 mean calibrating: nobody can say whether the room is occupied."""
    sensors = SensorReadings.from_args(readings(occupancy_state=state))

    assert sensors.calibrating_occupancy
    assert sensors.occupied is None


def test_occupancy_and_motion_are_unknown_without_the_radar() -> None:
    """No radar readings: neither occupancy nor motion is known."""
    sensors = SensorReadings.from_args(readings(occupancy_valid=0))

    assert sensors.occupied is None
    assert sensors.motion is None


# Nightlight (15) -------------------------------------------------------------------


def test_nightlight_reads_on_and_brightness() -> None:
    """[on, brightness]."""
    assert NightlightState.from_args([1, 60]) == NightlightState(on=True, brightness=60)


def test_nightlight_reads_numbers_sent_as_strings() -> None:
    """Either value may come as a numeric string."""
    assert NightlightState.from_args(["0", "35"]) == NightlightState(False, 35)


@pytest.mark.parametrize(("sent", "kept"), [(-1, 0), (0, 0), (100, 100), (255, 100)])
def test_nightlight_brightness_is_clamped(sent: int, kept: int) -> None:
    """The brightness is a percentage: clamped to 0-100."""
    assert NightlightState.from_args([1, sent]).brightness == kept


@pytest.mark.parametrize("args", [[1], None, {"on": 1}, [1, "bright"]], ids=repr)
def test_nightlight_that_is_not_two_numbers_is_rejected(args: Any) -> None:
    """Anything but [on, brightness] is a protocol error."""
    with pytest.raises(InvisOutletProtocolError):
        NightlightState.from_args(args)


# Colour light (18) -----------------------------------------------------------------

AURA_LIGHT: list[Any] = [
    5,
    1,
    [[1, 70, [20, 80], 2700], [1, 70, [24, 80], 2700], [1, 70, [28, 80], 2700]],
    3,
    0,
    50,
]


def test_color_light_reads_effect_leds_speed_and_randomness() -> None:
    """[light, effect, [LEDs], speed, random, random brightness], as reported."""
    light = ColorLightState.from_args(AURA_LIGHT)

    assert light == ColorLightState(
        effect=ColorEffect.STATIC_HSV,
        leds=(
            Led(on=True, brightness=70, hue=20, saturation=80, kelvin=2700),
            Led(on=True, brightness=70, hue=24, saturation=80, kelvin=2700),
            Led(on=True, brightness=70, hue=28, saturation=80, kelvin=2700),
        ),
        speed=3,
        random_colors=False,
        random_brightness=50,
    )


@pytest.mark.parametrize("effect", list(ColorEffect))
def test_color_light_reads_every_effect(effect: ColorEffect) -> None:
    """Effects 1-7 are known."""
    assert ColorLightState.from_args([5, int(effect), []]).effect is effect


@pytest.mark.parametrize("code", [0, 8, 99])
def test_color_light_unknown_effect_is_none(code: int) -> None:
    """An effect this library does not know is None, not an error."""
    assert ColorLightState.from_args([5, code, []]).effect is None


def test_led_row_as_a_command_writes_it_has_no_kelvin() -> None:
    """[state, brightness, [hue, saturation]]: no colour temperature."""
    light = ColorLightState.from_args([5, 1, [[1, 40, [200, 50]]]])

    assert light.leds == (Led(True, 40, 200, 50, None),)


def test_led_row_with_only_a_colour_temperature() -> None:
    """[state, brightness, kelvin]: hue and saturation 0."""
    light = ColorLightState.from_args([5, 2, [[1, 40, 4000]]])

    assert light.leds == (Led(True, 40, 0, 0, 4000),)


def test_led_row_reads_kelvin_before_the_colour_too() -> None:
    """The colour and the temperature are told apart by type, not by position."""
    light = ColorLightState.from_args([5, 2, [[1, 40, "3000", [10, 20]]]])

    assert light.leds == (Led(True, 40, 10, 20, 3000),)


def test_led_row_with_a_null_extra_ignores_it() -> None:
    """A null where the colour or temperature could be is no value."""
    light = ColorLightState.from_args([5, 1, [[0, 0, None, None]]])

    assert light.leds == (Led(False, 0, 0, 0, None),)


@pytest.mark.parametrize(
    ("row", "led"),
    [
        ([1, 150, [0, 0]], Led(True, 100, 0, 0, None)),
        ([1, -5, [0, 0]], Led(True, 0, 0, 0, None)),
        ([1, 50, [400, 0]], Led(True, 50, 39, 0, None)),
        ([1, 50, [360, 0]], Led(True, 50, 360, 0, None)),
        ([1, 50, [0, 120]], Led(True, 50, 0, 100, None)),
        ([1, 50, [0, -1]], Led(True, 50, 0, 0, None)),
    ],
    ids=["brightness high", "brightness low", "hue wraps", "hue 360", "sat", "sat low"],
)
def test_led_values_are_kept_in_range(row: list[Any], led: Led) -> None:
    """Brightness and saturation are clamped to 0-100, the hue wraps at 361."""
    assert ColorLightState.from_args([5, 1, [row]]).leds == (led,)


def test_color_light_reads_at_most_sixteen_leds() -> None:
    """A runaway list of LEDs is cut to 16."""
    light = ColorLightState.from_args([5, 1, [[1, 10, [0, 0]]] * 100])

    assert len(light.leds) == 16


def test_color_light_without_a_list_of_leds_has_none() -> None:
    """LEDs that are not a list are no LEDs."""
    light = ColorLightState.from_args([5, 1, "leds"])

    assert light.leds == ()
    assert light.leading is None


def test_color_light_without_speed_or_randomness() -> None:
    """Only three arguments: no speed, no random colours."""
    light = ColorLightState.from_args([5, 3, []])

    assert light.speed is None
    assert not light.random_colors


def test_color_light_with_random_colours() -> None:
    """The fifth argument switches random colours on."""
    assert ColorLightState.from_args([5, 5, [], 2, 1]).random_colors


def test_color_light_reads_the_level_of_random_colours() -> None:
    """The sixth argument is the random colours' brightness, clamped to 0-100."""
    assert ColorLightState.from_args([5, 5, [], 2, 1, 40]).random_brightness == 40
    assert ColorLightState.from_args([5, 5, [], 2, 1, 140]).random_brightness == 100


def test_color_light_without_a_random_level_has_none() -> None:
    """Five arguments or fewer: the random colours' level is unknown."""
    assert ColorLightState.from_args([5, 5, [], 2, 1]).random_brightness is None


@pytest.mark.parametrize(
    "args",
    [[5, 1], None, {"effect": 1}, [5, "glow", []], [5, 1, [[1]]], [5, 1, [], "x"]],
    ids=repr,
)
def test_color_light_that_cannot_be_read_is_rejected(args: Any) -> None:
    """Too few arguments, or ones of the wrong type, are a protocol error."""
    with pytest.raises(InvisOutletProtocolError):
        ColorLightState.from_args(args)


def test_color_light_is_on_when_any_led_is_lit() -> None:
    """One LED on with some brightness lights the whole light."""
    light = ColorLightState.from_args(
        [5, 1, [[0, 90, [1, 1]], [1, 0, [2, 2]], [1, 30, [3, 3]], [1, 60, [4, 4]]]]
    )

    assert light.on
    assert [led.hue for led in light.lit] == [3, 4]
    assert light.brightness == 60
    assert light.leading == Led(True, 30, 3, 3, None)


def test_color_light_is_off_when_no_led_is_lit() -> None:
    """LEDs off, or on at brightness 0: off, brightness 0, the first LED leads."""
    light = ColorLightState.from_args([5, 1, [[0, 90, [1, 1]], [1, 0, [2, 2]]]])

    assert not light.on
    assert light.brightness == 0
    assert light.leading == Led(False, 90, 1, 1, None)
