"""Specification of the models: what each parser accepts, repairs and rejects."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.invisoutlet.pyinvisoutlet import (
    DecoModule,
    DeviceInfo,
    FirmwareStatus,
    InvisOutletProtocolError,
    Message,
    OutletModule,
    UpdateAnswer,
    UpdateProgress,
    UpdateResult,
)
from custom_components.invisoutlet.pyinvisoutlet.models import as_bool, as_int

SERIAL = "11A1F7000FE"
DECO_SERIAL = "0003C44076"


def outlet_block(**changes: Any) -> dict[str, Any]:
    """Return the IM block of a 12 reply, with changes (None removes a key)."""
    block = {
        "sn": SERIAL,
        "MAC": "24:0A:C4:12:34:56",
        "device": "InvisOutlet",
        "fw_rev": "1.2.0",
        "hw_rev": "B",
    }
    return _changed(block, changes)


def deco_block(**changes: Any) -> dict[str, Any]:
    """Return the PM block of a 12 reply, with changes (None removes a key)."""
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


def reply(callback_name: int, args: Any, **envelope: Any) -> Message:
    """Return a parsed reply carrying args."""
    data = {
        "sn": SERIAL,
        "packetID": 373184,
        "payload": {"callbackName": callback_name, "callbackArgs": args},
        **envelope,
    }
    return Message.from_json(data)


def status_args(**im: Any) -> dict[str, Any]:
    """Return the callbackArgs of a 20 reply, with changes to the IM block."""
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


def test_message_without_anything_is_empty() -> None:
    """An empty object parses to a message with every field absent."""
    assert Message.from_json({}) == Message(None, None, None, None, None)


@pytest.mark.parametrize("data", [[1, 2], "text", 42, None], ids=repr)
def test_message_that_is_not_an_object_is_rejected(data: Any) -> None:
    """A JSON value other than an object is not a message."""
    with pytest.raises(InvisOutletProtocolError, match="message is not an object"):
        Message.from_json(data)


@pytest.mark.parametrize("payload", [[12], "12", 12], ids=repr)
def test_payload_that_is_not_an_object_is_rejected(payload: Any) -> None:
    """A payload other than an object is a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="payload is not an object"):
        Message.from_json({"packetID": 1, "payload": payload})


@pytest.mark.parametrize("packet_id", ["abc", "", 1.5, [1], {"id": 1}], ids=repr)
def test_non_integer_packet_id_is_rejected(packet_id: Any) -> None:
    """A packetID that is not an integer is a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="packetID is not an integer"):
        Message.from_json({"packetID": packet_id})


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
    """PUBACK and callbackName must be integers too."""
    with pytest.raises(InvisOutletProtocolError, match=f"{field} is not an integer"):
        Message.from_json({"packetID": 1, **envelope})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        ("true", True),
        (" False ", False),
        ("1", True),
        ("0", False),
        (2, True),
    ],
    ids=repr,
)
def test_flags_accept_booleans_numbers_and_strings(value: Any, expected: bool) -> None:
    """A flag may be true/false, 1/0, or either as a string."""
    assert as_bool(value, "flag") is expected


def test_flag_that_is_neither_is_rejected() -> None:
    """A flag such as "maybe" is a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="flag is not an integer"):
        as_bool("maybe", "flag")


def test_as_int_rejects_a_non_integral_float() -> None:
    """1.5 is not an integer, whatever the field."""
    with pytest.raises(InvisOutletProtocolError):
        as_int(1.5, "value")


# Device information (12) -------------------------------------------------------------


def test_device_info_reads_outlet_and_deco() -> None:
    """Every documented IM and PM field is read."""
    info = DeviceInfo.from_message(
        reply(12, {"IM": outlet_block(), "PM": deco_block()})
    )

    assert info == DeviceInfo(
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


def test_device_info_without_pm_has_no_deco() -> None:
    """No PM block (no faceplate, or it reboots): no deco, not present."""
    info = DeviceInfo.from_message(reply(12, {"IM": outlet_block()}))

    assert info.deco is None
    assert not info.deco_present


@pytest.mark.parametrize("online", [False, 0, "false", "0"], ids=repr)
def test_device_info_with_deco_offline(online: Any) -> None:
    """A PM block with online false, in any spelling, is an absent faceplate."""
    info = DeviceInfo.from_message(
        reply(12, {"IM": outlet_block(), "PM": deco_block(online=online)})
    )

    assert info.deco is not None
    assert info.deco.online is False
    assert not info.deco_present


def test_device_info_deco_online_by_default() -> None:
    """A PM block without "online" counts as online."""
    info = DeviceInfo.from_message(
        reply(12, {"IM": outlet_block(), "PM": deco_block(online=None)})
    )

    assert info.deco is not None
    assert info.deco.online
    assert info.deco_present


def test_device_info_deco_without_serial_is_not_present() -> None:
    """An online faceplate that reports no serial is not usable."""
    info = DeviceInfo.from_message(
        reply(12, {"IM": outlet_block(), "PM": deco_block(sn="")})
    )

    assert not info.deco_present


@pytest.mark.parametrize("blank", ["", "   ", "Unknown", "UNKNOWN", " unknown "])
def test_device_info_blank_or_unknown_fields_are_none(blank: str) -> None:
    """Blank and "Unknown" text, as a module in a bad state reports, is None."""
    info = DeviceInfo.from_message(
        reply(
            12,
            {
                "IM": outlet_block(device=blank, fw_rev=blank),
                "PM": deco_block(device=blank, fw_rev=blank, type=blank),
            },
        )
    )

    assert info.outlet.device is None
    assert info.outlet.fw_rev is None
    assert info.deco is not None
    assert (info.deco.device, info.deco.fw_rev, info.deco.model) == (None, None, None)


def test_device_info_text_fields_are_stripped() -> None:
    """Surrounding whitespace is not part of a version."""
    info = DeviceInfo.from_message(reply(12, {"IM": outlet_block(fw_rev=" 1.2.0 ")}))

    assert info.outlet.fw_rev == "1.2.0"


@pytest.mark.parametrize(("fw_rev", "text"), [(5, "5"), (1.5, "1.5")], ids=repr)
def test_device_info_numeric_version_becomes_text(fw_rev: float, text: str) -> None:
    """A version sent as a number is kept as text."""
    info = DeviceInfo.from_message(
        reply(12, {"IM": outlet_block(fw_rev=fw_rev), "PM": deco_block(fw_rev=fw_rev)})
    )

    assert info.outlet.fw_rev == text
    assert info.deco is not None
    assert info.deco.fw_rev == text


def test_device_info_null_version_is_none() -> None:
    """fw_rev null is an unknown version, not an error."""
    args = {
        "IM": {**outlet_block(), "fw_rev": None},
        "PM": {**deco_block(), "fw_rev": None},
    }

    info = DeviceInfo.from_message(reply(12, args))

    assert info.outlet.fw_rev is None
    assert info.deco is not None
    assert info.deco.fw_rev is None


def test_device_info_without_puback() -> None:
    """The 12 reply carries no PUBACK, as the vendor documents it."""
    message = reply(12, {"IM": outlet_block()})

    assert message.puback is None
    assert DeviceInfo.from_message(message).serial == SERIAL


def test_device_info_takes_the_envelope_serial_when_im_has_none() -> None:
    """Without IM.sn the serial comes from the envelope."""
    info = DeviceInfo.from_message(
        reply(12, {"IM": outlet_block(sn=None)}, sn="FROMENVELOPE")
    )

    assert info.serial == "FROMENVELOPE"
    assert info.outlet.serial is None


def test_device_info_without_any_serial_is_rejected() -> None:
    """A device that reports no serial at all cannot be identified."""
    message = Message.from_json(
        {"packetID": 1, "payload": {"callbackName": 12, "callbackArgs": {"IM": {}}}}
    )

    with pytest.raises(InvisOutletProtocolError, match="without a serial"):
        DeviceInfo.from_message(message)


@pytest.mark.parametrize("args", [[{"IM": {}}], None, "IM"], ids=repr)
def test_device_info_args_not_an_object_are_rejected(args: Any) -> None:
    """CallbackArgs of 12 must be an object."""
    with pytest.raises(InvisOutletProtocolError, match="callbackArgs is not an object"):
        DeviceInfo.from_message(reply(12, args))


def test_device_info_without_im_is_rejected() -> None:
    """A 12 reply without the IM block is a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="without an IM block"):
        DeviceInfo.from_message(reply(12, {"PM": deco_block()}))


@pytest.mark.parametrize("key", ["IM", "PM"])
@pytest.mark.parametrize("block", ["InvisDeco", [1], 3], ids=repr)
def test_device_info_block_not_an_object_is_rejected(key: str, block: Any) -> None:
    """IM or PM that is not an object is a protocol error."""
    args = {"IM": outlet_block(), key: block}

    with pytest.raises(InvisOutletProtocolError, match=f"{key} is not an object"):
        DeviceInfo.from_message(reply(12, args))


@pytest.mark.parametrize("value", [True, ["1.2.0"], {"v": 1}], ids=repr)
def test_device_info_text_of_the_wrong_type_is_rejected(value: Any) -> None:
    """A text field holding a flag, list or object is a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="fw_rev is not text"):
        DeviceInfo.from_message(reply(12, {"IM": outlet_block(fw_rev=value)}))


def test_device_info_online_of_the_wrong_type_is_rejected() -> None:
    """PM.online that is not a flag is a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match=r"PM\.online"):
        DeviceInfo.from_message(
            reply(12, {"IM": outlet_block(), "PM": deco_block(online="maybe")})
        )


# Firmware status (20) ----------------------------------------------------------------


def test_firmware_status_reads_every_version() -> None:
    """Installed and available versions of outlet, web interface and deco are read."""
    status = FirmwareStatus.from_message(reply(20, status_args(), PUBACK=1))

    assert status == FirmwareStatus(
        outlet_fw="1.2.0",
        outlet_fw_available="1.3.0",
        www_fw="0.1.2",
        www_fw_available="0.3.0",
        deco_fw="0.5.0",
        deco_fw_available="0.5.1",
    )
    assert status.outlet_fw_pending
    assert status.www_fw_pending
    assert status.deco_fw_pending


def test_firmware_status_without_pm_has_no_deco_versions() -> None:
    """No PM block: the deco versions are unknown and nothing is pending for it."""
    args = status_args()
    del args["PM"]

    status = FirmwareStatus.from_message(reply(20, args))

    assert (status.deco_fw, status.deco_fw_available) == (None, None)
    assert not status.deco_fw_pending


def test_firmware_status_current_versions_are_not_pending() -> None:
    """Equal installed and available versions mean nothing to install."""
    status = FirmwareStatus.from_message(
        reply(20, status_args(available_fw_rev="1.2.0", available_www_fw_rev="0.1.2"))
    )

    assert not status.outlet_fw_pending
    assert not status.www_fw_pending


@pytest.mark.parametrize(
    "changes",
    [{"fw_rev": ""}, {"available_fw_rev": "Unknown"}, {"available_fw_rev": None}],
    ids=["installed blank", "available unknown", "available absent"],
)
def test_firmware_status_unknown_version_is_not_pending(
    changes: dict[str, Any],
) -> None:
    """An update is only offered when both versions are known."""
    status = FirmwareStatus.from_message(reply(20, status_args(**changes)))

    assert not status.outlet_fw_pending


def test_firmware_status_compares_versions_as_plain_text() -> None:
    """Any difference counts, even an older "available" one, as the device does."""
    status = FirmwareStatus.from_message(
        reply(20, status_args(available_fw_rev="1.0.0"))
    )

    assert status.outlet_fw_pending


@pytest.mark.parametrize("args", [["1.2.0"], None], ids=repr)
def test_firmware_status_args_not_an_object_are_rejected(args: Any) -> None:
    """CallbackArgs of 20 must be an object."""
    with pytest.raises(InvisOutletProtocolError, match="callbackArgs is not an object"):
        FirmwareStatus.from_message(reply(20, args))


def test_firmware_status_without_im_is_rejected() -> None:
    """A 20 reply without the IM block is a protocol error."""
    with pytest.raises(InvisOutletProtocolError, match="without an IM block"):
        FirmwareStatus.from_message(reply(20, {"PM": {}}))


def test_firmware_status_pm_not_an_object_is_rejected() -> None:
    """A PM block that is not an object is a protocol error."""
    args = {**status_args(), "PM": "0.5.0"}

    with pytest.raises(InvisOutletProtocolError, match="PM is not an object"):
        FirmwareStatus.from_message(reply(20, args))


# OTA pushes (21, 22, 23) ----------------------------------------------------------


def test_update_answer_reads_target_and_verdict() -> None:
    """RevB's late 21 says which target and whether the update goes on."""
    assert UpdateAnswer.from_message(reply(21, [1, 1])) == UpdateAnswer(
        target=1, ok=True
    )
    assert UpdateAnswer.from_message(reply(21, ["2", "0"])) == UpdateAnswer(2, False)


def test_update_progress_reads_type_and_percent() -> None:
    """22 carries the phase type and its percentage."""
    assert UpdateProgress.from_message(reply(22, [3, 42])) == UpdateProgress(3, 42)


@pytest.mark.parametrize(("sent", "shown"), [(-5, 0), (0, 0), (100, 100), (150, 100)])
def test_update_progress_percent_is_clamped(sent: int, shown: int) -> None:
    """A percentage outside 0-100 is clamped into it."""
    assert UpdateProgress.from_message(reply(22, [1, sent])).percent == shown


def test_update_result_reads_type_and_success() -> None:
    """23 carries the phase type and whether it succeeded."""
    assert UpdateResult.from_message(reply(23, [1, 1])) == UpdateResult(1, True)
    assert UpdateResult.from_message(reply(23, [2, 0, "extra"])) == UpdateResult(
        2, False
    )


@pytest.mark.parametrize(
    "parser", [UpdateAnswer, UpdateProgress, UpdateResult], ids=lambda p: p.__name__
)
@pytest.mark.parametrize("args", [[1], {"type": 1}, None, "1,2"], ids=repr)
def test_update_push_arguments_not_a_pair_are_rejected(
    parser: type[UpdateAnswer | UpdateProgress | UpdateResult], args: Any
) -> None:
    """21, 22 and 23 need a list of at least two arguments."""
    with pytest.raises(InvisOutletProtocolError, match="not a list of two"):
        parser.from_message(reply(22, args))


@pytest.mark.parametrize(
    "parser", [UpdateAnswer, UpdateProgress, UpdateResult], ids=lambda p: p.__name__
)
def test_update_push_non_integer_arguments_are_rejected(
    parser: type[UpdateAnswer | UpdateProgress | UpdateResult],
) -> None:
    """The two arguments must be integers."""
    with pytest.raises(InvisOutletProtocolError, match="is not an integer"):
        parser.from_message(reply(22, [1, "half"]))
