"""Specification of the InvisDeco's liveness: silent when its readings stop.

The outlet may call its faceplate online while the faceplate pushes nothing any more.
The client then reports ``Device.deco_silent`` (news of ``DevicePart.DECO``) once no
readings arrived for the silence limit, and not silent again with the next push, news
or not. Only while an online faceplate is watched over a live link, and never while an
install restarts it. The limit here is short; the default is 20 s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    DECO_SILENCE_LIMIT,
    CallbackName,
    DevicePart,
    InvisOutlet,
    Transport,
    UpdateTarget,
)
from tests.simulator import InvisOutletSimulator
from tests.waiting import wait_until

from .conftest import FAST_BACKOFF, HOST, REQUEST_TIMEOUT, Recorder

# Short enough for a test, long enough that a loaded machine keeps up with it.
LIMIT = 0.2

type Changes = frozenset[DevicePart]


@pytest.fixture
async def watched(simulator: InvisOutletSimulator) -> AsyncIterator[InvisOutlet]:
    """Return a client with a short silence limit, its device read once."""
    client = InvisOutlet(
        host=HOST,
        transport=Transport.TCP,
        port=simulator.tcp_port,
        backoff=FAST_BACKOFF,
        request_timeout=REQUEST_TIMEOUT,
        deco_silence_limit=LIMIT,
    )
    await client.connect()
    await client.update()
    yield client
    await client.close()


def silent(client: InvisOutlet) -> bool:
    """Return whether the client reports its faceplate silent."""
    return client.device is not None and client.device.deco_silent


def record_changes(client: InvisOutlet) -> Recorder[Changes]:
    """Record the parts every device change of the client reports."""
    changes = Recorder[Changes]()
    client.subscribe_device(lambda _device, changed: changes(changed))
    return changes


async def push_readings(simulator: InvisOutletSimulator) -> None:
    """Push the readings the faceplate holds: the same as last time, no news."""
    await simulator.push(CallbackName.SENSORS, simulator.device.sensor_args())


def test_the_default_limit_is_four_missed_pushes() -> None:
    """The faceplate pushes about every 5 s: 20 s without one is silence."""
    assert DECO_SILENCE_LIMIT == 20.0


async def test_faceplate_whose_readings_stop_goes_silent(
    watched: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """Pushes every few milliseconds, then none: silent, told as DECO news."""
    simulator.set_sensor_push_interval(0.01)
    changes = record_changes(watched)
    await changes.wait_for(1)
    simulator.set_sensor_push_interval(None)

    await wait_until(lambda: silent(watched))

    assert frozenset({DevicePart.DECO}) in changes.values


async def test_unchanged_reading_ends_the_silence(
    watched: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """A push of the readings held is no news of them, but the faceplate is back."""
    await wait_until(lambda: silent(watched))
    changes = record_changes(watched)

    await push_readings(simulator)

    assert await changes.wait_for(1) == [{DevicePart.DECO}]
    assert not silent(watched)


async def test_faceplate_that_spoke_again_goes_silent_again(
    watched: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """After its last push the clock runs again."""
    await wait_until(lambda: silent(watched))
    await push_readings(simulator)
    await wait_until(lambda: not silent(watched))

    await wait_until(lambda: silent(watched))


async def test_read_reply_is_no_sign_of_life(watched: InvisOutlet) -> None:
    """The outlet answers a read from what it last heard: the faceplate stays silent."""
    await wait_until(lambda: silent(watched))

    await watched.sensors()

    assert silent(watched)


async def test_offline_faceplate_is_not_silent(
    watched: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """Offline is its own verdict: silence is of a faceplate called online."""
    await wait_until(lambda: silent(watched))

    simulator.device.deco_online = False
    await simulator.push(CallbackName.OUTLET_INFO, simulator.device.device_info())

    await wait_until(lambda: not silent(watched))
    assert watched.device is not None
    assert not watched.device.info.deco_present


async def test_lost_link_ends_the_silence(
    watched: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """Nothing is known of the faceplate without a link: not called silent."""
    await wait_until(lambda: silent(watched))
    links = Recorder[bool]()
    watched.subscribe_link(links)

    await simulator.drop_connections()

    await links.wait_for(1)
    assert not silent(watched)


async def test_faceplate_restarting_for_an_install_is_not_silent(
    watched: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """An install restarts the faceplate: its silence then is the install's business."""
    await wait_until(lambda: silent(watched))
    await watched.firmware.available()
    watched.firmware.start()

    await simulator.start_external_ota(UpdateTarget.DECO)

    await wait_until(lambda: watched.device is not None and watched.device.progress)
    assert not silent(watched)
