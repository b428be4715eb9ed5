"""Specification of typed state subscriptions: client.subscribe(Model, listener).

A subscriber gets a model whenever the device's state of that kind is news: from a
push or from the reply to a read, whoever asked for it. The same arguments twice are
delivered once per link session: a new session starts knowing nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import logging
from typing import Any

import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    CallbackName,
    ColorEffect,
    ColorLightState,
    InvisOutlet,
    NightlightState,
    OutletInfo,
    OutletStates,
    SensorReadings,
)
from tests.simulator import InvisOutletSimulator

from .conftest import Recorder, with_pro

type Model = (
    OutletInfo | OutletStates | SensorReadings | NightlightState | ColorLightState
)


async def test_pushed_state_reaches_subscribers_as_a_model(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """The outlet's own push (a button pressed) arrives as the model."""
    states = Recorder[OutletStates]()
    client.subscribe(OutletStates, states)

    await simulator.press_outlet(2)

    assert await states.wait_for(1) == [OutletStates(top=True, bottom=True)]


async def test_read_reply_reaches_subscribers(client: InvisOutlet) -> None:
    """A read tells the subscribers too: state is state, whoever asked."""
    states = Recorder[OutletStates]()
    client.subscribe(OutletStates, states)

    read = await client.outlets()

    assert states.values == [read]


async def test_the_same_state_is_delivered_once(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """Reads and pushes with arguments already seen are no news."""
    states = Recorder[OutletStates]()
    client.subscribe(OutletStates, states)
    await client.outlets()

    again = await client.outlets()
    await simulator.push(CallbackName.OUTLETS, [1, 0])
    await simulator.press_outlet(1)

    assert again == OutletStates(top=True, bottom=False)
    assert await states.wait_for(2) == [
        OutletStates(top=True, bottom=False),
        OutletStates(top=False, bottom=False),
    ]


async def test_a_new_link_session_delivers_the_state_again(
    client: InvisOutlet, simulator: InvisOutletSimulator, links: Recorder[bool]
) -> None:
    """The outlet may have restarted: after a reconnect the first state is news."""
    states = Recorder[OutletStates]()
    client.subscribe(OutletStates, states)
    await client.outlets()

    await simulator.drop_connections()
    await links.wait_for(2)
    await client.outlets()

    assert len(states.values) == 2


async def test_boot_greeting_reaches_device_information_subscribers(
    client: InvisOutlet, simulator: InvisOutletSimulator, links: Recorder[bool]
) -> None:
    """After a restart the outlet pushes its information to the first client."""
    infos = Recorder[OutletInfo]()
    client.subscribe(OutletInfo, infos)

    await simulator.reboot()

    assert (await infos.wait_for(1))[0].serial == simulator.device.serial


async def test_sensor_pushes_reach_subscribers(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """The InvisDeco pushes its readings; each change arrives."""
    readings = Recorder[SensorReadings]()
    client.subscribe(SensorReadings, readings)

    await simulator.set_readings(lux="140.0")
    await simulator.set_readings(lux="150.0")

    assert [r.illuminance for r in await readings.wait_for(2)] == [140.0, 150.0]


@with_pro()
async def test_nightlight_pushes_reach_subscribers(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """A nightlight switched elsewhere arrives as its state."""
    lights = Recorder[NightlightState]()
    client.subscribe(NightlightState, lights)

    await simulator.push(CallbackName.NIGHTLIGHT, [0, 25])

    assert await lights.wait_for(1) == [NightlightState(on=False, brightness=25)]


async def test_color_light_pushes_reach_subscribers(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """A colour light changed elsewhere arrives as its state."""
    lights = Recorder[ColorLightState]()
    client.subscribe(ColorLightState, lights)

    await simulator.push(CallbackName.COLOR_LIGHT, [5, 6, [[1, 30, [0, 0], 2700]]])

    light = (await lights.wait_for(1))[0]
    assert light.effect is ColorEffect.RAINBOW
    assert light.brightness == 30


async def test_subscribers_hear_only_their_kind(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """A push of one kind reaches no subscriber of another."""
    readings = Recorder[SensorReadings]()
    states = Recorder[OutletStates]()
    client.subscribe(SensorReadings, readings)
    client.subscribe(OutletStates, states)

    await simulator.press_outlet(1)
    await states.wait_for(1)
    await client.outlet_info()

    assert readings.values == []


async def test_unsubscribed_listener_hears_nothing_more(
    client: InvisOutlet, simulator: InvisOutletSimulator
) -> None:
    """After unsubscribing (once or twice) a listener is not called again."""
    gone, staying = Recorder[OutletStates](), Recorder[OutletStates]()
    unsubscribe = client.subscribe(OutletStates, gone)
    client.subscribe(OutletStates, staying)
    await simulator.press_outlet(1)
    await gone.wait_for(1)

    unsubscribe()
    unsubscribe()
    await simulator.press_outlet(1)

    await staying.wait_for(2)
    assert len(gone.values) == 1


async def test_a_state_that_cannot_be_read_is_skipped(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A malformed push is skipped with a warning; the next good one arrives."""
    states = Recorder[OutletStates]()
    client.subscribe(OutletStates, states)

    await simulator.push(CallbackName.OUTLETS, [1])
    await simulator.press_outlet(2)

    assert await states.wait_for(1) == [OutletStates(top=True, bottom=True)]
    assert "(malformed callback 9)" in caplog.text


async def test_failing_subscriber_does_not_starve_the_others(
    client: InvisOutlet,
    simulator: InvisOutletSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A subscriber that raises is logged; the subscribers after it still hear."""

    def broken(_states: OutletStates) -> None:
        raise RuntimeError("listener bug")

    after = Recorder[OutletStates]()
    client.subscribe(OutletStates, broken)
    client.subscribe(OutletStates, after)

    await simulator.press_outlet(1)

    await after.wait_for(1)
    assert any(record.levelno == logging.ERROR for record in caplog.records)


@pytest.mark.parametrize(
    ("model", "read"),
    [
        (OutletInfo, InvisOutlet.outlet_info),
        (OutletStates, InvisOutlet.outlets),
        (SensorReadings, InvisOutlet.sensors),
        (ColorLightState, InvisOutlet.color_light),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
async def test_every_read_model_can_be_subscribed(
    client: InvisOutlet,
    model: type[Model],
    read: Callable[[InvisOutlet], Awaitable[Any]],
) -> None:
    """Each kind of pushed state is also delivered from its read."""
    seen = Recorder[Any]()
    client.subscribe(model, seen)

    result = await read(client)

    assert seen.values == [result]
