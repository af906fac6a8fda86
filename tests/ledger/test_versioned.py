"""ledger/commitment/versioned.py: rows and proofs at past checkpoints, without rebuilding.

A seeded random history of writes, deletes, growth across depth boundaries and rolled-back
speculative changes is checked against full snapshots taken at each checkpoint.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

import pytest

from ledger.commitment.merkle_sum import compute_root_from_proof
from ledger.commitment.versioned import CheckpointNotRetained, TableVersions, compute_tree_depth
from ledger.state import Journal, Table


def leaf(_key: Any, value: int) -> tuple[bytes, int]:
    return hashlib.sha256(b"row" + value.to_bytes(8, "big")).digest(), value


def make_table() -> tuple[Table[str, int], Journal]:
    journal = Journal()
    return Table("t", journal, leaf, str, int), journal


def snapshot(table: Table[str, int]) -> tuple[dict[str, tuple[int, int]], tuple[bytes, int], int]:
    root = table.compute_root()
    rows = {key: (index, value) for key, index, value in table.rows()}
    return rows, root, table.next_index


def check_checkpoint(versions: TableVersions[str, int], height: int,
                     expected: tuple[dict[str, tuple[int, int]], tuple[bytes, int], int],
                     keys: set[str]) -> None:
    rows, root, size = expected
    assert versions.get_root_at(height) == root
    assert versions.get_size_at(height) == size
    for key in keys:
        assert versions.get_row_at(key, height) == rows.get(key), (height, key)
    for key, (index, value) in rows.items():
        steps = versions.compute_proof_at(index, height)
        assert len(steps) == compute_tree_depth(size)
        assert compute_root_from_proof(*leaf(key, value), steps) == root, (height, key)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_past_checkpoints_match_snapshots_through_random_histories(seed):
    rng = random.Random(seed)
    table, journal = make_table()
    versions: TableVersions[str, int] = TableVersions(table, retain=4)
    snapshots: dict[int, Any] = {}
    keys: set[str] = set()
    for height in range(1, 13):
        for _ in range(rng.randrange(1, 12)):
            action = rng.random()
            key = f"k{rng.randrange(0, 40)}"
            keys.add(key)
            if action < 0.1 and key in table:
                table.delete(key)
            else:
                table.set(key, rng.randrange(0, 1000))
            if rng.random() < 0.3:
                table.compute_root()  # blocks in between checkpoints
        if rng.random() < 0.5:
            # A speculative block executed and thrown away after the checkpoint work.
            journal.begin()
            for _ in range(3):
                extra = f"s{rng.randrange(0, 60)}"
                keys.add(extra)
                table.set(extra, rng.randrange(0, 1000))
            table.compute_root()
            journal.rollback()
        versions.mark(height)
        snapshots[height] = snapshot(table)
        for retained in versions.heights:
            check_checkpoint(versions, retained, snapshots[retained], keys)
    assert versions.heights == [9, 10, 11, 12]


def test_a_speculative_block_after_a_checkpoint_does_not_leak_into_it():
    table, journal = make_table()
    versions: TableVersions[str, int] = TableVersions(table, retain=2)
    for i in range(5):
        table.set(f"a{i}", i + 1)
    versions.mark(1)
    before = snapshot(table)
    journal.begin()
    for i in range(5, 20):  # grows the tree from depth 3 to 5, then is discarded
        table.set(f"a{i}", 100)
    table.set("a0", 999)
    table.compute_root()
    check_checkpoint(versions, 1, before, {f"a{i}" for i in range(20)})
    journal.rollback()
    table.compute_root()
    check_checkpoint(versions, 1, before, {f"a{i}" for i in range(20)})


def test_a_checkpoint_records_only_what_changed_after_it():
    table, _ = make_table()
    versions: TableVersions[str, int] = TableVersions(table, retain=3)
    for i in range(1000):
        table.set(f"a{i}", i)
    versions.mark(1)
    table.set("a500", 7)
    versions.mark(2)
    depth = compute_tree_depth(1000)
    # One changed row: its old value and the depth + 1 nodes on its path, nothing rebuilt.
    assert versions.get_history_size(1) == (1, depth + 1)
    assert versions.get_history_size(2) == (0, 0)


def test_checkpoints_outside_the_window_are_refused():
    table, _ = make_table()
    versions: TableVersions[str, int] = TableVersions(table, retain=2)
    table.set("a", 1)
    for height in (4, 8, 12):
        versions.mark(height)
    with pytest.raises(CheckpointNotRetained, match="retained: 8..12"):
        versions.get_row_at("a", 4)
    with pytest.raises(CheckpointNotRetained):
        versions.compute_proof_at(0, 5)
    with pytest.raises(ValueError, match="not after"):
        versions.mark(12)
    with pytest.raises(IndexError):
        versions.compute_proof_at(1, 8)


def test_a_table_is_versioned_once_and_release_stops_recording():
    table, _ = make_table()
    versions: TableVersions[str, int] = TableVersions(table, retain=2)
    versions.mark(1)
    with pytest.raises(ValueError, match="already versioned"):
        TableVersions(table, retain=2)
    versions.release()
    assert table.row_history is None and table.tree.node_history is None
    TableVersions(table, retain=2)
