"""Tests of the reserve custodian service and its runner."""
