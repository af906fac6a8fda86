"""Durable storage of the replica's consensus records (votes, prepared certificates, views).

Records are deltas appended in order; a snapshot record replaces all before it. Each record is
stored under its own key, with a small index naming the live keys, and a step's records and the
new index are written in one database transaction before the step's messages are sent. So a
step costs what it adds, not the size of the whole log.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from consensus.persistence import Record, is_snapshot, record_to_bytes

_INDEX = "pbft/index"
_PREFIX = "pbft/r/"


class RecordLog:
    def __init__(self, store: object) -> None:
        self.store = store
        self._keys: list[int] = []
        self._next = 0
        self.records: list[bytes] = self._load()
        """The records as loaded when the node opened (what ``Replica.restore`` needs)."""

    def _load(self) -> list[bytes]:
        index = self.store.get_record(_INDEX)  # type: ignore[attr-defined]
        if not index:
            return []
        self._keys = [int(k) for k in struct.unpack(f">{len(index) // 8}Q", index)]
        self._next = (max(self._keys) + 1) if self._keys else 0
        records = []
        for key in self._keys:
            value = self.store.get_record(f"{_PREFIX}{key:012d}")  # type: ignore[attr-defined]
            if value is not None:
                records.append(bytes(value))
        return records

    def append(self, records: Sequence[Record]) -> None:
        """Make ``records`` durable (before the step's messages are sent)."""
        if not records:
            return
        puts: dict[str, bytes] = {}
        dropped: list[int] = []
        for record in records:
            if is_snapshot(record):
                dropped.extend(self._keys)
                self._keys = []
                puts.clear()  # records of this same step before the snapshot: never stored
            number = self._next
            self._next += 1
            self._keys.append(number)
            puts[f"{_PREFIX}{number:012d}"] = record_to_bytes(record)
        puts[_INDEX] = struct.pack(f">{len(self._keys)}Q", *self._keys)
        self.store.put_records(  # type: ignore[attr-defined]
            puts, [f"{_PREFIX}{k:012d}" for k in dropped])
