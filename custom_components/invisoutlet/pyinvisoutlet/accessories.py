"""Immutable models of the InvisDeco: sensors, nightlight, colour light (§6.10-6.14)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple, Self

from .builder import builder
from .const import ColorEffect
from .exceptions import InvisOutletProtocolError
from .fields import MAX_TEXT, as_bool, as_float, as_int, as_list, reject, shape

# occupancy_state while the radar calibrates (protocol.md §6.16).
CALIBRATING_OCCUPANCY = frozenset({4, 5, 6})


class Reading(NamedTuple):
    """Where a reading is sent, the flag that vouches for it, and its possible range."""

    key: str
    flag: str | None
    low: float
    high: float


# Every reading (protocol.md §6.10, in the units sent: no scaling) and the range its
# sensor can physically report; a value outside is a fault, not a reading. The
# faceplate's air-quality sensor is a Bosch BME680 (its BME680_* keys), read through
# Bosch's BSEC library; the climate sensor and the radar are not named.
READINGS: dict[str, Reading] = {
    # °C: the BME680's operating range (datasheet: -40 to 85 °C); the climate sensor
    # beside it is not named and is held to the same range.
    "temperature": Reading("temp_celsius", "temp_valid", -40.0, 85.0),
    # %RH: relative humidity is 0-100 by definition (BME680 datasheet: 0-100 %RH).
    "humidity": Reading("humidity", "temp_valid", 0.0, 100.0),
    # Pa: the BME680's pressure range (datasheet: 300-1100 hPa).
    "pressure": Reading("pressure", "aqi_valid", 30_000.0, 110_000.0),
    # BSEC's index of air quality runs from 0 to 500 (BSEC_MIN_IAQ, BSEC_MAX_IAQ).
    "aqi": Reading("AQI", "aqi_valid", 0.0, 500.0),
    # ppm: BSEC's estimates; no concentration exceeds a million parts per million.
    "co2": Reading("co2_equiv", "aqi_valid", 0.0, 1_000_000.0),
    "bvoc": Reading("bvoc_equiv", "aqi_valid", 0.0, 1_000_000.0),
    # lx: direct noon sunlight is about 120 000 lx; nothing a room sees is brighter.
    "illuminance": Reading("lux", "lux_valid", 0.0, 200_000.0),
    # cm (per [HUB]): room-scale presence radars reach under 10 m; 100 m keeps every
    # room, and still every reading should the unit turn out to be millimetres.
    "distance": Reading("distance", "occupancy_valid", 0.0, 10_000.0),
    # A state code: 0 empty, above 0 occupied, 4-6 calibrating (§6.16); the codes are
    # small and never negative; any code a byte can hold is kept.
    "occupancy_state": Reading("occupancy_state", "occupancy_valid", 0.0, 255.0),
    # An energy on an undocumented scale (> 0 is motion): never negative; 1e6 is a
    # generous ceiling far above the 0-100 of common presence radars.
    "movement_energy": Reading("movement_energy", "occupancy_valid", 0.0, 1e6),
    # BSEC's accuracy: 0 calibrating, 1 worst to 3 best (§6.10); the CO₂ and bVOC
    # estimates have their own, on the same scale.
    "aqi_accuracy": Reading("AQI_accuracy", None, 0.0, 3.0),
    "co2_accuracy": Reading("co2_accuracy", None, 0.0, 3.0),
    "bvoc_accuracy": Reading("bvoc_accuracy", None, 0.0, 3.0),
}


# READINGS by the key they are sent under, for the hot loop of
# SensorReadings.from_args: each with its place among the fields and its bit in the
# mask of the readings a message reports.
_BY_KEY = {
    reading.key: (index, 1 << index, name, reading.flag, reading.low, reading.high)
    for index, (name, reading) in enumerate(READINGS.items())
}
_NAMES = tuple(READINGS)
# The readings reported, by mask: a faceplate reports the same ones every time, so
# each set is made once and shared (at most one per mask of the 13 readings).
_REPORTED: dict[int, frozenset[str]] = {}


@dataclass(frozen=True, slots=True)
class SensorReadings:
    """What the InvisDeco measures; None where a reading is absent or invalid."""

    # Which readings this faceplate reports at all (a Pro and an Aura differ).
    reported: frozenset[str]
    temperature: float | None = None
    humidity: float | None = None
    pressure: float | None = None
    aqi: float | None = None
    co2: float | None = None
    bvoc: float | None = None
    illuminance: float | None = None
    distance: float | None = None
    occupancy_state: float | None = None
    movement_energy: float | None = None
    aqi_accuracy: float | None = None
    co2_accuracy: float | None = None
    bvoc_accuracy: float | None = None

    @classmethod
    def from_args(cls, args: object) -> SensorReadings:
        """Parse [device type, {readings}]; numbers may arrive as strings."""
        # One pass over what was sent: a faceplate pushes this every few seconds.
        readings = _readings_of(args)
        values: list[float | None] = [None] * len(_NAMES)
        mask = 0
        # Each flag vouches for several readings: read once per message.
        vouched: dict[str, bool] = {}
        for key, sent in readings.items():
            if (row := _BY_KEY.get(key)) is None:
                continue
            index, bit, name, flag, low, high = row
            mask |= bit
            if flag is not None:
                valid = vouched.get(flag)
                if valid is None:
                    sent_flag = readings.get(flag, 1)
                    valid = vouched[flag] = (
                        sent_flag == 1
                        if type(sent_flag) is int and 0 <= sent_flag <= 1
                        else _flag(sent_flag)
                    )
                if not valid:
                    continue
            kind = type(sent)
            # Numbers and short numeric text in range skip the tolerant reader; NaN and
            # everything else fail the comparison and take the reader, which says why.
            if kind is float or kind is int:
                number = sent
            else:
                number = _text_number(sent) if kind is str else None
            if number is not None and low <= number <= high:
                values[index] = float(number)
            else:
                values[index] = _value(name, READINGS[name], sent)
        reported = _REPORTED.get(mask)
        if reported is None:
            reported = _REPORTED[mask] = frozenset(
                name for index, name in enumerate(_NAMES) if mask >> index & 1
            )
        return _build_readings(reported, *values)

    @property
    def calibrating_occupancy(self) -> bool:
        """Return whether the radar is calibrating (occupancy is unknown then)."""
        return self.occupancy_state in CALIBRATING_OCCUPANCY

    @property
    def occupied(self) -> bool | None:
        """Return whether someone is there; None while unknown or calibrating."""
        if self.occupancy_state is None or self.calibrating_occupancy:
            return None
        return self.occupancy_state > 0

    @property
    def motion(self) -> bool | None:
        """Return whether the radar sees movement."""
        return None if self.movement_energy is None else self.movement_energy > 0


_build_readings = builder(SensorReadings)


def _value(name: str, reading: Reading, sent: object) -> float | None:
    """Return a reading its sensor can report; None, counted, for anything else."""
    if sent is None:
        return None  # the device's own "unknown"
    value = as_float(sent)
    if value is None:
        reject(f"a reading of {name} that is not a finite number")
    elif not reading.low <= value <= reading.high:
        reject(f"a reading of {name} out of its sensor's range")
        value = None
    return value


def _text_number(sent: str) -> float | None:
    """Return the number short text spells; None for any other text."""
    if len(sent) > MAX_TEXT:
        return None
    try:
        return float(sent)
    except ValueError:
        return None


def _flag(value: object) -> bool:
    """Return a validity flag; one that cannot be read vouches for nothing."""
    try:
        return as_bool(value, "validity flag")
    except InvisOutletProtocolError:
        return False


def _readings_of(args: object) -> dict[str, Any]:
    """Return the readings object of [device type, {readings}] (or a bare object)."""
    if isinstance(args, dict):
        return args
    if isinstance(args, list):
        for element in args[:2]:
            if isinstance(element, dict):
                return element
    msg = f"sensor readings are not an object: {shape(args)}"
    raise InvisOutletProtocolError(msg)


@dataclass(frozen=True, slots=True)
class NightlightState:
    """The InvisDeco Pro's nightlight: on, and brightness 0-100."""

    on: bool
    brightness: int

    @classmethod
    def from_args(cls, args: object) -> Self:
        """Parse [on, brightness]."""
        on, brightness = as_list(args, 2, "nightlight")[:2]
        return cls(
            on=bool(as_int(on, "nightlight")),
            brightness=_percent(as_int(brightness, "brightness")),
        )


@dataclass(frozen=True, slots=True)
class Led:
    """One LED of the colour light."""

    on: bool
    brightness: int
    hue: int
    saturation: int
    kelvin: int | None


@dataclass(frozen=True, slots=True)
class ColorLightState:
    """The InvisDeco Aura's colour light, as the device reports it."""

    effect: ColorEffect | None
    leds: tuple[Led, ...]
    speed: int | None
    random_colors: bool
    # The level of random colours, 0-100; None when the report leaves it out.
    random_brightness: int | None = None

    @classmethod
    def from_args(cls, args: object) -> Self:
        """Parse [light, effect, [LEDs], speed, random, random brightness]."""
        values = as_list(args, 3, "colour light")
        effect_code = as_int(values[1], "effect")
        rows = values[2] if isinstance(values[2], list) else []
        leds = tuple(_led(row) for row in rows[:16])
        return cls(
            effect=ColorEffect(effect_code) if effect_code in _EFFECTS else None,
            leds=leds,
            speed=as_int(values[3], "speed") if len(values) > 3 else None,
            random_colors=len(values) > 4 and bool(as_int(values[4], "random")),
            random_brightness=(
                _percent(as_int(values[5], "random brightness"))
                if len(values) > 5
                else None
            ),
        )

    @property
    def lit(self) -> tuple[Led, ...]:
        """Return the LEDs that are on."""
        return tuple(led for led in self.leds if led.on and led.brightness > 0)

    @property
    def on(self) -> bool:
        """Return whether any LED is lit."""
        return bool(self.lit)

    @property
    def brightness(self) -> int:
        """Return the brightness of the brightest lit LED, 0-100."""
        return max((led.brightness for led in self.lit), default=0)

    @property
    def leading(self) -> Led | None:
        """Return the first lit LED (its colour stands for the light), or the first."""
        lit = self.lit
        return lit[0] if lit else (self.leds[0] if self.leds else None)


_EFFECTS = frozenset(effect.value for effect in ColorEffect)


def _led(row: object) -> Led:
    """Parse [state, brightness, [hue, sat], kelvin] (kelvin only in reports)."""
    values = as_list(row, 2, "LED")
    hue = saturation = 0
    kelvin = None
    for extra in values[2:4]:
        if isinstance(extra, list) and len(extra) >= 2:
            hue = as_int(extra[0], "hue") % 361
            saturation = _percent(as_int(extra[1], "saturation"))
        elif extra is not None:
            kelvin = as_int(extra, "kelvin")
    return Led(
        on=bool(as_int(values[0], "LED state")),
        brightness=_percent(as_int(values[1], "LED brightness")),
        hue=hue,
        saturation=saturation,
        kelvin=kelvin,
    )


def _percent(value: int) -> int:
    """Clamp a percentage to 0-100."""
    return min(max(value, 0), 100)
