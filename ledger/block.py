"""Blocks: the header every validator signs, and the binary payload that carries transactions.

header hash = H("NTDC/block-header/v1", JCS(header))
The header commits to the transactions (tx_root), their results (receipts_root) and the state
after executing them (state_root), so a commit certificate over the header hash proves all three.

payload = "NTDCBLK1" || u32be(len(header JCS)) || header JCS || u32be(n) || n × (u32be(len) || tx)
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

from ledger.commitment.merkle_sum import MerkleSumTree, ProofStep
from ledger.encoding import canonical_json, tagged_hash

_MAGIC = b"NTDCBLK1"
MAX_BLOCK_BYTES = 64 * 1024 * 1024
MAX_BLOCK_TXS = 100_000


class BlockFormatError(ValueError):
    """A block payload that cannot be decoded."""


@dataclass(frozen=True, slots=True)
class BlockHeader:
    chain_id: str
    height: int
    parent: str
    time_ms: int
    proposer: int
    tx_count: int
    tx_root: str
    receipts_root: str
    state_root: str

    def to_json(self) -> dict[str, Any]:
        return {
            "chain_id": self.chain_id, "height": self.height, "parent": self.parent,
            "time_ms": self.time_ms, "proposer": self.proposer, "tx_count": self.tx_count,
            "tx_root": self.tx_root, "receipts_root": self.receipts_root,
            "state_root": self.state_root,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BlockHeader:
        try:
            header = cls(**data)
        except TypeError as exc:
            raise BlockFormatError(f"bad header: {exc}") from None
        for name in ("height", "time_ms", "proposer", "tx_count"):
            value = getattr(header, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise BlockFormatError(f"header {name} must be a non-negative integer")
        return header

    def compute_hash(self) -> bytes:
        return tagged_hash(b"NTDC/block-header/v1", canonical_json(self.to_json()))


@dataclass(frozen=True, slots=True)
class Block:
    header: BlockHeader
    txs: tuple[bytes, ...]

    def encode(self) -> bytes:
        header = canonical_json(self.header.to_json())
        parts = [_MAGIC, struct.pack(">I", len(header)), header, struct.pack(">I", len(self.txs))]
        for tx in self.txs:
            parts.append(struct.pack(">I", len(tx)))
            parts.append(tx)
        return b"".join(parts)

    @classmethod
    def decode(cls, payload: bytes) -> Block:
        import json

        if len(payload) > MAX_BLOCK_BYTES or payload[:8] != _MAGIC:
            raise BlockFormatError("not an NTDC block payload")
        try:
            (hlen,) = struct.unpack_from(">I", payload, 8)
            header = BlockHeader.from_json(json.loads(payload[12 : 12 + hlen]))
            offset = 12 + hlen
            (count,) = struct.unpack_from(">I", payload, offset)
            offset += 4
            if count > MAX_BLOCK_TXS:
                raise BlockFormatError("too many transactions")
            txs = []
            for _ in range(count):
                (length,) = struct.unpack_from(">I", payload, offset)
                offset += 4
                if offset + length > len(payload):
                    raise BlockFormatError("truncated transaction")
                txs.append(payload[offset : offset + length])
                offset += length
        except (struct.error, ValueError, UnicodeDecodeError) as exc:
            raise BlockFormatError(f"malformed block: {exc}") from None
        if offset != len(payload) or header.tx_count != count:
            raise BlockFormatError("block length or tx_count mismatch")
        return cls(header, tuple(txs))


def compute_list_tree(leaves: list[bytes]) -> MerkleSumTree:
    """Merkle tree (sum tree with zero sums) over a list of 32-byte hashes."""
    tree = MerkleSumTree()
    tree.resize(len(leaves))
    for index, leaf in enumerate(leaves):
        tree.set_leaf(index, leaf, 0)
    tree.root()
    return tree


def compute_list_root(leaves: list[bytes]) -> str:
    return compute_list_tree(leaves).root()[0].hex()


def compute_list_proof(leaves: list[bytes], index: int) -> list[ProofStep]:
    return compute_list_tree(leaves).proof(index)
