"""Seeds and situations that once failed, pinned by name so that they run on every test run
(not only under ``make sim``). Each says what went wrong."""

from __future__ import annotations

from tests.consensus import scenarios
from tests.consensus.sim import Simulation


def test_simulation_regression_n7_random_faults_seed_29_empty_garbage_frame() -> None:
    # Two garbage replicas: one observed the other's empty frame and the garbage generator
    # crashed truncating it. Replicas must also shrug off an empty frame from a peer.
    scenarios.n7_random_faults(29)


def test_simulation_regression_seed_1_checkpoint_above_tip_needs_no_state_transfer() -> None:
    # Seed 1, no faults: a checkpoint became stable while one replica was a block behind, and
    # garbage-collecting the log up to the checkpoint threw away the COMMITs that replica
    # needed, forcing a needless state transfer.
    sim = Simulation(4, seed=1)
    ids = sim.submit_many(30)
    scenarios.expect_committed(sim, ids)
    assert all(ep.replica.metrics.blocks_transferred == 0 for ep in sim.endpoints.values())  # type: ignore[union-attr]


def test_simulation_regression_seed_0_request_known_to_one_backup_with_the_primary_dead() -> None:
    # Only backup 2 knew the request and the primary was dead: backup 2 timed out alone and a
    # view change never reached a quorum. Lingering requests are now relayed to all replicas.
    sim = Simulation(4, seed=0, client_retry_ms=10**9)  # the client never retries elsewhere
    sim.crash("0")
    tx_id = sim.submit(b"only-backup-2-knows", to="2")
    scenarios.expect_committed(sim, [tx_id], timeout_ms=20_000)
    assert all(view >= 1 for view in sim.views().values())
