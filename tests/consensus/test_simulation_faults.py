"""Seeded simulations of crashes, partitions, lossy networks and lagging replicas (n = 4, 7).

Each test runs one scenario of ``tests.consensus.scenarios`` for every seed (``--sim-seeds``);
the scenario asserts safety and bounded-time liveness itself.
"""

from __future__ import annotations

from tests.consensus import scenarios


def test_simulation_lossy_network(sim_seed: int) -> None:
    scenarios.lossy_network(sim_seed)


def test_simulation_primary_crash_idle(sim_seed: int) -> None:
    scenarios.primary_crash_idle(sim_seed)


def test_simulation_primary_crash_mid_batch(sim_seed: int) -> None:
    scenarios.primary_crash_mid_batch(sim_seed)


def test_simulation_cascading_view_changes(sim_seed: int) -> None:
    scenarios.cascading_view_changes(sim_seed)


def test_simulation_cascading_view_changes_n7(sim_seed: int) -> None:
    scenarios.cascading_view_changes_n7(sim_seed)


def test_simulation_every_partition(sim_seed: int) -> None:
    scenarios.partitions(sim_seed)


def test_simulation_lagging_replica_state_transfer(sim_seed: int) -> None:
    scenarios.lagging_replica(sim_seed)


def test_simulation_crash_restart_churn(sim_seed: int) -> None:
    scenarios.crash_restart_churn(sim_seed)


def test_simulation_other_membership_sizes(sim_seed: int) -> None:
    scenarios.other_membership_sizes(sim_seed)
