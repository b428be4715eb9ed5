"""Faults in framing, end to end: the one path where they cross into Home Assistant.

How the library decodes split, coalesced, garbled, oversized and non-UTF-8 streams is
specified in tests/pyinvisoutlet (test_transport.py, test_link.py,
test_stream_faults.py); what a user sees of the library's errors is specified on the
library mock (tests/test_device_faults.py). This keeps the crossing of both: a whole
install, with its progress bar, through a stream that is garbled all along.
"""

from __future__ import annotations

from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.simulator import InvisOutletSimulator

from .helpers import assert_outlet_install_succeeds, finish, state_of


@pytest.mark.parametrize(
    "initial_faults",
    [{"coalesce": True, "garbage_between": b"\xff\xfe#{#}\x00"}],
    ids=["coalesced writes with garbage that is not UTF-8"],
)
async def test_install_succeeds_with_garbage_before_every_message(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Set up, progress shown step by step, new versions: as on a clean stream."""
    assert state_of(hass) == STATE_ON
    await assert_outlet_install_succeeds(hass)
    simulator.faults.garbage_between = b""
    await finish(hass, entry, simulator, caplog)
