"""The message log of the current view: one slot per sequence number (block height).

A slot gathers the accepted PRE-PREPARE and the PREPAREs and COMMITs of each replica (the first
one per replica wins, so a Byzantine replica cannot vote twice), and answers the two questions of
the normal case: is the block prepared, and is there a quorum of COMMITs (a commit certificate)?
The log is emptied on a view change and truncated at every stable checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from consensus.certificates import pick_endorsements
from consensus.messages import Commit, CommitCertificate, Prepare, PreparedCertificate, PrePrepare
from consensus.quorums import Quorums
from consensus.wire import requests_hash


@dataclass(slots=True)
class Slot:
    """Everything known about one sequence number in the current view."""

    seq: int
    pre_prepare: PrePrepare | None = None
    checked: bool = False
    """This replica executed (or built, or already committed) the block of ``pre_prepare``."""
    rejected: bool = False
    """The block of ``pre_prepare`` failed execution here; never vote for it."""
    prepares: dict[int, Prepare] = field(default_factory=dict)
    commits: dict[int, Commit] = field(default_factory=dict)
    sent_prepare: bool = False
    sent_commit: bool = False

    def matching_prepares(self, primary: int) -> int:
        """PREPAREs from backups that match the accepted PRE-PREPARE."""
        if self.pre_prepare is None:
            return 0
        digest = self.pre_prepare.digest
        return sum(1 for r, p in self.prepares.items() if r != primary and p.digest == digest)

    def is_prepared(self, quorums: Quorums, primary: int) -> bool:
        """PRE-PREPARE plus enough matching PREPAREs from distinct backups."""
        return self.matching_prepares(primary) >= quorums.prepares_needed

    def prepared_certificate(self, quorums: Quorums, primary: int) -> PreparedCertificate:
        """The proof that this slot is prepared (call only when ``is_prepared``)."""
        pp = self.pre_prepare
        assert pp is not None  # is_prepared() implies a PRE-PREPARE
        votes = [
            (r, p.signature)
            for r, p in self.prepares.items()
            if r != primary and p.digest == pp.digest
        ]
        return PreparedCertificate(
            view=pp.view,
            seq=pp.seq,
            digest=pp.digest,
            requests_hash=requests_hash(pp.tx_ids),
            primary_signature=pp.signature,
            prepares=pick_endorsements(votes, quorums.prepares_needed),
        )

    def certified_digest(self, quorums: Quorums) -> bytes | None:
        """The digest that quorum-many distinct replicas committed, if any."""
        counts: dict[bytes, int] = {}
        for commit in self.commits.values():
            counts[commit.digest] = counts.get(commit.digest, 0) + 1
            if counts[commit.digest] >= quorums.quorum:
                return commit.digest
        return None

    def commit_certificate(self, quorums: Quorums, digest: bytes) -> CommitCertificate:
        """Quorum-many COMMIT signatures for ``digest`` (call only when certified)."""
        votes = [(r, c.signature) for r, c in self.commits.items() if c.digest == digest]
        view = next(c.view for c in self.commits.values())
        return CommitCertificate(
            view=view,
            height=self.seq,
            digest=digest,
            commits=pick_endorsements(votes, quorums.quorum),
        )


class MessageLog:
    """Slots of the current view, keyed by sequence number."""

    __slots__ = ("_slots",)

    def __init__(self) -> None:
        self._slots: dict[int, Slot] = {}

    def slot(self, seq: int) -> Slot:
        """The slot for ``seq``, created if needed."""
        found = self._slots.get(seq)
        if found is None:
            found = self._slots[seq] = Slot(seq)
        return found

    def get(self, seq: int) -> Slot | None:
        """The slot for ``seq`` if one exists."""
        return self._slots.get(seq)

    def seqs(self) -> list[int]:
        """Sequence numbers with a slot, ascending."""
        return sorted(self._slots)

    def discard_through(self, seq: int) -> None:
        """Drop every slot at or below ``seq`` (garbage collection at a stable checkpoint)."""
        for s in [s for s in self._slots if s <= seq]:
            del self._slots[s]

    def clear(self) -> None:
        """Drop every slot (a new view starts)."""
        self._slots.clear()
