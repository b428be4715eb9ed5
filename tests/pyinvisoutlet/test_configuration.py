"""Specification of the device's settings (configuration.py, protocol.md §6.2-6.3).

The settings reply also carries the outlet's MQTT broker and its credentials: the
model keeps only whether MQTT is on, so that no secret can reach a log or a state.
"""

from __future__ import annotations

from collections.abc import Iterator
import copy
import json
import logging
from typing import Any

import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    AwaySetting,
    DeviceConfiguration,
    InvisOutletProtocolError,
    Setting,
)
from custom_components.invisoutlet.pyinvisoutlet.configuration import configure_args
from custom_components.invisoutlet.pyinvisoutlet.envelope import Message
from custom_components.invisoutlet.pyinvisoutlet.fields import REJECTED

PASSWORD = "not-a-real-password"  # noqa: S105 - a sample, never a secret
USER = "invis-user"
BROKER = "mqtt://192.168.1.10:1883"
SETTINGS: dict[str, Any] = {
    "acc_prefs": {
        "outletPwrIndicatorOn": 1,
        "pmIndicatorBrightness": 80,
        "capacitiveCtrl": 1,
        "aqiColorRGBFeature": 0,
        "motionAwayFeature": 0,
        "adaptiveNightlightFeature": 1,
        "adaptiveSensitivity": 5,
        "adaptiveMinBrightness": 10,
        "adaptiveMaxBrightness": 80,
        "occupancyNightlightFeature": 0,
        "overrideAdaptiveOccupancyNightlightFeature": 0,
        "magicTouchCtrl": 1,
        "homeAwayMode": {"enabled": 0, "minBrightness": 20},
    },
    "sys_prefs": {
        "mqtt": {
            "enabled": 1,
            "mqtt_broker_url": BROKER,
            "user": USER,
            "pass": PASSWORD,
            "qos": 0,
        },
        "internet": {"ip": "192.168.1.50", "mainDNS": "192.168.1.1"},
    },
}
EXPECTED = DeviceConfiguration(
    values=(
        (Setting.OUTLET_POWER_INDICATOR, 1),
        (Setting.INDICATOR_BRIGHTNESS, 80),
        (Setting.TOUCH_CONTROL, 1),
        (Setting.MAGIC_TOUCH, 1),
        (Setting.AQI_COLOR, 0),
        (Setting.MOTION_AWAY, 0),
        (Setting.ADAPTIVE_NIGHTLIGHT, 1),
        (Setting.ADAPTIVE_SENSITIVITY, 5),
        (Setting.ADAPTIVE_MIN_BRIGHTNESS, 10),
        (Setting.ADAPTIVE_MAX_BRIGHTNESS, 80),
        (Setting.OCCUPANCY_NIGHTLIGHT, 0),
        (Setting.OCCUPANCY_OVERRIDE, 0),
    ),
    mqtt_enabled=True,
    away=((AwaySetting.ENABLED, 0), (AwaySetting.MIN_BRIGHTNESS, 20)),
    ip_address="192.168.1.50",
)
# Away mode as the device reports it in full (protocol.md §6.2).
AWAY_MODE: dict[str, int] = {
    "enabled": 0,
    "outlet1Enabled": 1,
    "outlet2Enabled": 0,
    "nightlightEnabled": 1,
    "minBrightness": 20,
    "maxBrightness": 80,
    "minOnDuration": 30,
    "maxOnDuration": 120,
    "minOffDuration": 30,
    "maxOffDuration": 120,
}


# The credentials first, as a device may order them: a cut-short quote would show them.
CREDENTIALS_FIRST: dict[str, Any] = {
    "sys_prefs": {
        "mqtt": {"pass": PASSWORD, "user": USER, "enabled": 1, "qos": 0},
    },
    "acc_prefs": {"capacitiveCtrl": 1},
}
# Every shape the settings answer has been seen in or could take, credentials inside.
SHAPES: dict[str, Any] = {
    "object": SETTINGS,
    "object, credentials first": CREDENTIALS_FIRST,
    "list-wrapped, credentials first": [CREDENTIALS_FIRST],
    "list-wrapped, credentials last": [SETTINGS],
    "split, credentials first": [
        {"sys_prefs": CREDENTIALS_FIRST["sys_prefs"]},
        {"acc_prefs": {"capacitiveCtrl": 1}},
    ],
    "split, credentials last": [
        {"acc_prefs": {"capacitiveCtrl": 1}},
        {"sys_prefs": CREDENTIALS_FIRST["sys_prefs"]},
    ],
    "nested under a key": {"config": CREDENTIALS_FIRST},
    "nested in a list twice": [[CREDENTIALS_FIRST]],
    "system settings as text": {"sys_prefs": json.dumps(SETTINGS["sys_prefs"])},
    "mqtt as text": {"sys_prefs": {"mqtt": f"{USER}:{PASSWORD}@{BROKER}"}},
    "mqtt as a list": {"sys_prefs": {"mqtt": [USER, PASSWORD]}},
    "password as the flag": {"sys_prefs": {"mqtt": {"enabled": PASSWORD}}},
    "password as a setting": {"acc_prefs": {"capacitiveCtrl": PASSWORD}},
    "settings as text": {"acc_prefs": PASSWORD, "sys_prefs": PASSWORD},
    "the answer as text": PASSWORD,
    "the answer as a list of text": [PASSWORD, USER],
}


@pytest.fixture(autouse=True)
def no_rejections_yet() -> Iterator[None]:
    """Start every test as if the library had just been loaded (warnings once each)."""
    REJECTED.clear()
    yield
    REJECTED.clear()


def settings(**prefs: Any) -> dict[str, Any]:
    """Return the settings with changes to acc_prefs (None removes a key)."""
    args = copy.deepcopy(SETTINGS)
    for key, value in prefs.items():
        if value is None:
            args["acc_prefs"].pop(key, None)
        else:
            args["acc_prefs"][key] = value
    return args


def with_mqtt(mqtt: Any) -> dict[str, Any]:
    """Return the settings with another sys_prefs.mqtt block."""
    args = copy.deepcopy(SETTINGS)
    args["sys_prefs"]["mqtt"] = mqtt
    return args


# Reading -----------------------------------------------------------------------------


def test_configuration_in_callback_args_is_read() -> None:
    """Settings under callbackArgs, as the device documents them."""
    message = Message.from_json(
        {
            "packetID": 1,
            "PUBACK": 1,
            "payload": {"callbackName": 1, "callbackArgs": SETTINGS},
        }
    )

    assert DeviceConfiguration.from_args(message.args) == EXPECTED


def test_configuration_in_the_payload_itself_is_read() -> None:
    """Settings straight in the payload, as the vendor app reads them."""
    message = Message.from_json(
        {"packetID": 1, "PUBACK": 1, "payload": {"callbackName": 1, **SETTINGS}}
    )

    assert DeviceConfiguration.from_args(message.args) == EXPECTED


def test_configuration_get_answers_per_setting() -> None:
    """get() returns a setting's value, None for one the device does not report."""
    configuration = DeviceConfiguration.from_args(settings(magicTouchCtrl=None))

    assert configuration.get(Setting.INDICATOR_BRIGHTNESS) == 80
    assert configuration.get(Setting.MAGIC_TOUCH) is None


def test_configuration_reports_the_settings_the_device_has() -> None:
    """An outlet without an InvisDeco Pro reports fewer settings."""
    configuration = DeviceConfiguration.from_args(
        {"acc_prefs": {"outletPwrIndicatorOn": 0, "capacitiveCtrl": 1}}
    )

    assert configuration.reported == {
        Setting.OUTLET_POWER_INDICATOR,
        Setting.TOUCH_CONTROL,
    }


def test_configuration_reads_numbers_and_flags_in_every_spelling() -> None:
    """A setting sent as a string, a boolean or an integral float is an integer."""
    configuration = DeviceConfiguration.from_args(
        settings(
            pmIndicatorBrightness="60", capacitiveCtrl=False, motionAwayFeature=1.0
        )
    )

    assert configuration.get(Setting.INDICATOR_BRIGHTNESS) == 60
    assert configuration.get(Setting.TOUCH_CONTROL) == 0
    assert configuration.get(Setting.MOTION_AWAY) == 1


@pytest.mark.parametrize("value", ["bright", 1.5, [1], {"on": 1}], ids=repr)
def test_configuration_leaves_out_a_setting_it_cannot_read(value: Any) -> None:
    """One unreadable setting is left out; the others are kept."""
    configuration = DeviceConfiguration.from_args(settings(pmIndicatorBrightness=value))

    assert Setting.INDICATOR_BRIGHTNESS not in configuration.reported
    assert configuration.get(Setting.TOUCH_CONTROL) == 1


def test_configuration_leaves_out_settings_it_does_not_know() -> None:
    """Keys outside Setting, such as homeAwayMode, are not kept."""
    configuration = DeviceConfiguration.from_args(
        {"acc_prefs": {"homeAwayMode": {"enabled": 1}, "futureFeature": 1}}
    )

    assert configuration.values == ()


@pytest.mark.parametrize("args", [{}, {"acc_prefs": None}], ids=repr)
def test_configuration_without_settings_is_empty(args: dict[str, Any]) -> None:
    """No acc_prefs: nothing reported, MQTT unknown."""
    assert DeviceConfiguration.from_args(args) == DeviceConfiguration(
        values=(), mqtt_enabled=None
    )


@pytest.mark.parametrize(
    "args", [None, "acc_prefs", 7, [], [1, "acc_prefs"], [[SETTINGS]]], ids=repr
)
def test_configuration_that_is_not_an_object_is_rejected(args: Any) -> None:
    """Settings neither an object nor a list holding one are a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="settings are not an object"):
        DeviceConfiguration.from_args(args)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param([SETTINGS], id="wrapped"),
        pytest.param(["1", SETTINGS], id="after a scalar"),
        pytest.param(
            [
                {"sys_prefs": SETTINGS["sys_prefs"]},
                {"acc_prefs": SETTINGS["acc_prefs"]},
            ],
            id="split",
        ),
    ],
)
def test_configuration_wrapped_in_a_list_is_read(args: list[Any]) -> None:
    """[{settings}], as callback 2 sends them (§6.3), or split in blocks: read."""
    assert DeviceConfiguration.from_args(args) == EXPECTED


def test_configuration_with_settings_that_are_not_an_object_has_none() -> None:
    """acc_prefs that is not an object: no setting; MQTT and the address still read."""
    configuration = DeviceConfiguration.from_args({**SETTINGS, "acc_prefs": [1, 2]})

    assert configuration == DeviceConfiguration(
        values=(), mqtt_enabled=True, ip_address="192.168.1.50"
    )


@pytest.mark.parametrize("system", ["on", [1], 5], ids=repr)
def test_configuration_with_system_settings_not_an_object_keeps_the_rest(
    system: Any,
) -> None:
    """sys_prefs that is not an object loses only whether MQTT is on."""
    configuration = DeviceConfiguration.from_args({**SETTINGS, "sys_prefs": system})

    assert configuration.values == EXPECTED.values
    assert configuration.mqtt_enabled is None


def test_setting_that_is_not_an_integer_is_warned_about_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Read every minute: one warning names the setting, never its value."""
    for _ in range(3):
        DeviceConfiguration.from_args(settings(pmIndicatorBrightness=PASSWORD))

    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "pmIndicatorBrightness" in warnings[0]


# Away mode -------------------------------------------------------------------------


def test_configuration_reads_every_setting_of_away_mode() -> None:
    """The ten keys of homeAwayMode are settings, each named by its device key."""
    configuration = DeviceConfiguration.from_args(settings(homeAwayMode=AWAY_MODE))

    assert {setting: configuration.get(setting) for setting in AwaySetting} == {
        setting: AWAY_MODE[setting.value] for setting in AwaySetting
    }
    assert set(AwaySetting) <= configuration.reported


def test_away_mode_the_device_does_not_report_has_no_setting() -> None:
    """Firmware without homeAwayMode reports none of its settings."""
    configuration = DeviceConfiguration.from_args(settings(homeAwayMode=None))

    assert configuration.away == ()
    assert configuration.get(AwaySetting.ENABLED) is None


def test_away_mode_that_is_not_an_object_loses_only_itself(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A homeAwayMode that is a list: no away setting, one warning, the rest kept."""
    configuration = DeviceConfiguration.from_args(settings(homeAwayMode=[1, 0]))

    assert configuration.away == ()
    assert configuration.values == EXPECTED.values
    assert "homeAwayMode that is not an object" in caplog.text


def test_away_setting_that_is_not_an_integer_is_left_out() -> None:
    """One unreadable away setting is left out; the rest of away mode is kept."""
    configuration = DeviceConfiguration.from_args(
        settings(homeAwayMode={**AWAY_MODE, "minOnDuration": "soon"})
    )

    assert AwaySetting.MIN_ON_DURATION not in configuration.reported
    assert configuration.get(AwaySetting.MAX_ON_DURATION) == 120


def test_every_away_setting_is_named_by_its_device_key() -> None:
    """Each AwaySetting's value is a key of homeAwayMode (protocol.md §6.2)."""
    assert {setting.value for setting in AwaySetting} == set(AWAY_MODE)


# The outlet's address --------------------------------------------------------------


@pytest.mark.parametrize(
    ("ip", "expected"),
    [
        ("192.168.1.50", "192.168.1.50"),
        (" 10.0.0.7 ", "10.0.0.7"),
        ("fe80::1", "fe80::1"),
    ],
    ids=repr,
)
def test_configuration_reads_the_outlets_address(ip: str, expected: str) -> None:
    """sys_prefs.internet.ip, IPv4 or IPv6, is the outlet's address."""
    args = copy.deepcopy(SETTINGS)
    args["sys_prefs"]["internet"]["ip"] = ip

    assert DeviceConfiguration.from_args(args).ip_address == expected


@pytest.mark.parametrize(
    "ip", ["router", "999.1.1.1", 3232235826, ["192.168.1.50"], "1" * 100], ids=repr
)
def test_address_that_is_not_an_ip_address_is_unknown(ip: Any) -> None:
    """Anything but an IP address is left out; MQTT and the settings are kept."""
    args = copy.deepcopy(SETTINGS)
    args["sys_prefs"]["internet"]["ip"] = ip

    configuration = DeviceConfiguration.from_args(args)

    assert configuration.ip_address is None
    assert configuration.mqtt_enabled is True


def test_configuration_keeps_no_dns_server() -> None:
    """Only the address is read from sys_prefs.internet."""
    configuration = DeviceConfiguration.from_args(SETTINGS)

    assert "192.168.1.1" not in repr(configuration)


# MQTT -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("enabled", "expected"),
    [(1, True), (0, False), (True, True), ("false", False), ("1", True)],
    ids=repr,
)
def test_configuration_reads_whether_mqtt_is_on(enabled: Any, expected: bool) -> None:
    """sys_prefs.mqtt.enabled, in any spelling of a flag."""
    configuration = DeviceConfiguration.from_args(
        with_mqtt({"enabled": enabled, "pass": PASSWORD})
    )

    assert configuration.mqtt_enabled is expected


@pytest.mark.parametrize(
    "mqtt",
    [None, "on", {"pass": PASSWORD}, {"enabled": "maybe"}, {"enabled": [1]}],
    ids=repr,
)
def test_configuration_mqtt_unknown_when_it_cannot_be_read(mqtt: Any) -> None:
    """No mqtt block, no enabled flag, or one that is not a flag: unknown."""
    assert DeviceConfiguration.from_args(with_mqtt(mqtt)).mqtt_enabled is None


def test_configuration_without_system_settings_has_mqtt_unknown() -> None:
    """No sys_prefs at all: unknown."""
    configuration = DeviceConfiguration.from_args({"acc_prefs": SETTINGS["acc_prefs"]})

    assert configuration.mqtt_enabled is None


@pytest.mark.parametrize("placement", ["callbackArgs", "payload"])
def test_configuration_never_keeps_the_mqtt_credentials(placement: str) -> None:
    """Nothing of the broker, user or password is in the model, nor in its repr."""
    payload: dict[str, Any] = {"callbackName": 1}
    if placement == "callbackArgs":
        payload["callbackArgs"] = SETTINGS
    else:
        payload.update(SETTINGS)
    message = Message.from_json({"packetID": 1, "PUBACK": 1, "payload": payload})

    configuration = DeviceConfiguration.from_args(message.args)

    shown = repr(configuration) + str(configuration)
    for secret in (PASSWORD, USER, BROKER, "192.168.1.10"):
        assert secret not in shown


@pytest.mark.parametrize("args", SHAPES.values(), ids=SHAPES.keys())
def test_no_error_repr_or_log_shows_the_password(
    args: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Whatever the answer's shape, the password is in no error, repr or log line."""
    shown = []
    with caplog.at_level(logging.DEBUG):
        try:
            configuration = DeviceConfiguration.from_args(args)
        except InvisOutletProtocolError as err:
            shown += [str(err), repr(err)]
        else:
            shown += [repr(configuration), str(configuration)]

    shown += [record.getMessage() for record in caplog.records]
    for secret in (PASSWORD, USER):
        assert not [text for text in shown if secret in text]


def test_message_carrying_the_settings_does_not_show_them() -> None:
    """The envelope's repr leaves the arguments out: they hold the password."""
    message = Message.from_json(
        {"packetID": 1, "PUBACK": 1, "payload": {"callbackName": 1, **SETTINGS}}
    )

    assert PASSWORD not in repr(message)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param([{"payload": CREDENTIALS_FIRST}], id="message in a list"),
        pytest.param({"payload": json.dumps(CREDENTIALS_FIRST)}, id="payload as text"),
    ],
)
def test_malformed_message_carrying_the_settings_does_not_show_them(data: Any) -> None:
    """A message too malformed to read is described by its shape, not quoted."""
    with pytest.raises(InvisOutletProtocolError) as caught:
        Message.from_json(data)

    assert PASSWORD not in str(caught.value)


# Changing --------------------------------------------------------------------------


def test_configure_args_change_only_the_settings_given() -> None:
    """[{acc_prefs: {key: value}}] with the device's keys; flags become 0 or 1."""
    args = configure_args(
        {Setting.INDICATOR_BRIGHTNESS: 40, Setting.TOUCH_CONTROL: False}
    )

    assert args == [{"acc_prefs": {"pmIndicatorBrightness": 40, "capacitiveCtrl": 0}}]


def test_configure_args_send_away_mode_whole_with_the_change() -> None:
    """The reported homeAwayMode goes whole, with the changed keys in it."""
    current = DeviceConfiguration.from_args(settings(homeAwayMode=AWAY_MODE))

    args = configure_args(
        {AwaySetting.ENABLED: True, AwaySetting.MAX_BRIGHTNESS: 60}, current
    )

    assert args == [
        {"acc_prefs": {"homeAwayMode": AWAY_MODE | {"enabled": 1, "maxBrightness": 60}}}
    ]


def test_configure_args_send_only_the_away_change_when_none_was_read() -> None:
    """Nothing reported to merge into: the change alone."""
    args = configure_args({AwaySetting.NIGHTLIGHT: False})

    assert args == [{"acc_prefs": {"homeAwayMode": {"nightlightEnabled": 0}}}]


def test_configure_args_keep_other_settings_out_of_away_mode() -> None:
    """A flat setting and an away setting: the flat one alone beside away mode."""
    current = DeviceConfiguration.from_args(settings(homeAwayMode=AWAY_MODE))

    args = configure_args({Setting.TOUCH_CONTROL: 0, AwaySetting.OUTLET_2: 1}, current)

    assert args == [
        {
            "acc_prefs": {
                "capacitiveCtrl": 0,
                "homeAwayMode": AWAY_MODE | {"outlet2Enabled": 1},
            }
        }
    ]


def test_every_setting_is_named_by_its_device_key() -> None:
    """Each Setting's value is the key the device uses in acc_prefs."""
    assert {setting.value for setting in Setting} == set(SETTINGS["acc_prefs"]) - {
        "homeAwayMode"
    }
