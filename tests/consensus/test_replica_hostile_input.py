"""Byzantine input to one replica: malformed frames, strangers, forged signatures, wrong
authors, replays, wrong views, out-of-window numbers, bad proofs. Each is dropped (and counted);
none raises, sends, persists or commits anything."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consensus.messages import (
    BlockReply,
    CheckpointProof,
    Commit,
    CommitCertificate,
    Endorsement,
    Fetch,
    Message,
    NewView,
    Prepare,
    PrePrepare,
    Status,
    ViewChange,
)
from consensus.wire import signed
from tests.consensus.harness import Cluster

D = hashlib.sha256(b"d").digest()


@pytest.fixture
def cluster() -> Cluster:
    c = Cluster()
    c.start()
    c.request(0, b"warm-up")
    c.settle()
    assert c.heights() == [1, 1, 1, 1]
    return c


def sign(c: Cluster, author: int, msg: Message) -> bytes:
    return signed(msg, c.keys.signer(author)).encode()


def old_commit(c: Cluster, author: int) -> Commit:
    return next(
        m for src, out in c.outputs for _, m in out.send if isinstance(m, Commit) and src == author
    )


def hostile_inputs(c: Cluster) -> list[tuple[str, int, object, str]]:
    """(name, sender, frame, counter expected to grow)."""
    commit = Commit(0, 2, D, 2)
    fake = (Endorsement(2, "hmac:00"), Endorsement(3, "hmac:11"), Endorsement(0, "hmac:22"))
    return [
        ("empty frame", 2, b"", "malformed"),
        ("random bytes", 2, bytes(range(256)), "malformed"),
        ("not bytes at all", 2, 42, "malformed"),
        ("non-member sender", 4, sign(c, 2, commit), "non_member"),
        ("negative sender", -1, sign(c, 2, commit), "non_member"),
        ("sender is ourselves", 1, sign(c, 1, Commit(0, 2, D, 1)), "non_member"),
        ("forged signature", 2, sign(c, 3, commit), "bad_signature"),
        ("unsigned", 2, commit.encode(), "bad_signature"),
        ("claims another author", 3, sign(c, 3, commit), "non_member"),
        ("wrong view", 2, sign(c, 2, Commit(7, 2, D, 2)), "stale"),
        ("replay of an old commit", 2, old_commit(c, 2).encode(), "duplicates"),
        ("far beyond the window", 2, sign(c, 2, Commit(0, 10_000, D, 2)), "stale"),
        ("prepare from the primary", 0, sign(c, 0, Prepare(0, 2, D, 0)), "invalid"),
        ("pre-prepare from a backup", 2, sign(c, 2, PrePrepare(0, 2, D, (), b"x")), "non_member"),
        ("pre-prepare for a future view", 2, sign(c, 2, PrePrepare(2, 2, D, (), b"x")), "stale"),
        (
            "view change with fake proofs",
            2,
            sign(c, 2, ViewChange(1, CheckpointProof(4, D, fake), (), 2)),
            "invalid",
        ),
        ("new view from a non-primary", 3, sign(c, 3, NewView(2, (), ())), "non_member"),
        ("new view without proof", 2, sign(c, 2, NewView(2, (), ())), "invalid"),
        (
            "status with fake checkpoint",
            2,
            sign(c, 2, Status(0, False, 1, CheckpointProof(8, D, fake), 2)),
            "invalid",
        ),
        ("fetch backwards", 2, sign(c, 2, Fetch(9, 3, 2)), "invalid"),
        (
            "block with forged certificate",
            2,
            sign(c, 2, BlockReply(2, D, b"p", (), CommitCertificate(0, 2, D, fake), 2)),
            "invalid",
        ),
        (
            "unrequested block without certificate",
            2,
            sign(c, 2, BlockReply(2, D, b"p", (), None, 2)),
            "stale",
        ),
    ]


def test_each_hostile_input_is_dropped_and_counted(cluster: Cluster) -> None:
    replica = cluster.replicas[1]
    for name, sender, frame, counter in hostile_inputs(cluster):
        before = replica.metrics.as_dict()
        state = (replica.view, replica.phase, replica.committed_height, replica.stable_checkpoint)
        out = replica.on_message(sender, frame)  # type: ignore[arg-type]
        assert out.is_empty(), name
        assert (
            replica.view,
            replica.phase,
            replica.committed_height,
            replica.stable_checkpoint,
        ) == state
        after = replica.metrics.as_dict()
        assert after[counter] == before[counter] + 1, f"{name}: {counter} not counted"


def test_conflicting_votes_from_one_replica_count_once(cluster: Cluster) -> None:
    replica = cluster.replicas[1]
    first = sign(cluster, 2, Commit(0, 2, D, 2))
    second = sign(cluster, 2, Commit(0, 2, hashlib.sha256(b"other").digest(), 2))
    assert replica.on_message(2, first).is_empty()
    assert replica.on_message(2, first).is_empty()  # duplicate
    assert replica.on_message(2, second).is_empty()
    assert replica.metrics.equivocations == 1


def test_cluster_keeps_working_after_the_barrage(cluster: Cluster) -> None:
    for replica in cluster.replicas[1:]:
        for _, sender, frame, _ in hostile_inputs(cluster):
            if sender != replica.index:
                replica.on_message(sender, frame)  # type: ignore[arg-type]
    cluster.request(3, b"after")
    cluster.settle()
    assert cluster.heights() == [2, 2, 2, 2]
    assert all(r.view == 0 for r in cluster.replicas)


def test_oversized_payload_is_refused(cluster: Cluster) -> None:
    small = dataclasses.replace(cluster.config, max_payload_bytes=10)
    from consensus.replica import Replica
    from tests.consensus.toyapp import ToyApp

    replica = Replica(small, 1, cluster.keys.signer(1), cluster.keys.verifier, ToyApp())
    frame = sign(cluster, 0, PrePrepare(0, 1, D, (), b"x" * 11))
    assert replica.on_message(0, frame).is_empty()
    assert replica.metrics.invalid == 1


_FUZZ = Cluster()
_FUZZ.start()
for _i in range(6):
    _FUZZ.request(_i % 4, f"fuzz-{_i}".encode())
    _FUZZ.settle(rounds=3)
_FRAMES = [m.encode() for _, out in _FUZZ.outputs for _, m in out.send]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(_FRAMES),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=4),
    st.integers(0, 3),
)
def test_mutated_real_frames_never_raise(
    frame: bytes, flips: list[tuple[int, int]], sender: int
) -> None:
    data = bytearray(frame)
    for position, value in flips:
        data[position % len(data)] = value
    replica = _FUZZ.replicas[1]
    replica.on_message(sender, bytes(data))
    replica.on_tick(_FUZZ.now)
    assert replica.committed_height == 6
