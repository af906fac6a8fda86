"""View change: the O computation, NEW-VIEW validation, doubling timeouts, the f+1 join rule,
and prepared blocks surviving into the new view with their sequence numbers."""

from __future__ import annotations

import dataclasses
import hashlib

from consensus.messages import (
    GENESIS_CHECKPOINT,
    CheckpointProof,
    Commit,
    NewView,
    PreparedCertificate,
    PrePrepare,
    ViewChange,
)
from consensus.replica import Phase
from consensus.viewchange import compute_plan, validate_new_view
from consensus.wire import signed
from tests.consensus.harness import Cluster


def digest(label: str) -> bytes:
    return hashlib.sha256(label.encode()).digest()


def cert(view: int, seq: int, label: str) -> PreparedCertificate:
    return PreparedCertificate(view, seq, digest(label), b"\x00" * 32, "s", ())


def vc(replica: int, checkpoint: CheckpointProof, *certs: PreparedCertificate) -> ViewChange:
    return ViewChange(5, checkpoint, certs, replica)


def test_plan_takes_the_latest_checkpoint_and_the_highest_view_certificate() -> None:
    ckpt4 = CheckpointProof(4, digest("s4"), ())
    plan = compute_plan(
        (
            vc(0, GENESIS_CHECKPOINT, cert(1, 3, "old"), cert(1, 5, "a")),
            vc(1, ckpt4, cert(3, 5, "b"), cert(3, 6, "c")),
            vc(2, GENESIS_CHECKPOINT, cert(2, 5, "x")),
        )
    )
    assert plan.checkpoint == ckpt4
    assert plan.entries == ((5, digest("b")), (6, digest("c")))
    assert plan.max_seq == 6


def test_plan_fills_gaps_with_null_blocks_and_may_be_empty() -> None:
    plan = compute_plan((vc(0, GENESIS_CHECKPOINT, cert(1, 3, "c")), vc(1, GENESIS_CHECKPOINT)))
    assert plan.entries == ((1, None), (2, None), (3, digest("c")))
    empty = compute_plan((vc(0, GENESIS_CHECKPOINT), vc(1, GENESIS_CHECKPOINT)))
    assert empty.entries == () and empty.max_seq == 0


def run_view_change_with_prepared_block() -> tuple[Cluster, bytes]:
    """Block 2 prepares everywhere but no COMMIT is delivered; then the primary dies."""
    c = Cluster()
    c.start()
    c.request(0, b"one")
    c.settle()
    c.request(0, b"two")
    c.tick(10)
    no_commits_in_view_0 = lambda s, d, m: isinstance(m, Commit) and m.view == 0  # noqa: E731
    c.deliver_all(drop=no_commits_in_view_0)
    pp = next(
        m for _, out in c.outputs for _, m in out.send if isinstance(m, PrePrepare) and m.seq == 2
    )
    assert c.heights() == [1, 1, 1, 1]
    c.down.add(0)
    for _ in range(200):
        c.tick(20)
        c.deliver_all(drop=no_commits_in_view_0)
        if c.heights()[1:] == [2, 2, 2]:
            break
    return c, pp.digest


def test_a_prepared_block_keeps_its_height_and_digest_in_the_new_view() -> None:
    c, original = run_view_change_with_prepared_block()
    assert c.heights()[1:] == [2, 2, 2]
    assert all(r.view == 1 and r.phase is Phase.NORMAL for r in c.replicas[1:])
    assert {app.blocks[1].block.digest for app in c.apps[1:]} == {original}
    assert all(app.blocks[1].certificate.view == 1 for app in c.apps[1:])


def captured_new_view(c: Cluster) -> NewView:
    return next(m for _, out in c.outputs for _, m in out.send if isinstance(m, NewView))


def test_backups_recompute_o_and_reject_tampered_new_views() -> None:
    c, _ = run_view_change_with_prepared_block()
    nv = captured_new_view(c)
    verifier, config, primary = c.keys.verifier, c.config, c.keys.signer(1)
    plan = validate_new_view(nv, verifier, config, {})
    assert plan is not None and [seq for seq, _ in plan.entries] == [1, 2]
    other = signed(dataclasses.replace(nv.pre_prepares[0], digest=digest("evil")), primary)
    tampered = [
        signed(dataclasses.replace(nv, pre_prepares=(other,)), primary),  # O differs from V
        signed(dataclasses.replace(nv, pre_prepares=()), primary),  # a prepared block dropped
        signed(dataclasses.replace(nv, view_changes=nv.view_changes[:2]), primary),  # no quorum
        signed(
            dataclasses.replace(nv, view_changes=nv.view_changes[:2] + nv.view_changes[:1]), primary
        ),
        dataclasses.replace(nv, signature=c.keys.signer(2).sign(b"x")),  # forged by another
        signed(dataclasses.replace(nv, view=5), primary),  # VIEW-CHANGEs for another view
    ]
    for bad in tampered:
        assert validate_new_view(bad, verifier, config, {}) is None


def test_timeouts_double_on_successive_view_changes() -> None:
    c = Cluster()
    c.start()
    c.deliver_all()
    c.down.add(0)  # primary of view 0 is dead ...
    # ... and the primaries of views 1 and 2 never send NEW-VIEW.
    mute_new_view = lambda s, d, m: s in (1, 2) and isinstance(m, NewView)  # noqa: E731
    c.request(2, b"stuck")
    started: dict[int, int] = {}
    for _ in range(1000):
        c.tick(10)
        for src, out in c.outputs[-4:]:
            for _, m in out.send:
                if isinstance(m, ViewChange) and src == 3:
                    started.setdefault(m.new_view, c.now)
        c.deliver_all(drop=mute_new_view)
        if 3 in started:
            break
    base = c.config.view_change_timeout_ms
    assert started[1] - 1_000 >= base + c.config.forward_retry_ms  # relayed, then timed out
    # Each failed view waited twice as long as the one before (from its quorum of VIEW-CHANGEs).
    assert started[2] - started[1] >= 2 * base
    assert started[3] - started[2] >= 4 * base
    assert all(r.view == 3 for r in c.replicas[1:])


def test_f_plus_one_view_changes_make_a_replica_join() -> None:
    c = Cluster()
    c.start()
    c.deliver_all()
    target = c.replicas[3]
    for author in (1, 2):
        msg = signed(ViewChange(5, GENESIS_CHECKPOINT, (), author), c.keys.signer(author))
        out = target.on_message(author, msg.encode())
    assert target.view == 5 and target.phase is Phase.VIEW_CHANGE
    assert any(isinstance(m, ViewChange) and m.new_view == 5 for _, m in out.send)


def test_a_single_view_change_does_not_move_anyone() -> None:
    c = Cluster()
    c.start()
    c.deliver_all()
    msg = signed(ViewChange(5, GENESIS_CHECKPOINT, (), 1), c.keys.signer(1))
    out = c.replicas[3].on_message(1, msg.encode())
    assert c.replicas[3].view == 0 and out.send == []
