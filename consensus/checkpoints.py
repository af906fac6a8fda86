"""Checkpoints: collecting signed state digests until a quorum agrees (a stable checkpoint).

The stable checkpoint is the low watermark h of the log; sequence numbers are accepted in
(h, h + L]. Votes are kept only above h and only for a bounded number of checkpoints per replica,
so a Byzantine replica cannot grow this table without limit.
"""

from __future__ import annotations

from consensus.certificates import pick_endorsements
from consensus.messages import GENESIS_CHECKPOINT, Checkpoint, CheckpointProof
from consensus.quorums import Quorums


class CheckpointTracker:
    """The stable checkpoint and the CHECKPOINT votes above it."""

    __slots__ = ("_quorums", "_max_per_replica", "stable", "_votes", "own")

    def __init__(self, quorums: Quorums, max_per_replica: int) -> None:
        self._quorums = quorums
        self._max_per_replica = max_per_replica
        self.stable: CheckpointProof = GENESIS_CHECKPOINT
        self._votes: dict[int, dict[int, Checkpoint]] = {}
        self.own: Checkpoint | None = None
        """This replica's latest CHECKPOINT message (retransmitted until stable)."""

    @property
    def low(self) -> int:
        """The low watermark: the stable checkpoint's sequence number."""
        return self.stable.seq

    def add(self, vote: Checkpoint) -> CheckpointProof | None:
        """Record a verified vote; returns the new stable proof if it completes a quorum."""
        if vote.seq <= self.stable.seq:
            return None
        mine = self._votes.setdefault(vote.replica, {})
        if vote.seq in mine:
            return None
        mine[vote.seq] = vote
        while len(mine) > self._max_per_replica:
            del mine[min(mine)]
        matching = [
            (r, votes[vote.seq].signature)
            for r, votes in self._votes.items()
            if vote.seq in votes and votes[vote.seq].state_digest == vote.state_digest
        ]
        if len(matching) < self._quorums.quorum:
            return None
        proof = CheckpointProof(
            seq=vote.seq,
            state_digest=vote.state_digest,
            endorsements=pick_endorsements(matching, self._quorums.quorum),
        )
        self.adopt(proof)
        return proof

    def adopt(self, proof: CheckpointProof) -> bool:
        """Make a (verified) proof stable if it is newer; True if it was."""
        if proof.seq <= self.stable.seq:
            return False
        self.stable = proof
        for votes in self._votes.values():
            for seq in [s for s in votes if s <= proof.seq]:
                del votes[seq]
        if self.own is not None and self.own.seq <= proof.seq:
            self.own = None
        return True
