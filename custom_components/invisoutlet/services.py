"""The integration's action: calibrate an InvisDeco's climate sensor."""

from __future__ import annotations

from typing import Any, Final

from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.helpers import config_validation as cv, device_registry as dr
import voluptuous as vol

from .const import DOMAIN
from .coordinator import InvisOutletConfigEntry, InvisOutletDeviceCoordinator
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


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's action."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_CALIBRATE_CLIMATE,
        _async_calibrate_climate,
        schema=CALIBRATE_CLIMATE_SCHEMA,
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
