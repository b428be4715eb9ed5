"""Specification of the Device snapshot: its merge rules, and the client that keeps it.

The pure rules (Device.merged, Device.wants) run on models parsed from tests/fixtures.
The client's device runs against the simulated outlet over real sockets, both
transports: every read and every push is merged in arrival order, and subscribers
learn which parts changed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    AccessoryNames,
    CallbackName,
    ColorLightState,
    Device,
    DeviceConfiguration,
    DevicePart,
    FirmwareError,
    FirmwareStatus,
    InvisOutlet,
    InvisOutletConnectionError,
    InvisOutletUpdateError,
    InvisOutletWrongDeviceError,
    NightlightState,
    OutletInfo,
    OutletStates,
    SensorReadings,
    Transport,
    UpdateTarget,
)
from tests.simulator import (
    Faults,
    InvisOutletSimulator,
    different_serial,
    load_fixture,
)

from .conftest import (
    FAST_BACKOFF,
    HOST,
    REQUEST_TIMEOUT,
    SERIAL,
    SHORT_TIMEOUT,
    ClientFactory,
    Recorder,
    envelope,
    port_of,
    with_device,
    with_faults,
    with_pro,
)

type Changes = frozenset[DevicePart]
type Connector = Callable[[str], Awaitable[InvisOutlet]]

OTHER_SERIAL = different_serial(SERIAL)
# What every faceplate takes with it when it goes, and what stays with the outlet.
DECO_PARTS = {
    DevicePart.SENSORS,
    DevicePart.NIGHTLIGHT,
    DevicePart.COLOR_LIGHT,
    DevicePart.CONFIGURATION,
}
ALWAYS_READ = {DevicePart.OUTLETS, DevicePart.NAMES, DevicePart.CONFIGURATION}


# Models parsed from tests/fixtures ----------------------------------------------------


def outlet_info(fixture: str = "outlet_info", **pm: Any) -> OutletInfo:
    """Parse device information with these PM fields changed."""
    args = load_fixture(fixture)
    args["PM"].update(pm)
    return OutletInfo.from_args(args)


def outlet_info_without_deco() -> OutletInfo:
    """Parse device information without a PM block: no faceplate attached."""
    args = load_fixture("outlet_info")
    del args["PM"]
    return OutletInfo.from_args(args)


def configuration(*, mqtt: bool, **settings: int) -> DeviceConfiguration:
    """Parse the settings fixture with MQTT on or off and these settings changed."""
    args = load_fixture("configuration")
    args["sys_prefs"]["mqtt"]["enabled"] = int(mqtt)
    args["acc_prefs"].update(settings)
    return DeviceConfiguration.from_args(args)


def fixture_value(part: DevicePart) -> Any:
    """Parse a part's fixture afresh: equal to, never the same object as, one held."""
    parsers: dict[DevicePart, Callable[[], Any]] = {
        DevicePart.INFO: outlet_info,
        DevicePart.OUTLETS: lambda: OutletStates.from_args(load_fixture("outlets")),
        DevicePart.NAMES: lambda: AccessoryNames.from_args(
            load_fixture("accessory_names")
        ),
        DevicePart.SENSORS: lambda: SensorReadings.from_args(
            load_fixture("sensors_aura")
        ),
        DevicePart.NIGHTLIGHT: lambda: NightlightState.from_args(
            load_fixture("nightlight")
        ),
        DevicePart.COLOR_LIGHT: lambda: ColorLightState.from_args(
            load_fixture("color_light")
        ),
        DevicePart.CONFIGURATION: lambda: configuration(mqtt=True),
        DevicePart.MQTT: lambda: True,
        DevicePart.FIRMWARE: lambda: FirmwareStatus.from_args(
            load_fixture("firmware_status")
        ),
    }
    return parsers[part]()


# Every part a refresh or an available-updates read fills in.
MERGED_PARTS = [
    DevicePart.INFO,
    DevicePart.OUTLETS,
    DevicePart.NAMES,
    DevicePart.SENSORS,
    DevicePart.NIGHTLIGHT,
    DevicePart.COLOR_LIGHT,
    DevicePart.CONFIGURATION,
    DevicePart.MQTT,
    DevicePart.FIRMWARE,
]


def known_device(info: OutletInfo | None = None, **changes: Any) -> Device:
    """Return a device knowing every part (both lights too), MQTT on and connected."""
    device = Device(
        info=info or fixture_value(DevicePart.INFO),
        outlets=fixture_value(DevicePart.OUTLETS),
        names=fixture_value(DevicePart.NAMES),
        sensors=fixture_value(DevicePart.SENSORS),
        nightlight=fixture_value(DevicePart.NIGHTLIGHT),
        color_light=fixture_value(DevicePart.COLOR_LIGHT),
        configuration=fixture_value(DevicePart.CONFIGURATION),
        mqtt_connected=fixture_value(DevicePart.MQTT),
        firmware=fixture_value(DevicePart.FIRMWARE),
    )
    return replace(device, **changes)


def values_except(device: Device, *parts: DevicePart) -> dict[DevicePart, Any]:
    """Return what the device knows of every part but these."""
    return {other: device.value(other) for other in DevicePart if other not in parts}


def wanted(device: Device) -> set[DevicePart]:
    """Return the parts a refresh of this device reads."""
    return {part for part in DevicePart if device.wants(part)}


# Merge rules -------------------------------------------------------------------------


@pytest.mark.parametrize("part", MERGED_PARTS, ids=str)
def test_a_value_equal_to_what_is_held_changes_nothing(part: DevicePart) -> None:
    """Merging what is already known returns the same device and no change."""
    held = known_device()

    device, changed = held.merged(part, fixture_value(part))

    assert device is held
    assert changed == frozenset()


@pytest.mark.parametrize(
    ("part", "value"),
    [
        (DevicePart.OUTLETS, OutletStates(top=False, bottom=True)),
        (DevicePart.NAMES, AccessoryNames(names=((1, "Desk lamp"),))),
        (DevicePart.SENSORS, SensorReadings.from_args(load_fixture("sensors_pro"))),
        (DevicePart.NIGHTLIGHT, NightlightState(on=False, brightness=10)),
        (
            DevicePart.COLOR_LIGHT,
            ColorLightState.from_args([5, 6, [[1, 30, [0, 0], 2700]]]),
        ),
        (DevicePart.CONFIGURATION, configuration(mqtt=True, capacitiveCtrl=0)),
        (DevicePart.MQTT, False),
        (DevicePart.FIRMWARE, FirmwareStatus.from_args({"IM": {"fw_rev": "1.3.0"}})),
    ],
    ids=lambda value: str(value) if isinstance(value, DevicePart) else "",
)
def test_a_new_value_changes_only_its_part(part: DevicePart, value: Any) -> None:
    """A new value replaces its part, is the only change, and leaves the rest."""
    held = known_device()

    device, changed = held.merged(part, value)

    assert changed == {part}
    assert device.value(part) == value
    assert values_except(device, part) == values_except(held, part)


@pytest.mark.parametrize(
    ("connected", "expected"),
    [
        (True, {DevicePart.CONFIGURATION, DevicePart.MQTT}),
        (False, {DevicePart.CONFIGURATION, DevicePart.MQTT}),
        (None, {DevicePart.CONFIGURATION}),
    ],
    ids=["connected", "not-connected", "never-asked"],
)
def test_settings_with_mqtt_off_forget_whether_the_broker_is_connected(
    connected: bool | None, expected: set[DevicePart]
) -> None:
    """MQTT switched off forgets the broker's answer; one never given is no change."""
    held = known_device(mqtt_connected=connected)

    device, changed = held.merged(DevicePart.CONFIGURATION, configuration(mqtt=False))

    assert changed == expected
    assert device.mqtt_connected is None


@pytest.mark.parametrize(
    "info",
    [
        pytest.param(outlet_info("outlet_info_pro"), id="another-serial"),
        pytest.param(outlet_info_without_deco(), id="no-pm-block"),
        pytest.param(outlet_info(sn=None), id="pm-without-serial"),
    ],
)
def test_another_or_no_faceplate_forgets_what_the_old_one_reported(
    info: OutletInfo,
) -> None:
    """Readings, both lights and settings go with their faceplate; DECO says so."""
    held = known_device()

    device, changed = held.merged(DevicePart.INFO, info)

    assert changed == {DevicePart.INFO, DevicePart.DECO, *DECO_PARTS}
    assert [device.value(part) for part in DECO_PARTS] == [None] * len(DECO_PARTS)
    assert device.info == info
    assert device.outlets == held.outlets
    assert device.names == held.names
    assert device.firmware == held.firmware


def test_a_faceplate_fitted_is_reported_as_deco() -> None:
    """Information with a faceplate where there was none reports DECO, nothing else."""
    held = Device(info=outlet_info_without_deco())

    device, changed = held.merged(DevicePart.INFO, outlet_info())

    assert changed == {DevicePart.INFO, DevicePart.DECO}
    assert device.deco == outlet_info().deco


@pytest.mark.parametrize(
    ("before", "after"),
    [(True, False), (False, True)],
    ids=["goes-offline", "comes-online"],
)
def test_a_faceplate_going_offline_or_back_reports_deco_and_keeps_its_values(
    before: bool, after: bool
) -> None:
    """The same faceplate offline or online again is DECO news; its values stay."""
    held = known_device(outlet_info(online=before))

    device, changed = held.merged(DevicePart.INFO, outlet_info(online=after))

    assert changed == {DevicePart.INFO, DevicePart.DECO}
    # The faceplate itself is part of the information.
    assert values_except(device, DevicePart.INFO, DevicePart.DECO) == values_except(
        held, DevicePart.INFO, DevicePart.DECO
    )


def test_new_outlet_information_with_the_same_faceplate_changes_only_info() -> None:
    """A new outlet firmware version leaves the faceplate and what it reported."""
    held = known_device()
    args = load_fixture("outlet_info")
    args["IM"]["fw_rev"] = "1.3.0"

    device, changed = held.merged(DevicePart.INFO, OutletInfo.from_args(args))

    assert changed == {DevicePart.INFO}
    assert device.info.outlet.fw_rev == "1.3.0"
    assert device.sensors == held.sensors


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        pytest.param(
            outlet_info("outlet_info_pro"),
            {*ALWAYS_READ, DevicePart.SENSORS, DevicePart.NIGHTLIGHT},
            id="pro",
        ),
        pytest.param(
            outlet_info(),
            {*ALWAYS_READ, DevicePart.SENSORS, DevicePart.COLOR_LIGHT},
            id="aura",
        ),
        pytest.param(
            outlet_info(type="Unknown"),
            {*ALWAYS_READ, DevicePart.SENSORS},
            id="unknown",
        ),
        pytest.param(outlet_info_without_deco(), ALWAYS_READ, id="none"),
    ],
)
def test_a_refresh_reads_what_the_faceplate_has(
    info: OutletInfo, expected: set[DevicePart]
) -> None:
    """Pro: nightlight, not colour light; Aura: the reverse; none: no sensors."""
    assert wanted(Device(info=info)) == expected


@pytest.mark.parametrize(
    ("settings", "asked"),
    [
        pytest.param(None, False, id="settings-unknown"),
        pytest.param(configuration(mqtt=False), False, id="mqtt-off"),
        pytest.param(configuration(mqtt=True), True, id="mqtt-on"),
    ],
)
def test_a_refresh_asks_mqtt_only_while_it_is_enabled(
    settings: DeviceConfiguration | None, asked: bool
) -> None:
    """Whether the broker is connected is asked only of an outlet with MQTT on."""
    device = Device(info=outlet_info(), configuration=settings)

    assert device.wants(DevicePart.MQTT) is asked


# The client's device over the simulator ----------------------------------------------


def record_changes(client: InvisOutlet) -> Recorder[Changes]:
    """Record the parts every device change of the client reports."""
    changes = Recorder[Changes]()
    client.subscribe_device(lambda _device, changed: changes(changed))
    return changes


@pytest.fixture
async def connect_expecting(
    simulator: InvisOutletSimulator, transport: Transport
) -> AsyncIterator[Connector]:
    """Return a factory of connected clients that take only one serial as theirs."""
    clients: list[InvisOutlet] = []

    async def connect(serial: str) -> InvisOutlet:
        client = InvisOutlet(
            host=HOST,
            transport=transport,
            port=port_of(simulator, transport),
            backoff=FAST_BACKOFF,
            request_timeout=REQUEST_TIMEOUT,
            serial=serial,
        )
        clients.append(client)
        await client.connect()
        return client

    yield connect
    for client in clients:
        await client.close()


async def test_update_returns_the_whole_aura_device(client: InvisOutlet) -> None:
    """Information, outlets, names, readings, the colour light and the settings."""
    device = await client.update()

    assert client.device is device
    assert device.info == outlet_info()
    assert device.outlets == fixture_value(DevicePart.OUTLETS)
    assert device.names == fixture_value(DevicePart.NAMES)
    assert device.sensors == fixture_value(DevicePart.SENSORS)
    assert device.color_light == fixture_value(DevicePart.COLOR_LIGHT)
    assert device.nightlight is None
    assert device.configuration == configuration(mqtt=False)
    assert device.mqtt_connected is None


@with_pro()
async def test_update_returns_the_pro_faceplates_nightlight(
    client: InvisOutlet,
) -> None:
    """A Pro's refresh holds its nightlight and its readings, no colour light."""
    device = await client.update()

    assert device.nightlight == fixture_value(DevicePart.NIGHTLIGHT)
    assert device.sensors == SensorReadings.from_args(load_fixture("sensors_pro"))
    assert device.color_light is None


@with_device(deco_attached=False)
async def test_update_without_a_faceplate_holds_only_the_outlets_parts(
    client: InvisOutlet,
) -> None:
    """No faceplate: no readings and no lights, the outlets and settings still."""
    device = await client.update()

    assert device.deco is None
    assert (device.sensors, device.nightlight, device.color_light) == (None,) * 3
    assert device.outlets is not None
    assert device.configuration is not None


@pytest.mark.parametrize(
    ("broker", "connected"), [(True, True), (False, False)], ids=["up", "down"]
)
async def test_update_asks_the_broker_while_mqtt_is_on(
    client: InvisOutlet, simulator: InvisOutletSimulator, broker: bool, connected: bool
) -> None:
    """With MQTT on, the refresh holds whether the outlet reaches its broker."""
    simulator.device.mqtt_enabled = True
    simulator.device.mqtt_connected = broker

    device = await client.update()

    assert device.mqtt_connected is connected


async def test_the_first_information_reports_every_part(client: InvisOutlet) -> None:
    """A device seen for the first time is news in every part."""
    changes = record_changes(client)

    await client.outlet_info()

    assert changes.values == [frozenset(DevicePart)]


async def test_update_merges_states_read_before_the_device_was_known(
    client: InvisOutlet,
) -> None:
    """A state read before the outlet's information is in the device after update."""
    read = await client.outlets()

    device = await client.update()

    assert device.outlets == read


async def test_update_merges_states_pushed_before_the_device_was_known(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """Readings pushed before the outlet's information are in the updated device."""
    pushed = Recorder[SensorReadings]()
    client.subscribe(SensorReadings, pushed)
    await simulator.set_readings(lux="140.0")
    await pushed.wait_for(1)

    device = await client.update()

    assert device.sensors == pushed.values[0]


@pytest.mark.parametrize(
    ("part", "push", "expected"),
    [
        (
            DevicePart.OUTLETS,
            (CallbackName.OUTLETS, [0, 1]),
            OutletStates(top=False, bottom=True),
        ),
        (
            DevicePart.SENSORS,
            (CallbackName.SENSORS, [2, {"lux_valid": 1, "lux": "15.0"}]),
            SensorReadings.from_args([2, {"lux_valid": 1, "lux": "15.0"}]),
        ),
        (
            DevicePart.COLOR_LIGHT,
            (CallbackName.COLOR_LIGHT, [5, 6, [[1, 30, [0, 0], 2700]]]),
            ColorLightState.from_args([5, 6, [[1, 30, [0, 0], 2700]]]),
        ),
    ],
    ids=lambda value: str(value) if isinstance(value, DevicePart) else "",
)
async def test_a_push_after_update_reaches_subscribers_with_exactly_its_part(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    part: DevicePart,
    push: tuple[CallbackName, Any],
    expected: Any,
) -> None:
    """A pushed state is news of its own part alone, and the device holds it."""
    await client.update()
    changes = record_changes(client)

    await simulator.push(*push)

    assert await changes.wait_for(1) == [{part}]
    assert client.device is not None
    assert client.device.value(part) == expected


@pytest.mark.parametrize(
    "same", [[1, 0], [True, False]], ids=["same-arguments", "same-state"]
)
async def test_an_identical_push_is_not_news(
    client: InvisOutlet, simulator: InvisOutletSimulator, same: list[Any]
) -> None:
    """A push of the state held calls no subscriber; the next new one does."""
    await client.update()
    changes = record_changes(client)

    await simulator.push(CallbackName.OUTLETS, same)
    await simulator.press_outlet(2)

    assert await changes.wait_for(1) == [{DevicePart.OUTLETS}]


@with_faults(silent_callbacks={CallbackName.OUTLETS})
@pytest.mark.parametrize("push_first", [True, False], ids=["push-reply", "reply-push"])
async def test_a_read_reply_and_a_push_merge_in_arrival_order(
    client: InvisOutlet, simulator: InvisOutletSimulator, push_first: bool
) -> None:
    """The device ends with whichever of the reply and the push arrived last."""
    updating = asyncio.create_task(client.update())
    request = await simulator.wait_for_request(CallbackName.OUTLETS)
    assert request.packet_id is not None
    stale = envelope(
        request.packet_id, puback=1, callback_name=CallbackName.OUTLETS, args=[1, 0]
    )

    if push_first:
        await simulator.press_outlet(2)  # pushes [1, 1]
        await simulator.send_raw(stale)
    else:
        await simulator.send_raw(stale)
        await simulator.press_outlet(2)
    device = await updating

    last = [1, 0] if push_first else [1, 1]
    assert device.outlets == OutletStates.from_args(last)


@pytest.mark.parametrize("how", ["pushed", "read"])
async def test_a_faceplate_removed_forgets_its_readings(
    client: InvisOutlet, simulator: InvisOutletSimulator, how: str
) -> None:
    """Information without the faceplate, pushed or read, forgets what it reported."""
    await client.update()
    changes = record_changes(client)

    simulator.device.deco_attached = False
    if how == "pushed":
        await simulator.push(CallbackName.OUTLET_INFO, simulator.device.device_info())
        await changes.wait_for(1)
    else:
        await client.outlet_info()

    assert DevicePart.DECO in changes.values[0]
    assert client.device is not None
    assert client.device.sensors is None
    assert client.device.color_light is None


@pytest.mark.parametrize("knob", ["puback_zero", "malformed_reply", "silent_callbacks"])
async def test_a_sensor_read_refused_keeps_the_readings_known_before(
    make_client: ClientFactory,
    simulator: InvisOutletSimulator,
    faults: Faults,
    knob: str,
) -> None:
    """Readings refused, garbled or unanswered on a live link keep the last ones."""
    client = make_client(request_timeout=SHORT_TIMEOUT)
    await client.connect()
    before = (await client.update()).sensors
    getattr(faults, knob).add(CallbackName.SENSORS)
    simulator.device.readings["lux"] = "15.0"

    device = await client.update()

    assert device.sensors == before
    assert device.sensors is not None


@with_faults(drop_on={CallbackName.SENSORS})
async def test_update_raises_when_the_link_drops(client: InvisOutlet) -> None:
    """A link lost in the middle of a refresh is the refresh's connection error."""
    with pytest.raises(InvisOutletConnectionError):
        await client.update()


async def test_update_of_another_outlet_raises_wrong_device(
    connect_expecting: Connector,
) -> None:
    """An outlet with another serial is refused; the error names the one found."""
    client = await connect_expecting(OTHER_SERIAL)

    with pytest.raises(InvisOutletWrongDeviceError) as raised:
        await client.update()

    assert (raised.value.expected, raised.value.found) == (OTHER_SERIAL, SERIAL)
    assert client.device is None


async def test_update_takes_the_right_outlet_once_it_answers(
    connect_expecting: Connector, simulator: InvisOutletSimulator
) -> None:
    """After another outlet, the expected one answering is taken as the device."""
    simulator.device.serial = OTHER_SERIAL
    client = await connect_expecting(SERIAL)
    with pytest.raises(InvisOutletWrongDeviceError):
        await client.update()

    simulator.device.serial = SERIAL
    device = await client.update()

    assert device.info.serial == SERIAL
    assert device.foreign_serial is None


async def test_a_client_without_a_serial_takes_the_first_outlets_as_its_own(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """The first outlet seen is this one: another one afterwards is foreign."""
    await client.update()
    changes = record_changes(client)

    simulator.device.serial = OTHER_SERIAL
    await client.outlet_info()

    assert client.serial == SERIAL
    assert changes.values == [{DevicePart.IDENTITY}]
    assert client.device is not None
    assert client.device.foreign_serial == OTHER_SERIAL


async def test_another_outlets_information_sets_foreign_serial(
    connect_expecting: Connector, simulator: InvisOutletSimulator
) -> None:
    """Another outlet at the address is IDENTITY news; the device's values stay."""
    client = await connect_expecting(SERIAL)
    held = await client.update()
    changes = record_changes(client)

    simulator.device.serial = OTHER_SERIAL
    await client.outlet_info()

    assert changes.values == [{DevicePart.IDENTITY}]
    assert client.device == replace(held, foreign_serial=OTHER_SERIAL)


async def test_more_information_from_the_same_other_outlet_is_not_news(
    connect_expecting: Connector, simulator: InvisOutletSimulator
) -> None:
    """The other outlet reporting again changes nothing more."""
    client = await connect_expecting(SERIAL)
    await client.update()
    changes = record_changes(client)
    simulator.device.serial = OTHER_SERIAL
    await client.outlet_info()

    simulator.device.outlet_fw = "9.9.9"
    await client.outlet_info()

    assert changes.values == [{DevicePart.IDENTITY}]


async def test_another_outlets_pushes_are_not_merged(
    connect_expecting: Connector, simulator: InvisOutletSimulator
) -> None:
    """While another outlet answers, its states are none of this device's."""
    client = await connect_expecting(SERIAL)
    held = await client.update()
    simulator.device.serial = OTHER_SERIAL
    await client.outlet_info()
    changes = record_changes(client)

    await simulator.press_outlet(2)
    await client.outlets()

    assert changes.values == []
    assert client.device is not None
    assert client.device.outlets == held.outlets


async def test_update_while_another_outlet_answers_raises_wrong_device(
    connect_expecting: Connector, simulator: InvisOutletSimulator
) -> None:
    """A refresh while another outlet answers names the one found."""
    client = await connect_expecting(SERIAL)
    await client.update()
    simulator.device.serial = OTHER_SERIAL

    with pytest.raises(InvisOutletWrongDeviceError) as raised:
        await client.update()

    assert raised.value.found == OTHER_SERIAL


async def test_the_right_outlet_again_clears_foreign_serial(
    connect_expecting: Connector, simulator: InvisOutletSimulator
) -> None:
    """The expected outlet answering again is IDENTITY news, and nothing foreign."""
    client = await connect_expecting(SERIAL)
    held = await client.update()
    simulator.device.serial = OTHER_SERIAL
    await client.outlet_info()
    changes = record_changes(client)

    simulator.device.serial = SERIAL
    await client.outlet_info()

    assert changes.values == [{DevicePart.IDENTITY}]
    assert client.device == held


async def test_update_after_the_right_outlet_returns_holds_what_it_reports(
    connect_expecting: Connector, simulator: InvisOutletSimulator
) -> None:
    """States another outlet pushed meanwhile do not hide the right one's equal ones."""
    client = await connect_expecting(SERIAL)
    await client.update()
    simulator.device.serial = OTHER_SERIAL
    await client.outlet_info()
    await simulator.press_outlet(1)  # [0, 0], pushed by the other outlet
    simulator.device.serial = SERIAL

    device = await client.update()

    assert device.outlets == OutletStates(top=False, bottom=False)


async def test_a_subscriber_that_raises_does_not_stop_the_others(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failing subscriber is logged; the subscribers after it still hear."""

    def broken(_device: Device, _changed: Changes) -> None:
        raise RuntimeError("subscriber bug")

    await client.update()
    client.subscribe_device(broken)
    changes = record_changes(client)

    await simulator.press_outlet(1)

    assert await changes.wait_for(1) == [{DevicePart.OUTLETS}]
    assert "Device subscriber" in caplog.text


async def test_an_unsubscribed_listener_hears_nothing_more(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """After unsubscribing (once or twice) a listener is not called again."""
    await client.update()
    gone = Recorder[Changes]()
    unsubscribe = client.subscribe_device(lambda _device, changed: gone(changed))
    staying = record_changes(client)

    unsubscribe()
    unsubscribe()
    await simulator.press_outlet(1)

    await staying.wait_for(1)
    assert gone.values == []


async def test_a_firmware_availability_read_appears_in_the_device(
    client: InvisOutlet,
) -> None:
    """Available updates read by the installer are the device's FIRMWARE news."""
    await client.update()
    changes = record_changes(client)

    status = await client.firmware.available()

    assert changes.values == [{DevicePart.FIRMWARE}]
    assert client.device is not None
    assert client.device.firmware == status


async def test_available_updates_read_before_the_device_are_in_it(
    client: InvisOutlet,
) -> None:
    """Available updates read first are part of the device from its start."""
    status = await client.firmware.available()

    device = await client.update()

    assert device.firmware == status


@with_device(outlet_fw_available="1.2.0", www_fw_available="0.1.2")
async def test_an_install_refused_at_once_is_news_of_the_available_updates_only(
    client: InvisOutlet,
) -> None:
    """Nothing to install: the device learns the available updates, no progress."""
    await client.update()
    changes = record_changes(client)

    with pytest.raises(InvisOutletUpdateError) as raised:
        await client.firmware.install(UpdateTarget.OUTLET)

    assert raised.value.reason is FirmwareError.NO_UPDATE
    assert changes.values == [{DevicePart.FIRMWARE}]


async def install_started_elsewhere(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> list[Changes]:
    """Follow the outlet, start an InvisDeco install elsewhere; return the news."""
    await client.update()
    await client.firmware.available()
    client.firmware.start()
    changes = record_changes(client)
    await simulator.start_external_ota(UpdateTarget.DECO)
    return await changes.wait_for(1)


async def test_an_install_started_elsewhere_appears_as_progress(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """An install followed from its first progress message is PROGRESS news."""
    news = await install_started_elsewhere(client, simulator)

    assert DevicePart.PROGRESS in news[0]
    assert client.device is not None
    assert client.device.progress is not None
    assert client.device.progress.target is UpdateTarget.DECO
    assert client.device.progress.external


async def test_update_during_an_install_leaves_the_information_to_the_installer(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """The installer reads the information after each restart; update() does not too."""
    await install_started_elsewhere(client, simulator)
    before = len(simulator.requests)

    await client.update()

    asked = {request.callback_name for request in simulator.requests[before:]}
    assert CallbackName.OUTLET_INFO not in asked
    assert CallbackName.OUTLETS in asked
