"""Seeded simulations with Byzantine replicas: equivocating twins, a mute primary, a replica
sending garbage, and n = 7 with two faulty replicas."""

from __future__ import annotations

from tests.consensus import scenarios


def test_simulation_equivocating_primary(sim_seed: int) -> None:
    scenarios.equivocating_primary(sim_seed)


def test_simulation_mute_primary(sim_seed: int) -> None:
    scenarios.mute_primary(sim_seed)


def test_simulation_garbage_replica(sim_seed: int) -> None:
    scenarios.garbage_replica(sim_seed)


def test_simulation_n7_random_faults(sim_seed: int) -> None:
    scenarios.n7_random_faults(sim_seed)
