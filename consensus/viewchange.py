"""View change rules: validating VIEW-CHANGE and NEW-VIEW messages and computing O.

These are pure functions so that the new primary and every backup run exactly the same code:
the primary computes the plan from the VIEW-CHANGEs it chose (V), and a backup accepts a NEW-VIEW
only if recomputing the plan from the same V gives the PRE-PREPAREs the primary sent (O).

The plan follows the paper: min-s is the latest stable checkpoint in V, max-s the highest
prepared sequence number; every seq in (min-s, max-s] is re-proposed with the digest of its
prepared certificate from the highest view, or as a null block (an empty block) if none exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from consensus.certificates import verify_checkpoint_proof, verify_prepared_certificate
from consensus.config import PbftConfig
from consensus.messages import CheckpointProof, NewView, PreparedCertificate, ViewChange
from consensus.signing import Verifier
from consensus.wire import pre_prepare_signing_bytes, requests_hash, signing_bytes


@dataclass(frozen=True, slots=True)
class NewViewPlan:
    """What a new view starts from: a checkpoint and the blocks to re-propose above it."""

    checkpoint: CheckpointProof
    entries: tuple[tuple[int, bytes | None], ...]
    """(seq, digest) for each seq in (min-s, max-s]; digest None means a null block."""

    @property
    def max_seq(self) -> int:
        """max-s: the last sequence number the new view re-proposes."""
        return self.entries[-1][0] if self.entries else self.checkpoint.seq


def is_valid_view_change(vc: ViewChange, verifier: Verifier, config: PbftConfig) -> bool:
    """True if ``vc`` is signed by its replica and every proof inside it checks out."""
    quorums = config.quorums
    if not quorums.is_member(vc.replica) or vc.new_view < 1:
        return False
    low = vc.checkpoint.seq
    seqs = [c.seq for c in vc.prepared]
    if len(set(seqs)) != len(seqs):
        return False
    if any(not low < s <= low + config.log_window for s in seqs):
        return False
    if any(c.view >= vc.new_view for c in vc.prepared):
        return False
    if not verifier.verify(vc.replica, vc.signature, signing_bytes(vc)):
        return False
    if not verify_checkpoint_proof(vc.checkpoint, verifier, quorums, config.checkpoint_interval):
        return False
    return all(verify_prepared_certificate(c, verifier, quorums) for c in vc.prepared)


def compute_plan(view_changes: tuple[ViewChange, ...]) -> NewViewPlan:
    """The new view's starting checkpoint and re-proposals, from the chosen VIEW-CHANGEs."""
    checkpoint = view_changes[0].checkpoint
    for vc in view_changes[1:]:
        if vc.checkpoint.seq > checkpoint.seq:
            checkpoint = vc.checkpoint
    best: dict[int, PreparedCertificate] = {}
    for vc in view_changes:
        for cert in vc.prepared:
            if cert.seq <= checkpoint.seq:
                continue
            old = best.get(cert.seq)
            if old is None or (cert.view, cert.digest) > (old.view, old.digest):
                best[cert.seq] = cert
    max_seq = max(best, default=checkpoint.seq)
    entries = tuple(
        (seq, best[seq].digest if seq in best else None)
        for seq in range(checkpoint.seq + 1, max_seq + 1)
    )
    return NewViewPlan(checkpoint, entries)


def choose_view_changes(
    received: Mapping[int, ViewChange], me: int, view: int, quorum: int
) -> tuple[ViewChange, ...] | None:
    """V for ``view``: this replica's own VIEW-CHANGE and the lowest-indexed others, or None."""
    candidates = {r: vc for r, vc in received.items() if vc.new_view == view}
    if me not in candidates or len(candidates) < quorum:
        return None
    others = sorted(r for r in candidates if r != me)[: quorum - 1]
    return (candidates[me], *(candidates[r] for r in others))


def validate_new_view(
    nv: NewView,
    verifier: Verifier,
    config: PbftConfig,
    already_valid: Mapping[int, ViewChange],
) -> NewViewPlan | None:
    """The plan of ``nv`` if it is a correct NEW-VIEW, else None.

    ``already_valid`` holds VIEW-CHANGEs this replica verified before; identical copies inside
    the NEW-VIEW are not verified again.
    """
    quorums = config.quorums
    primary = quorums.primary(nv.view)
    replicas = [vc.replica for vc in nv.view_changes]
    if len(set(replicas)) != len(replicas) or len(replicas) < quorums.quorum:
        return None
    if any(vc.new_view != nv.view for vc in nv.view_changes):
        return None
    if not verifier.verify(primary, nv.signature, signing_bytes(nv)):
        return None
    for vc in nv.view_changes:
        if already_valid.get(vc.replica) != vc and not is_valid_view_change(vc, verifier, config):
            return None
    plan = compute_plan(nv.view_changes)
    if len(nv.pre_prepares) != len(plan.entries):
        return None
    for pp, (seq, digest) in zip(nv.pre_prepares, plan.entries, strict=True):
        if pp.view != nv.view or pp.seq != seq:
            return None
        if digest is not None and pp.digest != digest:
            return None
        header = pre_prepare_signing_bytes(pp.view, pp.seq, pp.digest, requests_hash(pp.tx_ids))
        if not verifier.verify(primary, pp.signature, header):
            return None
    return plan
