"""Fixtures of the fault tests: the entry on the simulator, and its fault knobs."""

from __future__ import annotations

import logging
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import (
    ConfigEntryState,
)
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

import custom_components.invisoutlet as integration
from custom_components.invisoutlet.pyinvisoutlet import (
    Backoff,
)
from tests.conftest import FAST_BACKOFF
from tests.simulator import (
    InvisOutletSimulator,
)

from .helpers import (
    OUR_LOGGER,
    Resolver,
)


@pytest.fixture
def request_timeout() -> float:
    """Return the request timeout of the entry (parametrize for silent devices)."""
    return 10.0


@pytest.fixture
def backoff() -> Backoff:
    """Return the reconnect delays of the entry."""
    return FAST_BACKOFF


@pytest.fixture(autouse=True)
def resolver(hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch) -> Resolver:
    """Replace the loop's getaddrinfo in every test: none may query a real DNS."""
    fake = Resolver()
    monkeypatch.setattr(hass.loop, "getaddrinfo", fake.getaddrinfo)
    return fake


@pytest.fixture
async def entry(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    request_timeout: float,
    backoff: Backoff,
    caplog: pytest.LogCaptureFixture,
) -> MockConfigEntry:
    """Set up the integration against the simulator, logging everything we log."""
    caplog.set_level(logging.DEBUG, logger=OUR_LOGGER)
    mock_config_entry.add_to_hass(hass)
    with (
        patch.object(integration, "REQUEST_TIMEOUT", request_timeout),
        patch.object(integration, "RECONNECT_BACKOFF", backoff),
    ):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    return mock_config_entry


@pytest.fixture
def initial_faults() -> dict[str, Any]:
    """Return fault knobs to set before the entry is set up."""
    return {}


@pytest.fixture(autouse=True)
def apply_initial_faults(
    simulator: InvisOutletSimulator, initial_faults: dict[str, Any]
) -> None:
    """Set the initial fault knobs before anything connects."""
    for knob, value in initial_faults.items():
        setattr(simulator.faults, knob, value)
