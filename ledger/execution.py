"""Applying transactions and blocks: ``apply_transaction`` and ``apply_block``.

Order for every transaction: static checks (decode), chain id, signature, signer rule and nonce,
then the kind's rules against state, then its effects. The first failure rejects the transaction
with a stable reason and rolls back everything it touched; only its receipt remains.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ledger.block import Block, BlockHeader, compute_list_root
from ledger.chain_state import LedgerState
from ledger.errors import InvalidTransaction, Reason, SignatureInvalid
from ledger.receipts import Receipt, compute_receipt_hash
from ledger.rules.accounts import process_register_account
from ledger.rules.context import TxContext
from ledger.rules.issuance import process_confirm_payout, process_mint, process_redeem
from ledger.rules.reserves import process_reserve_attestation
from ledger.rules.signers import process_signer
from ledger.rules.transfer import process_transfer
from ledger.tx.envelope import SignedTx, decode_transaction

Verifier = Callable[[SignedTx], bool]
Processor = Callable[[LedgerState, TxContext, Any], None]


def verify_signature(tx: SignedTx) -> bool:
    """Check the envelope signature (nodes inject a cached variant of this)."""
    return tx.public_key.verify(tx.signature, tx.signing_bytes)


PROCESSORS: dict[str, Processor] = {
    "register_account": process_register_account,
    "mint": process_mint,
    "redeem": process_redeem,
    "confirm_payout": process_confirm_payout,
    "transfer": process_transfer,
    "reserve_attestation": process_reserve_attestation,
}


def _extend_processors() -> None:
    from ledger.extensions import EXTRA_PROCESSORS

    PROCESSORS.update(EXTRA_PROCESSORS)


_extend_processors()


def _tx_identity(raw: bytes | SignedTx) -> tuple[str, str, str]:
    if isinstance(raw, SignedTx):
        return raw.tx_id, raw.kind, raw.signer
    import hashlib

    return hashlib.sha256(raw).hexdigest(), "unknown", ""


Decoder = Callable[[bytes], SignedTx]


def apply_transaction(
    state: LedgerState, raw: bytes | SignedTx, height: int, index: int, time_ms: int,
    verify: Verifier = verify_signature, decode: Decoder = decode_transaction,
) -> Receipt:
    """Apply one transaction all-or-nothing and return its receipt."""
    tx_id, kind, signer = _tx_identity(raw)
    journal = state.journal
    journal.begin()
    try:
        tx = raw if isinstance(raw, SignedTx) else decode(raw)
        tx_id, kind, signer = tx.tx_id, tx.kind, tx.signer
        if tx.chain_id != state.chain_id:
            raise InvalidTransaction(
                f"transaction is for chain {tx.chain_id!r}, this is {state.chain_id!r}",
                Reason.WRONG_CHAIN,
            )
        if not verify(tx):
            raise SignatureInvalid("signature does not verify for the envelope's public key")
        process_signer(state, tx)
        ctx = TxContext(height, index, time_ms, tx)
        PROCESSORS[tx.kind](state, ctx, tx.body)
    except InvalidTransaction as exc:
        journal.rollback()
        return Receipt(tx_id, height, index, kind, signer, "rejected", exc.reason.value,
                       exc.message, (), ())
    journal.commit()
    return Receipt(tx_id, height, index, kind, signer, "applied", None, "",
                   tuple(ctx.effects), tuple(ctx.flags))


def process_block_start(state: LedgerState, height: int, time_ms: int, parent: str) -> None:
    """Advance height, parent and block time; run time-driven rules (hold lapses, deadlines)."""
    state.set_meta("height", height)
    state.set_meta("time_ms", time_ms)
    state.set_meta("parent", parent)
    from ledger.extensions import run_block_start_hooks

    run_block_start_hooks(state, height, time_ms)


def apply_block(
    state: LedgerState, block: Block, verify: Verifier = verify_signature,
    decode: Decoder = decode_transaction,
) -> list[Receipt]:
    """Apply every transaction of ``block`` in order; the header's roots are checked by callers.

    ``verify`` and ``decode`` may be cached variants (a node decodes and verifies a transaction
    once, at admission); they must behave exactly like the defaults.
    """
    header = block.header
    process_block_start(state, header.height, header.time_ms, header.parent)
    return [
        apply_transaction(state, raw, header.height, index, header.time_ms, verify, decode)
        for index, raw in enumerate(block.txs)
    ]


def compute_block_mismatch(
    state: LedgerState, block: Block, receipts: Sequence[Receipt]
) -> str | None:
    """After ``apply_block``: None if the header's roots match our execution, else what differs."""
    header = block.header
    if header.chain_id != state.chain_id:
        return "chain id"
    if compute_tx_root([r.tx_id for r in receipts]) != header.tx_root:
        return "tx_root"
    if compute_list_root([compute_receipt_hash(r) for r in receipts]) != header.receipts_root:
        return "receipts_root"
    if state.compute_state_root().hex() != header.state_root:
        return "state_root"
    return None


def compute_tx_root(tx_ids: Sequence[str]) -> str:
    """Merkle root over the block's transaction ids, in block order (a transaction that cannot
    be decoded is identified by the SHA-256 of its bytes)."""
    return compute_list_root([bytes.fromhex(t) for t in tx_ids])


def build_block(
    state: LedgerState, *, height: int, time_ms: int, proposer: int, parent: str,
    txs: Sequence[SignedTx], verify: Verifier = verify_signature,
) -> tuple[Block, list[Receipt]]:
    """Execute ``txs`` on ``state`` and return the block whose header commits to the result.

    Leaves state changed: callers wrap this in a journal mark to keep or discard it.
    """
    process_block_start(state, height, time_ms, parent)
    receipts = [
        apply_transaction(state, tx, height, index, time_ms, verify)
        for index, tx in enumerate(txs)
    ]
    header = BlockHeader(
        chain_id=state.chain_id,
        height=height,
        parent=parent,
        time_ms=time_ms,
        proposer=proposer,
        tx_count=len(txs),
        tx_root=compute_tx_root([tx.tx_id for tx in txs]),
        receipts_root=compute_list_root([compute_receipt_hash(r) for r in receipts]),
        state_root=state.compute_state_root().hex(),
    )
    return Block(header, tuple(tx.raw for tx in txs)), receipts
