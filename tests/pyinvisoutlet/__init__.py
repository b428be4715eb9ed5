"""Tests of the pyinvisoutlet library."""
