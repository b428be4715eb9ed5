"""The integration's actions: calibrate a climate sensor; set and get an Aura design."""

from __future__ import annotations

from typing import Any, Final, NamedTuple

# Home Assistant moved this name to light.const after 2025.4, and no longer exports it
# from light itself; light still has it at run time on every version we support.
from homeassistant.components.light import (  # type: ignore[attr-defined,unused-ignore]
    LightEntityFeature,
)
from homeassistant.const import ATTR_DEVICE_ID, Platform
from homeassistant.core import HomeAssistant, ServiceCall, SupportsResponse, callback
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    service,
)
from homeassistant.helpers.entity_platform import EntityPlatform
import voluptuous as vol

from .const import DOMAIN
from .coordinator import InvisOutletConfigEntry, InvisOutletDeviceCoordinator
from .designs import SERVICE_GET_DESIGN, SERVICE_SET_DESIGN, SET_DESIGN_SCHEMA
from .helpers import invalid_input, run_command

SERVICE_CALIBRATE_CLIMATE: Final = "calibrate_climate"
ATTR_TEMPERATURE: Final = "temperature"
ATTR_HUMIDITY: Final = "humidity"
# What the InvisDeco's climate sensor measures (°C, %RH); the same in services.yaml.
TEMPERATURE_RANGE: Final = (-40.0, 85.0)
HUMIDITY_RANGE: Final = (0.0, 100.0)

# Typed Any: a voluptuous schema on 2025.4, a probatio one on newer releases.
CALIBRATE_CLIMATE_SCHEMA: Any = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): cv.string,
        vol.Required(ATTR_TEMPERATURE): vol.Coerce(float),
        vol.Required(ATTR_HUMIDITY): vol.Coerce(float),
    }
)


class LightAction(NamedTuple):
    """An action of the Aura's colour light: the entity method that runs it."""

    name: str
    schema: dict[Any, Any]
    method: str
    response: SupportsResponse


LIGHT_ACTIONS = (
    LightAction(
        SERVICE_SET_DESIGN, SET_DESIGN_SCHEMA, "async_set_design", SupportsResponse.NONE
    ),
    LightAction(SERVICE_GET_DESIGN, {}, "async_get_design", SupportsResponse.ONLY),
)
# Only the colour light has effects: the Pro's nightlight is not a target.
LIGHT_FEATURES = [LightEntityFeature.EFFECT]
# Home Assistant 2025.10 registers a platform's entity actions from async_setup;
# before, only the platform itself can, when it is set up (light.py).
_register_platform_action: Any = getattr(
    service, "async_register_platform_entity_service", None
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_CALIBRATE_CLIMATE,
        _async_calibrate_climate,
        schema=CALIBRATE_CLIMATE_SCHEMA,
    )
    if _register_platform_action is not None:
        for action in LIGHT_ACTIONS:
            _register_platform_action(
                hass,
                DOMAIN,
                action.name,
                entity_domain=Platform.LIGHT,
                schema=action.schema,
                func=action.method,
                required_features=LIGHT_FEATURES,
                supports_response=action.response,
            )


@callback
def async_register_light_actions(platform: EntityPlatform) -> None:
    """Register the colour light's actions where Home Assistant cannot from setup."""
    if _register_platform_action is None:
        for action in LIGHT_ACTIONS:
            platform.async_register_entity_service(
                action.name,
                action.schema,
                action.method,
                required_features=LIGHT_FEATURES,
                supports_response=action.response,
            )


async def _async_calibrate_climate(call: ServiceCall) -> None:
    """Tell an InvisDeco the temperature and humidity measured beside it."""
    temperature = _within(call.data[ATTR_TEMPERATURE], TEMPERATURE_RANGE, "temperature")
    humidity = _within(call.data[ATTR_HUMIDITY], HUMIDITY_RANGE, "humidity")
    coordinator = _deco_coordinator(call.hass, call.data[ATTR_DEVICE_ID])
    await run_command(
        coordinator,
        coordinator.client.calibrate_climate(
            temperature=temperature, humidity=humidity
        ),
    )


def _within(value: float, bounds: tuple[float, float], name: str) -> float:
    """Return value if the sensor can measure it; else raise a translated error."""
    low, high = bounds
    if not low <= value <= high:
        raise invalid_input(
            f"{name}_out_of_range", value=f"{value:g}", min=f"{low:g}", max=f"{high:g}"
        )
    return value


def _deco_coordinator(
    hass: HomeAssistant, device_id: str
) -> InvisOutletDeviceCoordinator:
    """Return the coordinator of the loaded outlet this InvisDeco is attached to."""
    if (device := dr.async_get(hass).async_get(device_id)) is not None:
        serials = {serial for domain, serial in device.identifiers if domain == DOMAIN}
        entry: InvisOutletConfigEntry
        for entry in hass.config_entries.async_loaded_entries(DOMAIN):
            deco = entry.runtime_data.device.data.deco
            # Identified by its serial: DeviceEntry.config_entries is deprecated.
            if deco is not None and deco.serial in serials:
                return entry.runtime_data.device
    raise invalid_input("not_an_invisdeco", device_id=device_id)
