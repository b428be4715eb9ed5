"""Specification of the InvisDeco's models: sensors, nightlight and colour light.

Each parser takes the callback's arguments as the device sends them (protocol.md
§6.10-6.14) and never lets a reading the device vouches against through.
"""

from __future__ import annotations

from collections.abc import Iterator
import logging
import math
from typing import Any

import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    ColorEffect,
    ColorLightState,
    InvisOutlet,
    InvisOutletProtocolError,
    Led,
    NightlightState,
    SensorReadings,
)
from custom_components.invisoutlet.pyinvisoutlet.fields import REJECTED
from tests.simulator import InvisOutletSimulator

from .conftest import Recorder

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
HUGE = 10**400  # valid JSON; no float holds it
# What each sensor can physically report (accessories.READINGS): reading, key, range.
RANGES = [
    ("temperature", "temp_celsius", -40, 85),
    ("humidity", "humidity", 0, 100),
    ("pressure", "pressure", 30_000, 110_000),
    ("aqi", "AQI", 0, 500),
    ("co2", "co2_equiv", 0, 1_000_000),
    ("bvoc", "bvoc_equiv", 0, 1_000_000),
    ("illuminance", "lux", 0, 200_000),
    ("distance", "distance", 0, 10_000),
    ("occupancy_state", "occupancy_state", 0, 255),
    ("movement_energy", "movement_energy", 0, 1_000_000),
    ("aqi_accuracy", "AQI_accuracy", 0, 3),
    ("co2_accuracy", "co2_accuracy", 0, 3),
    ("bvoc_accuracy", "bvoc_accuracy", 0, 3),
]
# Extremes no sensor reports: reading, key, value.
IMPOSSIBLE = [
    ("temperature", "temp_celsius", -300),
    ("temperature", "temp_celsius", -40.1),
    ("temperature", "temp_celsius", 85.1),
    ("humidity", "humidity", -5),
    ("humidity", "humidity", 150),
    ("humidity", "humidity", "100.1"),
    ("pressure", "pressure", -101_325),
    ("pressure", "pressure", 29_999),
    ("pressure", "pressure", 110_001),
    ("aqi", "AQI", -1),
    ("aqi", "AQI", 501),
    ("co2", "co2_equiv", -400),
    ("co2", "co2_equiv", 1_000_001),
    ("bvoc", "bvoc_equiv", "-0.5"),
    ("bvoc", "bvoc_equiv", 1_000_001),
    ("illuminance", "lux", -1),
    ("illuminance", "lux", 200_001),
    ("distance", "distance", -10),
    ("distance", "distance", 10_001),
    ("occupancy_state", "occupancy_state", -1),
    ("occupancy_state", "occupancy_state", 256),
    ("movement_energy", "movement_energy", -1),
    ("movement_energy", "movement_energy", 1_000_001),
    ("aqi_accuracy", "AQI_accuracy", -1),
    ("aqi_accuracy", "AQI_accuracy", 4),
    ("co2_accuracy", "co2_accuracy", 4),
    ("bvoc_accuracy", "bvoc_accuracy", -1),
] + [(name, key, extreme) for name, key, _, _ in RANGES for extreme in (1e308, -1e308)]


@pytest.fixture(autouse=True)
def no_rejections_yet() -> Iterator[None]:
    """Start every test as if the library had just been loaded (warnings once each)."""
    REJECTED.clear()
    yield
    REJECTED.clear()


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
    "value",
    [HUGE, -HUGE, "1e400", math.inf, math.nan, [[22.4]], {"c": 22.4}, False],
    ids=["400 digits", "-400 digits", "1e400", "inf", "nan", "nested", "obj", "bool"],
)
def test_reading_that_does_not_convert_loses_only_itself(value: Any) -> None:
    """A value no float holds is that reading's problem: unknown, the others kept."""
    sensors = SensorReadings.from_args(readings(temp_celsius=value))

    assert sensors.reported == CLIMATE | AIR | LIGHT | RADAR
    assert sensors.temperature is None
    assert (sensors.humidity, sensors.pressure, sensors.distance) == (
        41.6,
        100842.0,
        143.0,
    )


@pytest.mark.parametrize(
    ("name", "key", "value"),
    [(name, key, bound) for name, key, low, high in RANGES for bound in (low, high)],
)
def test_reading_at_a_bound_of_its_sensor_is_a_reading(
    name: str, key: str, value: float
) -> None:
    """The extremes a sensor can report are readings, as sent."""
    sensors = SensorReadings.from_args(readings(**{key: value}))

    assert getattr(sensors, name) == value


@pytest.mark.parametrize(("name", "key", "value"), IMPOSSIBLE, ids=repr)
def test_reading_its_sensor_cannot_report_is_unknown(
    name: str, key: str, value: Any
) -> None:
    """Humidity of 150 %, -300 °C, a negative distance: reported, but unknown."""
    sensors = SensorReadings.from_args(readings(**{key: value}))

    assert name in sensors.reported
    assert getattr(sensors, name) is None


def test_impossible_reading_loses_only_itself() -> None:
    """The readings beside one out of range are kept."""
    sensors = SensorReadings.from_args(readings(humidity=150))

    assert sensors.humidity is None
    assert (sensors.temperature, sensors.co2) == (22.4, 612.0)


def test_impossible_readings_warn_once_per_kind(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every push may carry it again: one warning per kind, the rest counted."""
    for _ in range(3):
        SensorReadings.from_args(readings(humidity=150, lux=HUGE))

    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 2
    assert "a reading of humidity out of its sensor's range" in warnings[0]
    assert "a reading of illuminance that is not a finite number" in warnings[1]


def test_readings_the_device_says_it_does_not_know_are_not_warned_about(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A null reading, or one its validity flag disowns, is unknown without a word."""
    SensorReadings.from_args(readings(temp_celsius=None, temp_valid=0, lux=None))
    SensorReadings.from_args([1, {**PRO_READINGS, "lux": None, "temp_valid": 0}])

    assert caplog.records == []


async def test_pushed_reading_that_does_not_convert_keeps_the_others(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 400-digit humidity on the wire: the push arrives, humidity unknown."""
    received = Recorder[SensorReadings]()
    client.subscribe(SensorReadings, received)

    await simulator.set_readings(humidity=HUGE)

    (sensors,) = await received.wait_for(1)
    assert sensors.humidity is None
    assert sensors.temperature is not None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


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


def test_co2_and_bvoc_accuracies_are_read_like_the_aqi_accuracy() -> None:
    """co2_accuracy and bvoc_accuracy: 0 calibrating to 3 best, no validity flag."""
    sensors = SensorReadings.from_args(
        readings(aqi_valid=0, co2_accuracy="1", bvoc_accuracy=2)
    )

    assert (sensors.co2_accuracy, sensors.bvoc_accuracy) == (1.0, 2.0)
    assert {"co2_accuracy", "bvoc_accuracy"} <= sensors.reported


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
