"""The sliding window of transfers: bounded by time and by count."""

from __future__ import annotations

import pytest

from nodes.regulator.analytics import Transfer
from nodes.regulator.supervision.sources import WindowTransfer
from nodes.regulator.supervision.window import TransferWindow


def wt(n: int, time_ms: int) -> WindowTransfer:
    return WindowTransfer(Transfer(f"t{n}", time_ms, "a", "b", 1), n, 0)


def test_old_transfers_fall_out_by_block_time() -> None:
    window = TransferWindow(window_ms=100, max_transfers=1000)
    window.add([wt(1, 0), wt(2, 50)], 50)
    window.add([wt(3, 100)], 100)
    assert [w.transfer.tx_id for w in window.snapshot()] == ["t1", "t2", "t3"]  # 100 - 0 ≤ 100
    window.add([], 101)
    assert [w.transfer.tx_id for w in window.snapshot()] == ["t2", "t3"]
    assert window.last_height == 3


def test_capacity_drops_the_oldest() -> None:
    window = TransferWindow(window_ms=10**12, max_transfers=5)
    for n in range(20):
        window.add([wt(n, n)], n)
        assert len(window) <= 5
    assert [w.transfer.tx_id for w in window.snapshot()] == [f"t{n}" for n in range(15, 20)]


def test_a_snapshot_is_a_copy() -> None:
    window = TransferWindow(window_ms=10, max_transfers=10)
    window.add([wt(1, 0)], 0)
    snapshot = window.snapshot()
    window.add([wt(2, 100)], 100)
    assert [w.transfer.tx_id for w in snapshot] == ["t1"]


def test_needs_a_positive_bound() -> None:
    with pytest.raises(ValueError):
        TransferWindow(0, 10)
