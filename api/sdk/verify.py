"""Checking what a node returns without trusting it: receipts and liabilities proofs.

``verify_receipt(bundle, genesis)`` accepts a receipt only if

1. the block header belongs to the genesis' chain and its hash is what a commit certificate of
   quorum-many distinct genesis validators signed (``api.sdk.certificate``), and
2. the transaction id and the receipt hash sit at the receipt's index under the header's
   ``tx_root`` and ``receipts_root`` (Merkle paths whose left/right turns must match the index),
3. the included signed envelope, if given, hashes to the receipt's tx id and its signature holds.

``verify_liabilities_proof(proof, genesis)`` checks an account's leaf up to the liabilities root,
the table roots up to the certified header's ``state_root``. Both raise ``VerificationError``
saying what failed.
"""

from __future__ import annotations

import hashlib
from typing import Any

from api.sdk.certificate import (
    CertificateFormatError,
    certificate_from_json,
    compute_certificate_problem,
    is_certificate_valid,
)
from ledger.block import BlockFormatError, BlockHeader
from ledger.chain_state import compute_account_leaf
from ledger.codec import from_jsonable
from ledger.commitment.merkle_sum import ProofStep, compute_root_from_proof
from ledger.crypto.keys import KeyError_, PublicKey
from ledger.encoding import tagged_hash
from ledger.genesis import Genesis
from ledger.model import Account
from ledger.receipts import Receipt, compute_receipt_hash
from ledger.tx.envelope import compute_signing_bytes


class VerificationError(Exception):
    """The node's answer does not prove what it claims."""


def verify_final_header(header_json: dict[str, Any], certificate: dict[str, Any] | None,
                        genesis: Genesis) -> BlockHeader:
    """The header, if a valid commit certificate of the genesis validators covers its hash."""
    try:
        header = BlockHeader.from_json(dict(header_json))
    except (BlockFormatError, TypeError) as exc:
        raise VerificationError(f"malformed block header: {exc}") from None
    if header.chain_id != genesis.chain_id:
        raise VerificationError(f"block is from chain {header.chain_id!r}, not {genesis.chain_id!r}")
    if certificate is None:
        raise VerificationError("no commit certificate: the node did not prove finality")
    try:
        cert = certificate_from_json(certificate)
    except CertificateFormatError as exc:
        raise VerificationError(str(exc)) from None
    if cert.height != header.height or cert.digest != header.compute_hash():
        raise VerificationError("the commit certificate is for another block")
    if not is_certificate_valid(cert, genesis):
        raise VerificationError(f"commit certificate rejected: "
                                f"{compute_certificate_problem(cert, genesis)}")
    return header


def _parse_steps(steps: Any, with_sums: bool) -> list[ProofStep]:
    try:
        parsed = []
        for step in steps:
            sibling = bytes.fromhex(step["hash"])
            if len(sibling) != 32 or not isinstance(step["left"], bool):
                raise ValueError("bad step")
            parsed.append(ProofStep(sibling, int(step["sum"]) if with_sums else 0, step["left"]))
        return parsed
    except (KeyError, TypeError, ValueError) as exc:
        raise VerificationError(f"malformed Merkle path: {exc}") from None


def check_path(leaf: bytes, value: int, index: int, size: int, steps: list[ProofStep],
               what: str) -> tuple[bytes, int]:
    """Fold a Merkle path whose turns must spell ``index`` in a tree of ``size`` leaves."""
    if not 0 <= index < size:
        raise VerificationError(f"{what} index {index} outside a tree of {size} leaves")
    if len(steps) != max(0, (size - 1).bit_length()):
        raise VerificationError(f"{what} path has the wrong length")
    for level, step in enumerate(steps):
        if step.sibling_is_left != bool((index >> level) & 1):
            raise VerificationError(f"{what} path does not lead to index {index}")
    try:
        return compute_root_from_proof(leaf, value, steps)
    except ValueError as exc:
        raise VerificationError(f"{what} path: {exc}") from None


def verify_receipt(bundle: dict[str, Any], genesis: Genesis) -> Receipt:
    """The receipt, once proven final and included (see module docstring)."""
    header = verify_final_header(bundle.get("header") or {}, bundle.get("certificate"), genesis)
    try:
        receipt = Receipt.from_json(bundle["receipt"])
        tx_leaf = bytes.fromhex(receipt.tx_id)
    except (KeyError, TypeError, ValueError) as exc:
        raise VerificationError(f"malformed receipt: {exc}") from None
    if receipt.height != header.height:
        raise VerificationError(f"receipt says height {receipt.height}, block is {header.height}")
    steps = _parse_steps(bundle.get("tx_proof") or [], with_sums=False)
    root, _ = check_path(tx_leaf, 0, receipt.index, header.tx_count, steps, "transaction")
    if root.hex() != header.tx_root:
        raise VerificationError("transaction is not in the block (tx_root mismatch)")
    steps = _parse_steps(bundle.get("receipt_proof") or [], with_sums=False)
    root, _ = check_path(compute_receipt_hash(receipt), 0, receipt.index, header.tx_count, steps,
                         "receipt")
    if root.hex() != header.receipts_root:
        raise VerificationError("receipt is not the one the block committed to "
                                "(receipts_root mismatch)")
    envelope = bundle.get("transaction")
    if envelope is not None:
        _check_envelope(envelope, receipt.tx_id)
    return receipt


def _check_envelope(envelope: dict[str, Any], tx_id: str) -> None:
    try:
        signing_bytes = compute_signing_bytes(envelope)
        key = PublicKey.parse(envelope["public_key"])
    except (KeyError, TypeError, ValueError, KeyError_) as exc:
        raise VerificationError(f"malformed transaction envelope: {exc}") from None
    if hashlib.sha256(signing_bytes).hexdigest() != tx_id:
        raise VerificationError("the transaction shown is not the one with this id")
    if not key.verify(envelope.get("signature", ""), signing_bytes):
        raise VerificationError("the transaction's signature does not verify")


def compute_state_root_from_tables(tables: list[dict[str, Any]]) -> bytes:
    """State root from every table's (name, root, total, size), as ``ledger.state.TableSet``."""
    parts = []
    for table in sorted(tables, key=lambda t: t["name"]):
        name = str(table["name"]).encode()
        parts.append(len(name).to_bytes(1, "big") + name + bytes.fromhex(table["root"])
                     + int(table["total"]).to_bytes(8, "big") + int(table["size"]).to_bytes(8, "big"))
    return tagged_hash(b"NTDC/state/v1", b"".join(parts))


def verify_liabilities_proof(proof: dict[str, Any], genesis: Genesis) -> Account:
    """The account record, once its balances are proven inside the certified liabilities tree."""
    header = verify_final_header(proof.get("header") or {}, proof.get("certificate"), genesis)
    if proof.get("height") != header.height:
        raise VerificationError("proof height differs from the block header")
    try:
        tables = {t["name"]: t for t in proof["tables"]}
        state_root = compute_state_root_from_tables(list(tables.values()))
        accounts = tables["accounts"]
        account = from_jsonable(Account, proof["account"])
        if not isinstance(account, Account):
            raise ValueError("account record expected")
        index, size = int(proof["leaf_index"]), int(accounts["size"])
    except (KeyError, TypeError, ValueError) as exc:
        raise VerificationError(f"malformed liabilities proof: {exc}") from None
    if state_root.hex() != header.state_root:
        raise VerificationError("table roots do not hash to the certified state root")
    leaf = compute_account_leaf(account)
    if leaf.hex() != proof.get("leaf_hash"):
        raise VerificationError("the account record does not match its leaf")
    steps = _parse_steps(proof.get("steps") or [], with_sums=True)
    root, total = check_path(leaf, account.total, index, size, steps, "liabilities")
    if root.hex() != accounts["root"] or total != int(accounts["total"]):
        raise VerificationError("the account is not in the liabilities tree")
    return account
