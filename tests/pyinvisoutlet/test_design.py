"""Specification of colour-light designs: the model, its rules, and set_design.

A design is what every one of the Aura's nine LEDs shows, the effect and its pace
(protocol.md §6.13-6.14). The model refuses what the Aura would refuse, with a reason a
consumer can translate; the commands reach all nine LEDs; reading back gives the design.
"""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    CallbackName,
    ColorEffect,
    ColorLightState,
    InvisOutlet,
    Led,
)
from custom_components.invisoutlet.pyinvisoutlet.design import (
    Design,
    InvalidDesignError,
    InvalidDesignReason,
    LedColor,
    design_args,
)
from tests.simulator import InvisOutletSimulator

RED = LedColor(brightness=80, hs=(0, 100))
GREEN = LedColor(brightness=60, hs=(120, 100))
BLUE = LedColor(brightness=40, hs=(240, 100))
WARM = LedColor(brightness=50, kelvin=2700)
WHITE_AT_80 = LedColor(brightness=80, hs=(0, 0))


def state(effect: int, rows: list[Any], *tail: int) -> ColorLightState:
    """Return a colour light as an 18 report with these LED rows and extras."""
    return ColorLightState.from_args([5, effect, rows, *tail])


def reason_of(error: pytest.ExceptionInfo[InvalidDesignError]) -> InvalidDesignReason:
    """Return the machine-readable reason of a refused design."""
    return error.value.reason


# LED colours -----------------------------------------------------------------------


def test_led_color_is_on_at_full_brightness_by_default() -> None:
    """Only the colour must be given."""
    assert LedColor(hs=(30, 40)) == LedColor(on=True, brightness=100, hs=(30, 40))


def test_led_color_takes_any_pair_as_its_hue_and_saturation() -> None:
    """A list, as JSON gives it, is the same colour as a tuple."""
    assert LedColor(hs=[30, 40]) == LedColor(hs=(30, 40))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "colours",
    [{}, {"hs": (0, 100), "kelvin": 3000}],
    ids=["neither", "both"],
)
def test_led_color_has_exactly_one_colour(colours: dict[str, Any]) -> None:
    """Hue and saturation, or a colour temperature: one of the two."""
    with pytest.raises(InvalidDesignError) as error:
        LedColor(**colours)

    assert reason_of(error) is InvalidDesignReason.ONE_COLOR


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"brightness": 101, "hs": (0, 0)}, InvalidDesignReason.BRIGHTNESS_RANGE),
        ({"brightness": -1, "hs": (0, 0)}, InvalidDesignReason.BRIGHTNESS_RANGE),
        ({"hs": (361, 0)}, InvalidDesignReason.HUE_RANGE),
        ({"hs": (-1, 0)}, InvalidDesignReason.HUE_RANGE),
        ({"hs": (0, 101)}, InvalidDesignReason.SATURATION_RANGE),
        ({"kelvin": 999}, InvalidDesignReason.KELVIN_RANGE),
        ({"kelvin": 6501}, InvalidDesignReason.KELVIN_RANGE),
    ],
    ids=repr,
)
def test_led_color_out_of_range_is_refused(
    fields: dict[str, Any], reason: InvalidDesignReason
) -> None:
    """Brightness 0-100, hue 0-360, saturation 0-100, kelvin 1000-6500."""
    with pytest.raises(InvalidDesignError) as error:
        LedColor(**fields)

    assert reason_of(error) is reason


@pytest.mark.parametrize(
    "fields",
    [
        {"brightness": 0, "hs": (0, 0)},
        {"brightness": 100, "hs": (360, 100)},
        {"kelvin": 1000},
        {"kelvin": 6500},
    ],
    ids=repr,
)
def test_led_color_at_the_edges_of_its_ranges_is_valid(fields: dict[str, Any]) -> None:
    """The bounds themselves are accepted."""
    LedColor(**fields)


# Designs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"leds": ()}, InvalidDesignReason.NO_LEDS),
        ({"leds": (RED,) * 10}, InvalidDesignReason.TOO_MANY_LEDS),
        (
            {"leds": (RED,), "effect": ColorEffect.STARRY_NIGHT},
            InvalidDesignReason.STARRY_NIGHT_NEEDS_TWO,
        ),
        (
            {"leds": (RED, GREEN, BLUE), "effect": ColorEffect.STARRY_NIGHT},
            InvalidDesignReason.STARRY_NIGHT_NEEDS_TWO,
        ),
        (
            {"leds": (RED,), "effect": ColorEffect.COLOR_CYCLE},
            InvalidDesignReason.CYCLE_NEEDS_TWO,
        ),
        ({"leds": (RED,), "speed": 8}, InvalidDesignReason.SPEED_RANGE),
        ({"leds": (RED,), "speed": -1}, InvalidDesignReason.SPEED_RANGE),
        (
            {"leds": (RED,), "random": True, "random_brightness": 101},
            InvalidDesignReason.BRIGHTNESS_RANGE,
        ),
        (
            {"leds": (RED,), "effect": ColorEffect.STATIC_TEMPERATURE},
            InvalidDesignReason.TEMPERATURE_NEEDS_KELVIN,
        ),
        (
            {"leds": (WARM,), "effect": ColorEffect.BREATHING},
            InvalidDesignReason.EFFECT_NEEDS_HS,
        ),
    ],
    ids=lambda value: value.name if isinstance(value, InvalidDesignReason) else "",
)
def test_design_the_aura_would_refuse_is_refused_with_its_reason(
    fields: dict[str, Any], reason: InvalidDesignReason
) -> None:
    """Each rule of §6.13 has its own reason."""
    with pytest.raises(InvalidDesignError) as error:
        Design(**fields)

    assert reason_of(error) is reason


def test_refused_design_is_a_value_error_naming_its_reason() -> None:
    """Callers that know only ValueError still catch it; the message says why."""
    with pytest.raises(ValueError, match="too_many_leds: 10"):
        Design(leds=(RED,) * 10)


@pytest.mark.parametrize("count", [1, 9])
@pytest.mark.parametrize("effect", [ColorEffect.BREATHING, ColorEffect.STROBING])
def test_breathing_and_strobing_take_one_to_nine_colours(
    effect: ColorEffect, count: int
) -> None:
    """One colour breathes or flashes alone; nine is the most."""
    assert len(Design(leds=(RED,) * count, effect=effect).leds) == count


@pytest.mark.parametrize("effect", [ColorEffect.STARRY_NIGHT, ColorEffect.COLOR_CYCLE])
def test_random_design_does_not_count_its_colours(effect: ColorEffect) -> None:
    """With random colours the device ignores the list: any count is fine."""
    Design(leds=(RED,), effect=effect, random=True)


def test_design_takes_a_list_of_colours_as_a_tuple() -> None:
    """Designs are immutable and compare equal however the colours were given."""
    design = Design(leds=[RED, GREEN])  # type: ignore[arg-type]

    assert design == Design(leds=(RED, GREEN))


# Starting an effect with too few colours -----------------------------------------


@pytest.mark.parametrize("effect", [ColorEffect.BREATHING, ColorEffect.STROBING])
def test_starting_breathing_or_strobing_with_one_colour_keeps_it(
    effect: ColorEffect,
) -> None:
    """One colour is all breathing and strobing need."""
    assert Design.start(effect, [RED]).leds == (RED,)


@pytest.mark.parametrize("effect", [ColorEffect.COLOR_CYCLE, ColorEffect.STARRY_NIGHT])
def test_starting_cycle_or_starry_night_with_one_colour_adds_white(
    effect: ColorEffect,
) -> None:
    """The second colour is white at the first one's level (the night's stars)."""
    design = Design.start(effect, [RED], speed=2)

    assert design.leds == (RED, WHITE_AT_80)
    assert (design.effect, design.speed) == (effect, 2)


def test_starting_a_cycle_with_two_colours_keeps_them() -> None:
    """Enough colours are left as they are."""
    assert Design.start(ColorEffect.COLOR_CYCLE, [RED, BLUE]).leds == (RED, BLUE)


def test_starting_starry_night_with_more_colours_takes_the_first_two() -> None:
    """Background and star: a light of three colours starts a night of two."""
    design = Design.start(ColorEffect.STARRY_NIGHT, [RED, GREEN, BLUE])

    assert design.leds == (RED, GREEN)


# Arguments of 17 --------------------------------------------------------------------


def test_design_args_repeat_the_colours_over_nine_leds() -> None:
    """Three colours fill the ring as three times three; speed and randomness follow."""
    design = Design(leds=(RED, GREEN, BLUE), effect=ColorEffect.BREATHING, speed=5)

    assert design_args(design) == [
        5,
        3,
        [[1, 80, [0, 100]], [1, 60, [120, 100]], [1, 40, [240, 100]]] * 3,
        5,
        0,
        100,
    ]


def test_design_args_of_a_temperature_send_nine_kelvin_entries() -> None:
    """A single temperature entry would reach LED 1 only (§6.13)."""
    design = Design(leds=(WARM,), effect=ColorEffect.STATIC_TEMPERATURE)

    assert design_args(design)[2] == [[1, 50, 2700]] * 9


def test_design_args_of_starry_night_send_only_its_two_colours() -> None:
    """Background and star, exactly the two entries starry night takes."""
    design = Design(leds=(BLUE, WHITE_AT_80), effect=ColorEffect.STARRY_NIGHT)

    assert design_args(design)[2] == [[1, 40, [240, 100]], [1, 80, [0, 0]]]


def test_design_args_without_speed_send_the_defaults() -> None:
    """No speed: 0; no random level: 100, as in the vendor's examples."""
    assert design_args(Design(leds=(RED,)))[3:] == [0, 0, 100]


def test_design_args_of_random_colours_send_the_flag_and_level() -> None:
    """[4] = 1 and [5] the random colours' brightness."""
    design = Design(
        leds=(RED,),
        effect=ColorEffect.STROBING,
        speed=1,
        random=True,
        random_brightness=30,
    )

    assert design_args(design)[3:] == [1, 1, 30]


# Reading a design back --------------------------------------------------------------


def test_design_of_a_state_is_the_shortest_repeating_pattern() -> None:
    """Nine LEDs repeating three colours are a design of those three."""
    rows = [[1, 80, [0, 100], 2700], [1, 60, [120, 100], 2700], [1, 40, [240, 100], 0]]
    design = Design.from_state(state(3, rows * 3, 6, 0, 50))

    assert design == Design(
        leds=(RED, GREEN, BLUE),
        effect=ColorEffect.BREATHING,
        speed=6,
        random_brightness=50,
    )


def test_design_of_nine_different_leds_has_nine_colours() -> None:
    """No shorter pattern: every LED is its own colour."""
    rows = [[1, 50, [40 * index, 100], 2700] for index in range(9)]

    assert len(Design.from_state(state(1, rows, 0, 0, 50)).leds) == 9


def test_design_of_a_temperature_reads_kelvin_not_the_stale_hue() -> None:
    """Effect 2 shows kelvin; a temperature outside 1000-6500 is brought within."""
    rows = [[1, 50, [10, 10], 2700]] * 8 + [[1, 50, [20, 20], 9000]]
    design = Design.from_state(state(2, rows, 0, 0, 50))

    assert design.leds == (WARM,) * 8 + (LedColor(brightness=50, kelvin=6500),)


def test_design_of_a_temperature_without_kelvin_is_4000() -> None:
    """A report row without a temperature stands for the default 4000 K."""
    design = Design.from_state(state(2, [[1, 50, [10, 10]]]))

    assert design.leds == (LedColor(brightness=50, kelvin=4000),)


def test_design_of_starry_night_is_its_first_two_leds() -> None:
    """Background and star are LEDs 1 and 2; the others are stale."""
    stale = [[1, 70, [20, 80], 2700]] * 7
    rows = [[1, 40, [240, 100], 2700], [1, 80, [0, 0], 2700], *stale]
    design = Design.from_state(state(7, rows, 0, 0, 50))

    assert design.leds == (BLUE, WHITE_AT_80)


def test_design_of_a_one_colour_cycle_has_that_colour_twice() -> None:
    """A cycle of nine equal LEDs (sent by another app) is still a valid design."""
    design = Design.from_state(state(5, [[1, 80, [0, 100], 2700]] * 9, 0, 0, 50))

    assert design.leds == (RED, RED)


def test_design_of_a_report_without_speed_has_none() -> None:
    """Only three arguments: speed and random level unknown, random colours off."""
    design = Design.from_state(state(1, [[1, 80, [0, 100]]]))

    assert (design.speed, design.random, design.random_brightness) == (
        None,
        False,
        None,
    )


def test_design_of_an_unknown_effect_is_refused() -> None:
    """An effect this library does not know makes no design."""
    with pytest.raises(InvalidDesignError) as error:
        Design.from_state(state(9, [[1, 80, [0, 100]]]))

    assert reason_of(error) is InvalidDesignReason.UNKNOWN_EFFECT


# Over the simulator -----------------------------------------------------------------


async def test_colour_temperature_reaches_all_nine_leds(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """set_color_light to a temperature: every LED at that kelvin and level."""
    await client.set_color_light(
        on=True, brightness=35, effect=ColorEffect.STATIC_TEMPERATURE, kelvin=3200
    )

    leds = simulator.device.color_light.leds
    assert {(led.on, led.brightness, led.kelvin) for led in leds} == {(1, 35, 3200)}
    assert len(leds) == 9


async def test_starry_night_set_with_one_colour_gets_white_stars(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """set_color_light sends starry night its two colours; the device accepts."""
    light = await client.set_color_light(
        on=True, brightness=80, effect=ColorEffect.STARRY_NIGHT, hue=0, saturation=100
    )

    args = (await simulator.wait_for_request(CallbackName.SET_COLOR_LIGHT)).args
    assert args[2] == [[1, 80, [0, 100]], [1, 80, [0, 0]]]
    assert light.effect is ColorEffect.STARRY_NIGHT


async def test_design_set_is_the_design_read_back(client: InvisOutlet) -> None:
    """A three-colour breathing design, set then read, is the same design."""
    design = Design(
        leds=(RED, GREEN, BLUE),
        effect=ColorEffect.BREATHING,
        speed=4,
        random_brightness=60,
    )

    reported = await client.set_design(design)

    assert Design.from_state(reported) == design
    assert Design.from_state(await client.color_light()) == design


async def test_design_reaches_every_led(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """The three colours repeat over all nine LEDs: none keeps a stale colour."""
    await client.set_design(
        Design(leds=(RED, GREEN, BLUE), effect=ColorEffect.STROBING)
    )

    hues = [led.hue for led in simulator.device.color_light.leds]
    assert hues == [0, 120, 240] * 3


async def test_starry_night_design_is_read_back(client: InvisOutlet) -> None:
    """Background and star, set and read back."""
    design = Design(
        leds=(BLUE, WHITE_AT_80),
        effect=ColorEffect.STARRY_NIGHT,
        speed=2,
        random_brightness=100,
    )

    assert Design.from_state(await client.set_design(design)) == design


async def test_random_colours_design_keeps_the_leds(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """Random colours: the device ignores the list; flag and level are reported."""
    before = list(simulator.device.color_light.leds)
    design = Design(
        leds=(RED,),
        effect=ColorEffect.COLOR_CYCLE,
        speed=3,
        random=True,
        random_brightness=45,
    )

    light = await client.set_design(design)

    assert (light.random_colors, light.random_brightness) == (True, 45)
    assert simulator.device.color_light.leds == before
    read = Design.from_state(light)
    assert (read.effect, read.speed, read.random, read.random_brightness) == (
        ColorEffect.COLOR_CYCLE,
        3,
        True,
        45,
    )


async def test_design_without_speed_reads_back_the_defaults_sent(
    client: InvisOutlet,
) -> None:
    """None sends speed 0 and random level 100; read back, those are the values."""
    design = Design(leds=(RED,), effect=ColorEffect.BREATHING)

    read = Design.from_state(await client.set_design(design))

    assert (read.speed, read.random_brightness) == (0, 100)


async def test_temperature_design_is_read_back(client: InvisOutlet) -> None:
    """Nine kelvin entries, each LED its own, set and read back."""
    leds = tuple(
        LedColor(brightness=10 * index, kelvin=2000 + index) for index in range(9)
    )
    design = Design(
        leds=leds,
        effect=ColorEffect.STATIC_TEMPERATURE,
        speed=0,
        random_brightness=100,
    )

    assert Design.from_state(await client.set_design(design)) == design


def test_led_of_a_state_is_the_colour_it_shows() -> None:
    """LedColor.of reads a reported LED in the mode of the effect."""
    led = Led(on=False, brightness=20, hue=200, saturation=30, kelvin=3100)

    assert LedColor.of(led, temperature=False) == LedColor(
        on=False, brightness=20, hs=(200, 30)
    )
    assert LedColor.of(led, temperature=True) == LedColor(
        on=False, brightness=20, kelvin=3100
    )
