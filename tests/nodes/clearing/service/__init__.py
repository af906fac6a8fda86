"""Tests of the clearing house's margin service against an in-process node."""
