"""The InvisDeco Aura's colour light (callbacks 17 and 18, protocol.md §6.13-6.14).

The state is always the full report shape of 18: ``[5, effect, [9 rows of [state,
brightness, [hue, sat], kelvin]], speed, random, random_brightness]``: every LED keeps
its own on, level, hue/saturation and kelvin. A 17 row carries ``[hue, sat]`` (an HSV
entry) or a kelvin value (a temperature entry, effect 2), or both as 18 reports them;
what a row leaves out keeps its previous value, as the device keeps a stale hue while
showing a temperature.

Which LEDs a 17 list reaches (§6.13): a single HSV entry fills every LED; a single
temperature entry sets only LED 1; nine entries set each LED. protocol.md is silent on
2 to 8 entries: they set the first LEDs in order and the others keep what they had.
How many entries an effect takes: 1 to 9 (breathing's rule, for every effect), exactly
2 for starry night (background, star), at least 2 for colour cycle. With random colours
on (``[4]`` = 1) the list is ignored: neither counted nor applied.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Self

from .wire import int_or_none, int_within

NIGHTLIGHT = 5
LED_COUNT = 9

_EFFECTS = range(1, 8)
_COLOR_CYCLE, _STARRY_NIGHT = 5, 7
# How many LED entries each effect takes; breathing's 1-9 for those §6.13 leaves out.
_ENTRIES: dict[int, range] = {
    _STARRY_NIGHT: range(2, 3),
    # protocol.md is silent on colour cycle; the other library sends it at least two
    # colours, and a cycle of one colour is none: refused, as the stricter guess.
    _COLOR_CYCLE: range(2, LED_COUNT + 1),
}
_PERCENT = range(101)
_HUE = range(361)
_KELVIN = range(1000, 40_001)
_SPEED = range(8)
_FLAG = range(2)


@dataclass(frozen=True)
class Led:
    """One LED of the colour light."""

    on: int
    brightness: int
    hue: int
    saturation: int
    kelvin: int

    @classmethod
    def from_row(cls, row: list[Any]) -> Self:
        """Read a full row ``[state, brightness, [hue, sat], kelvin]``."""
        state, brightness, (hue, saturation), kelvin = row
        return cls(state, brightness, hue, saturation, kelvin)

    def row(self) -> list[Any]:
        """Return the row as 18 reports it."""
        return [self.on, self.brightness, [self.hue, self.saturation], self.kelvin]

    def updated(self, row: Any) -> Self | None:
        """Return this LED changed by one 17 row, or None if the row is invalid."""
        if not isinstance(row, list) or not 2 <= len(row) <= 4:
            return None
        on, brightness = int_within(row[0], _FLAG), int_within(row[1], _PERCENT)
        if on is None or brightness is None:
            return None
        led = replace(self, on=on, brightness=brightness)
        for extra in row[2:]:
            if isinstance(extra, list) and len(extra) == 2:
                hue, saturation = (
                    int_within(extra[0], _HUE),
                    int_within(extra[1], _PERCENT),
                )
                if hue is None or saturation is None:
                    return None
                led = replace(led, hue=hue, saturation=saturation)
            elif (kelvin := int_within(extra, _KELVIN)) is not None:
                led = replace(led, kelvin=kelvin)
            else:
                return None
        return led


@dataclass
class ColorLight:
    """The colour light's whole state."""

    effect: int
    leds: list[Led]
    speed: int
    random: int
    random_brightness: int

    @classmethod
    def from_args(cls, args: list[Any]) -> Self:
        """Read the full state from the arguments of an 18 report."""
        _light, effect, rows, speed, random, random_brightness = args
        leds = [Led.from_row(row) for row in rows]
        return cls(effect, leds, speed, random, random_brightness)

    def args(self) -> list[Any]:
        """Return the arguments of an 18 reply or push."""
        rows = [led.row() for led in self.leds]
        return [
            NIGHTLIGHT,
            self.effect,
            rows,
            self.speed,
            self.random,
            self.random_brightness,
        ]

    def apply(self, args: Any) -> bool:
        """Apply the arguments of a 17 request; change nothing and say so if invalid."""
        if not isinstance(args, list) or not 3 <= len(args) <= 6:
            return False
        effect = int_within(args[1], _EFFECTS)
        if int_or_none(args[0]) != NIGHTLIGHT or effect is None:
            return False
        # Speed, random and random brightness are optional; absent ones stay as set.
        settings = [self.speed, self.random, self.random_brightness]
        optional = zip(args[3:], (_SPEED, _FLAG, _PERCENT), strict=False)
        for index, (value, allowed) in enumerate(optional):
            if (number := int_within(value, allowed)) is None:
                return False
            settings[index] = number
        # Random colours ignore the list (§6.13 [4]); it must still be a list.
        ignored = settings[1] == 1 and isinstance(args[2], list)
        leds = self.leds if ignored else self._leds_after(effect, args[2])
        if leds is None:
            return False
        self.effect, self.leds = effect, leds
        self.speed, self.random, self.random_brightness = settings
        return True

    def _leds_after(self, effect: int, rows: Any) -> list[Led] | None:
        """Return every LED after the rows of a 17 request, or None if invalid."""
        allowed = _ENTRIES.get(effect, range(1, LED_COUNT + 1))
        if not isinstance(rows, list) or len(rows) not in allowed:
            return None
        # A single HSV entry fills every LED; a single temperature entry is LED 1's.
        targets = rows * LED_COUNT if len(rows) == 1 and _is_hsv(rows[0]) else rows
        leds = list(self.leds)
        for index, row in enumerate(targets[:LED_COUNT]):
            if (led := leds[index].updated(row)) is None:
                return None
            leds[index] = led
        return leds


def _is_hsv(row: Any) -> bool:
    """Return whether a 17 row carries a ``[hue, sat]`` colour."""
    return isinstance(row, list) and any(isinstance(extra, list) for extra in row[2:])
