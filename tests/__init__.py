"""Tests of the InvisOutlet integration."""
