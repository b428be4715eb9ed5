"""Specification of the client's commands against the simulated outlet, over sockets.

A command sends one callback with keyword-only arguments; those that change a state
return that state as the device then reports it. Every test runs over both transports.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    OCCUPANCY_CALIBRATION_SECONDS,
    Accessory,
    AccessoryNames,
    AwaySetting,
    Backoff,
    CallbackName,
    ColorEffect,
    ColorLightState,
    DecoUpdateMethod,
    InvalidNameError,
    InvalidNameReason,
    InvisOutlet,
    InvisOutletCommandError,
    InvisOutletConnectionError,
    MqttAction,
    NightlightState,
    Outlet,
    OutletInfo,
    OutletStates,
    SensorReadings,
    Setting,
    UpdateTarget,
    client as client_module,
)
from tests.simulator import Faults, InvisOutletSimulator
from tests.waiting import at_once

from .conftest import (
    SHORT_TIMEOUT,
    ClientFactory,
    Recorder,
    assert_usable,
    with_device,
    with_faults,
    with_pro,
)

# Without the reboot pace, a reconnect would take far longer than any test waits.
SLOW_BACKOFF = Backoff(initial=60.0, maximum=60.0, reboot=0.01)
TOP_ON_BOTTOM_OFF = OutletStates(top=True, bottom=False)


@pytest.fixture
def quick_confirm(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wait only briefly for the device's own report before reading the state."""
    monkeypatch.setattr(client_module, "CONFIRM_TIMEOUT", 0.05)


async def args_of(simulator: InvisOutletSimulator, callback_name: int) -> Any:
    """Return the arguments of the last request of a callback."""
    return (await simulator.wait_for_request(callback_name)).args


# Outlets (10) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outlet", "on", "args", "states"),
    [
        (Outlet.TOP, False, [1, 0], OutletStates(top=False, bottom=False)),
        (Outlet.BOTTOM, True, [2, 1], OutletStates(top=True, bottom=True)),
    ],
)
async def test_set_outlet_returns_the_states_the_device_pushes(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    outlet: Outlet,
    *,
    on: bool,
    args: list[int],
    states: OutletStates,
) -> None:
    """10 [outlet, state]; the device's push of 9 is the answer, no read needed."""
    result = await client.set_outlet(outlet=outlet, on=on)

    assert result == states
    assert await args_of(simulator, CallbackName.SET_OUTLET) == args
    assert simulator.requests_for(CallbackName.OUTLETS) == []


async def test_set_outlet_reads_the_state_when_the_device_pushes_nothing(
    client: InvisOutlet, simulator: InvisOutletSimulator, quick_confirm: None
) -> None:
    """Nothing changed, nothing pushed: the states are read instead."""
    result = await client.set_outlet(outlet=Outlet.TOP, on=True)

    assert result == TOP_ON_BOTTOM_OFF
    assert len(simulator.requests_for(CallbackName.OUTLETS)) == 1


async def test_set_outlet_tells_subscribers_once(client: InvisOutlet) -> None:
    """The new states reach the subscribers once."""
    states = Recorder[OutletStates]()
    client.subscribe(OutletStates, states)

    await client.set_outlet(outlet=Outlet.BOTTOM, on=True)

    assert states.values == [OutletStates(top=True, bottom=True)]


@with_faults(puback_zero={CallbackName.SET_OUTLET})
async def test_set_outlet_refused_raises(client: InvisOutlet) -> None:
    """PUBACK 0 to 10 is a command error."""
    with pytest.raises(
        InvisOutletCommandError, match="refused a command to switch an outlet"
    ):
        await client.set_outlet(outlet=Outlet.TOP, on=False)


# Lights (14, 17) ---------------------------------------------------------------------


@with_pro()
@pytest.mark.parametrize(
    ("on", "brightness", "args"),
    [
        (True, 35, [1, 35]),
        (False, 0, [0, 0]),
        (True, 150, [1, 100]),
        (True, -5, [1, 0]),
    ],
)
async def test_set_nightlight_sends_a_bounded_brightness(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    on: bool,
    brightness: int,
    args: list[int],
) -> None:
    """14 [on, brightness 0-100]; the state the device then reports is returned."""
    result = await client.set_nightlight(on=on, brightness=brightness)

    assert await args_of(simulator, CallbackName.SET_NIGHTLIGHT) == args
    assert result == NightlightState(on=bool(args[0]), brightness=args[1])


@with_pro()
async def test_set_nightlight_to_its_current_state_reads_it(
    client: InvisOutlet, simulator: InvisOutletSimulator, quick_confirm: None
) -> None:
    """Nothing changed, nothing pushed: the nightlight is read instead."""
    result = await client.set_nightlight(on=True, brightness=60)

    assert result == NightlightState(on=True, brightness=60)
    assert len(simulator.requests_for(CallbackName.NIGHTLIGHT)) == 1


async def test_set_nightlight_of_an_aura_is_refused(client: InvisOutlet) -> None:
    """An Aura has no nightlight."""
    with pytest.raises(
        InvisOutletCommandError, match="refused a command to set the nightlight"
    ):
        await client.set_nightlight(on=True, brightness=50)


async def test_set_color_light_sends_a_row_for_every_led(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """17 [5, effect, nine times [on, level, [hue, saturation]]]: all nine lit."""
    light = await client.set_color_light(on=True, brightness=40, hue=200, saturation=50)

    assert await args_of(simulator, CallbackName.SET_COLOR_LIGHT) == [
        5,
        1,
        [[1, 40, [200, 50]]] * 9,
    ]
    assert light.effect is ColorEffect.STATIC_HSV
    assert len(light.leds) == 9
    assert all((led.hue, led.saturation) == (200, 50) for led in light.leds)
    assert light.brightness == 40


async def test_set_color_light_to_a_temperature_sends_kelvin(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """Effect 2 carries a colour temperature instead of hue and saturation."""
    light = await client.set_color_light(
        on=True, brightness=80, effect=ColorEffect.STATIC_TEMPERATURE, kelvin=3000
    )

    assert await args_of(simulator, CallbackName.SET_COLOR_LIGHT) == [
        5,
        2,
        [[1, 80, 3000]] * 9,
    ]
    assert light.effect is ColorEffect.STATIC_TEMPERATURE
    assert {led.kelvin for led in light.leds} == {3000}


@pytest.mark.parametrize(
    ("speed", "brightness", "tail"),
    [(3, 50, [3, 0, 50]), (9, 50, [7, 0, 50]), (-1, 120, [0, 0, 100])],
)
async def test_set_color_light_with_a_speed_sends_it_bounded(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    speed: int,
    brightness: int,
    tail: list[int],
) -> None:
    """A speed (0-7) comes with random colours off and the brightness."""
    light = await client.set_color_light(
        on=True, brightness=brightness, effect=ColorEffect.BREATHING, speed=speed
    )

    args = await args_of(simulator, CallbackName.SET_COLOR_LIGHT)
    assert args[3:] == tail
    assert light.speed == tail[0]
    assert not light.random_colors


async def test_set_color_light_off(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """Off is the same row with the state 0."""
    light = await client.set_color_light(on=False, brightness=0)

    assert await args_of(simulator, CallbackName.SET_COLOR_LIGHT) == [
        5,
        1,
        [[0, 0, [0, 0]]] * 9,
    ]
    assert not light.on


async def test_set_color_light_tells_subscribers(client: InvisOutlet) -> None:
    """The light the device reports reaches the subscribers."""
    lights = Recorder[ColorLightState]()
    client.subscribe(ColorLightState, lights)

    light = await client.set_color_light(on=True, brightness=10)

    assert lights.values == [light]


@with_pro()
async def test_set_color_light_of_a_pro_is_refused(client: InvisOutlet) -> None:
    """A Pro has no colour light."""
    with pytest.raises(
        InvisOutletCommandError, match="refused a command to set the colour light"
    ):
        await client.set_color_light(on=True, brightness=50)


# Settings (2) ------------------------------------------------------------------------


async def test_configure_changes_only_the_settings_given(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """2 [{acc_prefs: {...}}] with the device's keys; flags become 0 or 1."""
    await client.configure(
        changes={Setting.TOUCH_CONTROL: False, Setting.INDICATOR_BRIGHTNESS: 40}
    )

    assert await args_of(simulator, CallbackName.CONFIGURE) == [
        {"acc_prefs": {"capacitiveCtrl": 0, "pmIndicatorBrightness": 40}}
    ]
    configuration = await client.configuration()
    assert configuration.get(Setting.TOUCH_CONTROL) == 0
    assert configuration.get(Setting.INDICATOR_BRIGHTNESS) == 40
    assert configuration.get(Setting.MAGIC_TOUCH) == 1


@with_faults(puback_zero={CallbackName.CONFIGURE})
async def test_configure_refused_raises(client: InvisOutlet) -> None:
    """PUBACK 0 to 2 is a command error."""
    with pytest.raises(
        InvisOutletCommandError, match="refused a change of its settings"
    ):
        await client.configure(changes={Setting.MOTION_AWAY: True})


async def test_configure_sends_away_mode_whole_as_last_read(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """2 [{acc_prefs: {homeAwayMode: {...}}}]: every key read, the change in it."""
    away = dict(simulator.device.configuration["acc_prefs"]["homeAwayMode"])
    await client.update()

    await client.configure(changes={AwaySetting.ENABLED: True})

    assert await args_of(simulator, CallbackName.CONFIGURE) == [
        {"acc_prefs": {"homeAwayMode": away | {"enabled": 1}}}
    ]
    configuration = await client.configuration()
    assert configuration.get(AwaySetting.ENABLED) == 1
    assert configuration.get(AwaySetting.MAX_ON_DURATION) == away["maxOnDuration"]


# Names (4) --------------------------------------------------------------------------


async def test_set_accessory_name_sends_it_with_the_names_read(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """4 [{accessory, name}, ...]: the new name among the others, as in [DOC]."""
    await client.update()

    await client.set_accessory_name(accessory=Accessory.BOTTOM_OUTLET, name=" Kettle ")

    assert await args_of(simulator, CallbackName.SET_ACCESSORY_NAMES) == [
        {"accessory": 1, "name": "Floor lamp"},
        {"accessory": 2, "name": "Kettle"},
        {"accessory": 3, "name": "Nightlight"},
    ]
    assert await client.accessory_names() == AccessoryNames(
        names=((1, "Floor lamp"), (2, "Kettle"), (3, "Nightlight"))
    )


async def test_set_accessory_name_before_any_read_sends_it_alone(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """No names known yet: only the one given."""
    await client.set_accessory_name(accessory=Accessory.NIGHTLIGHT, name="Hall")

    assert await args_of(simulator, CallbackName.SET_ACCESSORY_NAMES) == [
        {"accessory": 3, "name": "Hall"}
    ]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", InvalidNameReason.EMPTY),
        ("   ", InvalidNameReason.EMPTY),
        ("x" * 33, InvalidNameReason.TOO_LONG),
        ("Desk\nlamp", InvalidNameReason.CONTROL_CHARACTER),
        ("Desk\u202elamp", InvalidNameReason.CONTROL_CHARACTER),
    ],
    ids=["empty", "blank", "33 characters", "newline", "bidi override"],
)
async def test_set_accessory_name_refuses_a_name_before_sending(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    name: str,
    reason: InvalidNameReason,
) -> None:
    """Empty, longer than 32 characters or with control characters: nothing sent."""
    with pytest.raises(InvalidNameError) as caught:
        await client.set_accessory_name(accessory=Accessory.TOP_OUTLET, name=name)

    assert caught.value.reason is reason
    assert simulator.requests_for(CallbackName.SET_ACCESSORY_NAMES) == []


async def test_set_accessory_name_of_32_characters_is_sent(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """32 characters, accents and all, is a name."""
    name = "Lampe de l'entrée " + "é" * 14

    await client.set_accessory_name(accessory=Accessory.TOP_OUTLET, name=name)

    assert (await client.accessory_names()).get(Accessory.TOP_OUTLET) == name


@with_faults(puback_zero={CallbackName.SET_ACCESSORY_NAMES})
async def test_set_accessory_name_refused_raises(client: InvisOutlet) -> None:
    """PUBACK 0 to 4 is a command error."""
    with pytest.raises(
        InvisOutletCommandError,
        match="refused a change of the outlet and nightlight names",
    ):
        await client.set_accessory_name(accessory=Accessory.TOP_OUTLET, name="Fan")


# Restarts -------------------------------------------------------------------------


async def test_restart_reconnects_at_the_reboot_pace(
    make_client: ClientFactory, simulator: InvisOutletSimulator
) -> None:
    """5 gets no reply; the outlet restarts and the link is back within moments."""
    client = make_client(backoff=SLOW_BACKOFF)
    links = Recorder[bool]()
    client.subscribe_link(links)
    await client.connect()

    await client.restart()

    assert await links.wait_for(3) == [True, False, True]
    assert len(simulator.requests_for(CallbackName.RESTART)) == 1
    await assert_usable(client)


async def test_after_the_restart_the_usual_backoff_applies_again(
    make_client: ClientFactory, simulator: InvisOutletSimulator
) -> None:
    """Only the restart asked for is retried at the reboot pace, not the next drop."""
    client = make_client(backoff=SLOW_BACKOFF)
    links = Recorder[bool]()
    client.subscribe_link(links)
    await client.connect()
    await client.restart()
    await links.wait_for(3)

    await simulator.drop_connections()
    await links.wait_for(4)
    await asyncio.sleep(SHORT_TIMEOUT)

    assert links.values == [True, False, True, False]


async def test_restart_deco_brings_it_back(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """24: the InvisDeco goes away, then the outlet pushes its information again."""
    infos = Recorder[OutletInfo]()
    client.subscribe(OutletInfo, infos)

    await client.restart_deco()

    assert (await infos.wait_for(1))[-1].deco_present
    assert len(simulator.requests_for(CallbackName.RESTART_DECO)) == 1


@with_device(deco_attached=False)
async def test_restart_deco_without_one_is_refused(client: InvisOutlet) -> None:
    """No InvisDeco to restart: a command error."""
    with pytest.raises(
        InvisOutletCommandError, match="refused a restart of the InvisDeco"
    ):
        await client.restart_deco()


# Calibrations -------------------------------------------------------------------------


@with_pro()
async def test_reset_deco_recalibrates_air_quality(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """25 clears the air-quality calibration; its accuracy climbs back from 0."""
    readings = Recorder[SensorReadings]()
    client.subscribe(SensorReadings, readings)

    await client.reset_deco()

    await readings.wait_for(4)
    assert [r.aqi_accuracy for r in readings.values[:4]] == [0.0, 1.0, 2.0, 3.0]
    assert len(simulator.requests_for(CallbackName.RESET_DECO)) == 1


async def test_calibrate_occupancy_sends_the_duration(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """26 [seconds], 30 unless told; the radar reports calibrating, then idle."""
    readings = Recorder[SensorReadings]()
    client.subscribe(SensorReadings, readings)

    await client.calibrate_occupancy()

    assert await args_of(simulator, CallbackName.CALIBRATE_OCCUPANCY) == [
        OCCUPANCY_CALIBRATION_SECONDS
    ]
    await readings.wait_for(4)
    assert [r.calibrating_occupancy for r in readings.values[:4]] == [
        True,
        True,
        True,
        False,
    ]
    assert readings.values[0].occupied is None


async def test_calibrate_occupancy_for_another_duration(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """The duration is a parameter."""
    await client.calibrate_occupancy(seconds=45)

    assert await args_of(simulator, CallbackName.CALIBRATE_OCCUPANCY) == [45]


@pytest.mark.parametrize(
    ("temperature", "humidity", "args"),
    [(21.5, 40.25, [21500, 40250]), (-5.0004, 99.9996, [-5000, 100000])],
)
async def test_calibrate_climate_sends_thousandths(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    temperature: float,
    humidity: float,
    args: list[int],
) -> None:
    """28 [m°C, m%]: the reference reading in thousandths, rounded."""
    await client.calibrate_climate(temperature=temperature, humidity=humidity)

    assert await args_of(simulator, CallbackName.CALIBRATE_CLIMATE) == args


async def test_calibrate_climate_makes_the_reference_the_reading(
    client: InvisOutlet,
) -> None:
    """The InvisDeco then reports the reference temperature."""
    readings = Recorder[SensorReadings]()
    client.subscribe(SensorReadings, readings)

    await client.calibrate_climate(temperature=19.5, humidity=50.0)

    assert (await readings.wait_for(1))[-1].temperature == 19.5


# MQTT (27) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "args", "published"),
    [
        (MqttAction.PUBLISH_DISCOVERY, [2], True),
        (MqttAction.CLEAR_DISCOVERY, [1], False),
    ],
)
async def test_mqtt_discovery_publishes_or_clears(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    action: MqttAction,
    args: list[int],
    published: bool,
) -> None:
    """27 [action] returns True when the outlet did it."""
    simulator.device.mqtt_enabled = True
    simulator.device.mqtt_connected = True
    simulator.device.mqtt_discovery_published = not published

    assert await client.mqtt_discovery(action=action) is True

    assert await args_of(simulator, CallbackName.MQTT) == args
    assert simulator.device.mqtt_discovery_published is published


async def test_mqtt_discovery_without_a_broker_returns_false(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """MQTT off: PUBACK 0, a verdict rather than an error."""
    assert await client.mqtt_discovery(action=MqttAction.PUBLISH_DISCOVERY) is False

    assert simulator.device.mqtt_discovery_published is False


# Firmware installs (21) ---------------------------------------------------------------


@with_device(hardware="A")
@pytest.mark.parametrize(
    ("target", "method", "args"),
    [
        (UpdateTarget.OUTLET, DecoUpdateMethod.WIFI, [1, 0]),
        (UpdateTarget.OUTLET, DecoUpdateMethod.VIA_OUTLET, [1, 0]),
        (UpdateTarget.DECO, DecoUpdateMethod.WIFI, [2, 0]),
        (UpdateTarget.DECO, DecoUpdateMethod.VIA_OUTLET, [2, 1]),
    ],
    ids=["outlet", "outlet ignores method", "deco wifi", "deco via outlet"],
)
async def test_start_firmware_update_returns_true_on_puback_1(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    target: UpdateTarget,
    method: DecoUpdateMethod,
    args: list[int],
) -> None:
    """21 answered with PUBACK 1 returns True; the outlet target sends method 0."""
    assert await client.start_firmware_update(target, method) is True

    assert await args_of(simulator, CallbackName.START_UPDATE) == args


@with_faults(puback_zero={CallbackName.START_UPDATE})
async def test_start_firmware_update_returns_false_on_puback_0(
    client: InvisOutlet,
) -> None:
    """21 answered with PUBACK 0 (could not start) returns False."""
    assert await client.start_firmware_update(UpdateTarget.OUTLET) is False


@with_faults(silent_callbacks={CallbackName.START_UPDATE})
async def test_start_firmware_update_returns_none_when_the_outlet_restarts(
    client: InvisOutlet, links: Recorder[bool]
) -> None:
    """A revB outlet restarts before it answers 21: the call returns None."""
    assert await client.start_firmware_update(UpdateTarget.OUTLET) is None

    assert (await links.wait_for(1))[0] is False


@with_faults(silent_callbacks={CallbackName.START_UPDATE})
async def test_start_firmware_update_unanswered_in_time_returns_none(
    client: InvisOutlet,
) -> None:
    """No answer within the timeout given (quirk Q1) is no verdict either."""
    result = await client.start_firmware_update(
        UpdateTarget.DECO, timeout=SHORT_TIMEOUT
    )

    assert result is None


# Without a link -----------------------------------------------------------------------


COMMANDS: dict[str, Callable[[InvisOutlet], Awaitable[Any]]] = {
    "set_outlet": lambda c: c.set_outlet(outlet=Outlet.TOP, on=True),
    "set_nightlight": lambda c: c.set_nightlight(on=True, brightness=1),
    "set_color_light": lambda c: c.set_color_light(on=True, brightness=1),
    "configure": lambda c: c.configure(changes={Setting.MOTION_AWAY: 1}),
    "restart": lambda c: c.restart(),
    "restart_deco": lambda c: c.restart_deco(),
    "reset_deco": lambda c: c.reset_deco(),
    "calibrate_occupancy": lambda c: c.calibrate_occupancy(),
    "calibrate_climate": lambda c: c.calibrate_climate(temperature=1, humidity=1),
    "mqtt_discovery": lambda c: c.mqtt_discovery(action=MqttAction.CHECK),
    "start_firmware_update": lambda c: c.start_firmware_update(UpdateTarget.OUTLET),
}


@pytest.mark.parametrize("command", list(COMMANDS))
async def test_command_while_disconnected_fails_at_once(
    make_client: ClientFactory, faults: Faults, command: str
) -> None:
    """Without a link every command fails at once with a connection error."""
    client = make_client()

    with pytest.raises(InvisOutletConnectionError, match="not connected"):
        await at_once(COMMANDS[command](client))
