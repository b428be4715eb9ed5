"""The config flow: by address, by zeroconf, reconfigure, and options."""

from __future__ import annotations

from unittest.mock import AsyncMock, MagicMock

from homeassistant.config_entries import SOURCE_USER, SOURCE_ZEROCONF
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.invisoutlet.const import CONF_DECO_METHOD, CONF_TRANSPORT, DOMAIN
from custom_components.invisoutlet.pyinvisoutlet import (
    InvisOutletConnectionError,
    ProbeResult,
    Transport,
)

from .common import SERIAL, zeroconf_info
from .library_mock import outlet_info


@pytest.fixture(autouse=True)
def no_setup(request: pytest.FixtureRequest) -> None:
    """Create entries without setting them up, unless a test sets one up itself."""
    if "mocked_integration" not in request.fixturenames:
        request.getfixturevalue("mock_setup_entry")


async def test_user_step_creates_entry_over_tcp(
    hass: HomeAssistant, mock_probe: AsyncMock
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
        CONF_PORT: 3333,
    }
    assert result["result"].unique_id == SERIAL
    assert mock_probe.call_args.args == ("127.0.0.1",)


async def test_user_step_keeps_the_transport_the_outlet_answered_on(
    hass: HomeAssistant, mock_probe: AsyncMock
) -> None:
    """An outlet that answers only on the WebSocket (revA) is added with it."""
    mock_probe.return_value = ProbeResult(
        transport=Transport.WEBSOCKET, port=80, info=outlet_info()
    )
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}, data={CONF_HOST: "127.0.0.1"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_TRANSPORT] == "websocket"
    assert result["data"][CONF_PORT] == 80


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
@pytest.mark.usefixtures("mock_probe")
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
async def test_valid_host_names_are_probed(
    hass: HomeAssistant, mock_probe: AsyncMock, host: str
) -> None:
    """Host names and IPv6 addresses pass validation and are probed."""
    await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}, data={CONF_HOST: host}
    )
    assert mock_probe.call_args.args == (host,)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (InvisOutletConnectionError("refused"), "cannot_connect"),
        (RuntimeError("boom"), "unknown"),
    ],
)
async def test_user_step_reports_errors_and_recovers(
    hass: HomeAssistant, mock_probe: AsyncMock, error: Exception, reason: str
) -> None:
    """An outlet that does not answer, or a surprise, is a form error; a retry works."""
    answer = mock_probe.return_value
    mock_probe.side_effect = error
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}, data={CONF_HOST: "127.0.0.1"}
    )
    assert result["errors"] == {"base": reason}
    mock_probe.side_effect = None
    mock_probe.return_value = answer
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("mock_probe")
async def test_user_step_aborts_for_configured_outlet(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Adding the same outlet twice aborts."""
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}, data={CONF_HOST: "127.0.0.1"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


@pytest.mark.usefixtures("mock_probe")
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
    hass: HomeAssistant, mock_probe: AsyncMock
) -> None:
    """A discovered outlet that does not answer is not offered."""
    mock_probe.side_effect = InvisOutletConnectionError("refused")
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf_info()
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"


@pytest.mark.usefixtures("mock_probe")
async def test_zeroconf_serial_of_another_device_aborts(hass: HomeAssistant) -> None:
    """A TXT serial that differs from what the device reports is not offered."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf_info(serial="OTHER")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"


@pytest.mark.usefixtures("mock_probe")
async def test_zeroconf_updates_host_of_configured_outlet_without_reload(
    hass: HomeAssistant,
    mocked_integration: MockConfigEntry,
    mock_invisoutlet: MagicMock,
) -> None:
    """A known outlet at a new address keeps running and reconnects there."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_ZEROCONF},
        data=zeroconf_info(host="127.0.0.2"),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert mocked_integration.data[CONF_HOST] == "127.0.0.2"
    mock_invisoutlet.reconnect_now.assert_called_once_with("127.0.0.2")


@pytest.mark.usefixtures("mock_probe")
async def test_reconfigure_changes_host(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Reconfiguring to the same outlet at another address updates the entry."""
    config_entry.add_to_hass(hass)
    result = await config_entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "bad host"}
    )
    assert result["errors"] == {CONF_HOST: "invalid_host"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "192.0.2.7"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.data[CONF_HOST] == "192.0.2.7"


@pytest.mark.usefixtures("mock_probe")
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
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """The InvisDeco update method is an option, automatic by default."""
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["data_schema"] is not None
    schema_default = next(iter(result["data_schema"].schema)).default()
    assert schema_default == "automatic"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_DECO_METHOD: "via_outlet"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert config_entry.options == {CONF_DECO_METHOD: "via_outlet"}


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(InvisOutletConnectionError("nothing there"), id="dead address"),
        pytest.param(
            ProbeResult(
                transport=Transport.TCP, port=3333, info=outlet_info(sn="OTHER")
            ),
            id="another outlet",
        ),
    ],
)
async def test_zeroconf_address_that_does_not_check_out_changes_nothing(
    hass: HomeAssistant,
    mocked_integration: MockConfigEntry,
    mock_invisoutlet: MagicMock,
    mock_probe: AsyncMock,
    answer: Exception | ProbeResult,
) -> None:
    """An announced address is used only once the same outlet answers there."""
    if isinstance(answer, Exception):
        mock_probe.side_effect = answer
    else:
        mock_probe.return_value = answer
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_ZEROCONF},
        data=zeroconf_info(host="127.0.0.2"),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert mocked_integration.data[CONF_HOST] == "127.0.0.1"
    mock_invisoutlet.reconnect_now.assert_not_called()


async def test_zeroconf_at_the_known_address_probes_nothing(
    hass: HomeAssistant,
    mocked_integration: MockConfigEntry,
    mock_invisoutlet: MagicMock,
    mock_probe: AsyncMock,
) -> None:
    """An announcement of the address already in use costs no probe."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=zeroconf_info()
    )
    assert result["reason"] == "already_configured"
    mock_probe.assert_not_awaited()
    mock_invisoutlet.reconnect_now.assert_not_called()


async def test_zeroconf_moves_an_entry_that_is_not_loaded(
    hass: HomeAssistant, config_entry: MockConfigEntry, mock_probe: AsyncMock
) -> None:
    """An entry not running yet just takes the checked address."""
    config_entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_ZEROCONF},
        data=zeroconf_info("11A1F7000FE", "127.0.0.3"),
    )
    assert result["reason"] == "already_configured"
    assert config_entry.data[CONF_HOST] == "127.0.0.3"
