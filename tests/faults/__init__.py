"""Fault injection: the integration against a misbehaving simulated outlet.

One module per group of the fault table. Every test ends with `finish()`
(helpers.py), which checks what each scenario must keep true: no error-level log
from our code, the connection loop alive (connected, and a fresh refresh succeeds),
then unloads the entry and waits until the simulator has no client left, which proves
that no socket stayed open. The harness itself fails a test that leaves a task or a
timer behind, and raises any exception nobody retrieved.

Some scenarios also have a test elsewhere, without these common assertions:
pyinvisoutlet/test_link.py and test_transport.py (framing, duplicate reply, unknown
packetID, oversize, resets), test_coordinator.py (away and back logged once, silent
outlet at set-up, restart on its own, 20 failing, 20 equal to installed), test_init.py
(unload, reload and Home Assistant stop during an install), test_config_flow.py (added
twice).
"""
