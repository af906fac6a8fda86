"""What a replica believes about each peer: claimed progress and rate limits for replies.

Claims come from STATUS messages and are only hints: a Byzantine peer can lie, so decisions use
the (f+1)-th highest claim, which at least one honest replica has reached.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class PeerInfo:
    """Last known position of one peer."""

    view: int = 0
    view_change: bool = False
    height: int = 0
    new_view_sent_ms: int = -(2**62)
    fetch_served_ms: int = -(2**62)
    view_change_checked_ms: int = -(2**62)
    new_view_checked_ms: int = -(2**62)
    """Last times a VIEW-CHANGE / NEW-VIEW from this peer was fully verified (costly)."""


class PeerTable:
    """Per-peer claims and reply throttles."""

    __slots__ = ("_peers", "_heights")

    def __init__(self, n: int, me: int) -> None:
        self._peers = {i: PeerInfo() for i in range(n) if i != me}
        self._heights: list[int] | None = None

    def get(self, replica: int) -> PeerInfo:
        """The record of ``replica`` (a member other than this replica)."""
        return self._peers[replica]

    def update(self, replica: int, view: int, view_change: bool, height: int) -> None:
        """Record a peer's STATUS claims."""
        info = self._peers[replica]
        info.view, info.view_change = view, view_change
        self.note_height(replica, height)

    def note_height(self, replica: int, height: int) -> None:
        """Raise a peer's known height (it proved it committed ``height``)."""
        info = self._peers[replica]
        if height > info.height:
            info.height = height
            self._heights = None

    def height_reached_by(self, count: int) -> int:
        """The greatest height that at least ``count`` peers claim to have committed."""
        if self._heights is None:
            self._heights = sorted((p.height for p in self._peers.values()), reverse=True)
        heights = self._heights
        return heights[count - 1] if len(heights) >= count else 0

    def ahead_of(self, height: int) -> list[int]:
        """Peers claiming a committed height above ``height``, in index order."""
        return [i for i, p in sorted(self._peers.items()) if p.height > height]

    def all(self) -> list[int]:
        """Every peer index in order."""
        return sorted(self._peers)
