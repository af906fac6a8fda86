"""Durable storage of the replica's consensus records (votes, prepared certificates, views).

Records are deltas appended in order; a snapshot record replaces all before it. They are kept as
one length-prefixed blob in the node database, rewritten in one transaction per step, so a
replica never sends a message whose justification is not on disk.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from consensus.persistence import Record, is_snapshot, record_to_bytes

_KEY = "pbft/records"


class RecordLog:
    def __init__(self, store: object) -> None:
        self.store = store
        self.records: list[bytes] = self._load()

    def _load(self) -> list[bytes]:
        blob = self.store.get_record(_KEY)  # type: ignore[attr-defined]
        out, offset = [], 0
        while blob and offset < len(blob):
            (length,) = struct.unpack_from(">I", blob, offset)
            out.append(bytes(blob[offset + 4 : offset + 4 + length]))
            offset += 4 + length
        return out

    def append(self, records: Sequence[Record]) -> None:
        """Make ``records`` durable (before the step's messages are sent)."""
        if not records:
            return
        for record in records:
            if is_snapshot(record):
                self.records = []
            self.records.append(record_to_bytes(record))
        blob = b"".join(struct.pack(">I", len(r)) + r for r in self.records)
        self.store.put_record(_KEY, blob)  # type: ignore[attr-defined]
