"""Specification of the client's reads against the simulated outlet over real sockets.

Each read asks the outlet one callback and returns its model; what the simulated
device holds comes from tests/fixtures. Every test runs over both transports.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    AccessoryNames,
    AwaySetting,
    CallbackName,
    ColorEffect,
    DecoKind,
    FirmwareStatus,
    InvisOutlet,
    InvisOutletCommandError,
    InvisOutletProtocolError,
    Led,
    NightlightState,
    OutletStates,
    Setting,
)
from tests.simulator import Faults, InvisOutletSimulator

from .conftest import (
    SERIAL,
    assert_usable,
    envelope,
    with_device,
    with_faults,
    with_pro,
)

FIXTURE_NAMES = AccessoryNames(
    names=((1, "Floor lamp"), (2, "Phone charger"), (3, "Nightlight"))
)


async def answer_with(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    faults: Faults,
    callback_name: CallbackName,
    args: Any,
) -> Any:
    """Read callback_name and let the outlet answer with these arguments."""
    faults.silent_callbacks.add(callback_name)
    reads = {
        CallbackName.ACCESSORY_NAMES: client.accessory_names,
        CallbackName.OUTLETS: client.outlets,
    }
    reading = asyncio.create_task(reads[callback_name]())
    request = await simulator.wait_for_request(callback_name)
    assert request.packet_id is not None
    await simulator.send_raw(
        envelope(request.packet_id, puback=1, callback_name=callback_name, args=args)
    )
    return await reading


# Device information (12) -------------------------------------------------------------


async def test_outlet_info_reads_outlet_and_deco(client: InvisOutlet) -> None:
    """12 returns the outlet and the attached InvisDeco Aura."""
    info = await client.outlet_info()

    assert info.serial == SERIAL
    assert info.outlet.fw_rev == "1.2.0"
    assert info.outlet.hw_rev == "B"
    assert info.deco is not None
    assert info.deco.serial == "0003C44076"
    assert info.deco.kind is DecoKind.AURA
    assert info.deco_present


@with_pro()
async def test_outlet_info_of_an_outlet_with_a_pro(client: InvisOutlet) -> None:
    """An InvisDeco Pro is told apart from an Aura by its device type."""
    info = await client.outlet_info()

    assert info.deco is not None
    assert info.deco.kind is DecoKind.PRO
    assert info.deco.serial == "0003D44076"


@with_device(deco_attached=False)
async def test_outlet_info_without_deco(client: InvisOutlet) -> None:
    """12 of an outlet without faceplate has no deco."""
    info = await client.outlet_info()

    assert info.deco is None
    assert not info.deco_present


@with_device(deco_online=False)
async def test_outlet_info_with_the_deco_offline(client: InvisOutlet) -> None:
    """An InvisDeco that is attached but offline is reported, but not present."""
    info = await client.outlet_info()

    assert info.deco is not None
    assert not info.deco_present


@with_faults(include_puback_on_12=True)
async def test_outlet_info_with_puback(client: InvisOutlet) -> None:
    """A 12 reply that carries PUBACK 1, as the app's model has it, is accepted."""
    await assert_usable(client)


# Available updates (20) -------------------------------------------------------------


async def test_firmware_status_reads_installed_and_available(
    client: InvisOutlet,
) -> None:
    """20 returns installed and available versions of every component."""
    status = await client.firmware_status()

    assert status == FirmwareStatus(
        outlet_fw="1.2.0",
        outlet_fw_available="1.3.0",
        www_fw="0.1.2",
        www_fw_available="0.3.0",
        deco_fw="0.5.0",
        deco_fw_available="0.5.1",
    )


@with_device(deco_attached=False)
async def test_firmware_status_without_deco(client: InvisOutlet) -> None:
    """Without an InvisDeco there are no InvisDeco versions."""
    status = await client.firmware_status()

    assert (status.deco_fw, status.deco_fw_available) == (None, None)


# Outlets (9) -------------------------------------------------------------------------


async def test_outlets_read_both_states(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """9 returns whether each outlet is on."""
    assert await client.outlets() == OutletStates(top=True, bottom=False)

    simulator.device.outlets = [False, True]

    assert await client.outlets() == OutletStates(top=False, bottom=True)


async def test_outlets_reply_that_cannot_be_read_raises(
    client: InvisOutlet, simulator: InvisOutletSimulator, faults: Faults
) -> None:
    """A 9 reply without two states is a protocol error; the link stays usable."""
    with pytest.raises(InvisOutletProtocolError, match="outlets arguments"):
        await answer_with(client, simulator, faults, CallbackName.OUTLETS, [1])

    faults.silent_callbacks.clear()
    await assert_usable(client)


# Sensors (11) ------------------------------------------------------------------------


async def test_sensors_of_an_aura(client: InvisOutlet) -> None:
    """An Aura reports climate, light and radar; its numbers come as strings."""
    sensors = await client.sensors()

    assert (sensors.temperature, sensors.humidity, sensors.illuminance) == (
        21.8,
        44.5,
        135.5,
    )
    assert sensors.occupied is True
    assert sensors.motion is True
    assert sensors.aqi is None
    assert "aqi" not in sensors.reported


@with_pro()
async def test_sensors_of_a_pro(client: InvisOutlet) -> None:
    """A Pro also reports air quality."""
    sensors = await client.sensors()

    assert (sensors.aqi, sensors.co2, sensors.bvoc) == (42.0, 612.0, 0.62)
    assert sensors.temperature == 22.4
    assert sensors.motion is False


async def test_sensors_the_device_marks_invalid_are_unknown(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """temp_valid 0 and a reading of "inf": both unknown, the others kept."""
    simulator.device.readings.update(temp_valid=0, lux="inf")

    sensors = await client.sensors()

    assert (sensors.temperature, sensors.humidity, sensors.illuminance) == (
        None,
        None,
        None,
    )
    assert sensors.distance == 95.0


@pytest.mark.parametrize(
    "device_fields", [{"deco_attached": False}, {"deco_online": False}], ids=str
)
async def test_sensors_without_a_reachable_deco_are_refused(
    client: InvisOutlet, simulator: InvisOutletSimulator, device_fields: dict[str, Any]
) -> None:
    """No InvisDeco, or one offline: the outlet refuses 11 (PUBACK 0)."""
    for key, value in device_fields.items():
        setattr(simulator.device, key, value)

    with pytest.raises(
        InvisOutletCommandError, match="refused a request for the sensor readings"
    ):
        await client.sensors()


# Lights (15, 18) ---------------------------------------------------------------------


@with_pro()
async def test_nightlight_of_a_pro(client: InvisOutlet) -> None:
    """15 returns the Pro's nightlight: on, at 60 %."""
    assert await client.nightlight() == NightlightState(on=True, brightness=60)


async def test_nightlight_of_an_aura_is_refused(client: InvisOutlet) -> None:
    """An Aura has no nightlight: 15 is refused."""
    with pytest.raises(
        InvisOutletCommandError, match="refused a request for the nightlight state"
    ):
        await client.nightlight()


async def test_color_light_of_an_aura(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """18 [5] returns the Aura's colour light: effect, nine LEDs, speed."""
    light = await client.color_light()

    assert (await simulator.wait_for_request(CallbackName.COLOR_LIGHT)).args == [5]
    assert light.effect is ColorEffect.STATIC_HSV
    assert len(light.leds) == 9
    assert light.leds[0] == Led(
        on=True, brightness=70, hue=20, saturation=80, kelvin=2700
    )
    assert light.on
    assert light.brightness == 70
    assert light.speed == 3
    assert not light.random_colors


@with_pro()
async def test_color_light_of_a_pro_is_refused(client: InvisOutlet) -> None:
    """A Pro has no colour light: 18 is refused."""
    with pytest.raises(
        InvisOutletCommandError, match="refused a request for the colour light state"
    ):
        await client.color_light()


# Settings (1) ------------------------------------------------------------------------


@pytest.mark.parametrize("placement", ["callbackArgs", "payload"])
async def test_configuration_in_either_placement(
    client: InvisOutlet, simulator: InvisOutletSimulator, placement: Any
) -> None:
    """Settings under callbackArgs or straight in the payload read the same."""
    simulator.device.config_placement = placement

    configuration = await client.configuration()

    assert configuration.get(Setting.INDICATOR_BRIGHTNESS) == 80
    assert configuration.get(Setting.TOUCH_CONTROL) == 1
    assert configuration.reported == set(Setting) | set(AwaySetting)
    assert configuration.mqtt_enabled is False


async def test_configuration_keeps_no_mqtt_credentials(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """The broker, user and password the device sends are nowhere in the model."""
    mqtt = simulator.device.configuration["sys_prefs"]["mqtt"]

    configuration = await client.configuration()

    for secret in (mqtt["pass"], mqtt["user"], mqtt["mqtt_broker_url"]):
        assert secret not in repr(configuration)


# Names (3) ---------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["bare", "wrapped", "payload"])
async def test_accessory_names_in_any_shape(
    client: InvisOutlet, simulator: InvisOutletSimulator, shape: Any
) -> None:
    """A list, a list wrapped in {"payload"}, or the payload itself: the same names."""
    simulator.device.names_shape = shape

    assert await client.accessory_names() == FIXTURE_NAMES


@with_device(deco_attached=False)
async def test_accessory_names_without_deco_have_no_nightlight(
    client: InvisOutlet,
) -> None:
    """Without an InvisDeco there is no nightlight to name."""
    names = await client.accessory_names()

    assert names.get(3) is None
    assert names.get(1) == "Floor lamp"


async def test_accessory_names_that_are_not_a_list_raise(
    client: InvisOutlet, simulator: InvisOutletSimulator, faults: Faults
) -> None:
    """A names reply in none of the three shapes is a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="not a list"):
        await answer_with(
            client, simulator, faults, CallbackName.ACCESSORY_NAMES, "Floor lamp"
        )


# MQTT (27) ---------------------------------------------------------------------------


async def test_mqtt_connected_when_enabled_and_linked(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """27 [0] answered with PUBACK 1: the outlet is connected to its broker."""
    simulator.device.mqtt_enabled = True
    simulator.device.mqtt_connected = True

    assert await client.mqtt_connected() is True

    assert (await simulator.wait_for_request(CallbackName.MQTT)).args == [0]


@pytest.mark.parametrize(
    ("enabled", "connected"), [(False, False), (True, False), (False, True)]
)
async def test_mqtt_not_connected_otherwise(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    enabled: bool,
    connected: bool,
) -> None:
    """PUBACK 0: MQTT off or the broker unreachable; a verdict, not an error."""
    simulator.device.mqtt_enabled = enabled
    simulator.device.mqtt_connected = connected

    assert await client.mqtt_connected() is False
