"""The device page's "Visit" link: the outlet's web interface, where it is known."""

from __future__ import annotations

from unittest.mock import MagicMock

from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.invisoutlet.const import CONF_TRANSPORT

from .common import DECO_SERIAL, SERIAL, get_device


async def set_up_at(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    client: MagicMock,
    data: dict[str, str | int],
) -> None:
    """Set the integration up on the library mock, for an entry with this data."""
    client.host = data[CONF_HOST]
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry, data={**config_entry.data, **data}
    )
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()


def at(host: str, transport: str, port: int) -> dict[str, str | int]:
    """Return an entry's data for an outlet at this address."""
    return {CONF_HOST: host, CONF_TRANSPORT: transport, CONF_PORT: port}


@pytest.mark.usefixtures("mock_firmware")
@pytest.mark.parametrize(
    ("data", "link"),
    [
        (at("192.0.2.7", "tcp", 3333), "http://192.0.2.7"),
        (at("192.0.2.7", "websocket", 80), "http://192.0.2.7"),
        (at("192.0.2.7", "websocket", 8080), "http://192.0.2.7:8080"),
        (at("fe80::1", "websocket", 8080), "http://[fe80::1]:8080"),
    ],
    ids=["revB", "revA", "revA forwarded", "revA forwarded IPv6"],
)
async def test_the_link_opens_the_outlets_web_server(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    mock_invisoutlet: MagicMock,
    data: dict[str, str | int],
    link: str,
) -> None:
    """The link is the outlet's HTTP server: port 80, or the WebSocket's own port."""
    await set_up_at(hass, config_entry, mock_invisoutlet, data)
    assert get_device(hass, SERIAL).configuration_url == link


@pytest.mark.usefixtures("mock_firmware")
async def test_no_link_when_the_tcp_api_moved_off_its_port(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """TCP on another port (a forward, the simulator): no link, not a dead one."""
    await set_up_at(hass, config_entry, mock_invisoutlet, at("192.0.2.7", "tcp", 13333))
    assert get_device(hass, SERIAL).configuration_url is None


@pytest.mark.usefixtures("mock_firmware")
async def test_the_invisdeco_has_no_link_of_its_own(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_invisoutlet: MagicMock
) -> None:
    """The faceplate has no web server: only the outlet's device page links."""
    data = at("192.0.2.7", "websocket", 80)
    await set_up_at(hass, config_entry, mock_invisoutlet, data)
    assert get_device(hass, DECO_SERIAL).configuration_url is None
