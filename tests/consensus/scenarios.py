"""Fault scenarios for the PBFT simulation, one function per scenario, each taking a seed.

Every scenario asserts safety (``Simulation.check_safety``) and liveness: the transactions
it submitted commit at every live honest replica within a bounded simulated time once a quorum
can talk. The test modules run each scenario over many seeds; a seed that ever failed is pinned
in ``test_simulation_regressions.py``.
"""

from __future__ import annotations

import random

from tests.consensus.byzantine import GarbageReplica
from tests.consensus.sim import NetConditions, Simulation, mute_proposals, sim_config

LIVENESS_MS = 60_000


def expect_committed(
    sim: Simulation, ids: list[bytes], timeout_ms: int = LIVENESS_MS, names: list[str] | None = None
) -> None:
    """Run until ``ids`` commit everywhere (or at ``names``); fail with a diagnosis otherwise."""
    ok = sim.run_until(lambda: sim.all_committed(ids, names), timeout_ms)
    if not ok:
        missing = {
            ep.name: len(set(ids) - ep.app.committed_ids)
            for ep in sim.live_honest()
            if names is None or ep.name in names
        }
        metrics = {
            ep.name: {k: v for k, v in ep.replica.metrics.as_dict().items() if v}
            for ep in sim.live_honest()
            if ep.replica is not None
        }
        raise AssertionError(
            f"seed {sim.seed}: not live after {timeout_ms} ms; missing {missing}; "
            f"heights {sim.heights()}; views {sim.views()}; metrics {metrics}"
        )
    sim.check_safety()


def expect_converged(sim: Simulation, timeout_ms: int = LIVENESS_MS) -> None:
    """Run until every live honest replica has the same height and state digest."""

    def converged() -> bool:
        eps = sim.live_honest()
        return len({(ep.app.committed_height(), ep.app.state_digest()) for ep in eps}) == 1

    assert sim.run_until(converged, timeout_ms), f"seed {sim.seed}: no convergence {sim.heights()}"
    sim.check_safety()


def submit_over_time(
    sim: Simulation, rng: random.Random, rounds: int, per_round: int, gap_ms: int
) -> list[bytes]:
    ids: list[bytes] = []
    for _ in range(rounds):
        ids += sim.submit_many(rng.randint(1, per_round))
        sim.run_for(rng.randint(0, gap_ms))
    return ids


# ---------------------------------------------------------------------- scenarios


def lossy_network(seed: int, *, ed25519: bool = False) -> Simulation:
    """Up to 30% drop, duplication and replays, random delays (so reordering)."""
    rng = random.Random(seed)
    net = NetConditions(
        drop=rng.randint(0, 300),
        duplicate=rng.randint(0, 300),
        replay=rng.randint(0, 100),
        min_delay_ms=1,
        max_delay_ms=rng.randint(5, 80),
    )
    sim = Simulation(4, seed, net=net, ed25519=ed25519)
    ids = submit_over_time(sim, rng, rounds=6, per_round=10, gap_ms=300)
    ids.append(sim.submit(b"bad-tx-that-the-app-drops"))
    expect_committed(sim, ids[:-1])
    assert not any(ids[-1] in ep.app.committed_ids for ep in sim.honest())
    return sim


def primary_crash_idle(seed: int, *, ed25519: bool = False) -> Simulation:
    """The primary dies while nothing is in flight; the next request forces a view change."""
    rng = random.Random(seed)
    sim = Simulation(4, seed, ed25519=ed25519)
    ids = sim.submit_many(rng.randint(1, 20))
    expect_committed(sim, ids)
    sim.run_for(rng.randint(0, 500))
    sim.crash("0")
    more = sim.submit_many(rng.randint(1, 20))
    expect_committed(sim, ids + more)
    assert all(view >= 1 for view in sim.views().values())
    sim.restart("0")
    expect_committed(sim, ids + more + sim.submit_many(5))
    return sim


def primary_crash_mid_batch(seed: int) -> Simulation:
    """The primary dies at a random moment while blocks are being ordered."""
    rng = random.Random(seed)
    sim = Simulation(4, seed, net=NetConditions(max_delay_ms=rng.randint(2, 30)))
    ids: list[bytes] = []
    crash_at = rng.randint(0, 40)
    for step in range(60):
        ids += sim.submit_many(rng.randint(0, 3))
        sim.run_for(rng.randint(1, 15))
        if step == crash_at:
            sim.crash("0")
    if sim.endpoints["0"].alive:
        sim.crash("0")
    expect_committed(sim, ids)
    sim.restart("0")
    expect_converged(sim)
    return sim


def mute_primary(seed: int) -> Simulation:
    """A primary that takes part in everything but never proposes is replaced."""
    rng = random.Random(seed)
    sim = Simulation(4, seed)
    sim.endpoints["0"].outbound_filter = mute_proposals
    sim.endpoints["0"].honest = False
    ids = [
        sim.submit(f"mute-{seed}-{i}".encode(), to=rng.choice(["1", "2", "3"]))
        for i in range(rng.randint(1, 15))
    ]
    expect_committed(sim, ids)
    assert all(sim.endpoints[n].replica.view >= 1 for n in "123")  # type: ignore[union-attr]
    return sim


def equivocating_primary(seed: int, *, ed25519: bool = False) -> Simulation:
    """Twins: two instances of replica 0 with one key propose different blocks."""
    rng = random.Random(seed)
    sim = Simulation(4, seed, twins=(0,), ed25519=ed25519)
    if rng.random() < 0.5:
        # Each twin talks to a different part of the network first.
        sim.set_partition({"0", "1", "2"}, {"0'", "3"})
        ids = [
            sim.submit(f"eq-a-{seed}-{i}".encode(), to=rng.choice(["0", "0'"])) for i in range(10)
        ]
        sim.run_for(rng.randint(100, 2_000))
        sim.heal()
    else:
        ids = [
            sim.submit(f"eq-b-{seed}-{i}".encode(), to=rng.choice(["0", "0'"])) for i in range(10)
        ]
    ids += submit_over_time(sim, rng, rounds=4, per_round=6, gap_ms=200)
    expect_committed(sim, ids, names=["1", "2", "3"])
    return sim


def cascading_view_changes(seed: int) -> Simulation:
    """n = 4: the primary dies and the next primary never sends NEW-VIEW, so view 1 fails too."""
    rng = random.Random(seed)
    sim = Simulation(4, seed)
    ids = sim.submit_many(5)
    expect_committed(sim, ids)
    sim.crash("0")
    sim.endpoints["1"].outbound_filter = mute_proposals
    more = [sim.submit(f"casc-{seed}-{i}".encode(), to=rng.choice(["2", "3"])) for i in range(5)]
    sim.run_until(lambda: min(sim.views()[n] for n in "23") >= 2, 20_000)
    sim.endpoints["1"].outbound_filter = None
    expect_committed(sim, ids + more)
    assert all(view >= 2 for view in sim.views().values()), sim.views()
    return sim


def cascading_view_changes_n7(seed: int) -> Simulation:
    """n = 7 (f = 2): the primaries of views 0 and 1 are both dead."""
    rng = random.Random(seed)
    sim = Simulation(7, seed, config=sim_config(7))
    ids = sim.submit_many(rng.randint(1, 10))
    expect_committed(sim, ids)
    sim.crash("0")
    sim.crash("1")
    more = sim.submit_many(rng.randint(1, 10))
    expect_committed(sim, ids + more)
    assert all(view >= 2 for view in sim.views().values()), sim.views()
    return sim


SPLITS_1_3 = [({i}, set(range(4)) - {i}) for i in range(4)]
SPLITS_2_2 = [({0, a}, set(range(4)) - {0, a}) for a in (1, 2, 3)]


def partitions(seed: int) -> Simulation:
    """Every 1-3 and 2-2 split in seeded order: majorities progress, 2-2 stalls, healing resumes."""
    rng = random.Random(seed)
    sim = Simulation(4, seed)
    ids = sim.submit_many(3)
    expect_committed(sim, ids)
    splits = SPLITS_1_3 + SPLITS_2_2
    rng.shuffle(splits)
    for left, right in splits:
        sim.run_for(rng.randint(0, 300))
        expect_committed(sim, ids)  # quiescent before the split
        sim.set_partition(left, right)
        before = sim.heights()
        majority = left if len(left) == 3 else right if len(right) == 3 else None
        during: list[bytes] = []
        for i in range(rng.randint(1, 6)):
            side = sorted(majority) if majority else sorted(left | right)
            during.append(
                sim.submit(
                    f"part-{seed}-{len(sim.submitted)}-{i}".encode(), to=str(rng.choice(side))
                )
            )
        if majority is not None:
            expect_committed(sim, during, names=[str(i) for i in sorted(majority)])
            minority = (left | right) - majority
            for i in minority:
                assert sim.heights()[str(i)] == before[str(i)], "a minority replica committed alone"
        else:
            sim.run_for(rng.randint(1_000, 3_000))
            assert sim.heights() == before, (
                f"seed {seed}: progress in a 2-2 split {before} -> {sim.heights()}"
            )
            sim.check_safety()
        sim.heal()
        ids += during
        expect_committed(sim, ids)
    return sim


def lagging_replica(seed: int) -> Simulation:
    """A backup falls more than the log window behind and rejoins by state transfer."""
    rng = random.Random(seed)
    config = sim_config(4)
    sim = Simulation(4, seed, config=config)
    lagger = str(rng.choice([1, 2, 3]))
    crash = rng.random() < 0.5
    if crash:
        sim.crash(lagger)
    else:
        sim.set_partition({lagger}, set(range(4)) - {int(lagger)})
    others = [n for n in "0123" if n != lagger]
    ids: list[bytes] = []
    target = config.log_window + 2 * config.checkpoint_interval + rng.randint(1, 8)
    while min(sim.heights()[n] for n in others) < target:
        ids += [
            sim.submit(f"lag-{seed}-{len(sim.submitted)}".encode(), to=rng.choice(others))
            for _ in range(3)
        ]
        sim.run_for(50)
    expect_committed(sim, ids, names=others)
    if crash:
        sim.restart(lagger)
    else:
        sim.heal()
    expect_converged(sim)
    ep = sim.endpoints[lagger]
    assert ep.replica is not None and ep.replica.metrics.blocks_transferred > 0
    assert ep.app.executions_at_commit > 0
    more = sim.submit_many(10)
    expect_committed(sim, ids + more)
    return sim


def garbage_replica(seed: int, *, ed25519: bool = False) -> Simulation:
    """Replica 3 sends malformed, oversized, forged, replayed and wrong-view messages."""
    rng = random.Random(seed)
    sim = Simulation(4, seed, ed25519=ed25519)
    bad = sim.endpoints["3"]
    GarbageReplica(sim, "3", random.Random(seed * 7919 + 1))
    ids = [
        sim.submit(f"g-{seed}-{i}".encode(), to=rng.choice(["0", "1", "2"]))
        for i in range(rng.randint(5, 25))
    ]
    expect_committed(sim, ids)
    rejected = sum(
        ep.replica.metrics.malformed
        + ep.replica.metrics.bad_signature
        + ep.replica.metrics.non_member
        for ep in sim.honest()
        if ep.replica is not None
    )
    assert rejected > 0
    assert not bad.honest
    return sim


def crash_restart_churn(seed: int) -> Simulation:
    """Random replicas (at most f at a time) crash and restart from their records, under loss."""
    rng = random.Random(seed)
    sim = Simulation(4, seed, net=NetConditions(drop=rng.randint(0, 100), max_delay_ms=20))
    ids: list[bytes] = []
    for _ in range(rng.randint(3, 6)):
        victim = str(rng.randrange(4))
        ids += sim.submit_many(rng.randint(1, 8))
        sim.run_for(rng.randint(10, 800))
        sim.crash(victim)
        ids += sim.submit_many(rng.randint(1, 8))
        sim.run_for(rng.randint(10, 2_500))
        sim.restart(victim)
    expect_committed(sim, ids)
    expect_converged(sim)
    return sim


def n7_random_faults(seed: int) -> Simulation:
    """n = 7: two faulty replicas (crashed, mute or garbage) and a lossy network."""
    rng = random.Random(seed)
    sim = Simulation(
        7, seed, config=sim_config(7), net=NetConditions(drop=rng.randint(0, 150), max_delay_ms=25)
    )
    faulty = rng.sample(range(7), 2)
    for i in faulty:
        kind = rng.choice(["crash", "mute", "garbage"])
        if kind == "crash":
            sim.crash(str(i))
            sim.endpoints[str(i)].honest = False
        elif kind == "mute":
            sim.endpoints[str(i)].outbound_filter = mute_proposals
            sim.endpoints[str(i)].honest = False
        else:
            GarbageReplica(sim, str(i), random.Random(seed + i))
    ids = submit_over_time(sim, rng, rounds=5, per_round=8, gap_ms=300)
    expect_committed(sim, ids)
    return sim


def other_membership_sizes(seed: int) -> Simulation:
    """n = 5, 6 or 8 (not 3f + 1): f replicas, the primary among them, crash; the rest go on."""
    rng = random.Random(seed)
    n = rng.choice([5, 6, 8])
    sim = Simulation(n, seed, config=sim_config(n), net=NetConditions(drop=rng.randint(0, 50)))
    ids = sim.submit_many(rng.randint(1, 8))
    expect_committed(sim, ids)
    f = sim.config.quorums.f
    for victim in ["0", *rng.sample([str(i) for i in range(1, n)], f - 1)]:
        sim.crash(victim)
    more = sim.submit_many(rng.randint(1, 8))
    expect_committed(sim, ids + more)
    return sim
