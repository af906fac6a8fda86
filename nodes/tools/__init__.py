"""Benchmarks and operator tools run from the ``ntdc`` command line."""
