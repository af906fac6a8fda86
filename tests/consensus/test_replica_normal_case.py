"""The normal case on a hand-driven cluster: batching, dedup, execute-before-vote, one
PRE-PREPARE per (view, seq), and write-ahead persistence of votes."""

from __future__ import annotations

from consensus.certificates import verify_certificate
from consensus.messages import Commit, Prepare, PrePrepare
from consensus.persistence import PreparedRecord, VoteRecord
from consensus.wire import signed
from tests.consensus.harness import Cluster
from tests.consensus.sim import sim_config
from tests.consensus.toyapp import ToyApp, decode_block, tx_id_of


def proposal(txs: list[bytes], time_ms: int = 50) -> tuple[bytes, bytes]:
    """(digest, payload) of a valid block 1 built by a fresh toy app."""
    app = ToyApp()
    made = app.make_block(1, time_ms, txs)
    assert made is not None
    return made.digest, made.payload


def test_a_request_at_a_backup_is_forwarded_ordered_and_committed_everywhere() -> None:
    c = Cluster()
    c.start()
    tx_id = c.request(2, b"hello")
    c.settle()
    assert c.heights() == [1, 1, 1, 1]
    digests = {app.blocks[0].block.digest for app in c.apps}
    assert len(digests) == 1
    assert all(tx_id in app.committed_ids for app in c.apps)
    reported = [block for _, out in c.outputs for block in out.committed]
    assert len(reported) == 4
    for block in reported:
        assert block.height == 1 and block.digest in digests
        assert verify_certificate(block.certificate, c.keys.verifier, 4)


def test_votes_are_persisted_in_the_step_that_sends_them() -> None:
    c = Cluster()
    c.start()
    c.request(0, b"x")
    c.settle()
    seen_prepare = seen_commit = 0
    for _, out in c.outputs:
        for _, msg in out.send:
            if isinstance(msg, Prepare):
                seen_prepare += 1
                assert VoteRecord(msg.view, msg.seq, msg.digest) in out.persist
            if isinstance(msg, Commit) and any(isinstance(r, PreparedRecord) for r in out.persist):
                seen_commit += 1
                cert = next(r.certificate for r in out.persist if isinstance(r, PreparedRecord))
                assert (cert.view, cert.seq, cert.digest) == (msg.view, msg.seq, msg.digest)
    assert seen_prepare >= 3 and seen_commit >= 4


def test_primary_cuts_a_batch_at_batch_max_and_waits_for_the_rest() -> None:
    c = Cluster(config=sim_config(4, batch_max=5, batch_wait_ms=1000))
    c.start()
    for i in range(7):
        c.request(0, f"t{i}".encode())
    proposed = [m for _, out in c.outputs for _, m in out.send if isinstance(m, PrePrepare)]
    assert len(proposed) == 1 and len(proposed[0].tx_ids) == 5, "proposed as soon as 5 were pending"
    c.deliver_all()
    assert c.heights() == [1, 1, 1, 1]
    assert len(c.apps[0].blocks[0].block.txs) == 5
    c.tick(100)
    c.deliver_all()
    assert c.heights() == [1, 1, 1, 1], "the remaining two wait for batch_wait_ms"
    c.tick(1000)
    c.settle()
    assert c.heights() == [2, 2, 2, 2]
    assert len(c.apps[0].blocks[1].block.txs) == 2


def test_a_transaction_sent_to_every_bank_is_ordered_once() -> None:
    c = Cluster()
    c.start()
    for i in range(4):
        c.request(i, b"double-spend-attempt")
    c.settle()
    resubmitted = c.request(0, b"double-spend-attempt")
    c.settle()
    txs = [tx for stored in c.apps[0].blocks for tx in stored.block.txs]
    assert txs.count(b"double-spend-attempt") == 1
    assert resubmitted == tx_id_of(b"double-spend-attempt")


def test_invalid_transactions_are_dropped_without_stalling_the_backups() -> None:
    c = Cluster()
    c.start()
    c.request(1, b"bad-signature")
    good = c.request(1, b"good")
    c.settle(rounds=60)
    assert all(good in app.committed_ids for app in c.apps)
    assert all(r.view == 0 for r in c.replicas), "a dropped request must not cause a view change"
    assert all(r.pending_requests() == 0 for r in c.replicas)


def test_backup_accepts_one_pre_prepare_per_view_and_seq() -> None:
    c = Cluster()
    c.start()
    c.deliver_all()
    backup = c.replicas[1]
    primary = c.keys.signer(0)
    d1, p1 = proposal([b"a"])
    d2, p2 = proposal([b"b"])
    out1 = backup.on_message(
        0, signed(PrePrepare(0, 1, d1, (tx_id_of(b"a"),), p1), primary).encode()
    )
    prepares = [m for _, m in out1.send if isinstance(m, Prepare)]
    assert [p.digest for p in prepares] == [d1]
    out2 = backup.on_message(
        0, signed(PrePrepare(0, 1, d2, (tx_id_of(b"b"),), p2), primary).encode()
    )
    assert out2.send == [] and out2.persist == []
    assert backup.metrics.equivocations == 1


def test_backup_executes_before_it_votes() -> None:
    c = Cluster()
    c.start()
    c.deliver_all()
    backup = c.replicas[2]
    primary = c.keys.signer(0)
    d1, _ = proposal([b"a"])
    _, p2 = proposal([b"b"])
    # The payload does not execute to the signed digest: no PREPARE.
    out = backup.on_message(0, signed(PrePrepare(0, 1, d1, (), p2), primary).encode())
    assert not any(isinstance(m, Prepare) for _, m in out.send)
    assert backup.metrics.bad_blocks == 1
    # A block whose time lies far in the future is refused by the application as well.
    d3, p3 = proposal([b"c"], time_ms=10**9)
    out = c.replicas[3].on_message(0, signed(PrePrepare(0, 1, d3, (), p3), primary).encode())
    assert not any(isinstance(m, Prepare) for _, m in out.send)
    block = decode_block(p3)
    assert block is not None and block.time_ms == 10**9
