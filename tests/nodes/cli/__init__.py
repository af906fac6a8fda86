"""Tests of the ntdc command line."""
