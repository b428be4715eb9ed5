"""The simulator itself, over real sockets on 127.0.0.1, with a tiny raw client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
import contextlib
import itertools
import json
from typing import Any

import aiohttp
import pytest

from .simulator import (
    Faults,
    Garbage,
    InvisOutletSimulator,
    OtaFailure,
    OtaTiming,
    SimulatedDevice,
    load_fixture,
)
from .simulator.cli import _parse_args, _simulator_from

HOST = "127.0.0.1"
WAIT = 2.0
QUIET = 0.1
PACKET_IDS = itertools.count(100_000)

# Fast enough that every restart and calibration takes a few milliseconds.
FAST: dict[str, Any] = {"deco_restart_duration": 0.02, "calibration_step": 0.005}


class RawClient:
    """Send requests as the integration does and read every message back."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Wrap an open TCP connection."""
        self._reader = reader
        self._writer = writer
        self._buffer = ""
        self._decoder = json.JSONDecoder()
        self.inbox: list[dict[str, Any]] = []

    @classmethod
    async def open(cls, simulator: InvisOutletSimulator) -> RawClient:
        """Connect to the simulator's TCP port, retrying while it reboots."""
        async with asyncio.timeout(WAIT):
            while True:
                try:
                    return cls(*await asyncio.open_connection(HOST, simulator.tcp_port))
                except ConnectionRefusedError:
                    await asyncio.sleep(0.005)

    async def close(self) -> None:
        """Close the connection."""
        self._writer.close()
        with contextlib.suppress(OSError):
            await self._writer.wait_closed()

    async def send(self, name: int, args: Any = None) -> int:
        """Send one request, newline-terminated; return its packetID."""
        packet_id = next(PACKET_IDS)
        payload: dict[str, Any] = {"callbackName": name}
        if args is not None:
            payload["callbackArgs"] = args
        message = {"packetID": packet_id, "payload": payload}
        self._writer.write(json.dumps(message).encode() + b"\n")
        await self._writer.drain()
        return packet_id

    async def request(
        self, name: int, args: Any = None, timeout: float = WAIT
    ) -> dict[str, Any]:
        """Send a request and return its reply; pushes meanwhile go to the inbox."""
        packet_id = await self.send(name, args)
        return await self._take(
            lambda message: _replies(message, packet_id, name), timeout
        )

    async def push(self, name: int, timeout: float = WAIT) -> dict[str, Any]:
        """Return the oldest push of a callback, waiting for one if needed."""
        return await self._take(
            lambda message: "PUBACK" not in message and _name(message) == name, timeout
        )

    async def pushes(self, name: int, count: int) -> list[Any]:
        """Return the arguments of the next count pushes of a callback."""
        return [
            (await self.push(name))["payload"]["callbackArgs"] for _ in range(count)
        ]

    async def silence(self, name: int) -> None:
        """Assert that no push of a callback arrives for a moment."""
        with pytest.raises(TimeoutError):
            await self.push(name, QUIET)

    async def _take(
        self, wanted: Callable[[dict[str, Any]], bool], timeout: float
    ) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                for index, message in enumerate(self.inbox):
                    if wanted(message):
                        return self.inbox.pop(index)
                await self._read()

    async def _read(self) -> None:
        data = await self._reader.read(65_536)
        if not data:
            raise ConnectionResetError
        self._buffer += data.decode()
        while self._buffer.strip():
            self._buffer = self._buffer.lstrip()
            try:
                message, end = self._decoder.raw_decode(self._buffer)
            except json.JSONDecodeError:
                return
            self.inbox.append(message)
            self._buffer = self._buffer[end:]


def _name(message: dict[str, Any]) -> Any:
    payload = message.get("payload")
    return payload.get("callbackName") if isinstance(payload, dict) else None


def _replies(message: dict[str, Any], packet_id: int, name: int) -> bool:
    """Match a reply as protocol.md §3.4 does (12 replies carry no PUBACK)."""
    answers = "PUBACK" in message or _name(message) == name
    return message.get("packetID") == packet_id and answers


def _args(reply: dict[str, Any]) -> Any:
    return reply["payload"]["callbackArgs"]


@pytest.fixture
def device() -> SimulatedDevice:
    """Return the default device (an Aura) with fast restarts and calibrations."""
    return SimulatedDevice(**FAST)


@pytest.fixture
def faults() -> Faults:
    """Return the fault knobs, all off."""
    return Faults()


@pytest.fixture
async def sim(
    socket_enabled: None, device: SimulatedDevice, faults: Faults
) -> AsyncIterator[InvisOutletSimulator]:
    """Run the simulator on 127.0.0.1 with fast reboots."""
    timing = OtaTiming(reboot_duration=0.02)
    async with InvisOutletSimulator(
        device=device, faults=faults, timing=timing, host=HOST
    ) as simulator:
        yield simulator


@pytest.fixture
async def raw(sim: InvisOutletSimulator) -> AsyncIterator[RawClient]:
    """Return a raw TCP client connected to the simulator."""
    client = await RawClient.open(sim)
    yield client
    await client.close()


def pro(**changes: Any) -> pytest.MarkDecorator:
    """Run a test against the InvisDeco Pro device."""
    return pytest.mark.parametrize(
        "device", [SimulatedDevice.pro(**{**FAST, **changes})], ids=["pro"]
    )


def aura(**changes: Any) -> pytest.MarkDecorator:
    """Run a test against the default (Aura) device with fields changed."""
    return pytest.mark.parametrize(
        "device", [SimulatedDevice(**{**FAST, **changes})], ids=["aura"]
    )


# Fixtures are the single source of the replies ----------------------------------


@pytest.mark.parametrize(
    ("device", "name", "args", "fixture"),
    [
        pytest.param(device, name, args, fixture, id=fixture)
        for device, name, args, fixture in (
            (SimulatedDevice(), 12, None, "outlet_info"),
            (SimulatedDevice.pro(), 12, None, "outlet_info_pro"),
            (SimulatedDevice(), 20, None, "firmware_status"),
            (SimulatedDevice(), 9, None, "outlets"),
            (SimulatedDevice(), 11, None, "sensors_aura"),
            (SimulatedDevice.pro(), 11, None, "sensors_pro"),
            (SimulatedDevice.pro(), 15, None, "nightlight"),
            (SimulatedDevice(), 18, [5], "color_light"),
            (SimulatedDevice(), 1, None, "configuration"),
            (SimulatedDevice(), 3, None, "accessory_names"),
        )
    ],
)
async def test_replies_are_the_fixtures(
    raw: RawClient, name: int, args: Any, fixture: str
) -> None:
    """Every read of the default device answers exactly its fixture."""
    assert _args(await raw.request(name, args)) == load_fixture(fixture)


# Outlets (9, 10) ---------------------------------------------------------------


async def test_switching_an_outlet_pushes_the_new_state(raw: RawClient) -> None:
    """10 answers PUBACK 1, then every client gets 9; the same state pushes nothing."""
    assert (await raw.request(10, [2, 1]))["PUBACK"] == 1
    assert _args(await raw.push(9)) == [1, 1]
    assert (await raw.request(10, [2, 1]))["PUBACK"] == 1
    await raw.silence(9)
    assert _args(await raw.request(9)) == [1, 1]


@pytest.mark.parametrize("args", [[3, 1], [1, 2], [1], [True, 1], "1", None])
async def test_invalid_outlet_commands_are_refused(raw: RawClient, args: Any) -> None:
    """10 with anything but [1|2, 0|1] answers PUBACK 0 and changes nothing."""
    assert (await raw.request(10, args))["PUBACK"] == 0
    assert _args(await raw.request(9)) == [1, 0]


async def test_outlet_button_toggles_and_pushes(
    sim: InvisOutletSimulator, raw: RawClient
) -> None:
    """press_outlet() toggles like the outlet's own button and pushes 9."""
    await raw.request(12)  # connected and served
    await sim.press_outlet(1)
    assert _args(await raw.push(9)) == [0, 0]
    with pytest.raises(ValueError, match="No outlet 3"):
        await sim.press_outlet(3)


async def test_outlet_push_reaches_websocket_clients(
    sim: InvisOutletSimulator, raw: RawClient
) -> None:
    """A WebSocket client gets the same push, one object per text frame."""
    url = f"http://{HOST}:{sim.ws_port}/ws"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await sim.wait_for_connections(2)
        assert (await raw.request(10, [1, 0]))["PUBACK"] == 1
        frame = await ws.receive_json(timeout=WAIT)
    assert _name(frame) == 9
    assert frame["payload"]["callbackArgs"] == [0, 0]


# Accessory names (3, 4) ---------------------------------------------------------

NAMES = load_fixture("accessory_names")


@pytest.mark.parametrize(
    ("device", "payload"),
    [
        (
            SimulatedDevice(names_shape="wrapped"),
            {"callbackName": 3, "callbackArgs": {"payload": NAMES}},
        ),
        (SimulatedDevice(names_shape="payload"), NAMES),
        (
            SimulatedDevice(deco_attached=False),
            {"callbackName": 3, "callbackArgs": NAMES[:2]},
        ),
    ],
    ids=["wrapped", "payload", "no deco"],
)
async def test_names_reply_shapes(raw: RawClient, payload: Any) -> None:
    """3 answers in the chosen shape; the nightlight only with an InvisDeco."""
    assert (await raw.request(3))["payload"] == payload


async def test_setting_names(raw: RawClient) -> None:
    """4 sets the names it is given; anything malformed is refused whole."""
    assert (await raw.request(4, [{"accessory": 2, "name": "Fan"}]))["PUBACK"] == 1
    assert _args(await raw.request(3))[1] == {"accessory": 2, "name": "Fan"}
    for bad in ([], [{"accessory": 4, "name": "X"}], [{"accessory": 1}], ["Fan"]):
        assert (await raw.request(4, bad))["PUBACK"] == 0
    assert _args(await raw.request(3))[0] == NAMES[0]


# Sensors (11) -------------------------------------------------------------------


@pytest.mark.parametrize(
    "device",
    [SimulatedDevice(deco_attached=False), SimulatedDevice(deco_online=False)],
    ids=["no deco", "deco offline"],
)
async def test_sensors_need_the_deco(raw: RawClient) -> None:
    """11 answers PUBACK 0 while no InvisDeco is online."""
    assert (await raw.request(11))["PUBACK"] == 0


@aura(sensor_push_interval=0.01)
async def test_periodic_sensor_push_moves_a_little(raw: RawClient) -> None:
    """Readings drift in small steps, keep their type and stay near the start."""
    start = load_fixture("sensors_aura")[1]
    pushes = await raw.pushes(11, 9)
    temperatures = [float(args[1]["temp_celsius"]) for args in pushes]
    assert all(args[0] == 2 for args in pushes)
    assert all(isinstance(args[1]["lux"], str) for args in pushes)
    assert len(set(temperatures)) > 1
    assert all(
        abs(value - float(start["temp_celsius"])) <= 0.21 for value in temperatures
    )


async def test_no_periodic_push_by_default(raw: RawClient) -> None:
    """Without sensor_push_interval nothing is pushed."""
    await raw.silence(11)


async def test_sensor_push_can_start_and_stop_at_run_time(
    sim: InvisOutletSimulator, raw: RawClient
) -> None:
    """set_sensor_push_interval() starts and stops the periodic push."""
    await raw.request(12)
    sim.set_sensor_push_interval(0.01)
    await raw.pushes(11, 2)
    sim.set_sensor_push_interval(None)
    await asyncio.sleep(0.03)  # the loop ends after its current sleep
    await raw.request(12)  # everything pushed before is now in the inbox
    raw.inbox.clear()
    await raw.silence(11)


async def test_set_readings_pushes_at_once(
    sim: InvisOutletSimulator, raw: RawClient
) -> None:
    """set_readings() changes the readings and pushes 11."""
    await raw.request(12)
    await sim.set_readings(lux="inf", occupancy_state=0)
    readings = _args(await raw.push(11))[1]
    assert readings["lux"] == "inf"
    assert readings["occupancy_state"] == 0


# Nightlight (14, 15; Pro) and colour light (17, 18; Aura) ----------------------


@pro()
async def test_nightlight_on_a_pro(raw: RawClient) -> None:
    """14 sets the nightlight and pushes 15 when it changed; 15 reads it."""
    assert (await raw.request(14, [0, 35]))["PUBACK"] == 1
    assert _args(await raw.push(15)) == [0, 35]
    assert (await raw.request(14, [0, 35]))["PUBACK"] == 1
    await raw.silence(15)
    assert _args(await raw.request(15)) == [0, 35]
    for bad in ([1, 101], [2, 50], [1]):
        assert (await raw.request(14, bad))["PUBACK"] == 0


async def test_no_nightlight_on_an_aura(raw: RawClient) -> None:
    """An Aura refuses 14 and 15."""
    assert (await raw.request(14, [1, 50]))["PUBACK"] == 0
    assert (await raw.request(15))["PUBACK"] == 0


async def test_single_hsv_row_colours_every_led(raw: RawClient) -> None:
    """One row applies to all nine LEDs; kelvin stays; the full state is pushed."""
    args = [5, 3, [[1, 40, [200, 90]]], 6, 0, 30]
    assert (await raw.request(17, args))["PUBACK"] == 1
    state = _args(await raw.push(18))
    assert state == [5, 3, [[1, 40, [200, 90], 2700]] * 9, 6, 0, 30]
    assert _args(await raw.request(18, [5])) == state


async def test_temperature_rows_keep_the_stale_hue(raw: RawClient) -> None:
    """Effect 2 rows carry kelvin; hue and saturation keep their last values."""
    rows = [[1, 100, 4000], [0, 0, 6500]]
    assert (await raw.request(17, [5, 2, rows]))["PUBACK"] == 1
    light = load_fixture("color_light")
    leds = _args(await raw.push(18))[2]
    assert leds[0] == [1, 100, light[2][0][2], 4000]
    assert leds[1] == [0, 0, light[2][1][2], 6500]
    assert leds[2:] == light[2][2:]


async def test_single_temperature_row_sets_only_the_first_led(raw: RawClient) -> None:
    """A single temperature entry is LED 1's (§6.13); the other eight keep theirs."""
    assert (await raw.request(17, [5, 2, [[1, 90, 3000]]]))["PUBACK"] == 1
    light = load_fixture("color_light")
    leds = _args(await raw.request(18, [5]))[2]
    assert leds[0] == [1, 90, light[2][0][2], 3000]
    assert leds[1:] == light[2][1:]


async def test_several_rows_set_the_first_leds_and_keep_the_rest(
    raw: RawClient,
) -> None:
    """Three entries set LEDs 1-3 in order (protocol.md is silent on 2-8 entries)."""
    rows = [[1, 10, [0, 100]], [1, 20, [120, 100]], [1, 30, [240, 100]]]
    assert (await raw.request(17, [5, 3, rows, 2, 0, 50]))["PUBACK"] == 1
    light = load_fixture("color_light")
    leds = _args(await raw.request(18, [5]))[2]
    assert [led[:3] for led in leds[:3]] == rows
    assert leds[3:] == light[2][3:]


async def test_nine_rows_set_each_led(raw: RawClient) -> None:
    """Nine temperature entries reach every LED, each its own."""
    rows = [[1, 50 + index, 2000 + 100 * index] for index in range(9)]
    assert (await raw.request(17, [5, 2, rows]))["PUBACK"] == 1
    leds = _args(await raw.request(18, [5]))[2]
    assert [[on, level, kelvin] for on, level, _hs, kelvin in leds] == rows


@pytest.mark.parametrize("count", [1, 9])
async def test_breathing_takes_one_to_nine_colours(raw: RawClient, count: int) -> None:
    """Breathing accepts any count from one colour to nine."""
    rows = [[1, 100, [40 * index, 100]] for index in range(count)]
    assert (await raw.request(17, [5, 3, rows, 0, 0, 50]))["PUBACK"] == 1


async def test_starry_night_takes_a_background_and_a_star(raw: RawClient) -> None:
    """Exactly two colours: they become LEDs 1 and 2."""
    rows = [[1, 100, [0, 0]], [1, 100, [320, 100]]]
    assert (await raw.request(17, [5, 7, rows, 0, 0]))["PUBACK"] == 1
    state = _args(await raw.request(18, [5]))
    assert state[1] == 7
    assert [led[:3] for led in state[2][:2]] == rows


async def test_random_colours_ignore_the_led_list(raw: RawClient) -> None:
    """[4] = 1: the list is neither counted nor applied; flag and level are reported."""
    rows = [[1, 100, [0, 0]]] * 3
    assert (await raw.request(17, [5, 7, rows, 4, 1, 40]))["PUBACK"] == 1
    state = _args(await raw.request(18, [5]))
    light = load_fixture("color_light")
    assert state == [5, 7, light[2], 4, 1, 40]


@pytest.mark.parametrize(
    "args",
    [
        [7, 1, [[1, 100, [0, 100]]]],
        [5, 8, [[1, 100, [0, 100]]]],
        [5, 1, []],
        [5, 1, [[1, 100, [361, 100]]]],
        [5, 2, [[1, 100, 999]]],
        [5, 1, [[1, 100, [0, 100]]] * 10],
        [5, 3, [], 0, 0, 50],
        [5, 3, [[1, 100, [0, 100]]] * 10, 0, 0, 50],
        [5, 7, [[1, 100, [0, 100]]], 0, 0],
        [5, 7, [[1, 100, [0, 100]]] * 3, 0, 0],
        [5, 5, [[1, 100, [0, 100]]], 0, 0, 50],
        [5, 1, [[1, 100, [0, 100]]], 8],
        [5, 1],
    ],
)
async def test_invalid_colour_commands_are_refused(raw: RawClient, args: Any) -> None:
    """17 with anything out of range answers PUBACK 0 and changes nothing."""
    assert (await raw.request(17, args))["PUBACK"] == 0
    assert _args(await raw.request(18, [5])) == load_fixture("color_light")


@pro()
async def test_no_colour_light_on_a_pro(raw: RawClient) -> None:
    """A Pro refuses 17 and 18."""
    assert (await raw.request(17, [5, 1, [[1, 100, [0, 100]]]]))["PUBACK"] == 0
    assert (await raw.request(18, [5]))["PUBACK"] == 0


# Configuration (1, 2) -----------------------------------------------------------


async def test_configuration_merges_only_given_keys(raw: RawClient) -> None:
    """2 merges a partial object; 1 then reports the merged settings."""
    change = {
        "acc_prefs": {"pmIndicatorBrightness": 40, "homeAwayMode": {"enabled": 1}},
        "sys_prefs": {"mqtt": {"qos": 1}},
    }
    assert (await raw.request(2, [change]))["PUBACK"] == 1
    expected = load_fixture("configuration")
    expected["acc_prefs"]["pmIndicatorBrightness"] = 40
    expected["acc_prefs"]["homeAwayMode"]["enabled"] = 1
    expected["sys_prefs"]["mqtt"]["qos"] = 1
    assert _args(await raw.request(1)) == expected


@pytest.mark.parametrize(
    "change",
    [
        {"acc_prefs": {"noSuchKey": 1}},
        {"acc_prefs": {"capacitiveCtrl": "1"}},
        {"acc_prefs": {"homeAwayMode": 1}},
        {"sys_prefs": {"internet": {"ip": "10.0.0.2"}}},
        {"acc_prefs": {"capacitiveCtrl": 0, "magicTouchCtrl": True}},
        {},
    ],
)
async def test_bad_configuration_is_refused_whole(
    raw: RawClient, change: dict[str, Any]
) -> None:
    """Unknown keys, wrong types, read-only blocks: PUBACK 0 and nothing changes."""
    assert (await raw.request(2, [change]))["PUBACK"] == 0
    assert _args(await raw.request(1)) == load_fixture("configuration")


@aura(config_placement="payload")
async def test_configuration_directly_under_payload(raw: RawClient) -> None:
    """The [APP] placement puts the settings beside callbackName."""
    payload = (await raw.request(1))["payload"]
    assert payload == {"callbackName": 1, **load_fixture("configuration")}


# MQTT (27) ----------------------------------------------------------------------


async def test_mqtt_disabled_by_default(
    sim: InvisOutletSimulator, raw: RawClient
) -> None:
    """With MQTT off, every action answers PUBACK 0."""
    for action in (0, 1, 2):
        assert (await raw.request(27, [action]))["PUBACK"] == 0
    assert not sim.device.mqtt_enabled


@aura(mqtt_connected=True)
async def test_mqtt_discovery_clear_and_publish(
    sim: InvisOutletSimulator, raw: RawClient
) -> None:
    """Enabled through 2 and connected: check, clear and publish succeed."""
    change = {"sys_prefs": {"mqtt": {"enabled": 1}}}
    assert (await raw.request(2, [change]))["PUBACK"] == 1
    outcomes = [
        (
            (await raw.request(27, [action]))["PUBACK"],
            sim.device.mqtt_discovery_published,
        )
        for action in (2, 1, 0)
    ]
    assert outcomes == [(1, True), (1, False), (1, False)]
    assert (await raw.request(27, [3]))["PUBACK"] == 0
    sim.device.mqtt_connected = False
    assert (await raw.request(27, [0]))["PUBACK"] == 0


# Restarts and resets (5, 6, 7, 24, 25) ------------------------------------------


async def test_restart_drops_and_greets_after_boot(sim: InvisOutletSimulator) -> None:
    """5 gets no reply; the outlet reboots and greets the next client with 12."""
    client = await RawClient.open(sim)
    await client.send(5)
    with pytest.raises(ConnectionResetError):
        await client.push(12)
    await client.close()
    again = await RawClient.open(sim)
    assert _args(await again.push(12))["IM"]["sn"] == sim.device.serial
    await again.close()


async def test_network_and_factory_reset_do_nothing(raw: RawClient) -> None:
    """6 and 7 get no reply and change nothing."""
    await raw.send(6)
    await raw.send(7)
    assert _args(await raw.request(9)) == [1, 0]
    assert not raw.inbox


@aura(deco_restart_duration=0.2)
async def test_deco_restart(raw: RawClient) -> None:
    """24: the InvisDeco goes offline, then comes back with a 12 push."""
    assert (await raw.request(24))["PUBACK"] == 1
    assert _args(await raw.request(12))["PM"]["online"] is False
    assert (await raw.request(11))["PUBACK"] == 0
    assert (await raw.request(24))["PUBACK"] == 0
    assert _args(await raw.push(12))["PM"]["online"] is True


@pro()
async def test_deco_reset_recalibrates_air_quality(raw: RawClient) -> None:
    """25: every air-quality accuracy drops to 0 and climbs back to 3."""
    assert (await raw.request(25))["PUBACK"] == 1
    pushes = await raw.pushes(11, 4)
    for accuracy, (_, readings) in enumerate(pushes):
        assert readings["AQI_accuracy"] == accuracy
        assert readings["co2_accuracy"] == accuracy
        assert readings["bvoc_accuracy"] == accuracy


@aura(deco_online=False)
async def test_deco_commands_need_the_deco(raw: RawClient) -> None:
    """24, 25, 26 and 28 answer PUBACK 0 while the InvisDeco is offline."""
    for name, args in ((24, None), (25, None), (26, [30]), (28, [25000, 50000])):
        assert (await raw.request(name, args))["PUBACK"] == 0


# Calibration (26, 28) -----------------------------------------------------------


async def test_occupancy_calibration_phases(raw: RawClient) -> None:
    """26: occupancy_state goes 4, 5, 6 and back to 0, each pushed."""
    assert (await raw.request(26, [30]))["PUBACK"] == 1
    states = [args[1]["occupancy_state"] for args in await raw.pushes(11, 4)]
    assert states == [4, 5, 6, 0]
    for bad in ([0], [601], ["30"], []):
        assert (await raw.request(26, bad))["PUBACK"] == 0


async def test_climate_calibration(raw: RawClient) -> None:
    """28: the readings report the reference values (still as text on an Aura)."""
    assert (await raw.request(28, [25000, 50000]))["PUBACK"] == 1
    readings = _args(await raw.push(11))[1]
    assert (readings["temp_celsius"], readings["humidity"]) == ("25.0", "50.0")
    for bad in ([90000, 50000], [20000, 100001], [-40001, 0], [20000]):
        assert (await raw.request(28, bad))["PUBACK"] == 0


# Hostile behaviours ---------------------------------------------------------------


async def test_silent_after_boot(sim: InvisOutletSimulator) -> None:
    """After a restart the outlet accepts connections but answers nothing."""
    sim.faults.silent_after_boot = True
    await sim.reboot()
    client = await RawClient.open(sim)
    with pytest.raises(TimeoutError):
        await client.request(12, timeout=QUIET)
    sim.faults.silent_after_boot = False
    assert (await client.request(9))["PUBACK"] == 1
    await client.close()


async def test_reboot_loop(sim: InvisOutletSimulator) -> None:
    """With reboot_loop the outlet keeps restarting until the knob is cleared."""
    sim.faults.reboot_loop = True
    await sim.reboot()
    count = sim.accepted_count
    for _ in range(2):
        client = await RawClient.open(sim)
        with pytest.raises(ConnectionResetError):
            await client.push(9)  # never comes: the next reboot drops the link
        await client.close()
    assert sim.accepted_count >= count + 2
    sim.faults.reboot_loop = False


@pytest.mark.parametrize("faults", [Faults(drop_every=0.02)], ids=["drop_every"])
async def test_drop_every(raw: RawClient) -> None:
    """Every client connection is aborted periodically."""
    with pytest.raises(ConnectionResetError):
        await raw.push(9)


@pytest.mark.parametrize(
    "faults", [Faults(ws_redirect="http://example.invalid/ws")], ids=["redirect"]
)
async def test_websocket_redirect(sim: InvisOutletSimulator) -> None:
    """The WebSocket upgrade is answered with a 302 to the configured URL."""
    url = f"http://{HOST}:{sim.ws_port}/ws"
    async with (
        aiohttp.ClientSession() as session,
        session.get(url, allow_redirects=False) as response,
    ):
        assert response.status == 302
        assert response.headers["Location"] == "http://example.invalid/ws"


@pytest.mark.parametrize("kind", list(Garbage))
async def test_garbage_burst(
    sim: InvisOutletSimulator, raw: RawClient, kind: Garbage
) -> None:
    """garbage_burst() sends count malformed messages, none of them a valid object."""
    await raw.request(12)
    await sim.garbage_burst(3, kind)
    await sim.push(9, [1, 0])
    received = b""
    async with asyncio.timeout(WAIT):
        while not received.endswith(b"[1,0]}}"):
            received += await raw._reader.read(65_536)
    assert received.count(b'"sn"') == 4


async def test_flood(sim: InvisOutletSimulator, raw: RawClient) -> None:
    """flood() pushes count messages back to back."""
    await raw.request(12)
    await sim.flood(11, [1, {}], 500)
    assert len(await raw.pushes(11, 500)) == 500


@pytest.mark.parametrize(
    ("device", "failure", "target", "block"),
    [
        (SimulatedDevice(hardware="A"), OtaFailure.DIFFERENT_DEVICE, 1, "IM"),
        (SimulatedDevice(), OtaFailure.DIFFERENT_DECO, 2, "PM"),
    ],
    ids=["outlet", "deco"],
)
async def test_update_brings_back_another_device(
    sim: InvisOutletSimulator, failure: OtaFailure, target: int, block: str
) -> None:
    """After the update a different serial reports the new version."""
    sim.faults.ota_failure = failure
    await sim.start_external_ota(target)
    await sim.wait_ota_done()
    client = await RawClient.open(sim)
    info = _args(await client.request(12))
    await client.close()
    expected = load_fixture("outlet_info")[block]
    assert info[block]["sn"] != expected["sn"]
    assert info[block]["fw_rev"] != expected["fw_rev"]


# Command line -------------------------------------------------------------------------


def test_command_line_builds_the_device() -> None:
    """The demo flags reach the device, the faults and the sensor push."""
    args = _parse_args(
        [
            "--deco-type=pro",
            "--mac=02:00:00:00:00:01",
            "--deco-serial=0003D4407A",
            "--mqtt=connected",
            "--fault=reboot-loop",
            "--fault=drop-every=5",
            "--ota-failure=different_deco",
        ]
    )
    simulator = _simulator_from(args)
    device = simulator.device
    assert (device.deco_type, device.mac, device.deco_serial) == (
        "Pro",
        "02:00:00:00:00:01",
        "0003D4407A",
    )
    assert device.mqtt_linked
    assert device.mqtt_discovery_published
    assert device.sensor_push_interval == 5.0
    assert simulator.faults.reboot_loop
    assert simulator.faults.drop_every == 5.0
    assert simulator.faults.ota_failure is OtaFailure.DIFFERENT_DECO


def test_command_line_rejects_unknown_faults(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An unknown --fault is a usage error."""
    with pytest.raises(SystemExit):
        _parse_args(["--fault=explode"])
    assert "unknown fault" in capsys.readouterr().err
