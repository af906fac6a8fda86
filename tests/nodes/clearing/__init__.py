"""Tests of the clearing house: margin mathematics."""
