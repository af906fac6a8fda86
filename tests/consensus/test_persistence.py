"""Persistence records: byte round-trips, folding, compaction by snapshots, and a restarted
replica never contradicting what it signed before the crash."""

from __future__ import annotations

import hashlib

import pytest

from consensus.codec import DecodeError
from consensus.messages import (
    GENESIS_CHECKPOINT,
    CheckpointProof,
    NewView,
    Prepare,
    PrePrepare,
    ViewChange,
)
from consensus.persistence import (
    CheckpointRecord,
    NewViewRecord,
    PayloadRecord,
    PreparedRecord,
    Record,
    SnapshotRecord,
    ViewChangeRecord,
    VoteRecord,
    fold_records,
    is_snapshot,
    record_from_bytes,
    record_to_bytes,
)
from consensus.replica import Phase, Replica
from consensus.wire import signed
from tests.consensus.harness import Cluster
from tests.consensus.test_wire import CERT, PP, PROOF, VC
from tests.consensus.toyapp import ToyApp

D = hashlib.sha256(b"d").digest()

RECORDS: list[Record] = [
    VoteRecord(3, 9, D),
    PayloadRecord(9, D, b"block bytes"),
    PreparedRecord(CERT),
    CheckpointRecord(PROOF),
    ViewChangeRecord(VC),
    NewViewRecord(NewView(4, (VC,), (PP,), "sig")),
    SnapshotRecord(4, None, NewView(4, (VC,), (PP,), "sig"), ((9, D),), (CERT,), PROOF),
    SnapshotRecord(5, VC, None, (), (), GENESIS_CHECKPOINT),
    SnapshotRecord(5, VC, None, (), (), GENESIS_CHECKPOINT, (PayloadRecord(9, D, b"p"),)),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_records_round_trip(record: Record) -> None:
    data = record_to_bytes(record)
    assert record_from_bytes(data) == record
    assert is_snapshot(record) == isinstance(record, SnapshotRecord)
    for cut in range(len(data)):
        with pytest.raises(DecodeError):
            record_from_bytes(data[:cut])


def test_garbage_records_are_rejected() -> None:
    for data in (b"", b"NTPR", b"NTPR\x01\x09", b"NTPR\x02\x01", b"XXXX\x01\x01" + bytes(40)):
        with pytest.raises(DecodeError):
            record_from_bytes(data)


def test_folding_follows_views_checkpoints_and_snapshots() -> None:
    state = fold_records([VoteRecord(0, 1, D), VoteRecord(0, 2, D), VoteRecord(7, 3, D)])
    assert state.view == 0 and state.votes == {1: D, 2: D}
    cert5 = PreparedRecord(PrePrepareCert(5))
    cert9 = PreparedRecord(PrePrepareCert(9))
    state = fold_records([cert5, cert9, CheckpointRecord(CheckpointProof(8, D, ()))])
    assert list(state.prepared) == [9] and state.checkpoint.seq == 8
    state = fold_records(
        [VoteRecord(0, 1, D), ViewChangeRecord(ViewChange(1, GENESIS_CHECKPOINT, (), 2))]
    )
    assert state.view == 1 and state.votes == {} and state.view_change is not None
    nv = NewView(1, (), ())
    state = fold_records(
        [record_to_bytes(ViewChangeRecord(VC)), record_to_bytes(NewViewRecord(nv))]
    )
    assert state.view == 1 and state.view_change is None and state.new_view == nv
    snapshot = state.snapshot()
    assert fold_records([VoteRecord(0, 5, D), snapshot]).snapshot() == snapshot


def PrePrepareCert(seq: int):  # noqa: ANN201, N802
    from dataclasses import replace

    return replace(CERT, seq=seq)


def pre_prepare(c: Cluster, txs: list[bytes]) -> PrePrepare:
    app = ToyApp()
    made = app.make_block(1, 1_000, txs)
    assert made is not None
    return signed(PrePrepare(0, 1, made.digest, (), made.payload), c.keys.signer(0))


def restarted(c: Cluster, index: int, records: list[Record]) -> Replica:
    data = [record_to_bytes(r) for r in records]
    replica = Replica.restore(
        c.config, index, c.keys.signer(index), c.keys.verifier, ToyApp(), data
    )
    replica.on_start(c.now)
    return replica


def test_a_restarted_backup_does_not_prepare_a_conflicting_block() -> None:
    c = Cluster()
    c.start()
    c.deliver_all()
    first, second = pre_prepare(c, [b"a"]), pre_prepare(c, [b"b"])
    out = c.replicas[1].on_message(0, first.encode())
    assert any(isinstance(m, Prepare) for _, m in out.send)
    replica = restarted(c, 1, out.persist)
    again = replica.on_message(0, second.encode())
    assert not any(isinstance(m, Prepare) for _, m in again.send)
    same = replica.on_message(0, first.encode())
    prepares = [m for _, m in same.send if isinstance(m, Prepare)]
    assert [p.digest for p in prepares] == [first.digest]


def test_a_restarted_primary_does_not_propose_twice_for_one_sequence_number() -> None:
    c = Cluster()
    c.start()
    out = c.replicas[0].on_request(b"\x01" * 32, b"t1", c.now)
    c.feed(0, out)
    c.tick(10)
    records = [r for _, o in c.outputs if _ == 0 for r in o.persist]
    assert any(isinstance(r, VoteRecord) and r.seq == 1 for r in records)
    replica = restarted(c, 0, records)
    replica.on_request(b"\x02" * 32, b"t2", c.now + 5)
    out = replica.on_tick(c.now + 100)
    assert not any(isinstance(m, PrePrepare) for _, m in out.send)


def test_a_replica_restarted_during_a_view_change_resumes_it() -> None:
    c = Cluster()
    c.start()
    vc = signed(ViewChange(1, GENESIS_CHECKPOINT, (), 2), c.keys.signer(2))
    replica = restarted(c, 2, [ViewChangeRecord(vc)])
    assert replica.view == 1 and replica.phase is Phase.VIEW_CHANGE
    out = replica.on_start(c.now)
    assert any(m == vc for _, m in out.send)


def test_a_prepared_block_survives_every_replica_restarting_at_once() -> None:
    from consensus.messages import Commit
    from tests.consensus.toyapp import ToyApp as App

    c = Cluster()
    c.start()
    c.request(0, b"one")
    c.settle()
    c.request(0, b"two")
    c.tick(10)
    no_commits = lambda s, d, m: isinstance(m, Commit) and m.view == 0  # noqa: E731
    c.deliver_all(drop=no_commits)
    pp = next(
        m for _, out in c.outputs for _, m in out.send if isinstance(m, PrePrepare) and m.seq == 2
    )
    records = {i: [r for src, out in c.outputs if src == i for r in out.persist] for i in range(4)}
    assert c.heights() == [1, 1, 1, 1]
    # Power cut: every replica restarts from its records and its committed blocks only.
    for i in range(4):
        c.apps[i] = App.from_blocks(c.apps[i].blocks)
        data = [record_to_bytes(r) for r in records[i]]
        c.replicas[i] = Replica.restore(
            c.config, i, c.keys.signer(i), c.keys.verifier, c.apps[i], data
        )
    c.queue.clear()
    c.down.add(0)  # and the old primary does not come back
    for i in range(1, 4):
        c.feed(i, c.replicas[i].on_start(c.now))
    for _ in range(300):
        c.tick(20)
        c.deliver_all(drop=no_commits)
        if c.heights()[1:] == [2, 2, 2]:
            break
    assert c.heights()[1:] == [2, 2, 2]
    assert {app.blocks[1].block.digest for app in c.apps[1:]} == {pp.digest}
