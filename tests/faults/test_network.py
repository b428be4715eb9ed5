"""The network and Home Assistant: lost names, moved addresses, a stop mid-install."""

from __future__ import annotations

import asyncio
import logging
from unittest.mock import patch

from homeassistant.components.update import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_INSTALLED_VERSION,
)
from homeassistant.config_entries import (
    SOURCE_ZEROCONF,
    ConfigEntryState,
)
from homeassistant.const import (
    CONF_HOST,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.invisoutlet.const import (
    DOMAIN,
)
from custom_components.invisoutlet.pyinvisoutlet import (
    Transport,
)
from tests.common import (
    WEB_INTERFACE,
    start_install,
    zeroconf_info,
)
from tests.pyinvisoutlet.conftest import unused_port
from tests.simulator import (
    InvisOutletSimulator,
)
from tests.waiting import wait_until

from .helpers import (
    UNAVAILABLE_LINE,
    WAIT,
    Resolver,
    assert_logged_away_and_back_once,
    assert_no_errors,
    assert_translated,
    attribute,
    downloading,
    finish,
    messages,
    our_records,
    state_of,
)


@pytest.mark.parametrize("host", ["localhost"])
async def test_host_that_stops_resolving_is_an_outage(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    resolver: Resolver,
) -> None:
    """A name that no longer resolves: retried quietly, one warning, one info line."""
    coordinator = entry.runtime_data.device
    resolver.resolving = False
    await simulator.drop_connections()
    await wait_until(lambda: resolver.lookups.count("localhost") >= 4)
    for _ in range(2):
        await coordinator.async_refresh()
    assert state_of(hass) == STATE_UNAVAILABLE
    resolver.resolving = True
    await wait_until(lambda: coordinator.last_update_success)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass) == STATE_ON
    assert simulator.accepted_count == 2
    assert_logged_away_and_back_once(caplog)
    await finish(hass, entry, simulator, caplog)


@pytest.mark.parametrize("host", ["localhost"])
@pytest.mark.usefixtures("probe_simulator")
async def test_zeroconf_new_address_during_the_install_reboot(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    resolver: Resolver,
) -> None:
    """The outlet moves while restarting for an install: checked, then followed."""
    coordinator = entry.runtime_data.device
    simulator.timing.reboot_duration = 0.3
    task = await start_install(hass)
    await wait_until(lambda: not coordinator.client.connected)
    resolver.resolving = False  # the old address is gone for good

    async def announced() -> bool:
        # mDNS announces again; each announcement is checked at the address given.
        result = await hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_ZEROCONF},
            data=zeroconf_info(host="127.0.0.1"),
        )
        assert result["reason"] == "already_configured"
        return bool(entry.data[CONF_HOST] == "127.0.0.1")

    async with asyncio.timeout(WAIT):
        while not await announced():  # noqa: ASYNC110 - each try is an announcement
            await asyncio.sleep(0.05)
    await task
    assert entry.runtime_data.device is coordinator
    assert coordinator.client.host == "127.0.0.1"
    assert entry.state is ConfigEntryState.LOADED
    assert (state_of(hass), attribute(hass, ATTR_INSTALLED_VERSION)) == (
        STATE_OFF,
        "1.3.0",
    )
    await finish(hass, entry, simulator, caplog)


@pytest.mark.parametrize("host", ["localhost"])
async def test_dead_address_announced_during_an_install_changes_nothing(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
    resolver: Resolver,
) -> None:
    """An address where nothing answers never takes a running install away."""
    closed = unused_port()
    order = ((Transport.TCP, closed), (Transport.WEBSOCKET, closed))
    task = await start_install(hass)
    with patch("custom_components.invisoutlet.config_flow.PROBE_ORDER", order):
        result = await hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_ZEROCONF},
            data=zeroconf_info(host="127.0.0.1"),
        )
    assert result["reason"] == "already_configured"
    await task
    assert entry.data[CONF_HOST] == "localhost"
    assert state_of(hass) == STATE_OFF
    await finish(hass, entry, simulator, caplog)


async def test_home_assistant_stops_during_an_install(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Stopping mid-install ends the wait translated and closes the link."""
    client = entry.runtime_data.client
    simulator.timing.step_interval = 0.05
    task = await start_install(hass)
    await wait_until(lambda: downloading(hass, WEB_INTERFACE))
    await hass.async_stop()
    with pytest.raises(HomeAssistantError) as error:
        await task
    assert_translated(error.value, "ota_interrupted")
    assert not client.connected
    await wait_until(lambda: simulator.connection_count == 0)
    assert_no_errors(caplog)
    assert not messages(our_records(caplog, logging.WARNING), UNAVAILABLE_LINE)
