"""Specification of the command line (`python -m pyinvisoutlet`), against the simulator.

Each test runs `main(argv)` as a shell would, with its own event loop (in a worker
thread, so that the simulator keeps serving on the test's loop), and reads what it
printed: data on standard output, notes, progress and errors on standard error.
"""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
import re
import subprocess
import sys

import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    Device,
    DevicePart,
    FirmwareComponent,
    FirmwareProgress,
    FirmwareStatus,
    InstalledVersions,
    OtaPhase,
    OutletInfo,
    Transport,
    UpdateTarget,
    cli,
)
from custom_components.invisoutlet.pyinvisoutlet.cli_format import device_lines
from tests.simulator import InvisOutletSimulator, OtaFailure, load_fixture

from .conftest import (
    FAST_BACKOFF,
    FAST_OTA,
    HOST,
    SERIAL,
    WAIT,
    port_of,
    unused_port,
    with_device,
    with_faults,
    with_pro,
)

ROOT = Path(__file__).parents[2]
# The broker settings the simulated outlet sends with its own: never to be printed.
MQTT = load_fixture("configuration")["sys_prefs"]["mqtt"]
# A watch line: the time of day, then the part that changed.
CLOCK = r"\d\d:\d\d:\d\d"
# The outlet of tests/fixtures, as a device known by its information alone.
INFO = OutletInfo.from_args(load_fixture("outlet_info"))
NO_DECO = OutletInfo.from_args({"IM": load_fixture("outlet_info")["IM"]})
STATUS = FirmwareStatus.from_args(load_fixture("firmware_status"))


async def run(*argv: str) -> int:
    """Run the command line in a thread of its own; return its exit code."""
    return await asyncio.to_thread(cli.main, list(argv))


def at(
    simulator: InvisOutletSimulator, transport: Transport = Transport.TCP
) -> list[str]:
    """Return the arguments that reach the simulator over one transport."""
    port = str(port_of(simulator, transport))
    return [HOST, "--transport", transport, "--port", port, "--timeout", str(WAIT)]


@pytest.fixture
def fast_installs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let installs reconnect and verify at the simulator's pace."""
    monkeypatch.setattr(cli, "BACKOFF", FAST_BACKOFF)
    monkeypatch.setattr(cli, "OTA_TIMEOUTS", FAST_OTA)


class Terminal(io.StringIO):
    """Standard error as a terminal: progress shows as a bar."""

    def isatty(self) -> bool:
        """Say that this is a terminal."""
        return True


# probe -------------------------------------------------------------------------------


async def test_probe_prints_transport_port_serial_and_versions(
    simulator: InvisOutletSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --transport, TCP is tried first and found."""
    device = simulator.device

    code = await run("probe", HOST, "--port", str(simulator.tcp_port))

    assert code == 0
    assert capsys.readouterr().out.splitlines() == [
        "transport: tcp",
        f"port: {simulator.tcp_port}",
        f"serial: {SERIAL}",
        f"firmware: {device.outlet_fw}",
        f"hardware: {device.hardware}",
        f"InvisDeco: {device.deco_serial}, firmware {device.deco_fw}",
    ]


async def test_probe_finds_a_websocket_outlet_after_trying_tcp(
    simulator: InvisOutletSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """An outlet that only answers on the WebSocket is found there (revA)."""
    code = await run("probe", HOST, "--port", str(simulator.ws_port), "--json")

    assert code == 0
    found = json.loads(capsys.readouterr().out)
    assert found["transport"] == "websocket"
    assert found["port"] == simulator.ws_port
    assert found["info"]["serial"] == SERIAL


@pytest.mark.usefixtures("socket_enabled")
async def test_probe_of_an_address_where_nothing_answers_is_a_device_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Exit code 1 and one line that says no outlet answered."""
    code = await run("probe", HOST, "--port", str(unused_port()), "--timeout", "1")

    printed = capsys.readouterr()
    assert code == 1
    assert printed.out == ""
    assert printed.err.startswith(
        f"pyinvisoutlet: error: no InvisOutlet answered at {HOST}"
    )
    assert len(printed.err.splitlines()) == 1


# info --------------------------------------------------------------------------------


async def test_info_prints_the_device_its_outlets_and_readings(
    simulator: InvisOutletSimulator,
    transport: Transport,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """One line per part of the device, over either transport."""
    code = await run("info", *at(simulator, transport))

    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"outlet: {SERIAL}, InvisOutlet, hardware B")
    assert lines[1].startswith(f"InvisDeco: {simulator.device.deco_serial}, Aura")
    assert lines[1].endswith(", online")
    assert "outlets: 1 on, 2 off" in lines
    assert "names: 1 'Floor lamp', 2 'Phone charger', 3 'Nightlight'" in lines
    assert any(line.startswith("readings: temperature ") for line in lines)
    assert any(line.startswith("colour light: on, ") for line in lines)
    assert any(line.startswith("settings: ") for line in lines)


async def test_info_json_is_the_whole_device_and_how_it_was_reached(
    simulator: InvisOutletSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json prints one JSON object: link, information, states, readings, settings."""
    code = await run("info", *at(simulator), "--json")

    assert code == 0
    device = json.loads(capsys.readouterr().out)
    assert (device["host"], device["transport"]) == (HOST, "tcp")
    assert device["port"] == simulator.tcp_port
    assert device["info"]["serial"] == SERIAL
    assert device["deco_kind"] == "aura"
    assert device["outlets"] == {"top": True, "bottom": False}
    assert device["names"] == {
        "1": "Floor lamp",
        "2": "Phone charger",
        "3": "Nightlight",
    }
    assert "temperature" in device["sensors"]["reported"]
    assert device["configuration"]["values"]["capacitiveCtrl"] == 1


@pytest.mark.parametrize("as_json", [[], ["--json"]], ids=["text", "json"])
async def test_info_never_prints_the_mqtt_credentials(
    simulator: InvisOutletSimulator,
    capsys: pytest.CaptureFixture[str],
    as_json: list[str],
) -> None:
    """The outlet sends its broker's password with its settings; none of it shows."""
    simulator.device.mqtt_enabled = True

    code = await run("info", *at(simulator), *as_json)

    printed = capsys.readouterr()
    assert code == 0
    assert MQTT["pass"] not in printed.out + printed.err
    assert MQTT["mqtt_broker_url"] not in printed.out + printed.err


@with_pro()
async def test_info_of_an_invisdeco_pro_shows_its_nightlight(
    simulator: InvisOutletSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Pro's nightlight: on or off, and its brightness."""
    device = simulator.device

    code = await run("info", *at(simulator))

    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    state = "on" if device.nightlight_on else "off"
    assert f"nightlight: {state}, {device.nightlight_brightness} %" in lines
    assert not [line for line in lines if line.startswith("colour light")]


async def test_info_shows_whether_the_outlet_reaches_its_mqtt_broker(
    simulator: InvisOutletSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """With MQTT on, the settings say so and the broker link is asked."""
    simulator.device.mqtt_enabled = True
    simulator.device.mqtt_connected = True

    code = await run("info", *at(simulator))

    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert "MQTT broker: connected" in lines
    assert any(line.endswith(", MQTT on") for line in lines)


async def test_verbose_shows_the_library_debug_logs_on_standard_error(
    simulator: InvisOutletSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """-v: what the library logs, so that support can see what the link did."""
    code = await run("info", *at(simulator), "-v")

    printed = capsys.readouterr()
    assert code == 0
    assert f"Connected to {HOST} over tcp" in printed.err
    assert "Connected to" not in printed.out


@pytest.mark.usefixtures("socket_enabled")
async def test_info_of_an_outlet_that_refuses_the_connection_is_a_device_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Exit code 1 and one line naming what failed; nothing on standard output."""
    port = str(unused_port())

    code = await run("info", HOST, "--transport", "tcp", "--port", port)

    printed = capsys.readouterr()
    assert code == 1
    assert printed.out == ""
    assert printed.err.startswith(f"pyinvisoutlet: error: cannot connect to {HOST}")
    assert len(printed.err.splitlines()) == 1


# outlet ------------------------------------------------------------------------------


async def test_outlet_switches_one_outlet_and_prints_both(
    simulator: InvisOutletSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """`outlet HOST 2 on` switches outlet 2 on; the device's states are printed."""
    code = await run("outlet", *at(simulator), "2", "on")

    assert code == 0
    assert capsys.readouterr().out == "outlets: 1 on, 2 on\n"
    assert simulator.device.outlets == [True, True]


# watch -------------------------------------------------------------------------------


@with_device(sensor_push_interval=0.02)
async def test_watch_prints_the_device_then_each_change_with_its_time(
    simulator: InvisOutletSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every new reading pushed is one line; --count ends the watch."""
    code = await run("watch", *at(simulator), "--count", "2")

    printed = capsys.readouterr()
    lines = printed.out.splitlines()
    assert code == 0
    assert lines[0].startswith(f"outlet: {SERIAL}")
    changes = [line for line in lines if re.match(CLOCK, line)]
    assert len(changes) == 2
    assert all(
        re.fullmatch(f"{CLOCK} readings: temperature .*", line) for line in changes
    )
    assert printed.err == "watching; Ctrl-C to stop\n"


async def test_watch_ends_after_the_seconds_given(
    simulator: InvisOutletSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing changing, --seconds ends the watch: exit code 0, no change printed."""
    code = await run("watch", *at(simulator), "--seconds", "0.1")

    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert "outlets: 1 on, 2 off" in lines
    assert not [line for line in lines if re.match(CLOCK, line)]


def test_a_watch_line_of_an_install_says_what_in_which_phase_how_far() -> None:
    """An install (ours or the vendor app's) shows its step, phase and percentage."""
    progress = FirmwareProgress(
        target=UpdateTarget.OUTLET,
        components=frozenset(FirmwareComponent),
        phase=OtaPhase.DOWNLOADING,
        step=FirmwareComponent.OUTLET_FIRMWARE,
        percent=62,
        external=True,
        baseline=InstalledVersions(),
    )
    device = Device(info=INFO, progress=progress)

    lines = device_lines(device, frozenset({DevicePart.PROGRESS}))

    assert lines == ["install: outlet firmware: downloading 62 %"]


def test_a_watch_line_of_an_install_that_ended_says_none_runs() -> None:
    """The install's end is a change too."""
    lines = device_lines(Device(info=INFO), frozenset({DevicePart.PROGRESS}))

    assert lines == ["install: none running"]


def test_a_watch_line_of_available_updates_names_each_newer_version() -> None:
    """Only what is newer than what is installed."""
    lines = device_lines(
        Device(info=INFO, firmware=STATUS), frozenset({DevicePart.FIRMWARE})
    )

    assert lines == [
        (
            "available updates: outlet firmware 1.3.0, web interface 0.3.0, "
            "InvisDeco firmware 0.5.1"
        )
    ]


def test_a_faceplate_removed_is_none_and_its_parts_unknown() -> None:
    """What a removed faceplate reported is forgotten, and printed as unknown."""
    parts = frozenset(
        {
            DevicePart.DECO,
            DevicePart.SENSORS,
            DevicePart.COLOR_LIGHT,
            DevicePart.NIGHTLIGHT,
            DevicePart.CONFIGURATION,
        }
    )

    lines = device_lines(Device(info=NO_DECO), parts)

    assert lines == [
        "InvisDeco: none",
        "readings: unknown",
        "nightlight: unknown",
        "colour light: unknown",
        "settings: unknown",
    ]


def test_a_watch_line_says_when_another_outlet_answers_and_when_it_is_back() -> None:
    """A moved address lease shows, and so does the right outlet returning."""
    foreign = Device(info=INFO, foreign_serial="11A1F7000FF")
    parts = frozenset({DevicePart.IDENTITY})

    assert device_lines(foreign, parts) == [
        "identity: another outlet (11A1F7000FF) answers at this address"
    ]
    assert device_lines(Device(info=INFO), parts) == [
        f"identity: outlet {SERIAL} answers"
    ]


async def test_ctrl_c_ends_a_watch_with_exit_code_0(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C is how a watch without --seconds or --count ends: not an error."""
    monkeypatch.setattr(cli, "_run", interrupted)

    assert await run("watch", HOST) == 0


async def test_ctrl_c_during_another_command_exits_130(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Anything else cut short by Ctrl-C exits as a shell expects (128 + SIGINT)."""
    monkeypatch.setattr(cli, "_run", interrupted)

    assert await run("firmware", HOST, "--install", "outlet") == 130


async def interrupted(_args: object) -> None:
    """Stand for a command that Ctrl-C interrupts."""
    raise KeyboardInterrupt


# firmware ----------------------------------------------------------------------------


async def test_firmware_prints_installed_and_available_versions(
    simulator: InvisOutletSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """One line per component: what is installed, and what is available."""
    device = simulator.device

    code = await run("firmware", *at(simulator))

    assert code == 0
    assert capsys.readouterr().out.splitlines() == [
        f"outlet firmware: {device.outlet_fw}, {device.outlet_fw_available} available",
        f"web interface: {device.www_fw}, {device.www_fw_available} available",
        f"InvisDeco firmware: {device.deco_fw}, {device.deco_fw_available} available",
    ]


async def test_firmware_json_gives_each_component(
    simulator: InvisOutletSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json: installed, available and whether it is an update, per component."""
    device = simulator.device

    code = await run("firmware", *at(simulator), "--json")

    assert code == 0
    assert json.loads(capsys.readouterr().out)["outlet_firmware"] == {
        "installed": device.outlet_fw,
        "available": device.outlet_fw_available,
        "update": True,
    }


@with_device(outlet_fw_available="1.1.0")
async def test_firmware_says_an_older_version_offered_is_never_installed(
    simulator: InvisOutletSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """The device calls any different version available; an older one is not."""
    code = await run("firmware", *at(simulator))

    assert code == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "outlet firmware: 1.2.0, up to date (the older 1.1.0 offered is never "
        "installed)"
    )


@pytest.mark.usefixtures("fast_installs")
async def test_firmware_install_shows_progress_lines_then_the_new_versions(
    simulator: InvisOutletSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not on a terminal: one line per phase and tenth, then what is installed now."""
    code = await run("firmware", *at(simulator), "--install", "outlet")

    printed = capsys.readouterr()
    assert code == 0
    progress = printed.err.splitlines()
    assert progress[0] == "outlet: starting"
    assert "web interface: downloading 0 %" in progress
    assert "outlet firmware: downloading 100 %" in progress
    assert progress[-2:] == ["outlet firmware: succeeded", "outlet updated"]
    assert printed.out.splitlines()[:2] == [
        f"outlet firmware: {simulator.device.outlet_fw_available}, up to date",
        f"web interface: {simulator.device.www_fw_available}, up to date",
    ]


@pytest.mark.usefixtures("fast_installs")
async def test_firmware_install_on_a_terminal_draws_a_bar_in_place(
    simulator: InvisOutletSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal, the bar is redrawn on one line that ends when the install does."""
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    code = await run("firmware", *at(simulator), "--install", "deco")

    drawn, updated = terminal.getvalue().rsplit("\n", 2)[:2]
    assert code == 0
    assert drawn.startswith("\r[")
    assert f"\r[{'#' * 30}] 100 % InvisDeco firmware: downloading" in drawn
    assert updated == "InvisDeco updated"


@with_device(deco_fw_available="0.5.0")
async def test_firmware_install_of_nothing_newer_is_a_device_error(
    simulator: InvisOutletSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit code 1 and why, in one line; nothing is installed."""
    code = await run("firmware", *at(simulator), "--install", "deco")

    assert code == 1
    assert capsys.readouterr().err == (
        "pyinvisoutlet: error: the update did not succeed: "
        "no newer version is available\n"
    )


@pytest.mark.usefixtures("fast_installs")
@with_faults(ota_failure=OtaFailure.START_REJECTED)
async def test_firmware_install_the_device_refuses_is_a_device_error(
    simulator: InvisOutletSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """The device's refusal is worded, after both InvisDeco delivery methods."""
    code = await run("firmware", *at(simulator), "--install", "deco")

    assert code == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "pyinvisoutlet: error: the update did not succeed: "
        "the device refused to start the update"
    )


# usage -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param([], id="no command"),
        pytest.param(["outlet", HOST, "3", "on"], id="outlet 3"),
        pytest.param(["outlet", HOST, "1", "dim"], id="state dim"),
        pytest.param(["info", HOST, "--transport", "udp"], id="transport udp"),
        pytest.param(["info", HOST, "--port", "70000"], id="port 70000"),
        pytest.param(["info", HOST, "--timeout", "0"], id="timeout 0"),
        pytest.param(["watch", HOST, "--count", "0"], id="count 0"),
        pytest.param(["firmware", HOST, "--install", "web"], id="install web"),
    ],
)
def test_a_usage_error_exits_2_with_the_usage(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing is contacted; the usage and what is wrong go to standard error."""
    code = cli.main(argv)

    printed = capsys.readouterr()
    assert code == 2
    assert printed.out == ""
    assert printed.err.startswith("usage: pyinvisoutlet")


def test_help_exits_0_and_names_every_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--help lists probe, info, outlet, watch and firmware."""
    code = cli.main(["--help"])

    assert code == 0
    usage = capsys.readouterr().out
    assert all(
        command in usage for command in ("probe", "info", "outlet", "watch", "firmware")
    )


def test_python_m_runs_the_command_line_from_the_repository() -> None:
    """`python -m custom_components.invisoutlet.pyinvisoutlet --help` shows usage."""
    result = subprocess.run(
        [sys.executable, "-m", "custom_components.invisoutlet.pyinvisoutlet", "--help"],
        capture_output=True,
        check=False,
        cwd=ROOT,
        text=True,
        timeout=40,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: pyinvisoutlet")
