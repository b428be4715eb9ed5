"""Snapshots kept per Home Assistant release line."""

from __future__ import annotations

from pathlib import Path

from homeassistant import const as ha_const
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.location import PyTestLocation


class PerReleaseSnapshots(HomeAssistantSnapshotExtension):
    """Keep one set of snapshots per Home Assistant release line.

    Registry entries gain fields between releases; a snapshot per release line keeps
    each one exact instead of hiding the differences.
    """

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        """Return __snapshots__/<year.month> beside the test module."""
        release = ".".join(ha_const.__version__.split(".")[:2])
        return str(Path(test_location.filepath).parent / "__snapshots__" / release)
