"""The same scenarios with real Ed25519 signatures (``cryptography``), not the keyed-hash
stand-in: signatures, certificates and forged-signature rejection use the production scheme."""

from __future__ import annotations

from tests.consensus import scenarios


def test_simulation_ed25519_lossy_network(sim_seed: int) -> None:
    scenarios.lossy_network(1000 + sim_seed, ed25519=True)


def test_simulation_ed25519_equivocating_primary(sim_seed: int) -> None:
    scenarios.equivocating_primary(1000 + sim_seed, ed25519=True)


def test_simulation_ed25519_garbage_replica(sim_seed: int) -> None:
    scenarios.garbage_replica(1000 + sim_seed, ed25519=True)
