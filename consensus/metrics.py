"""Counters a replica keeps about itself, for Prometheus and for tests.

Rejected input is counted here instead of raising: a Byzantine or broken peer must never be able
to crash a replica, but operators must be able to see it trying.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(slots=True)
class Metrics:
    """Monotonic counters of one replica."""

    malformed: int = 0
    """Frames that did not decode."""
    non_member: int = 0
    """Messages from an unknown sender or claiming another replica's identity."""
    bad_signature: int = 0
    invalid: int = 0
    """Authentic but ill-formed messages (bad proofs, out-of-window numbers, wrong author)."""
    stale: int = 0
    """Messages for an older view or below the low watermark (replays)."""
    duplicates: int = 0
    """Votes received again (retransmissions and replays)."""
    equivocations: int = 0
    """Conflicting PRE-PREPAREs or votes from one author for one (view, seq)."""
    bad_blocks: int = 0
    """Proposed blocks the application rejected or that executed to another digest."""
    bad_transfers: int = 0
    """Fetched blocks the application refused to commit."""
    blocks_committed: int = 0
    blocks_transferred: int = 0
    view_changes_started: int = 0
    views_entered: int = 0
    requests_refused: int = 0
    throttled: int = 0
    """Costly proofs (VIEW-CHANGE, NEW-VIEW) left unchecked because a peer sent too many."""
    checkpoint_mismatches: int = 0
    """A stable checkpoint disagreed with this replica's own state digest."""

    def as_dict(self) -> dict[str, int]:
        """The counters by name (for exporters)."""
        return asdict(self)
