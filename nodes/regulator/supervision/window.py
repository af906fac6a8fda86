"""The observer's sliding window of recent transfers, the input of the periodic analytics.

Bounded twice: by time (transfers older than ``window_ms`` before the newest block's time fall
out) and by count (at most ``max_transfers``, the oldest dropped first). The window is fed in
block order and is a pure function of the chain up to the last block fed, so an observer that
re-verifies its chain after a restart rebuilds exactly the same window.
"""

from __future__ import annotations

from collections import deque

from nodes.regulator.supervision.sources import WindowTransfer


class TransferWindow:
    def __init__(self, window_ms: int, max_transfers: int) -> None:
        if window_ms < 1 or max_transfers < 1:
            raise ValueError("the window needs a positive duration and capacity")
        self.window_ms = window_ms
        self.max_transfers = max_transfers
        self._items: deque[WindowTransfer] = deque()
        self.last_height = 0
        """Height of the newest transfer in the window (0 when none was ever added)."""

    def __len__(self) -> int:
        return len(self._items)

    def add(self, transfers: list[WindowTransfer], time_ms: int) -> None:
        """Append a block's transfers and drop what is now too old or over capacity."""
        self._items.extend(transfers)
        if transfers:
            self.last_height = max(self.last_height, transfers[-1].height)
        cutoff = time_ms - self.window_ms
        items = self._items
        while items and (len(items) > self.max_transfers
                         or items[0].transfer.time_ms < cutoff):
            items.popleft()

    def snapshot(self) -> tuple[WindowTransfer, ...]:
        """The transfers now in the window, oldest first (a copy)."""
        return tuple(self._items)
