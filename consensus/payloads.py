"""Blocks proposed but not committed yet, kept by (height, digest) across view changes.

A new view may re-propose a block by digest only, and a replica that missed its PRE-PREPARE
then needs the bytes from somewhere: its own cache, or a peer's (a FETCH answered without a
certificate). Any payload found is checked by executing it, so a forged one costs only work.
The cache holds a few candidates per height and only heights above the committed tip.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_CANDIDATES_PER_HEIGHT = 4


@dataclass(frozen=True, slots=True)
class CachedPayload:
    """A candidate block and the request ids its proposer said it consumed."""

    payload: bytes
    tx_ids: tuple[bytes, ...]


class PayloadCache:
    """Uncommitted block payloads by height and digest, plus which ones are being fetched."""

    __slots__ = ("_by_height", "_wanted", "_window")

    def __init__(self, window: int) -> None:
        self._by_height: dict[int, dict[bytes, CachedPayload]] = {}
        self._wanted: dict[int, int] = {}
        self._window = window

    def put(self, height: int, digest: bytes, entry: CachedPayload, tip: int) -> None:
        """Remember a candidate payload for (height, digest) if it is in (tip, tip + window]."""
        if not entry.payload or not tip < height <= tip + self._window:
            return
        candidates = self._by_height.setdefault(height, {})
        if digest in candidates or len(candidates) < MAX_CANDIDATES_PER_HEIGHT:
            candidates.setdefault(digest, entry)

    def get(self, height: int, digest: bytes) -> CachedPayload | None:
        """The candidate for (height, digest), if any."""
        return self._by_height.get(height, {}).get(digest)

    def at(self, height: int) -> dict[bytes, CachedPayload]:
        """Every candidate at ``height`` by digest."""
        return dict(self._by_height.get(height, {}))

    def discard(self, height: int, digest: bytes) -> None:
        """Forget a candidate that failed to execute to its digest."""
        self._by_height.get(height, {}).pop(digest, None)

    def prune(self, tip: int) -> None:
        """Forget everything at or below the committed tip."""
        for height in [h for h in self._by_height if h <= tip]:
            del self._by_height[height]
        for height in [h for h in self._wanted if h <= tip]:
            del self._wanted[height]

    def should_request(self, height: int, now_ms: int, interval_ms: int) -> bool:
        """True if a payload for ``height`` was not asked for within ``interval_ms`` (marks it)."""
        last = self._wanted.get(height)
        if last is not None and now_ms - last < interval_ms:
            return False
        self._wanted[height] = now_ms
        return True

    def is_wanted(self, height: int) -> bool:
        """True if this replica asked peers for a payload at ``height``."""
        return height in self._wanted
