"""Fault injection: the integration against a misbehaving simulated outlet.

One module per group of the fault table. Every test ends with `finish()`
(helpers.py), which checks what each scenario must keep true: no error-level log
from our code, the connection loop alive (connected, and a fresh refresh succeeds),
then unloads the entry and waits until the simulator has no client left, which proves
that no socket stayed open. The harness itself fails a test that leaves a task or a
timer behind, and raises any exception nobody retrieved.

Framing, content and reply faults (garbage, non-UTF-8, deep nesting, stray, refused,
repeated and late replies, oversize) are specified once, in the library
(pyinvisoutlet/test_transport.py, test_link.py, test_stream_faults.py), and what a user
sees of them on the library mock (test_device_faults.py); test_framing.py keeps the
one install that crosses both. Other scenarios also have a test elsewhere, without
these common assertions: pyinvisoutlet/test_link.py (resets), test_coordinator.py
(away and back logged once, silent outlet at set-up, restart on its own, 20 failing,
20 equal to installed), test_init.py (unload, reload and Home Assistant stop during
an install), test_config_flow.py (added twice).
"""
