"""Run the integration for real: the simulator plus a real Home Assistant using it.

``python -m devtools.demo`` is what ``scripts/develop`` runs. It generates a Home
Assistant configuration folder from ``scripts/config_template`` (nothing generated is
committed; one folder per Home Assistant target, ``config/minimum`` and
``config/latest``, because a release cannot read the storage a newer one wrote),
starts two simulated outlets (an InvisDeco Aura on revB over TCP, an InvisDeco Pro on
revA over WebSocket, each with its own names, readings moving) and ``hass`` as child
processes, onboards Home Assistant through its HTTP API on first start, and stops
everything on Ctrl-C. The end-to-end test drives the same class with its own ports.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass, field
import datetime as dt
import json
import os
from pathlib import Path
import secrets
import shutil
import signal
from string import Template
import sys
from typing import Any, Self

import aiohttp
from awesomeversion import AwesomeVersion
from homeassistant.const import __version__ as ha_version

from devtools.http_settings import HOST, http_settings

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "scripts" / "config_template" / "configuration.yaml"
# Home Assistant writes the release that last ran a folder into this file.
VERSION_FILE = ".HA_VERSION"
# scripts/env.sh's targets: hacs.json's minimum release, or the current one.
TARGETS = ("minimum", "latest")
SERIAL = "11A1F7000FE"
STARTUP_TIMEOUT = 180.0
STOP_TIMEOUT = 30.0
OTA_FAILURES = (
    "start_rejected",
    "late_rejected",
    "download_failed",
    "stall",
    "silent",
    "not_back",
    "version_unchanged",
    "wifi_fails",
    "different_device",
    "different_deco",
)
FAULTS = ("silent-after-boot", "reboot-loop", "drop-every=5")


@dataclass(frozen=True, kw_only=True)
class DemoOutlet:
    """One simulated outlet: who it is and how it serves its API."""

    serial: str
    mac: str
    deco_type: str
    deco_serial: str
    # revB serves raw TCP, revA the WebSocket (protocol.md §2.4a).
    hardware: str
    # What its owner called outlet 1, outlet 2 and the nightlight in the vendor app.
    names: tuple[str, str, str]


# Two outlets that never merge into one device: their own serials and MAC addresses.
OUTLETS = (
    DemoOutlet(
        serial=SERIAL,
        mac="24:0A:C4:12:34:56",
        deco_type="aura",
        deco_serial="0003C44076",
        hardware="B",
        names=("Floor lamp", "Phone charger", "Nightlight"),
    ),
    DemoOutlet(
        serial="11A1F700ABC",
        mac="24:0A:C4:12:AB:CD",
        deco_type="pro",
        deco_serial="0003D44076",
        hardware="A",
        names=("Kettle", "Desk fan", "Hall light"),
    ),
)


@dataclass(kw_only=True)
class DemoSettings:
    """Where everything listens, and how the simulated devices behave."""

    config_dir: Path
    http_port: int = 8123
    # The first outlet's ports; each further outlet takes the next ones. Not a real
    # outlet's 3333: that would say its web interface is on this machine's port 80.
    tcp_port: int = 13333
    ws_port: int = 8080
    step_interval: float = 1.0
    reboot_duration: float = 3.0
    sensor_interval: float = 5.0
    ota_failure: str | None = None
    faults: tuple[str, ...] = ()
    # The outlets publish MQTT discovery, which raises the integration's repair.
    mqtt_discovery: bool = False
    options: dict[str, str] = field(default_factory=dict)
    frontend: bool = True
    outlets: tuple[DemoOutlet, ...] = OUTLETS

    def ports(self, index: int) -> tuple[int, int]:
        """Return the TCP and WebSocket ports of one simulated outlet."""
        return self.tcp_port + index, self.ws_port + index

    @property
    def url(self) -> str:
        """Return Home Assistant's address."""
        return f"http://{HOST}:{self.http_port}"


@dataclass
class Demo:
    """The simulator and Home Assistant, started and stopped together."""

    settings: DemoSettings
    access_token: str | None = None
    processes: list[asyncio.subprocess.Process] = field(default_factory=list)

    async def __aenter__(self) -> Self:
        """Start everything; stop what started if something fails."""
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(self, *_exc_info: object) -> None:
        """Stop everything."""
        await self.stop()

    async def start(self) -> None:
        """Prepare the folder, start the simulator and hass, and onboard."""
        self.prepare()
        await self._start_simulator()
        await self._start_home_assistant()
        async with aiohttp.ClientSession() as session:
            left = await self._wait_for_http(session)
            self.access_token = await self._onboard(session, left)
            await self._wait_until_running(session)

    def prepare(self) -> None:
        """Generate the configuration folder on first use; keep it afterwards."""
        settings = self.settings
        config = settings.config_dir
        _refuse_newer_folder(config)
        (config / "custom_components").mkdir(parents=True, exist_ok=True)
        link = config / "custom_components" / "invisoutlet"
        if not link.exists():
            link.symlink_to(ROOT / "custom_components" / "invisoutlet")
        storage = config / ".storage"
        if not storage.exists():
            storage.mkdir()
            # The owner is created through the API; the other onboarding steps would
            # only add integrations the demo does not need (weather, radio, TTS).
            onboarding = {"done": ["core_config", "analytics", "integration"]}
            for key, version, minor_version, data in (
                ("core.config_entries", 1, 5, self._config_entries()),
                ("onboarding", 4, 1, onboarding),
            ):
                stored: dict[str, Any] = {"version": version, "key": key}
                stored["minor_version"] = minor_version
                (storage / key).write_text(
                    json.dumps(stored | {"data": data}), encoding="utf-8"
                )
        text = Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
            http=http_settings(config, settings.http_port),
            frontend="frontend:" if settings.frontend else "",
        )
        (config / "configuration.yaml").write_text(text, encoding="utf-8")

    def _config_entries(self) -> dict[str, Any]:
        """Return Home Assistant's config-entry storage with the simulated outlets."""
        now = dt.datetime.now(dt.UTC).isoformat()
        entries: list[dict[str, Any]] = []
        for index, outlet in enumerate(self.settings.outlets):
            tcp_port, ws_port = self.settings.ports(index)
            revb = outlet.hardware == "B"
            data = {
                "host": HOST,
                "transport": "tcp" if revb else "websocket",
                "port": tcp_port if revb else ws_port,
            }
            entries.append(
                {
                    "created_at": now,
                    "data": data,
                    "disabled_by": None,
                    "discovery_keys": {},
                    "domain": "invisoutlet",
                    "entry_id": secrets.token_hex(13).upper(),
                    "minor_version": 1,
                    "modified_at": now,
                    "options": self.settings.options,
                    "pref_disable_new_entities": False,
                    "pref_disable_polling": False,
                    "source": "user",
                    "subentries": [],
                    "title": f"InvisOutlet {outlet.serial}",
                    "unique_id": outlet.serial,
                    "version": 1,
                }
            )
        return {"entries": entries}

    async def _start_simulator(self) -> None:
        """Start one simulator per outlet and wait for each "listening" line."""
        settings = self.settings
        for index, outlet in enumerate(settings.outlets):
            tcp_port, ws_port = settings.ports(index)
            args = [
                "-m",
                "tests.simulator",
                f"--tcp-port={tcp_port}",
                f"--ws-port={ws_port}",
                f"--hardware={outlet.hardware}",
                f"--serial={outlet.serial}",
                f"--mac={outlet.mac}",
                f"--deco-type={outlet.deco_type}",
                f"--deco-serial={outlet.deco_serial}",
                *(
                    f"--name={accessory}={name}"
                    for accessory, name in enumerate(outlet.names, start=1)
                ),
                f"--sensor-interval={settings.sensor_interval}",
                f"--step-interval={settings.step_interval}",
                f"--reboot-duration={settings.reboot_duration}",
            ]
            if settings.ota_failure:
                args.append(f"--ota-failure={settings.ota_failure}")
            if settings.mqtt_discovery:
                args.append("--mqtt=connected")
            args += [f"--fault={fault}" for fault in settings.faults]
            await self._start_one_simulator(args)

    async def _start_one_simulator(self, args: list[str]) -> None:
        """Start a simulator process and wait until it listens."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, *args, cwd=ROOT, stdout=asyncio.subprocess.PIPE
        )
        self.processes.append(process)
        assert process.stdout is not None
        async with asyncio.timeout(30):
            line = await process.stdout.readline()
        if b"listening" not in line:
            msg = f"the simulator did not start: {line!r}"
            raise RuntimeError(msg)

    async def _start_home_assistant(self) -> None:
        """Start hass on the generated folder; its log goes to that folder."""
        log = (self.settings.config_dir / "hass.out").open("wb")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "homeassistant",
            "--config",
            str(self.settings.config_dir),
            "--skip-pip",
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        log.close()
        self.processes.append(process)

    async def _wait_for_http(self, session: aiohttp.ClientSession) -> list[str]:
        """Wait until Home Assistant answers HTTP; return the onboarding steps left."""
        async with asyncio.timeout(STARTUP_TIMEOUT):
            while True:
                if self.processes[-1].returncode is not None:
                    msg = f"hass exited; see {self.settings.config_dir / 'hass.out'}"
                    raise RuntimeError(msg)
                try:
                    async with session.get(f"{self.settings.url}/api/onboarding") as r:
                        # Once onboarded, Home Assistant no longer serves this view.
                        if r.status == 404:
                            return []
                        if r.status == 200:
                            steps = await r.json()
                            return [s["step"] for s in steps if not s["done"]]
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.5)

    async def _wait_until_running(self, session: aiohttp.ClientSession) -> None:
        """Wait until Home Assistant has finished starting (HTTP answers earlier)."""
        headers = {"Authorization": f"Bearer {self.access_token}"}
        async with asyncio.timeout(STARTUP_TIMEOUT):
            while True:
                async with session.get(
                    f"{self.settings.url}/api/config", headers=headers
                ) as response:
                    if (await response.json())["state"] == "RUNNING":
                        return
                await asyncio.sleep(0.5)

    async def _onboard(self, session: aiohttp.ClientSession, left: list[str]) -> str:
        """Create the owner on first start; return an access token either way."""
        url = self.settings.url
        client_id = f"{url}/"
        if "user" in left:
            user = {
                "client_id": client_id,
                "name": "Demo",
                "username": "demo",
                "password": secrets.token_urlsafe(16),
                "language": "en",
            }
            async with session.post(f"{url}/api/onboarding/users", json=user) as r:
                code = (await r.json())["auth_code"]
        else:
            code = await self._trusted_network_login(session, client_id)
        return await self._token(session, client_id, code)

    async def _trusted_network_login(
        self, session: aiohttp.ClientSession, client_id: str
    ) -> str:
        """Log in from 127.0.0.1 without a password (trusted_networks)."""
        flow = {
            "client_id": client_id,
            "handler": ["trusted_networks", None],
            "redirect_uri": client_id,
        }
        async with session.post(f"{self.settings.url}/auth/login_flow", json=flow) as r:
            result = await r.json()
        return str(result["result"])

    async def _token(
        self, session: aiohttp.ClientSession, client_id: str, code: str
    ) -> str:
        """Exchange an authorization code for an access token."""
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": client_id,
        }
        async with session.post(f"{self.settings.url}/auth/token", data=data) as r:
            return str((await r.json())["access_token"])

    async def stop(self) -> None:
        """Stop hass, then the simulator: politely, then by force."""
        for process in reversed(self.processes):
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    async with asyncio.timeout(STOP_TIMEOUT):
                        await process.wait()
                except TimeoutError:
                    process.kill()
                    await process.wait()


def _refuse_newer_folder(config: Path) -> None:
    """Fail clearly on a folder a newer Home Assistant ran: this one cannot read it."""
    try:
        written = (config / VERSION_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return
    if AwesomeVersion(written) > AwesomeVersion(ha_version):
        msg = (
            f"{config} was last run by Home Assistant {written}, and {ha_version} "
            "cannot read what it stored (its device registry crashes on load): "
            "give this release its own folder (--config) or start again (--reset)"
        )
        raise RuntimeError(msg)


def running_target() -> str:
    """Return the scripts/env.sh target of the Home Assistant this Python runs."""
    hacs = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))
    minimum = AwesomeVersion(hacs["homeassistant"])
    running = AwesomeVersion(ha_version)
    same = (running.major, running.minor) == (minimum.major, minimum.minor)
    return "minimum" if same else "latest"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="scripts/develop",
        description=__doc__.splitlines()[0],
        epilog="--ha latest also shows the integration's own brand images. Each "
        "target keeps its own folder: a release cannot read what a newer one stored.",
    )
    add = parser.add_argument
    add(
        "--ha",
        choices=TARGETS,
        help="Home Assistant to run: minimum (hacs.json's, .venv, the default) or "
        "latest (.venv-latest); scripts/develop picks the matching Python",
    )
    add(
        "--config",
        type=Path,
        help="configuration folder (default: config/minimum or config/latest)",
    )
    add("--reset", action="store_true", help="start from a new folder")
    add("--http-port", type=int, default=8123, help="Home Assistant's port")
    add("--tcp-port", type=int, default=13333, help="first outlet's TCP port")
    add(
        "--ws-port",
        type=int,
        default=8080,
        help="first outlet's WebSocket port, where its web page is too",
    )
    add("--step-interval", type=float, default=1.0, help="seconds between progress")
    add("--reboot-duration", type=float, default=3.0, help="seconds of a restart")
    add("--sensor-interval", type=float, default=5.0, help="seconds between readings")
    add(
        "--ota-failure",
        choices=OTA_FAILURES,
        help="make every firmware install fail this way",
    )
    add(
        "--fault",
        action="append",
        default=[],
        choices=FAULTS,
        help="make the outlets misbehave (repeatable)",
    )
    add(
        "--mqtt-discovery",
        action="store_true",
        help="the outlets publish MQTT discovery (the integration raises a repair)",
    )
    args = parser.parse_args(argv)
    running = running_target()
    if args.ha not in {None, running}:
        parser.error(f"--ha {args.ha} needs its own Python: run scripts/develop")
    args.ha = running
    args.config = args.config or ROOT / "config" / running
    return args


async def _run(settings: DemoSettings) -> None:
    """Run until Ctrl-C or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with Demo(settings):
        print(
            f"Home Assistant is ready at {settings.url} (Ctrl-C stops it)", flush=True
        )
        await stop.wait()
        print("Stopping Home Assistant and the simulator...", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the demo."""
    args = parse_args(argv)
    if args.reset and args.config.exists():
        shutil.rmtree(args.config)
    settings = DemoSettings(
        config_dir=args.config,
        http_port=args.http_port,
        tcp_port=args.tcp_port,
        ws_port=args.ws_port,
        step_interval=args.step_interval,
        reboot_duration=args.reboot_duration,
        sensor_interval=args.sensor_interval,
        ota_failure=args.ota_failure,
        faults=tuple(args.fault),
        mqtt_discovery=args.mqtt_discovery,
    )
    try:
        asyncio.run(_run(settings))
    except RuntimeError as err:
        # Why the demo could not start is the user's to fix, not a traceback.
        print(f"scripts/develop: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
