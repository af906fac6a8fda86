"""Pytest wiring for the consensus tests: ``--sim-seeds N`` sets how many seeds each simulation
scenario runs (default 20; ``make sim`` runs 300)."""

from __future__ import annotations

import pytest

DEFAULT_SIM_SEEDS = 20


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--sim-seeds",
        action="store",
        type=int,
        default=DEFAULT_SIM_SEEDS,
        help="number of seeds per PBFT simulation scenario (default 20)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "sim_seed" in metafunc.fixturenames:
        count = metafunc.config.getoption("--sim-seeds", default=DEFAULT_SIM_SEEDS)
        metafunc.parametrize("sim_seed", range(int(count)))
