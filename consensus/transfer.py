"""State transfer: fetching committed blocks and their certificates from peers.

A replica that learns it is behind (a stable checkpoint above its height, peers claiming more
blocks, votes far ahead of it) asks one peer at a time for the next range of blocks, rotating to
another peer when an answer does not come in time. Only blocks whose commit certificate verifies
are kept, and they are committed strictly in height order.
"""

from __future__ import annotations

from dataclasses import dataclass

from consensus.messages import CommitCertificate


@dataclass(frozen=True, slots=True)
class FetchedBlock:
    """A committed block received from a peer, with a verified certificate."""

    payload: bytes
    certificate: CommitCertificate
    tx_ids: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class FetchPlan:
    """Ask ``peer`` for heights ``from_height`` .. ``to_height``."""

    peer: int
    from_height: int
    to_height: int


class StateTransfer:
    """The target height, the outstanding request and the verified blocks not applied yet."""

    __slots__ = ("target", "_outstanding", "_blocks", "_rotation", "_behind_since")

    def __init__(self) -> None:
        self.target = 0
        self._behind_since: int | None = None
        self._outstanding: tuple[int, int] | None = None
        """(highest height asked for, deadline)"""
        self._blocks: dict[int, FetchedBlock] = {}
        self._rotation = 0

    def want(self, height: int) -> None:
        """Catch up at least to ``height``."""
        self.target = max(self.target, height)

    def is_behind(self, tip: int) -> bool:
        """True while the target is above the committed height."""
        return self.target > tip

    def next_fetch(
        self,
        now_ms: int,
        tip: int,
        candidates: list[int],
        max_blocks: int,
        timeout_ms: int,
        grace_ms: int,
    ) -> FetchPlan | None:
        """The next request to send, or None while one is outstanding or nothing is needed.

        A replica one block behind usually catches up by itself within a round trip, so it
        fetches only after it has been behind for ``grace_ms``.
        """
        if self.target <= tip or not candidates:
            self._outstanding = None
            self._behind_since = None
            return None
        if self._behind_since is None:
            self._behind_since = now_ms
        if now_ms - self._behind_since < grace_ms:
            return None
        if self._outstanding is not None:
            asked_to, deadline = self._outstanding
            if now_ms < deadline and asked_to > tip:
                return None
        peer = candidates[self._rotation % len(candidates)]
        self._rotation += 1
        to_height = min(self.target, tip + max_blocks)
        self._outstanding = (to_height, now_ms + timeout_ms)
        return FetchPlan(peer, tip + 1, to_height)

    def add(self, height: int, block: FetchedBlock, tip: int, window: int) -> None:
        """Keep a verified block if it lies in (tip, tip + window]."""
        if tip < height <= tip + window:
            self._blocks.setdefault(height, block)

    def pop_next(self, tip: int) -> FetchedBlock | None:
        """The verified block at ``tip + 1``, if received."""
        for height in [h for h in self._blocks if h <= tip]:
            del self._blocks[height]
        return self._blocks.pop(tip + 1, None)

    def drop(self, height: int) -> None:
        """Forget a block the application refused; ask another peer next time."""
        self._blocks.pop(height, None)
        self._outstanding = None
