"""Specification of the outlet's models: what each parser accepts, repairs and rejects.

The envelope, device information, available updates, outlet states, accessory names
and the firmware-install messages. The InvisDeco's models are in test_accessories.py,
the settings in test_configuration.py, the tolerant field readers in test_fields.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
import math
from typing import Any

import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    AccessoryNames,
    ColorLightState,
    DecoKind,
    DecoModule,
    DeviceConfiguration,
    FirmwareComponent,
    FirmwareStatus,
    InvisOutletProtocolError,
    NightlightState,
    Outlet,
    OutletInfo,
    OutletModule,
    OutletStates,
    SensorReadings,
    is_newer,
)
from custom_components.invisoutlet.pyinvisoutlet.envelope import Message
from custom_components.invisoutlet.pyinvisoutlet.events import (
    UpdateAnswer,
    UpdateProgress,
    UpdateResult,
)
from custom_components.invisoutlet.pyinvisoutlet.fields import REJECTED
from custom_components.invisoutlet.pyinvisoutlet.models import parse_version
from tests.simulator.fixtures import load_fixture

SERIAL = "11A1F7000FE"
DECO_SERIAL = "0003C44076"
FW = FirmwareComponent.OUTLET_FIRMWARE
WWW = FirmwareComponent.WEB_INTERFACE
DECO_FW = FirmwareComponent.DECO_FIRMWARE


def outlet_block(**changes: Any) -> dict[str, Any]:
    """Return the IM block of device information, with changes (None removes a key)."""
    block = {
        "sn": SERIAL,
        "MAC": "24:0A:C4:12:34:56",
        "device": "InvisOutlet",
        "fw_rev": "1.2.0",
        "hw_rev": "B",
    }
    return _changed(block, changes)


def deco_block(**changes: Any) -> dict[str, Any]:
    """Return the PM block of device information, with changes (None removes a key)."""
    block = {
        "online": True,
        "sn": DECO_SERIAL,
        "MAC": "24:0A:C4:65:43:21",
        "device": "InvisDeco",
        "type": "Aura",
        "fw_rev": "0.5.0",
        "hw_rev": "A",
        "radar": {"fw_rev": "1.0.7", "hw_type": "mmWave", "MAC": "24:0A:C4:AB:CD:EF"},
    }
    return _changed(block, changes)


def _changed(block: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    for key, value in changes.items():
        if value is None:
            block.pop(key, None)
        else:
            block[key] = value
    return block


def info_args(**deco: Any) -> dict[str, Any]:
    """Return device information with an InvisDeco, with changes to its PM block."""
    return {"IM": outlet_block(), "PM": deco_block(**deco)}


def status_args(**im: Any) -> dict[str, Any]:
    """Return the arguments of available updates, with changes to the IM block."""
    return {
        "IM": _changed(
            {
                "fw_rev": "1.2.0",
                "available_fw_rev": "1.3.0",
                "www_fw_rev": "0.1.2",
                "available_www_fw_rev": "0.3.0",
            },
            im,
        ),
        "PM": {"fw_rev": "0.5.0", "available_fw_rev": "0.5.1"},
    }


# Envelope -------------------------------------------------------------------------


def test_message_reads_a_reply_with_payload() -> None:
    """A reply's serial, packetID, PUBACK, callback and arguments are read."""
    message = Message.from_json(
        {
            "sn": SERIAL,
            "packetID": 221040,
            "PUBACK": 1,
            "payload": {"callbackName": 20, "callbackArgs": {"IM": {}}},
        }
    )

    assert message == Message(
        serial=SERIAL, packet_id=221040, puback=1, callback_name=20, args={"IM": {}}
    )


def test_message_reads_a_bare_acknowledgement() -> None:
    """A reply without payload has no callback and no arguments."""
    message = Message.from_json({"sn": SERIAL, "packetID": 414883, "PUBACK": 0})

    assert message == Message(
        serial=SERIAL, packet_id=414883, puback=0, callback_name=None, args=None
    )


def test_message_reads_a_push_without_puback() -> None:
    """A push has no PUBACK; its arguments may be a list."""
    message = Message.from_json(
        {
            "sn": SERIAL,
            "packetID": 1,
            "payload": {"callbackName": 22, "callbackArgs": [1, 90]},
        }
    )

    assert message.puback is None
    assert (message.callback_name, message.args) == (22, [1, 90])


def test_message_accepts_numbers_sent_as_strings() -> None:
    """packetID, PUBACK and callbackName may arrive as numeric strings."""
    message = Message.from_json(
        {"packetID": " 373184 ", "PUBACK": "1", "payload": {"callbackName": "12"}}
    )

    assert (message.packet_id, message.puback, message.callback_name) == (373184, 1, 12)


def test_message_accepts_integral_floats_and_booleans() -> None:
    """A number written as 12.0, or a flag written as true, is an integer."""
    message = Message.from_json({"packetID": 373184.0, "PUBACK": True})

    assert (message.packet_id, message.puback) == (373184, 1)


def test_message_ignores_a_serial_that_is_not_text() -> None:
    """An envelope serial that is not a string is treated as absent."""
    assert Message.from_json({"sn": 12345, "packetID": 1}).serial is None


@pytest.mark.parametrize("data", [{}, {"a": 1}], ids=repr)
def test_object_without_an_envelope_is_rejected(data: dict[str, Any]) -> None:
    """An object with none of sn, packetID, PUBACK and payload is not a message."""
    with pytest.raises(InvisOutletProtocolError, match="without an envelope"):
        Message.from_json(data)


def test_message_with_a_null_payload_has_no_callback() -> None:
    """A null payload is the same as none."""
    message = Message.from_json({"packetID": 1, "PUBACK": 1, "payload": None})

    assert (message.callback_name, message.args) == (None, None)


def test_payload_that_is_a_list_is_the_argument_list() -> None:
    """The app's reading of some replies: a list payload holds the arguments."""
    names = [{"accessory": 1, "name": "Lamp"}]

    message = Message.from_json({"packetID": 1, "PUBACK": 1, "payload": names})

    assert (message.callback_name, message.args) == (None, names)


def test_settings_in_the_payload_itself_are_the_arguments() -> None:
    """The app reads acc_prefs straight from the payload (§6.2): both placements."""
    payload = {"callbackName": 1, "acc_prefs": {"capacitiveCtrl": 1}}

    message = Message.from_json({"packetID": 1, "PUBACK": 1, "payload": payload})

    assert message.callback_name == 1
    assert message.args == payload


def test_callback_args_win_over_settings_in_the_payload() -> None:
    """When callbackArgs is present it is the arguments, whatever else is there."""
    payload = {"callbackName": 1, "callbackArgs": {"x": 1}, "acc_prefs": {}}

    message = Message.from_json({"packetID": 1, "payload": payload})

    assert message.args == {"x": 1}


@pytest.mark.parametrize("data", [[1, 2], "text", 42, None], ids=repr)
def test_message_that_is_not_an_object_is_rejected(data: Any) -> None:
    """A JSON value other than an object is not a message."""
    with pytest.raises(InvisOutletProtocolError, match="message is not an object"):
        Message.from_json(data)


@pytest.mark.parametrize("payload", ["12", 12, True], ids=repr)
def test_payload_that_is_neither_object_nor_list_is_rejected(payload: Any) -> None:
    """A payload other than an object or a list is a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="payload is not an object"):
        Message.from_json({"packetID": 1, "payload": payload})


@pytest.mark.parametrize("packet_id", ["abc", "", 1.5, [1], {"id": 1}], ids=repr)
def test_non_integer_packet_id_is_absent(packet_id: Any) -> None:
    """A packetID that is not a number is no packetID: a push is still routed."""
    message = Message.from_json(
        {"packetID": packet_id, "payload": {"callbackName": 11, "callbackArgs": []}}
    )

    assert message.packet_id is None
    assert message.callback_name == 11


@pytest.mark.parametrize(
    ("field", "envelope"),
    [
        ("PUBACK", {"PUBACK": "yes"}),
        ("callbackName", {"payload": {"callbackName": "twelve"}}),
    ],
)
def test_non_integer_puback_or_callback_is_rejected(
    field: str, envelope: dict[str, Any]
) -> None:
    """PUBACK and callbackName must be integers."""
    with pytest.raises(InvisOutletProtocolError, match=f"{field} is not an integer"):
        Message.from_json({"packetID": 1, **envelope})


# Device information (12) -------------------------------------------------------------


def test_outlet_info_reads_outlet_and_deco() -> None:
    """Every documented IM and PM field is read."""
    info = OutletInfo.from_args(info_args())

    assert info == OutletInfo(
        serial=SERIAL,
        outlet=OutletModule(
            serial=SERIAL,
            mac="24:0A:C4:12:34:56",
            device="InvisOutlet",
            fw_rev="1.2.0",
            hw_rev="B",
        ),
        deco=DecoModule(
            online=True,
            serial=DECO_SERIAL,
            mac="24:0A:C4:65:43:21",
            device="InvisDeco",
            model="Aura",
            fw_rev="0.5.0",
            hw_rev="A",
        ),
    )
    assert info.deco_present


def test_outlet_info_without_pm_has_no_deco() -> None:
    """No PM block (no faceplate, or it reboots): no deco, not present."""
    info = OutletInfo.from_args({"IM": outlet_block()})

    assert info.deco is None
    assert not info.deco_present


@pytest.mark.parametrize("online", [False, 0, "false", "0"], ids=repr)
def test_outlet_info_with_deco_offline(online: Any) -> None:
    """A PM block with online false, in any spelling, is an absent faceplate."""
    info = OutletInfo.from_args(info_args(online=online))

    assert info.deco is not None
    assert info.deco.online is False
    assert not info.deco_present


def test_outlet_info_deco_online_by_default() -> None:
    """A PM block without "online" counts as online."""
    info = OutletInfo.from_args(info_args(online=None))

    assert info.deco is not None
    assert info.deco.online
    assert info.deco_present


def test_outlet_info_deco_without_serial_is_not_present() -> None:
    """An online faceplate that reports no serial is not usable."""
    info = OutletInfo.from_args(info_args(sn=""))

    assert not info.deco_present


@pytest.mark.parametrize(
    ("model", "kind"),
    [
        ("Aura", DecoKind.AURA),
        ("InvisDeco Aura", DecoKind.AURA),
        ("Pro", DecoKind.PRO),
        ("PRO", DecoKind.PRO),
        ("Classic", None),
        (None, None),
    ],
    ids=repr,
)
def test_deco_kind_follows_its_device_type(model: str | None, kind: DecoKind) -> None:
    """The device type names a Pro or an Aura; anything else is unknown."""
    info = OutletInfo.from_args(info_args(type=model))

    assert info.deco is not None
    assert info.deco.kind is kind


@pytest.mark.parametrize("blank", ["", "   ", "Unknown", "UNKNOWN", " unknown "])
def test_outlet_info_blank_or_unknown_fields_are_none(blank: str) -> None:
    """Blank and "Unknown" text, as a module in a bad state reports, is None."""
    info = OutletInfo.from_args(
        {
            "IM": outlet_block(device=blank, fw_rev=blank),
            "PM": deco_block(device=blank, fw_rev=blank, type=blank),
        }
    )

    assert info.outlet.device is None
    assert info.outlet.fw_rev is None
    assert info.deco is not None
    assert (info.deco.device, info.deco.fw_rev, info.deco.model) == (None, None, None)


def test_outlet_info_text_fields_are_stripped() -> None:
    """Surrounding whitespace is not part of a version."""
    info = OutletInfo.from_args({"IM": outlet_block(fw_rev=" 1.2.0 ")})

    assert info.outlet.fw_rev == "1.2.0"


def test_outlet_info_text_fields_lose_control_characters() -> None:
    """Device text reaches logs and titles: control and bidi characters are removed."""
    info = OutletInfo.from_args(
        {"IM": outlet_block(sn="11A1\x00F7\n000FE", device="Invis\u202eOutlet\x1b")}
    )

    assert info.serial == SERIAL
    assert info.outlet.device == "InvisOutlet"


def test_outlet_info_text_fields_are_bounded() -> None:
    """A field of any length is cut to 64 characters, the last one an ellipsis."""
    info = OutletInfo.from_args({"IM": outlet_block(device="x" * 10_000)})

    assert info.outlet.device == "x" * 63 + "…"


@pytest.mark.parametrize(("fw_rev", "text"), [(5, "5"), (1.5, "1.5")], ids=repr)
def test_outlet_info_numeric_version_becomes_text(fw_rev: float, text: str) -> None:
    """A version sent as a number is kept as text."""
    info = OutletInfo.from_args(
        {"IM": outlet_block(fw_rev=fw_rev), "PM": deco_block(fw_rev=fw_rev)}
    )

    assert info.outlet.fw_rev == text
    assert info.deco is not None
    assert info.deco.fw_rev == text


def test_outlet_info_null_version_is_none() -> None:
    """fw_rev null is an unknown version, not an error."""
    args = {
        "IM": {**outlet_block(), "fw_rev": None},
        "PM": {**deco_block(), "fw_rev": None},
    }

    info = OutletInfo.from_args(args)

    assert info.outlet.fw_rev is None
    assert info.deco is not None
    assert info.deco.fw_rev is None


def test_outlet_info_serial_of_the_im_block_wins_over_the_envelope() -> None:
    """IM.sn names the outlet, whatever the envelope says."""
    info = OutletInfo.from_args({"IM": outlet_block()}, "ENVELOPE")

    assert info.serial == SERIAL


@pytest.mark.parametrize("im_serial", [None, "", "Unknown"], ids=repr)
def test_outlet_info_takes_the_envelope_serial_when_im_has_none(
    im_serial: str | None,
) -> None:
    """Without a usable IM.sn the serial comes from the envelope."""
    info = OutletInfo.from_args({"IM": outlet_block(sn=im_serial)}, "FROMENVELOPE")

    assert info.serial == "FROMENVELOPE"
    assert info.outlet.serial is None


def test_outlet_info_cleans_the_envelope_serial() -> None:
    """The envelope serial is device text too: cleaned before use."""
    info = OutletInfo.from_args({"IM": outlet_block(sn=None)}, " FROM\x07ENVELOPE ")

    assert info.serial == "FROMENVELOPE"


@pytest.mark.parametrize("envelope_serial", [None, "", "\x00\x01"], ids=repr)
def test_outlet_info_without_any_serial_is_rejected(
    envelope_serial: str | None,
) -> None:
    """A device that reports no serial at all cannot be identified."""
    with pytest.raises(InvisOutletProtocolError, match="without a serial"):
        OutletInfo.from_args({"IM": {}}, envelope_serial)


@pytest.mark.parametrize("args", [[{"IM": {}}], None, "IM"], ids=repr)
def test_outlet_info_args_not_an_object_are_rejected(args: Any) -> None:
    """The arguments of device information must be an object."""
    with pytest.raises(InvisOutletProtocolError, match="callbackArgs is not an object"):
        OutletInfo.from_args(args, SERIAL)


def test_outlet_info_without_im_is_rejected() -> None:
    """Device information without the IM block is a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="without an IM block"):
        OutletInfo.from_args({"PM": deco_block()}, SERIAL)


@pytest.mark.parametrize("key", ["IM", "PM"])
@pytest.mark.parametrize("block", ["InvisDeco", [1], 3], ids=repr)
def test_outlet_info_block_not_an_object_is_rejected(key: str, block: Any) -> None:
    """IM or PM that is not an object is a protocol error."""
    args = {"IM": outlet_block(), key: block}

    with pytest.raises(InvisOutletProtocolError, match=f"{key} is not an object"):
        OutletInfo.from_args(args)


@pytest.mark.parametrize("value", [True, ["1.2.0"], {"v": 1}], ids=repr)
def test_outlet_info_text_of_the_wrong_type_is_rejected(value: Any) -> None:
    """A text field holding a flag, list or object is a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="fw_rev is not text"):
        OutletInfo.from_args({"IM": outlet_block(fw_rev=value)})


def test_outlet_info_online_of_the_wrong_type_is_rejected() -> None:
    """PM.online that is not a flag is a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match=r"PM\.online"):
        OutletInfo.from_args(info_args(online="maybe"))


# Versions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "numbers"),
    [
        ("1.2.0", (1, 2, 0)),
        ("v1.3", (1, 3)),
        (" 10 ", (10,)),
        ("1.2.0-beta", None),
        ("1..2", None),
        ("beta", None),
        ("", None),
    ],
    ids=repr,
)
def test_parse_version_reads_dotted_numbers_only(
    version: str, numbers: tuple[int, ...] | None
) -> None:
    """A version is dotted numbers, optionally after a v; anything else is not one."""
    assert parse_version(version) == numbers


@pytest.mark.parametrize(
    ("available", "installed"),
    [
        ("1.3.0", "1.2.0"),
        ("1.10.0", "1.9.0"),
        ("0.5.10", "0.5.9"),
        ("2", "1.9.9"),
        ("v1.2.1", "1.2.0"),
        ("1.2.0.1", "1.2.0"),
    ],
    ids=repr,
)
def test_a_higher_dotted_version_is_newer(available: str, installed: str) -> None:
    """Dotted versions compare number by number, not as text."""
    assert is_newer(available, installed)


@pytest.mark.parametrize(
    ("available", "installed"),
    [
        ("1.2.0", "1.3.0"),
        ("1.9.0", "1.10.0"),
        ("1.2.0", "1.2.0"),
        (None, "1.2.0"),
        ("1.3.0", None),
        (None, None),
    ],
    ids=repr,
)
def test_an_equal_older_or_unknown_version_is_not_newer(
    available: str | None, installed: str | None
) -> None:
    """An older offer is never an update, nor is an unknown version."""
    assert not is_newer(available, installed)


@pytest.mark.parametrize(
    ("available", "installed"),
    [("beta-2", "beta-1"), ("alpha", "beta"), ("1.3.0", "dev"), ("nightly", "1.2.0")],
    ids=repr,
)
def test_versions_that_are_not_dotted_numbers_differ_by_text(
    available: str, installed: str
) -> None:
    """Without two dotted versions, the device's rule applies: any difference counts."""
    assert is_newer(available, installed)


# Available updates (20) --------------------------------------------------------------


def test_firmware_status_reads_every_version() -> None:
    """Installed and available versions of outlet, web interface and deco are read."""
    status = FirmwareStatus.from_args(status_args())

    assert status == FirmwareStatus(
        outlet_fw="1.2.0",
        outlet_fw_available="1.3.0",
        www_fw="0.1.2",
        www_fw_available="0.3.0",
        deco_fw="0.5.0",
        deco_fw_available="0.5.1",
    )


@pytest.mark.parametrize(
    ("component", "installed", "available"),
    [(FW, "1.2.0", "1.3.0"), (WWW, "0.1.2", "0.3.0"), (DECO_FW, "0.5.0", "0.5.1")],
)
def test_firmware_status_names_each_components_versions(
    component: FirmwareComponent, installed: str, available: str
) -> None:
    """installed() and available() answer per component."""
    status = FirmwareStatus.from_args(status_args())

    assert status.installed(component) == installed
    assert status.available(component) == available
    assert status.offers(component)
    assert not status.offers_older(component)


def test_firmware_status_without_pm_has_no_deco_versions() -> None:
    """No PM block: the deco versions are unknown and nothing is offered for it."""
    args = status_args()
    del args["PM"]

    status = FirmwareStatus.from_args(args)

    assert (status.deco_fw, status.deco_fw_available) == (None, None)
    assert not status.offers(DECO_FW)


def test_firmware_status_current_versions_are_not_offered() -> None:
    """Equal installed and available versions mean nothing to install."""
    status = FirmwareStatus.from_args(
        status_args(available_fw_rev="1.2.0", available_www_fw_rev="0.1.2")
    )

    assert not status.offers(FW)
    assert not status.offers(WWW)
    assert not status.offers_older(FW)


@pytest.mark.parametrize(
    "changes",
    [{"fw_rev": ""}, {"available_fw_rev": "Unknown"}, {"available_fw_rev": None}],
    ids=["installed blank", "available unknown", "available absent"],
)
def test_firmware_status_unknown_version_is_not_offered(
    changes: dict[str, Any],
) -> None:
    """An update is only offered when both versions are known."""
    status = FirmwareStatus.from_args(status_args(**changes))

    assert not status.offers(FW)
    assert not status.offers_older(FW)


def test_firmware_status_older_available_version_is_not_offered() -> None:
    """An older "available" version is no update: it is offered as older."""
    status = FirmwareStatus.from_args(status_args(available_fw_rev="1.0.0"))

    assert not status.offers(FW)
    assert status.offers_older(FW)


def test_firmware_status_differing_text_versions_are_offered() -> None:
    """Versions that are not dotted numbers fall back to the device's inequality."""
    status = FirmwareStatus.from_args(
        status_args(fw_rev="dev", available_fw_rev="release")
    )

    assert status.offers(FW)
    assert not status.offers_older(FW)


@pytest.mark.parametrize("args", [["1.2.0"], None], ids=repr)
def test_firmware_status_args_not_an_object_are_rejected(args: Any) -> None:
    """The arguments of available updates must be an object."""
    with pytest.raises(InvisOutletProtocolError, match="callbackArgs is not an object"):
        FirmwareStatus.from_args(args)


def test_firmware_status_without_im_is_rejected() -> None:
    """Available updates without the IM block are a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="without an IM block"):
        FirmwareStatus.from_args({"PM": {}})


def test_firmware_status_pm_not_an_object_is_rejected() -> None:
    """A PM block that is not an object is a protocol error."""
    args = {**status_args(), "PM": "0.5.0"}

    with pytest.raises(InvisOutletProtocolError, match="PM is not an object"):
        FirmwareStatus.from_args(args)


# Outlet states (9) ------------------------------------------------------------------


def test_outlet_states_read_both_outlets() -> None:
    """[outlet 1, outlet 2]: top first, bottom second."""
    states = OutletStates.from_args([1, 0])

    assert states == OutletStates(top=True, bottom=False)
    assert states.is_on(Outlet.TOP)
    assert not states.is_on(Outlet.BOTTOM)


def test_outlet_states_wrapped_as_the_second_element_are_read() -> None:
    """[accessory, [outlet 1, outlet 2]]: the states may come wrapped (§6.8)."""
    assert OutletStates.from_args([0, [0, 1]]) == OutletStates(top=False, bottom=True)


@pytest.mark.parametrize(
    "args",
    [[True, False], ["1", "0"], ["true", "false"], [1, 0, "extra"]],
    ids=repr,
)
def test_outlet_states_accept_every_spelling_of_a_flag(args: list[Any]) -> None:
    """Booleans, numbers and their strings all read as on and off."""
    assert OutletStates.from_args(args) == OutletStates(top=True, bottom=False)


@pytest.mark.parametrize("args", [[1], [], None, {"1": 1}, [0, [1]], "10"], ids=repr)
def test_outlet_states_that_are_not_two_flags_are_rejected(args: Any) -> None:
    """Fewer than two states, wrapped or not, is a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="outlets arguments"):
        OutletStates.from_args(args)


def test_outlet_state_that_is_not_a_flag_is_rejected() -> None:
    """An outlet state such as "on" is a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="outlet 2"):
        OutletStates.from_args([1, "on"])


# Accessory names (3) ----------------------------------------------------------------

NAMES = [
    {"accessory": 1, "name": "Floor lamp"},
    {"accessory": 2, "name": "Phone charger"},
    {"accessory": 3, "name": "Nightlight"},
]
EXPECTED_NAMES = AccessoryNames(
    names=((1, "Floor lamp"), (2, "Phone charger"), (3, "Nightlight"))
)


def test_accessory_names_read_a_list() -> None:
    """callbackArgs: a list of {accessory, name}."""
    assert AccessoryNames.from_args(NAMES) == EXPECTED_NAMES


def test_accessory_names_read_a_list_wrapped_in_a_payload_object() -> None:
    """callbackArgs: {"payload": [...]}, as some firmware sends it."""
    assert AccessoryNames.from_args({"payload": NAMES}) == EXPECTED_NAMES


def test_accessory_names_read_a_payload_that_is_the_list() -> None:
    """The payload itself is the list: the envelope hands it over as the arguments."""
    message = Message.from_json({"packetID": 1, "PUBACK": 1, "payload": NAMES})

    assert AccessoryNames.from_args(message.args) == EXPECTED_NAMES


def test_accessory_names_get_answers_per_accessory() -> None:
    """get() names an outlet (1, 2) or the nightlight (3); None when unnamed."""
    names = AccessoryNames.from_args(NAMES[:1])

    assert names.get(1) == "Floor lamp"
    assert names.get(2) is None


def test_accessory_names_are_sorted_and_the_last_name_wins() -> None:
    """The names come out ordered by accessory; a repeated accessory keeps its last."""
    names = AccessoryNames.from_args(
        [
            {"accessory": 2, "name": "Old"},
            {"accessory": 1, "name": "Lamp"},
            {"accessory": "2", "name": "Charger"},
        ]
    )

    assert names.names == ((1, "Lamp"), (2, "Charger"))


@pytest.mark.parametrize(
    "item",
    [
        "Lamp",
        None,
        {"name": "Lamp"},
        {"accessory": 1},
        {"accessory": 1, "name": ""},
        {"accessory": 1, "name": "Unknown"},
        {"accessory": 1, "name": None},
    ],
    ids=repr,
)
def test_accessory_names_skip_items_without_a_usable_name(item: Any) -> None:
    """Items that are not objects, or lack an accessory or a name, are skipped."""
    names = AccessoryNames.from_args([item, {"accessory": 2, "name": "Charger"}])

    assert names.names == ((2, "Charger"),)


def test_accessory_names_are_cleaned_and_bounded() -> None:
    """A name is device text: control characters removed, 64 characters at most."""
    names = AccessoryNames.from_args(
        [
            {"accessory": 1, "name": "Lamp\u2028\x00"},
            {"accessory": 2, "name": "y" * 500},
        ]
    )

    assert names.get(1) == "Lamp"
    assert names.get(2) == "y" * 63 + "…"


def test_accessory_names_read_at_most_sixteen_items() -> None:
    """A runaway list is cut: only its first 16 items are read."""
    many = [{"accessory": index, "name": f"n{index}"} for index in range(100)]

    names = AccessoryNames.from_args(many)

    assert [accessory for accessory, _ in names.names] == list(range(16))


@pytest.mark.parametrize(
    "args", [None, "Lamp", {"names": NAMES}, {"payload": "Lamp"}], ids=repr
)
def test_accessory_names_that_are_not_a_list_are_rejected(args: Any) -> None:
    """Names that are in none of the three shapes are a protocol error."""
    with pytest.raises(
        InvisOutletProtocolError, match="accessory names are not a list"
    ):
        AccessoryNames.from_args(args)


def test_accessory_with_a_non_numeric_id_is_rejected() -> None:
    """An accessory id that is not a number is a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="accessory is not an integer"):
        AccessoryNames.from_args([{"accessory": "top", "name": "Lamp"}])


# Firmware-install messages (21, 22, 23) -----------------------------------------------


def test_update_answer_reads_target_and_verdict() -> None:
    """RevB's late 21 says which target and whether the update goes on."""
    assert UpdateAnswer.from_args([1, 1]) == UpdateAnswer(target=1, ok=True)
    assert UpdateAnswer.from_args(["2", "0"]) == UpdateAnswer(2, False)


def test_update_progress_reads_type_and_percent() -> None:
    """22 carries the phase type and its percentage."""
    assert UpdateProgress.from_args([3, 42]) == UpdateProgress(3, 42)


@pytest.mark.parametrize(("sent", "shown"), [(-5, 0), (0, 0), (100, 100), (150, 100)])
def test_update_progress_percent_is_clamped(sent: int, shown: int) -> None:
    """A percentage outside 0-100 is clamped into it."""
    assert UpdateProgress.from_args([1, sent]).percent == shown


def test_update_result_reads_type_and_success() -> None:
    """23 carries the phase type and whether it succeeded."""
    assert UpdateResult.from_args([1, 1]) == UpdateResult(1, True)
    assert UpdateResult.from_args([2, 0, "extra"]) == UpdateResult(2, False)


@pytest.mark.parametrize(
    "parser", [UpdateAnswer, UpdateProgress, UpdateResult], ids=lambda p: p.__name__
)
@pytest.mark.parametrize("args", [[1], {"type": 1}, None, "1,2"], ids=repr)
def test_update_push_arguments_not_a_pair_are_rejected(
    parser: type[UpdateAnswer | UpdateProgress | UpdateResult], args: Any
) -> None:
    """21, 22 and 23 need a list of at least two arguments."""
    with pytest.raises(InvisOutletProtocolError, match="not a list of 2"):
        parser.from_args(args)


@pytest.mark.parametrize(
    "parser", [UpdateAnswer, UpdateProgress, UpdateResult], ids=lambda p: p.__name__
)
def test_update_push_non_integer_arguments_are_rejected(
    parser: type[UpdateAnswer | UpdateProgress | UpdateResult],
) -> None:
    """The two arguments must be integers."""
    with pytest.raises(InvisOutletProtocolError, match="is not an integer"):
        parser.from_args([1, "half"])


# Values that do not convert, in every model -------------------------------------------

# Every parser of the device's messages and the fixture of its arguments.
PARSERS: dict[str, tuple[Callable[[Any], object], str | list[Any]]] = {
    "outlet information": (OutletInfo.from_args, "outlet_info"),
    "outlet information, Pro": (OutletInfo.from_args, "outlet_info_pro"),
    "available updates": (FirmwareStatus.from_args, "firmware_status"),
    "outlet states": (OutletStates.from_args, "outlets"),
    "accessory names": (AccessoryNames.from_args, "accessory_names"),
    "sensors, Pro": (SensorReadings.from_args, "sensors_pro"),
    "sensors, Aura": (SensorReadings.from_args, "sensors_aura"),
    "nightlight": (NightlightState.from_args, "nightlight"),
    "colour light": (ColorLightState.from_args, "color_light"),
    "settings": (DeviceConfiguration.from_args, "configuration"),
    "install progress": (UpdateProgress.from_args, [1, 50]),
    "install answer": (UpdateAnswer.from_args, [1, 1]),
    "install result": (UpdateResult.from_args, [1, 1]),
}
# What a device could put anywhere: JSON numbers no float or machine word holds,
# non-finite numbers (Python's JSON reads NaN and 1e400), the wrong types, nesting.
ODD_VALUES = [
    10**400,
    -(10**400),
    2**63,
    1e308,
    -1e308,
    math.inf,
    math.nan,
    True,
    None,
    "",
    "1e400",
    "9" * 64,
    [],
    [[1]],
    {},
    {"a": [1]},
]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Yield the path of every element of a decoded JSON value, itself included."""
    yield path
    if isinstance(value, (dict, list)):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, element in items:
            yield from _paths(element, (*path, key))


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    """Return a copy of value with the element at path replaced by new."""
    if not path:
        return new
    head, *rest = path
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _replaced(value[head], tuple(rest), new)
    return copy


@pytest.mark.parametrize(("parse", "args"), PARSERS.values(), ids=PARSERS.keys())
def test_odd_value_anywhere_raises_nothing_but_a_protocol_error(
    parse: Callable[[Any], object], args: str | list[Any]
) -> None:
    """Whatever odd value sits wherever: parsed, or a protocol error (counted)."""
    original = load_fixture(args) if isinstance(args, str) else args
    unexpected = []
    for path in _paths(original):
        for odd in ODD_VALUES:
            try:
                parse(_replaced(original, path, odd))
            except InvisOutletProtocolError:
                pass
            except Exception as err:  # noqa: BLE001 - what the test looks for
                unexpected.append((path, type(odd).__name__, type(err).__name__))
    REJECTED.clear()

    assert unexpected == []
