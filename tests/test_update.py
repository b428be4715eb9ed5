"""Update entities on the library mock: what they show, and what install asks for."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from unittest.mock import MagicMock, patch

from homeassistant.components.update import (  # type: ignore[attr-defined,unused-ignore]
    ATTR_IN_PROGRESS,
    ATTR_UPDATE_PERCENTAGE,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.invisoutlet.const import CONF_DECO_METHOD, DOMAIN
from custom_components.invisoutlet.helpers import FIRMWARE_ERROR_KEYS
from custom_components.invisoutlet.pyinvisoutlet import (
    DecoUpdateMethod,
    FirmwareComponent,
    FirmwareError,
    FirmwareProgress,
    InstalledVersions,
    InvisOutletUpdateError,
    OtaPhase,
    UpdateTarget,
)

from .common import DECO_FIRMWARE, FIRMWARE, WEB_INTERFACE, install
from .library_mock import firmware_changed, firmware_status, outlet_info, push


@pytest.fixture
def platforms() -> list[Platform]:
    """Set entries up with the update platform only."""
    return [Platform.UPDATE]


OUTLET_PARTS = frozenset(
    {FirmwareComponent.OUTLET_FIRMWARE, FirmwareComponent.WEB_INTERFACE}
)


@pytest.fixture(autouse=True)
def only_updates() -> Iterator[None]:
    """Load the update platform alone."""
    with patch("custom_components.invisoutlet.PLATFORMS", [Platform.UPDATE]):
        yield


def progress(
    *,
    phase: OtaPhase = OtaPhase.DOWNLOADING,
    step: FirmwareComponent | None = FirmwareComponent.OUTLET_FIRMWARE,
    percent: int | None = 40,
    target: UpdateTarget = UpdateTarget.OUTLET,
    components: frozenset[FirmwareComponent] = OUTLET_PARTS,
) -> FirmwareProgress:
    """Return an install as the library reports it."""
    return FirmwareProgress(
        target=target,
        components=components,
        phase=phase,
        step=step,
        percent=percent,
        external=False,
        baseline=InstalledVersions(outlet_fw="1.2.0", www_fw="0.1.2", deco_fw="0.5.0"),
    )


def show(hass: HomeAssistant, firmware: MagicMock, running: FirmwareProgress) -> None:
    """Let the library report an install."""
    firmware.progress = running
    firmware.installing = True
    firmware_changed(firmware)


@pytest.mark.usefixtures("mocked_integration")
async def test_entities_show_installed_and_available_firmware(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    mocked_integration: MockConfigEntry,
) -> None:
    """Outlet firmware, web interface and InvisDeco firmware, each with its versions."""
    await snapshot_platform(
        hass, entity_registry, snapshot, mocked_integration.entry_id
    )


@pytest.mark.usefixtures("mocked_integration")
async def test_progress_shows_on_every_component_being_installed(
    hass: HomeAssistant, mock_firmware: MagicMock
) -> None:
    """The firmware and the web interface show the same bar of one install."""
    show(hass, mock_firmware, progress())
    await hass.async_block_till_done()
    for entity_id in (FIRMWARE, WEB_INTERFACE):
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.attributes[ATTR_IN_PROGRESS] is True
        assert state.attributes[ATTR_UPDATE_PERCENTAGE] == 40
    deco = hass.states.get(DECO_FIRMWARE)
    assert deco is not None
    assert deco.attributes[ATTR_IN_PROGRESS] is False


@pytest.mark.usefixtures("mocked_integration")
async def test_waiting_install_shows_in_progress_without_a_bar(
    hass: HomeAssistant, mock_firmware: MagicMock
) -> None:
    """A component whose install waits its turn is in progress, indeterminate."""
    show(hass, mock_firmware, progress())
    mock_firmware.queued = frozenset({FirmwareComponent.DECO_FIRMWARE})
    firmware_changed(mock_firmware)
    await hass.async_block_till_done()
    deco = hass.states.get(DECO_FIRMWARE)
    assert deco is not None
    assert deco.state == STATE_ON
    assert deco.attributes[ATTR_IN_PROGRESS] is True
    assert deco.attributes[ATTR_UPDATE_PERCENTAGE] is None


@pytest.mark.usefixtures("mocked_integration")
async def test_each_row_says_what_it_updates(hass: HomeAssistant) -> None:
    """Beside the device's name, each update row has a title of its own."""
    titles = {}
    for entity_id in (FIRMWARE, WEB_INTERFACE, DECO_FIRMWARE):
        state = hass.states.get(entity_id)
        assert state is not None
        titles[entity_id] = state.attributes["title"]
    assert titles == {
        FIRMWARE: "Firmware",
        WEB_INTERFACE: "Web interface",
        DECO_FIRMWARE: "Firmware",
    }


@pytest.mark.usefixtures("mocked_integration")
async def test_each_row_shows_its_own_icon_rather_than_a_logo(
    hass: HomeAssistant,
) -> None:
    """No update row points at a brand logo: each shows its icon of icons.json."""
    pictures = {}
    for entity_id in (FIRMWARE, WEB_INTERFACE, DECO_FIRMWARE):
        state = hass.states.get(entity_id)
        assert state is not None
        pictures[entity_id] = state.attributes.get("entity_picture")
    assert pictures == dict.fromkeys((FIRMWARE, WEB_INTERFACE, DECO_FIRMWARE))


@pytest.mark.usefixtures("mocked_integration")
async def test_installing_entity_never_shows_up_to_date_before_the_end(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, mock_firmware: MagicMock
) -> None:
    """A version read during the install shows only once the install confirms it."""
    show(hass, mock_firmware, progress(phase=OtaPhase.VERIFYING, percent=None))
    push(mock_invisoutlet, outlet_info(fw_rev="1.3.0"))
    await hass.async_block_till_done()
    state = hass.states.get(FIRMWARE)
    assert state is not None
    assert state.state == STATE_ON
    assert state.attributes["installed_version"] == "1.2.0"
    mock_firmware.progress = None
    mock_firmware.installing = False
    mock_firmware.status = firmware_status(fw_rev="1.3.0")
    firmware_changed(mock_firmware)
    await hass.async_block_till_done()
    state = hass.states.get(FIRMWARE)
    assert state is not None
    assert state.state == STATE_OFF
    assert not state.attributes[ATTR_IN_PROGRESS]


@pytest.mark.parametrize(
    ("options", "methods"),
    [
        ({}, (DecoUpdateMethod.WIFI, DecoUpdateMethod.VIA_OUTLET)),
        ({CONF_DECO_METHOD: "wifi"}, (DecoUpdateMethod.WIFI,)),
        ({CONF_DECO_METHOD: "via_outlet"}, (DecoUpdateMethod.VIA_OUTLET,)),
    ],
)
async def test_install_asks_for_the_target_with_the_chosen_methods(  # noqa: PLR0917
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    mock_invisoutlet: MagicMock,
    mock_firmware: MagicMock,
    options: dict[str, str],
    methods: tuple[DecoUpdateMethod, ...],
) -> None:
    """Install passes the target and the InvisDeco methods of the options."""
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(config_entry, options=options)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await install(hass, DECO_FIRMWARE)
    mock_firmware.install.assert_awaited_once_with(
        UpdateTarget.DECO, methods=methods, component=FirmwareComponent.DECO_FIRMWARE
    )


@pytest.mark.parametrize("reason", list(FirmwareError))
@pytest.mark.usefixtures("mocked_integration")
async def test_install_failure_is_a_translated_error(
    hass: HomeAssistant, mock_firmware: MagicMock, reason: FirmwareError
) -> None:
    """Every reason an install fails has its own translated message."""
    mock_firmware.install.side_effect = InvisOutletUpdateError(reason)
    with pytest.raises(HomeAssistantError) as error:
        await install(hass)
    assert error.value.translation_domain == DOMAIN
    assert error.value.translation_key == FIRMWARE_ERROR_KEYS[reason]


@pytest.mark.usefixtures("mocked_integration")
async def test_update_entity_reads_available_updates(
    hass: HomeAssistant, mock_firmware: MagicMock
) -> None:
    """homeassistant.update_entity asks the device what it offers."""
    assert await async_setup_component(hass, "homeassistant", {})
    mock_firmware.available.reset_mock()
    await hass.services.async_call(
        "homeassistant", "update_entity", {ATTR_ENTITY_ID: FIRMWARE}, blocking=True
    )
    mock_firmware.available.assert_awaited_once()


@pytest.mark.usefixtures("mocked_integration")
async def test_update_entity_during_an_install_reads_nothing(
    hass: HomeAssistant, mock_firmware: MagicMock
) -> None:
    """During an install the check returns at once: the install reads at its end."""
    assert await async_setup_component(hass, "homeassistant", {})
    show(hass, mock_firmware, progress())
    mock_firmware.available.reset_mock()
    await hass.services.async_call(
        "homeassistant", "update_entity", {ATTR_ENTITY_ID: FIRMWARE}, blocking=True
    )
    mock_firmware.available.assert_not_awaited()


async def test_offline_invisdeco_firmware_is_unavailable(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    mock_invisoutlet: MagicMock,
    mock_firmware: MagicMock,
) -> None:
    """An InvisDeco that is attached but offline makes only its entity unavailable."""
    info = outlet_info()
    assert info.deco is not None
    mock_invisoutlet.outlet_info.return_value = replace(
        info, deco=replace(info.deco, online=False)
    )
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    deco = hass.states.get(DECO_FIRMWARE)
    outlet = hass.states.get(FIRMWARE)
    assert deco is not None
    assert outlet is not None
    assert deco.state == STATE_UNAVAILABLE
    assert outlet.state == STATE_ON


@pytest.mark.usefixtures("mocked_integration")
async def test_invisdeco_firmware_stays_available_through_its_own_restart(
    hass: HomeAssistant, mock_invisoutlet: MagicMock, mock_firmware: MagicMock
) -> None:
    """While its install runs, the InvisDeco missing from reports is expected."""
    show(
        hass,
        mock_firmware,
        progress(
            target=UpdateTarget.DECO,
            components=frozenset({FirmwareComponent.DECO_FIRMWARE}),
            phase=OtaPhase.REBOOTING,
            step=FirmwareComponent.DECO_FIRMWARE,
            percent=None,
        ),
    )
    push(mock_invisoutlet, replace(outlet_info(), deco=None))
    await hass.async_block_till_done()
    state = hass.states.get(DECO_FIRMWARE)
    assert state is not None
    assert state.state == STATE_ON
    assert state.attributes[ATTR_IN_PROGRESS] is True
