"""The simulated outlet's web interface: one page saying which outlet this is.

The real outlet serves its web interface (its WWW partition) from the HTTP server that
also carries the WebSocket; the simulator serves this page there instead, so that the
device page's "Visit" link in Home Assistant opens something.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .device import SimulatedDevice

# Accessory ids of callbacks 3 and 4 (protocol.md §1).
_ACCESSORIES = {1: "Outlet 1 (top)", 2: "Outlet 2 (bottom)", 3: "Nightlight"}


def render_page(device: SimulatedDevice) -> str:
    """Return the HTML page of the outlet's web interface."""
    rows = [
        ("Serial number", device.serial),
        ("MAC address", device.mac),
        ("Hardware", f"rev{device.hardware}"),
        ("Firmware", device.outlet_fw),
        ("Web interface", device.www_fw),
        *(
            (_ACCESSORIES.get(accessory, f"Accessory {accessory}"), name)
            for accessory, name in sorted(device.names.items())
        ),
    ]
    if device.deco_attached:
        rows += [
            (f"InvisDeco {device.deco_type}", device.deco_serial),
            ("InvisDeco firmware", device.deco_fw),
        ]
    table = "\n".join(
        f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in rows
    )
    title = escape(f"InvisOutlet {device.serial}")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>\n'
        f"<body><h1>{title}</h1>\n"
        "<p>The simulated outlet's web interface (a real outlet serves its own).</p>\n"
        f"<table>\n{table}\n</table></body></html>\n"
    )
