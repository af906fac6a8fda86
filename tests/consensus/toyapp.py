"""A deterministic toy Application for simulations: a hash chain over ordered tx ids.

It follows the execute-before-vote contract of ``consensus.app`` and *asserts* the part of the
contract the core must keep (one speculative block, discarded before another is built or
checked, commits in order), so a core bug fails the simulation loudly.

Block payload: "TOY1" | u64 height | u64 time | parent digest (32) | state root (32) | u32 count
| (u32 length | tx)*. Digest (the "header hash"): SHA-256 over a tag, height, time, parent,
state root and the hash of the tx ids. A tx starting with b"bad" is invalid: ``make_block``
drops it and ``check_block`` rejects a block holding one; so are duplicates of committed txs.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from consensus.app import BlockRejected, Proposal
from consensus.messages import CommitCertificate

GENESIS_STATE = hashlib.sha256(b"toy-genesis").digest()
GENESIS_DIGEST = b"\x00" * 32
_HEAD = struct.Struct(">4sQQ32s32sI")


def tx_id_of(tx: bytes) -> bytes:
    """The id the runtime would compute for ``tx``."""
    return hashlib.sha256(tx).digest()


@dataclass(frozen=True)
class ToyBlock:
    height: int
    time_ms: int
    parent: bytes
    state_root: bytes
    txs: tuple[bytes, ...]
    payload: bytes
    digest: bytes


@dataclass(frozen=True)
class StoredBlock:
    block: ToyBlock
    certificate: CommitCertificate


def _digest(height: int, time_ms: int, parent: bytes, root: bytes, txs: Sequence[bytes]) -> bytes:
    ids = hashlib.sha256(b"".join(tx_id_of(tx) for tx in txs)).digest()
    header = struct.pack(">QQ", height, time_ms) + parent + root + ids
    return hashlib.sha256(b"toy-header\x00" + header).digest()


def _encode(height: int, time_ms: int, parent: bytes, root: bytes, txs: Sequence[bytes]) -> bytes:
    body = b"".join(struct.pack(">I", len(tx)) + tx for tx in txs)
    return _HEAD.pack(b"TOY1", height, time_ms, parent, root, len(txs)) + body


def decode_block(payload: bytes) -> ToyBlock | None:
    """Parse a payload; None if malformed."""
    if len(payload) < _HEAD.size:
        return None
    magic, height, time_ms, parent, root, count = _HEAD.unpack_from(payload)
    if magic != b"TOY1":
        return None
    pos, txs = _HEAD.size, []
    for _ in range(count):
        if pos + 4 > len(payload):
            return None
        (size,) = struct.unpack_from(">I", payload, pos)
        pos += 4
        if pos + size > len(payload):
            return None
        txs.append(payload[pos : pos + size])
        pos += size
    if pos != len(payload):
        return None
    digest = _digest(height, time_ms, parent, root, txs)
    return ToyBlock(height, time_ms, parent, root, tuple(txs), payload, digest)


class ToyApp:
    """Committed chain plus at most one speculative block."""

    def __init__(self, max_drift_ms: int = 5_000) -> None:
        self.max_drift_ms = max_drift_ms
        self.blocks: list[StoredBlock] = []
        self.states: list[bytes] = [GENESIS_STATE]
        self.committed_ids: set[bytes] = set()
        self.spec: tuple[ToyBlock, bytes] | None = None
        self.checks = 0
        self.executions_at_commit = 0

    @classmethod
    def from_blocks(cls, blocks: list[StoredBlock], max_drift_ms: int = 5_000) -> ToyApp:
        """Rebuild from durable committed blocks (a restart)."""
        app = cls(max_drift_ms)
        for stored in blocks:
            app.commit_block(stored.block.height, stored.block.payload, stored.certificate)
        return app

    # -- helpers
    @property
    def tip_digest(self) -> bytes:
        return self.blocks[-1].block.digest if self.blocks else GENESIS_DIGEST

    @property
    def tip_time(self) -> int:
        return self.blocks[-1].block.time_ms if self.blocks else 0

    def _execute(self, txs: Sequence[bytes]) -> bytes | None:
        state, seen = self.states[-1], set()
        for tx in txs:
            tx_id = tx_id_of(tx)
            if tx.startswith(b"bad") or tx_id in self.committed_ids or tx_id in seen:
                return None
            seen.add(tx_id)
            state = hashlib.sha256(state + tx_id).digest()
        return state

    def _validate(self, block: ToyBlock | None, height: int) -> bytes | None:
        if block is None or block.height != height or height != len(self.blocks) + 1:
            return None
        if block.parent != self.tip_digest or block.time_ms <= self.tip_time:
            return None
        root = self._execute(block.txs)
        return root if root == block.state_root else None

    # -- Application protocol
    def make_block(self, height: int, time_ms: int, txs: Sequence[bytes]) -> Proposal | None:
        assert self.spec is None, "core must discard the speculative block before make_block"
        if height != len(self.blocks) + 1 or time_ms <= self.tip_time:
            return None
        valid: list[bytes] = []
        for tx in txs:
            if self._execute([*valid, tx]) is not None:
                valid.append(tx)
        root = self._execute(valid)
        assert root is not None
        payload = _encode(height, time_ms, self.tip_digest, root, valid)
        block = decode_block(payload)
        assert block is not None
        self.spec = (block, root)
        return Proposal(height, block.digest, payload)

    def check_block(self, height: int, payload: bytes, now_ms: int) -> bytes | None:
        assert self.spec is None, "core must discard the speculative block before check_block"
        self.checks += 1
        block = decode_block(payload)
        root = self._validate(block, height)
        if block is None or root is None or block.time_ms > now_ms + self.max_drift_ms:
            return None
        self.spec = (block, root)
        return block.digest

    def commit_block(self, height: int, payload: bytes, certificate: CommitCertificate) -> None:
        assert height == len(self.blocks) + 1, f"commit {height} on top of {len(self.blocks)}"
        if self.spec is not None:
            assert self.spec[0].payload == payload, "speculative block is not the committed one"
            block, root = self.spec
            if block.digest != certificate.digest:
                raise BlockRejected("speculative block does not match the certificate")
        else:
            self.executions_at_commit += 1
            block = decode_block(payload)  # type: ignore[assignment]
            validated = self._validate(block, height)
            if block is None or validated is None or block.digest != certificate.digest:
                raise BlockRejected("block does not execute to the certified digest")
            root = validated
        self.spec = None
        self.blocks.append(StoredBlock(block, certificate))
        self.states.append(root)
        self.committed_ids.update(tx_id_of(tx) for tx in block.txs)

    def discard_speculative(self) -> None:
        self.spec = None

    def committed_height(self) -> int:
        return len(self.blocks)

    def state_digest(self) -> bytes:
        return self.states[-1]

    def committed_block(self, height: int) -> tuple[bytes, CommitCertificate] | None:
        if 1 <= height <= len(self.blocks):
            stored = self.blocks[height - 1]
            return stored.block.payload, stored.certificate
        return None
