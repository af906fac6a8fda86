"""Reading committed blocks, receipts and history from node storage, with their proofs.

``ChainReader`` is the only part of the API that talks to storage; it reads (never writes) and
its methods block, so routes call them through ``run_in_threadpool``. Committed blocks never
change, so the Merkle trees of recently read blocks are cached.

A receipt bundle is everything a wallet needs to check a receipt without trusting the node: the
receipt, the signed transaction, the block header, the Merkle paths from the transaction id and
the receipt hash to the header's ``tx_root`` and ``receipts_root``, and the block's commit
certificate (see ``api.sdk.verify``).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Protocol

from api.sdk.certificate import (
    CertificateFormatError,
    certificate_to_json,
    decode_stored_certificate,
)
from ledger.block import Block, BlockHeader, compute_list_tree
from ledger.commitment.merkle_sum import MerkleSumTree
from ledger.receipts import Receipt, compute_receipt_hash


class StoredBlockLike(Protocol):
    height: int
    hash: str
    header: BlockHeader
    payload: bytes
    certificate: bytes

    def decode(self) -> Block: ...


class ChainStore(Protocol):
    """What the API reads from storage (``nodes.storage.Repository`` provides it)."""

    def tip_height(self) -> int: ...
    def get_block(self, height: int) -> StoredBlockLike | None: ...
    def get_blocks(self, first: int, last: int) -> list[Any]: ...
    def get_receipt(self, tx_id: str) -> Receipt | None: ...
    def get_receipts(self, height: int) -> list[Receipt]: ...
    def get_history(self, account: str, limit: int = 50,
                    before: tuple[int, int] | None = None) -> list[Receipt]: ...


@dataclass(frozen=True)
class BlockView:
    """A committed block with its receipts and the trees over them."""

    stored: StoredBlockLike
    block: Block
    receipts: list[Receipt]
    tx_tree: MerkleSumTree
    receipt_tree: MerkleSumTree

    @property
    def header(self) -> BlockHeader:
        return self.block.header

    def certificate_json(self) -> dict[str, Any] | None:
        try:
            cert = decode_stored_certificate(self.stored.certificate)
        except CertificateFormatError:
            return None
        return None if cert is None else certificate_to_json(cert)

    def transaction_json(self, index: int) -> dict[str, Any] | None:
        """The signed envelope at ``index`` as JSON (None if it never decoded)."""
        try:
            value = json.loads(self.block.txs[index])
        except (ValueError, UnicodeDecodeError):
            return None
        return value if isinstance(value, dict) else None


def compute_proof_json(tree: MerkleSumTree, index: int) -> list[dict[str, Any]]:
    """A Merkle path as JSON: sibling hash (hex) and whether the sibling is on the left."""
    return [{"hash": step.sibling_hash.hex(), "left": step.sibling_is_left}
            for step in tree.proof(index)]


class ChainReader:
    def __init__(self, store: ChainStore, cache_blocks: int = 64) -> None:
        self.store = store
        self._cache: OrderedDict[int, BlockView] = OrderedDict()
        self._cache_size = cache_blocks
        self._lock = threading.Lock()

    def tip_height(self) -> int:
        return self.store.tip_height()

    def get_block_view(self, height: int) -> BlockView | None:
        """The committed block at ``height`` with its receipts and trees (cached)."""
        with self._lock:
            view = self._cache.get(height)
            if view is not None:
                self._cache.move_to_end(height)
                return view
        stored = self.store.get_block(height)
        if stored is None:
            return None
        block = stored.decode()
        receipts = self.store.get_receipts(height)
        tx_tree = compute_list_tree([bytes.fromhex(r.tx_id) for r in receipts])
        receipt_tree = compute_list_tree([compute_receipt_hash(r) for r in receipts])
        view = BlockView(stored, block, receipts, tx_tree, receipt_tree)
        with self._lock:
            self._cache[height] = view
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return view

    def get_receipt(self, tx_id: str) -> Receipt | None:
        return self.store.get_receipt(tx_id)

    def get_receipt_bundle(self, receipt: Receipt) -> dict[str, Any] | None:
        """Receipt + transaction + header + inclusion proofs + certificate."""
        view = self.get_block_view(receipt.height)
        if view is None or receipt.index >= len(view.receipts):
            return None
        return {
            "receipt": receipt.to_json(),
            "transaction": view.transaction_json(receipt.index),
            "header": view.header.to_json(),
            "block_hash": view.stored.hash,
            "tx_proof": compute_proof_json(view.tx_tree, receipt.index),
            "receipt_proof": compute_proof_json(view.receipt_tree, receipt.index),
            "certificate": view.certificate_json(),
        }

    def get_history(self, account: str, limit: int,
                    before: tuple[int, int] | None) -> list[Receipt]:
        return self.store.get_history(account, limit, before)

    def get_blocks(self, first: int, last: int) -> list[Any]:
        return self.store.get_blocks(first, last)

    def get_receipts(self, height: int) -> list[Receipt]:
        return self.store.get_receipts(height)
