"""Constants of the InvisOutlet integration."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
import logging
from typing import Final

from .pyinvisoutlet import Backoff, OtaTimeouts

DOMAIN: Final = "invisoutlet"
LOGGER = logging.getLogger(__package__)
MANUFACTURER: Final = "Intecular"

# UnitOfRatio.PARTS_PER_MILLION from Home Assistant 2026.x on; the minimum release only
# has CONCENTRATION_PARTS_PER_MILLION, deprecated since. Both are this string.
PARTS_PER_MILLION: Final = "ppm"

CONF_TRANSPORT: Final = "transport"
CONF_DECO_METHOD: Final = "deco_update_method"

# Device information also proves the link alive; available updates change rarely and
# are read again after every install and on `homeassistant.update_entity`.
DEVICE_INTERVAL: Final = timedelta(seconds=60)
FIRMWARE_INTERVAL: Final = timedelta(hours=6)

REQUEST_TIMEOUT: Final = 10.0
# 1 s doubling to 60 s (§2.5); while an install or a restart is under way the outlet
# is back within seconds, and a retry every 250 ms has the link back at most that
# long after it accepts again (a refused attempt on the local network costs nothing).
RECONNECT_BACKOFF: Final = Backoff(initial=1.0, maximum=60.0, reboot=0.25)

# Time limits of one firmware install (README, "How an update proceeds"). A module
# that is back reports its version at once: 30 s of reads is plenty to be sure.
OTA_TIMEOUTS: Final = OtaTimeouts(
    start=180.0, progress=60.0, reboot=300.0, verify=30.0, poll_interval=10.0
)


class DecoMethod(StrEnum):
    """How the InvisDeco receives firmware (an option of the entry)."""

    AUTOMATIC = "automatic"
    WIFI = "wifi"
    VIA_OUTLET = "via_outlet"


DEFAULT_DECO_METHOD: Final = DecoMethod.AUTOMATIC
