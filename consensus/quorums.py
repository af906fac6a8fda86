"""Quorum arithmetic for PBFT: the only place that knows how many replicas make a decision.

With n replicas the protocol tolerates f = (n - 1) // 3 Byzantine ones. For n = 3f + 1 a quorum
is the classic 2f + 1. For other n (5, 6, 8, ...) 2f + 1 would be unsafe (two quorums could meet
in a single, possibly faulty, replica), so the quorum is the smallest size whose pairwise
intersection holds f + 1 replicas: ceil((n + f + 1) / 2), which equals 2f + 1 when n = 3f + 1.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_REPLICAS = 4


@dataclass(frozen=True, slots=True)
class Quorums:
    """Thresholds for a fixed membership of ``n`` replicas numbered 0 .. n-1."""

    n: int

    def __post_init__(self) -> None:
        if self.n < MIN_REPLICAS:
            raise ValueError(f"PBFT needs at least {MIN_REPLICAS} replicas, got {self.n}")

    @property
    def f(self) -> int:
        """Number of Byzantine replicas tolerated."""
        return (self.n - 1) // 3

    @property
    def quorum(self) -> int:
        """Replicas whose agreement decides (2f + 1 when n = 3f + 1)."""
        return (self.n + self.f) // 2 + 1

    @property
    def prepares_needed(self) -> int:
        """Matching PREPAREs from backups that, with the PRE-PREPARE, make a request prepared."""
        return self.quorum - 1

    @property
    def weak(self) -> int:
        """f + 1: enough replicas that at least one of them is honest."""
        return self.f + 1

    def primary(self, view: int) -> int:
        """The primary of ``view``: view mod n."""
        return view % self.n

    def is_member(self, replica: int) -> bool:
        """True if ``replica`` is a valid replica index."""
        return 0 <= replica < self.n
