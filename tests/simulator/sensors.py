"""The InvisDeco's readings (callback 11, protocol.md §6.10): drift and calibration.

Readings keep the type the fixture gives them: the device sends some numbers as strings
(the app models ``temp_celsius``, ``humidity``, ``lux`` and others as text), so a value
that arrived as ``"21.8"`` moves to ``"21.9"``, never to ``21.9``.
"""

from __future__ import annotations

from typing import Any

# How far one periodic push moves each reading that drifts at all.
_DRIFT = {
    "temp_celsius": 0.1,
    "humidity": 0.5,
    "pressure": 10,
    "AQI": 1,
    "co2_equiv": 5,
    "bvoc_equiv": 0.02,
    "lux": 2,
    "distance": 3,
}
# Up, up, down, down, down, down, up, up: the cycle sums to zero, so a reading never
# strays more than two steps from where it started.
_CYCLE = (1, 1, -1, -1, -1, -1, 1, 1)

ACCURACY_KEYS = ("AQI_accuracy", "co2_accuracy", "bvoc_accuracy")
BEST_ACCURACY = 3
OCCUPANCY_CALIBRATION = (4, 5, 6)
OCCUPANCY_IDLE = 0


def drift(readings: dict[str, Any], step: int) -> None:
    """Move every drifting reading one step of the deterministic cycle."""
    direction = _CYCLE[step % len(_CYCLE)]
    for key, delta in _DRIFT.items():
        if key in readings:
            readings[key] = shifted(readings[key], direction * delta)


def shifted(value: Any, delta: float) -> Any:
    """Return a reading moved by delta, in the same representation."""
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value  # "inf" and other text do not drift
        return like(value, number + delta)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return like(value, value + delta)
    return value


def like(template: Any, number: float) -> Any:
    """Return number in the representation of template (text, integer or float)."""
    if isinstance(template, str):
        _, _, fraction = template.partition(".")
        return f"{number:.{max(len(fraction), 1)}f}"
    if isinstance(template, int) and not isinstance(template, bool):
        return round(number)
    return round(number, 2)
