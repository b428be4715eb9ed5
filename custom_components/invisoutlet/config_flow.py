"""Config flow: add an InvisOutlet by address or by zeroconf, and its options."""

from __future__ import annotations

from contextlib import suppress
import ipaddress
import re
from typing import Any

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import voluptuous as vol

from .const import (
    CONF_DECO_METHOD,
    CONF_TRANSPORT,
    DEFAULT_DECO_METHOD,
    DOMAIN,
    LOGGER,
    DecoMethod,
)
from .coordinator import InvisOutletConfigEntry
from .pyinvisoutlet import PROBE_ORDER, InvisOutletError, ProbeResult, probe


def form_schema(fields: dict[Any, Any]) -> Any:
    """Return a form schema.

    Home Assistant 2026.8 replaced voluptuous with probatio and aliases the
    `voluptuous` module to it, so this is a voluptuous schema on 2025.4 and a probatio
    one on current releases: typed Any to fit either release's annotations.
    """
    return vol.Schema(fields)


HOST_SCHEMA = form_schema({vol.Required(CONF_HOST): str})
# RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
_HOSTNAME = re.compile(
    r"^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$",
    re.IGNORECASE,
)


def valid_host(host: str) -> bool:
    """Return whether host is a bare host name or IP address (no scheme, port, path)."""
    with suppress(ValueError):
        ipaddress.ip_address(host)
        return True
    return _HOSTNAME.match(host) is not None


class InvisOutletConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up an InvisOutlet."""

    VERSION = 1

    _host: str
    _found: ProbeResult

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: InvisOutletConfigEntry) -> OptionsFlow:
        """Return the options flow."""
        return InvisOutletOptionsFlow()

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the outlet's address."""
        errors: dict[str, str] = {}
        if user_input is not None and not (
            errors := await self._async_probe(user_input[CONF_HOST])
        ):
            await self.async_set_unique_id(self._found.info.serial)
            self._abort_if_unique_id_configured(updates=self._entry_data())
            return self._async_create_entry()
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(HOST_SCHEMA, user_input),
            errors=errors,
        )

    async def async_step_zeroconf(
        self, discovery_info: ZeroconfServiceInfo
    ) -> ConfigFlowResult:
        """Offer an outlet found on the network, or follow a known one's new address."""
        serial = discovery_info.properties.get("sn")
        if not serial:
            return self.async_abort(reason="not_invisoutlet")
        host = discovery_info.host
        await self.async_set_unique_id(serial)
        entry = self.hass.config_entries.async_entry_for_domain_unique_id(
            DOMAIN, serial
        )
        if entry is not None:
            return await self._async_follow_address(entry, serial, host)
        if await self._async_probe(host):
            return self.async_abort(reason="cannot_connect")
        if self._found.info.serial != serial:
            return self.async_abort(reason="wrong_device")
        self.context["title_placeholders"] = {"serial": serial}
        return await self.async_step_zeroconf_confirm()

    async def _async_follow_address(
        self, entry: InvisOutletConfigEntry, serial: str, host: str
    ) -> ConfigFlowResult:
        """Move a known outlet to an announced address once it answers there.

        Checked first: an announcement is only a claim, and an address where nothing
        (or another device) answers must not take a working outlet, or a running
        install, away from the address it has.
        """
        moved = (
            entry.data[CONF_HOST] != host
            and not await self._async_probe(host)
            and self._found.info.serial == serial
        )
        if moved:
            self.hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_HOST: host}
            )
            if entry.state is ConfigEntryState.LOADED:
                entry.runtime_data.device.async_seen_at(host)
        return self.async_abort(reason="already_configured")

    async def async_step_zeroconf_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Confirm adding a discovered outlet."""
        if user_input is not None:
            return self._async_create_entry()
        self._set_confirm_only()
        return self.async_show_form(
            step_id="zeroconf_confirm",
            description_placeholders={
                "serial": self._found.info.serial,
                "host": self._host,
            },
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the address of a configured outlet."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None and not (
            errors := await self._async_probe(user_input[CONF_HOST])
        ):
            await self.async_set_unique_id(self._found.info.serial)
            self._abort_if_unique_id_mismatch(reason="wrong_device")
            return self.async_update_reload_and_abort(
                entry, data_updates=self._entry_data()
            )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                HOST_SCHEMA, user_input or entry.data
            ),
            errors=errors,
        )

    async def _async_probe(self, host: str) -> dict[str, str]:
        """Find how the outlet answers (TCP, else WebSocket); return form errors."""
        host = host.strip()
        if not valid_host(host):
            return {CONF_HOST: "invalid_host"}
        try:
            # No shared session: it would follow a redirect to another host; the
            # library's own refuses to.
            found = await probe(host, order=PROBE_ORDER)
        except InvisOutletError:
            return {"base": "cannot_connect"}
        except Exception:  # noqa: BLE001 - any surprise must become a form error
            LOGGER.exception("Unexpected error probing %s", host)
            return {"base": "unknown"}
        self._host, self._found = host, found
        return {}

    def _entry_data(self) -> dict[str, Any]:
        """Return the entry data of the probed outlet."""
        return {
            CONF_HOST: self._host,
            CONF_TRANSPORT: self._found.transport,
            CONF_PORT: self._found.port,
        }

    def _async_create_entry(self) -> ConfigFlowResult:
        """Create the entry of the probed outlet."""
        return self.async_create_entry(
            title=f"InvisOutlet {self._found.info.serial}", data=self._entry_data()
        )


class InvisOutletOptionsFlow(OptionsFlow):
    """Choose how the InvisDeco receives firmware."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the InvisDeco update method."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        schema = form_schema(
            {
                vol.Required(
                    CONF_DECO_METHOD, default=DEFAULT_DECO_METHOD
                ): SelectSelector(
                    SelectSelectorConfig(
                        options=[method.value for method in DecoMethod],
                        mode=SelectSelectorMode.LIST,
                        translation_key=CONF_DECO_METHOD,
                    )
                )
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                schema, self.config_entry.options
            ),
        )
