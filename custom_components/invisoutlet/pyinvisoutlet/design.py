"""Designs of the InvisDeco Aura's colour light: a colour per LED, an effect, a pace.

A design of N colours reaches all nine LEDs: its colours repeat in order (one colour
fills the ring, three repeat three times), so no LED keeps a stale colour (protocol.md
§6.13: only a single HSV entry fills the ring, a single temperature entry is LED 1's).
Starry night is the exception: it takes exactly its two colours, background and star.
Read back, the shortest repeating pattern of the nine LEDs is the design. Should the
device play a breathing or strobing list as a sequence rather than per LED, two colours
play as A B A B A B A B A: the same colours, A held one step longer at the wrap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Self

from .const import ColorEffect

if TYPE_CHECKING:
    from .accessories import ColorLightState, Led

# The colour light's selector: 5 is the nightlight ring (protocol.md §6.13).
COLOR_LIGHT = 5
LED_COUNT = 9
# What the static-temperature effect accepts (protocol.md §6.13); reports go further.
MIN_KELVIN, MAX_KELVIN = 1000, 6500
# The temperature of a report that carries none.
DEFAULT_KELVIN = 4000
# Sent for a design without a speed or random level: the vendor examples' values.
DEFAULT_SPEED = 0
DEFAULT_RANDOM_BRIGHTNESS = 100
# The colour a one-colour colour cycle or starry night gets as its second: white
# (saturation 0) at the first colour's level, so the cycle fades to white and the
# stars of a coloured sky are white.
SECOND_COLOR_HS = (0, 0)
# Starry night takes exactly two colours, background and star (§6.13). protocol.md is
# silent on colour cycle; the other library sends it two or more, and one colour
# would not cycle: the stricter rule.
STARRY_NIGHT_COLORS = 2
MIN_CYCLE_COLORS = 2

_PERCENT = range(101)
_HUE = range(361)
_KELVIN = range(MIN_KELVIN, MAX_KELVIN + 1)
_SPEED = range(8)
# How many colours an effect needs at least (starry night: exactly two).
_NEEDS_TWO = frozenset({ColorEffect.COLOR_CYCLE, ColorEffect.STARRY_NIGHT})


class InvalidDesignReason(StrEnum):
    """Why a design cannot be sent; the values suit translation keys."""

    NO_LEDS = "no_leds"
    TOO_MANY_LEDS = "too_many_leds"
    STARRY_NIGHT_NEEDS_TWO = "starry_night_needs_two"
    CYCLE_NEEDS_TWO = "cycle_needs_two"
    BRIGHTNESS_RANGE = "brightness_range"
    HUE_RANGE = "hue_range"
    SATURATION_RANGE = "saturation_range"
    KELVIN_RANGE = "kelvin_range"
    SPEED_RANGE = "speed_range"
    ONE_COLOR = "one_color"
    TEMPERATURE_NEEDS_KELVIN = "temperature_needs_kelvin"
    EFFECT_NEEDS_HS = "effect_needs_hs"
    UNKNOWN_EFFECT = "unknown_effect"


class InvalidDesignError(ValueError):
    """A design the Aura would refuse, or that cannot be sent."""

    def __init__(self, reason: InvalidDesignReason, value: object) -> None:
        """Say why, and which value is at fault."""
        super().__init__(f"{reason.value}: {value!r}")
        self.reason = reason
        self.value = value


@dataclass(frozen=True, slots=True, kw_only=True)
class LedColor:
    """What one LED shows: on, a level 0-100, and either hue/saturation or kelvin."""

    on: bool = True
    brightness: int = 100
    hs: tuple[int, int] | None = None
    kelvin: int | None = None

    def __post_init__(self) -> None:
        """Refuse values the Aura does not accept; take any pair as the hs tuple."""
        if self.hs is not None:
            object.__setattr__(self, "hs", tuple(self.hs))
        _check(self.brightness, _PERCENT, InvalidDesignReason.BRIGHTNESS_RANGE)
        if (self.hs is None) == (self.kelvin is None):
            raise InvalidDesignError(InvalidDesignReason.ONE_COLOR, self)
        if self.hs is not None:
            hue, saturation = self.hs
            _check(hue, _HUE, InvalidDesignReason.HUE_RANGE)
            _check(saturation, _PERCENT, InvalidDesignReason.SATURATION_RANGE)
        if self.kelvin is not None:
            _check(self.kelvin, _KELVIN, InvalidDesignReason.KELVIN_RANGE)

    @classmethod
    def of(cls, led: Led, *, temperature: bool) -> Self:
        """Return the colour an LED shows: its kelvin in effect 2, else its hue."""
        if temperature:
            kelvin = min(max(led.kelvin or DEFAULT_KELVIN, MIN_KELVIN), MAX_KELVIN)
            return cls(on=led.on, brightness=led.brightness, kelvin=kelvin)
        return cls(on=led.on, brightness=led.brightness, hs=(led.hue, led.saturation))

    def row(self) -> list[Any]:
        """Return the 17 entry: ``[state, level, [hue, sat]]`` or ``[.., kelvin]``."""
        colour: Any = list(self.hs) if self.hs is not None else self.kelvin
        return [int(self.on), self.brightness, colour]


@dataclass(frozen=True, slots=True, kw_only=True)
class Design:
    """A whole colour-light design: 1-9 colours, an effect, its speed, randomness.

    ``speed`` 0-7 and ``random_brightness`` 0-100: None sends the defaults above, and
    a design read back carries the values the device reports. With ``random`` the
    device ignores the colours, so their count is not checked.
    """

    leds: tuple[LedColor, ...]
    effect: ColorEffect = ColorEffect.STATIC_HSV
    speed: int | None = None
    random: bool = False
    random_brightness: int | None = None

    def __post_init__(self) -> None:
        """Refuse a design the Aura would refuse (protocol.md §6.13)."""
        object.__setattr__(self, "leds", tuple(self.leds))
        if not self.leds:
            raise InvalidDesignError(InvalidDesignReason.NO_LEDS, self.leds)
        if len(self.leds) > LED_COUNT:
            raise InvalidDesignError(InvalidDesignReason.TOO_MANY_LEDS, len(self.leds))
        temperature = self.effect is ColorEffect.STATIC_TEMPERATURE
        for led in self.leds:
            if temperature and led.kelvin is None:
                raise InvalidDesignError(
                    InvalidDesignReason.TEMPERATURE_NEEDS_KELVIN, led
                )
            if not temperature and led.hs is None:
                raise InvalidDesignError(InvalidDesignReason.EFFECT_NEEDS_HS, led)
        if not self.random:
            self._check_count()
        if self.speed is not None:
            _check(self.speed, _SPEED, InvalidDesignReason.SPEED_RANGE)
        if self.random_brightness is not None:
            _check(
                self.random_brightness, _PERCENT, InvalidDesignReason.BRIGHTNESS_RANGE
            )

    def _check_count(self) -> None:
        """Refuse a colour count the effect does not take."""
        count = len(self.leds)
        if self.effect is ColorEffect.STARRY_NIGHT and count != STARRY_NIGHT_COLORS:
            raise InvalidDesignError(InvalidDesignReason.STARRY_NIGHT_NEEDS_TWO, count)
        if self.effect is ColorEffect.COLOR_CYCLE and count < MIN_CYCLE_COLORS:
            raise InvalidDesignError(InvalidDesignReason.CYCLE_NEEDS_TWO, count)

    @classmethod
    def start(
        cls,
        effect: ColorEffect,
        leds: Sequence[LedColor],
        *,
        speed: int | None = None,
        random: bool = False,
        random_brightness: int | None = None,
    ) -> Self:
        """Return the design that starts an effect; one colour is enough for any.

        Breathing and strobing breathe or flash one colour as well as several. Colour
        cycle and starry night need two: one colour gets white at its own level as the
        second (the cycle's other colour, the night's stars). Starry night takes the
        first two of more (background and star).
        """
        colours = tuple(leds)
        if effect is ColorEffect.STARRY_NIGHT:
            colours = colours[:STARRY_NIGHT_COLORS]
        if effect in _NEEDS_TWO and len(colours) == 1:
            first = colours[0]
            second = LedColor(
                on=first.on, brightness=first.brightness, hs=SECOND_COLOR_HS
            )
            colours = (first, second)
        return cls(
            leds=colours,
            effect=effect,
            speed=speed,
            random=random,
            random_brightness=random_brightness,
        )

    @classmethod
    def from_state(cls, state: ColorLightState) -> Self:
        """Return the design the light runs: the shortest pattern of its LEDs.

        Raises InvalidDesignError if the report makes no design (an unknown effect).
        """
        if state.effect is None:
            raise InvalidDesignError(InvalidDesignReason.UNKNOWN_EFFECT, state)
        temperature = state.effect is ColorEffect.STATIC_TEMPERATURE
        colours = tuple(
            LedColor.of(led, temperature=temperature) for led in state.leds[:LED_COUNT]
        )
        if state.effect is ColorEffect.STARRY_NIGHT:
            colours = colours[:2]
        else:
            # A cycle of one colour repeated reads as that colour twice, still valid.
            needs_two = state.effect in _NEEDS_TWO and not state.random_colors
            least = MIN_CYCLE_COLORS if needs_two else 1
            colours = _shortest_pattern(colours, least)
        speed = state.speed
        return cls(
            leds=colours,
            effect=state.effect,
            speed=None if speed is None else min(max(speed, _SPEED[0]), _SPEED[-1]),
            random=state.random_colors,
            random_brightness=state.random_brightness,
        )


def design_args(design: Design) -> list[Any]:
    """Return the arguments of callback 17 that set the design on every LED."""
    return [
        COLOR_LIGHT,
        int(design.effect),
        design_rows(design),
        DEFAULT_SPEED if design.speed is None else design.speed,
        int(design.random),
        (
            DEFAULT_RANDOM_BRIGHTNESS
            if design.random_brightness is None
            else design.random_brightness
        ),
    ]


def design_rows(design: Design) -> list[list[Any]]:
    """Return the 17 entries: nine, the colours repeated, or starry night's two."""
    leds = design.leds
    if design.effect is ColorEffect.STARRY_NIGHT:
        return [led.row() for led in leds]
    return [leds[index % len(leds)].row() for index in range(LED_COUNT)]


def _shortest_pattern(
    colours: tuple[LedColor, ...], least: int
) -> tuple[LedColor, ...]:
    """Return the shortest prefix (at least ``least`` long) that repeats into all."""
    for length in range(least, len(colours)):
        prefix = colours[:length]
        if all(colour == prefix[i % length] for i, colour in enumerate(colours)):
            return prefix
    return colours


def _check(value: int, allowed: range, reason: InvalidDesignReason) -> None:
    """Raise InvalidDesignError for a value outside its range."""
    if value not in allowed:
        raise InvalidDesignError(reason, value)
