"""The config flow: by address, by zeroconf, reconfigure, and options."""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.config_entries import SOURCE_USER, SOURCE_ZEROCONF
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.invisoutlet.const import CONF_DECO_METHOD, CONF_TRANSPORT, DOMAIN
from custom_components.invisoutlet.pyinvisoutlet import InvisOutlet, Transport

from .common import SERIAL, zeroconf_info
from .simulator import InvisOutletSimulator

CLOSED_PORT = 9  # discard: nothing listens on loopback


pytestmark = pytest.mark.usefixtures("probe_simulator")


async def test_user_step_creates_entry_over_tcp(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """An outlet answering on TCP is added with the TCP transport."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: " 127.0.0.1 "}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"InvisOutlet {SERIAL}"
    assert result["data"] == {
        CONF_HOST: "127.0.0.1",
        CONF_TRANSPORT: "tcp",
        CONF_PORT: simulator.tcp_port,
    }
    assert result["result"].unique_id == SERIAL


async def test_user_step_falls_back_to_websocket(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """An outlet without TCP (revA) is added with the WebSocket transport."""
    order = ((Transport.TCP, CLOSED_PORT), (Transport.WEBSOCKET, simulator.ws_port))
    with patch("custom_components.invisoutlet.config_flow.PROBE_ORDER", order):
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_USER}, data={CONF_HOST: "127.0.0.1"}
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_TRANSPORT] == "websocket"
    assert result["data"][CONF_PORT] == simulator.ws_port


@pytest.mark.parametrize(
    "host",
    [
        "http://127.0.0.1",
        "127.0.0.1:3333",
        "invis outlet",
        "outlet/path",
        "-bad.lan",
        "",
    ],
)
async def test_user_step_rejects_anything_but_a_host(
    hass: HomeAssistant, host: str
) -> None:
    """A scheme, port, path or space is refused, and a valid host then succeeds."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}, data={CONF_HOST: host}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_HOST: "invalid_host"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize("host", ["invisoutlet.local", "outlet-1.home.arpa.", "::1"])
async def test_valid_host_names_are_probed(hass: HomeAssistant, host: str) -> None:
    """Host names and IPv6 addresses pass validation and are probed."""
    with patch("custom_components.invisoutlet.config_flow.PROBE_ORDER", ()):
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_USER}, data={CONF_HOST: host}
        )
    assert result["errors"] == {"base": "cannot_connect"}


async def test_user_step_reports_cannot_connect_and_recovers(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """An outlet that does not answer gives cannot_connect; a retry succeeds."""
    await simulator.set_refusing(True)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}, data={CONF_HOST: "127.0.0.1"}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    await simulator.set_refusing(False)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_step_reports_unknown_error_and_recovers(
    hass: HomeAssistant,
) -> None:
    """An unexpected error gives unknown; a retry succeeds."""
    with patch.object(InvisOutlet, "device_info", side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_USER}, data={CONF_HOST: "127.0.0.1"}
        )
    assert result["errors"] == {"base": "unknown"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_step_aborts_for_configured_outlet(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Adding the same outlet twice aborts."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}, data={CONF_HOST: "127.0.0.1"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_zeroconf_offers_new_outlet(hass: HomeAssistant) -> None:
    """A discovered outlet is confirmed and added."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf_info()
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "zeroconf_confirm"
    assert result["description_placeholders"] == {"serial": SERIAL, "host": "127.0.0.1"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == SERIAL


async def test_zeroconf_without_serial_aborts(hass: HomeAssistant) -> None:
    """An announcement without the sn TXT key is not an InvisOutlet."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf_info(serial=None)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_invisoutlet"


async def test_zeroconf_unreachable_outlet_aborts(
    hass: HomeAssistant, simulator: InvisOutletSimulator
) -> None:
    """A discovered outlet that does not answer is not offered."""
    await simulator.set_refusing(True)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf_info()
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"


async def test_zeroconf_serial_of_another_device_aborts(hass: HomeAssistant) -> None:
    """A TXT serial that differs from what the device reports is not offered."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf_info(serial="OTHER")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"


async def test_zeroconf_updates_host_of_configured_outlet_without_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A known outlet at a new address keeps running and reconnects there."""
    coordinator = init_integration.runtime_data
    with patch.object(coordinator.client, "reconnect_now") as reconnect_now:
        result = await hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_ZEROCONF},
            data=zeroconf_info(host="127.0.0.2"),
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert init_integration.data[CONF_HOST] == "127.0.0.2"
    reconnect_now.assert_called_once_with("127.0.0.2")
    assert init_integration.runtime_data is coordinator


async def test_reconfigure_changes_host(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Reconfiguring to the same outlet at another address updates the entry."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, data={**mock_config_entry.data, CONF_HOST: "localhost"}
    )
    result = await mock_config_entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "bad host"}
    )
    assert result["errors"] == {CONF_HOST: "invalid_host"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert mock_config_entry.data[CONF_HOST] == "127.0.0.1"


async def test_reconfigure_refuses_another_device(hass: HomeAssistant) -> None:
    """Reconfiguring to an address where a different outlet answers aborts."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="OTHER",
        data={CONF_HOST: "192.0.2.1", CONF_TRANSPORT: "tcp", CONF_PORT: 3333},
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"
    assert entry.data[CONF_HOST] == "192.0.2.1"


async def test_options_flow_sets_deco_update_method(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """The InvisDeco update method is an option, automatic by default."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["data_schema"] is not None
    schema_default = next(iter(result["data_schema"].schema)).default()
    assert schema_default == "automatic"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_DECO_METHOD: "via_outlet"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options == {CONF_DECO_METHOD: "via_outlet"}
