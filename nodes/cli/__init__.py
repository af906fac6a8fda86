"""The ``ntdc`` command line: one module per command group, gathered in ``main``."""
