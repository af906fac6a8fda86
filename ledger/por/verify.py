"""Stand-alone verification of a proof of reserves, from documents and a genesis file only.

``verify_por`` runs the checks in a fixed order and stops at the first failure, raising
``PorFailure`` whose ``check`` names the step:

1. ``documents``   both documents are well formed;
2. ``binding``     the inclusion proof is for this checkpoint (chain, height, state root,
                   liabilities root, total and size);
3. ``leaf``        the leaf's balances are non-negative and within the supply bound;
4. ``path``        the path has the tree's depth, sides match the leaf index, every sibling sum
                   and running total is in range;
5. ``root``        the path reaches the liabilities root hash, and with exactly its total;
6. ``state-root``  the table entries hash to the checkpoint's state root;
7. ``certificate`` quorum-many distinct genesis validators signed that state root;
8. ``meta``        the meta rows rebuild the meta table's root, the height is the checkpoint's
                   and the recorded supply equals the liabilities total;
9. ``attestation`` the custodian's attestation is the one the chain recorded, signed by the
                   genesis custodian key;
10. ``reserves``   reserves (attested balance + custodian receipts − payouts since) cover the
                   liabilities total plus redemptions awaiting payout.

``verify_checkpoint`` runs steps 6-10 alone (for a regulator or auditor without an account).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ledger.commitment.proofs import ProofError, fold_path
from ledger.crypto.keys import KeyError_, PublicKey
from ledger.errors import InvalidTransaction
from ledger.genesis import Genesis
from ledger.por.certificate import CertificateError, compute_quorum, verify_checkpoint_certificate
from ledger.por.documents import (
    DocumentError,
    ParsedCheckpoint,
    ParsedInclusion,
    parse_checkpoint_document,
    parse_inclusion_document,
    unwrap_document,
)
from ledger.por.leaf import MAX_BALANCE, LeafError
from ledger.por.records import (
    LIABILITIES_TABLE,
    META_TABLE,
    CheckpointRecord,
    compute_meta_root,
    compute_state_root_from_entries,
)
from ledger.tx.bodies import ReserveAttestation
from ledger.tx.envelope import decode_transaction


class PorFailure(Exception):
    """The first check that failed, and why."""

    def __init__(self, check: str, message: str) -> None:
        super().__init__(f"{check}: {message}")
        self.check = check
        self.message = message


@dataclass(frozen=True, slots=True)
class CheckpointFigures:
    """What a verified checkpoint proves about liabilities and reserves."""

    chain_id: str
    height: int
    state_root: str
    accounts: int
    liabilities_total: int
    pending_payouts: int
    liabilities_due: int
    attested_reserves: int
    reserve_adjustment: int
    reserves: int
    attestation_id: str
    attested_as_of_ms: int
    endorsements: int
    quorum: int


@dataclass(frozen=True, slots=True)
class PorReport:
    """A verified inclusion proof and its checkpoint."""

    checkpoint: CheckpointFigures
    account: str
    index: int
    available: int
    pledged: int
    held: int

    @property
    def balance(self) -> int:
        return self.available + self.pledged + self.held


def _fail(check: str, message: str) -> PorFailure:
    return PorFailure(check, message)


def _parse_checkpoint(data: Any) -> ParsedCheckpoint:
    try:
        return parse_checkpoint_document(unwrap_document(data, "checkpoint"))
    except DocumentError as exc:
        raise _fail("documents", f"checkpoint document: {exc}") from None


def _parse_inclusion(data: Any) -> ParsedInclusion:
    try:
        return parse_inclusion_document(unwrap_document(data, "inclusion"))
    except DocumentError as exc:
        raise _fail("documents", f"inclusion proof: {exc}") from None


def verify_por(checkpoint_doc: Any, proof_doc: Any, genesis: Genesis) -> PorReport:
    """Verify an account's inclusion proof and its checkpoint; raises PorFailure."""
    checkpoint = _parse_checkpoint(checkpoint_doc)
    proof = _parse_inclusion(proof_doc)
    record = checkpoint.record
    _check_binding(record, proof)
    leaf = proof.leaf
    try:
        leaf.check()
    except LeafError as exc:
        raise _fail("leaf", str(exc)) from None
    try:
        folded = fold_path(leaf.compute_hash(), leaf.total, proof.index,
                           proof.liabilities.size, proof.steps, MAX_BALANCE)
    except ProofError as exc:
        raise _fail("path", str(exc)) from None
    liabilities = record.get_table(LIABILITIES_TABLE)
    assert liabilities is not None  # _check_binding found it
    if folded.root != liabilities.root:
        raise _fail("root", f"path leads to {folded.root.hex()}, not the liabilities root "
                            f"{liabilities.root.hex()}")
    # The hash binds every sum, so a matching hash with another total means the checkpoint
    # states a total its own tree does not have.
    if folded.total != liabilities.total:
        raise _fail("root", f"path reaches the liabilities root hash but sums to "
                            f"{folded.total}, not the checkpoint's total {liabilities.total}")
    figures = _verify_checkpoint(checkpoint, genesis)
    return PorReport(figures, leaf.account, proof.index, leaf.available, leaf.pledged, leaf.held)


def verify_checkpoint(checkpoint_doc: Any, genesis: Genesis) -> CheckpointFigures:
    """Verify a checkpoint document alone (steps 6-10); raises PorFailure."""
    return _verify_checkpoint(_parse_checkpoint(checkpoint_doc), genesis)


def _check_binding(record: CheckpointRecord, proof: ParsedInclusion) -> None:
    if (proof.chain_id, proof.height, proof.state_root) != (
            record.chain_id, record.height, record.state_root):
        raise _fail(
            "binding",
            f"the proof is for checkpoint {proof.chain_id}@{proof.height} (state root "
            f"{proof.state_root.hex()[:16]}…), but the checkpoint file is "
            f"{record.chain_id}@{record.height} (state root {record.state_root.hex()[:16]}…)",
        )
    liabilities = record.get_table(LIABILITIES_TABLE)
    if liabilities is None:
        raise _fail("binding", "the checkpoint has no accounts (liabilities) table")
    claimed = proof.liabilities
    if (claimed.root, claimed.total, claimed.size) != (
            liabilities.root, liabilities.total, liabilities.size):
        raise _fail(
            "binding",
            f"the proof's liabilities (root {claimed.root.hex()[:16]}…, total {claimed.total}, "
            f"{claimed.size} leaves) differ from the checkpoint's (root "
            f"{liabilities.root.hex()[:16]}…, total {liabilities.total}, {liabilities.size} "
            f"leaves)",
        )


def _verify_checkpoint(checkpoint: ParsedCheckpoint, genesis: Genesis) -> CheckpointFigures:
    record = checkpoint.record
    if record.chain_id != genesis.chain_id:
        raise _fail("state-root", f"checkpoint is for chain {record.chain_id!r}, the genesis "
                                  f"file is for {genesis.chain_id!r}")
    names = [t.name for t in record.tables]
    if names != sorted(set(names)):
        raise _fail("state-root", "table entries must be in name order without duplicates")
    if compute_state_root_from_entries(record.tables) != record.state_root:
        raise _fail("state-root", "the table entries do not hash to the checkpoint's state root")
    try:
        endorsements = verify_checkpoint_certificate(
            checkpoint.certificate, genesis, height=record.height, state_root=record.state_root)
    except CertificateError as exc:
        raise _fail("certificate", str(exc)) from None
    _check_meta(record)
    attestation = _check_attestation(checkpoint.attestation, record, genesis)
    liabilities = record.liabilities
    pending = record.get_meta_int("pending_payouts")
    attested = record.get_meta_int("attested_reserves")
    adjustment = record.get_meta_int("reserve_adjustment")
    reserves, due = attested + adjustment, liabilities.total + pending
    if due > reserves:
        raise _fail(
            "reserves",
            f"liabilities {due} (balances {liabilities.total} + pending payouts {pending}) "
            f"exceed custodian-attested reserves {reserves} (attested {attested} in "
            f"{attestation.attestation_id}, {adjustment:+d} from receipts and payouts since)",
        )
    return CheckpointFigures(
        chain_id=record.chain_id, height=record.height, state_root=record.state_root.hex(),
        accounts=liabilities.size, liabilities_total=liabilities.total, pending_payouts=pending,
        liabilities_due=due, attested_reserves=attested, reserve_adjustment=adjustment,
        reserves=reserves, attestation_id=attestation.attestation_id,
        attested_as_of_ms=attestation.as_of_ms, endorsements=endorsements,
        quorum=compute_quorum(genesis),
    )


def _check_meta(record: CheckpointRecord) -> None:
    meta = record.get_table(META_TABLE)
    if meta is None:
        raise _fail("meta", "the checkpoint has no meta table")
    indices = [row.index for row in record.meta]
    keys = [row.key for row in record.meta]
    if len(set(indices)) != len(indices) or len(set(keys)) != len(keys):
        raise _fail("meta", "meta rows repeat an index or a key")
    if any(index >= meta.size for index in indices):
        raise _fail("meta", f"a meta row lies outside the table's {meta.size} leaves")
    # Every row is given, so a missing row (e.g. pending payouts) is provably absent.
    if compute_meta_root(record.meta, meta.size) != (meta.root, meta.total):
        raise _fail("meta", "the meta rows do not rebuild the meta table's root")
    if record.get_meta("height") != record.height:
        raise _fail("meta", f"the state's height is {record.get_meta('height')}, not the "
                            f"checkpoint height {record.height}")
    for key in ("supply", "pending_payouts", "attested_reserves", "reserve_adjustment"):
        value = record.get_meta(key)
        if value is not None and not isinstance(value, int):
            raise _fail("meta", f"meta {key} is not an integer")
    supply = record.get_meta_int("supply")
    if supply != record.liabilities.total:
        raise _fail("meta", f"the liabilities tree sums to {record.liabilities.total} but the "
                            f"recorded supply is {supply}")


def _check_attestation(
    envelope: dict[str, Any] | None, record: CheckpointRecord, genesis: Genesis
) -> ReserveAttestation:
    recorded = record.get_meta("attestation_tx")
    if recorded is None:
        raise _fail("attestation", f"no reserve attestation is recorded on chain at "
                                   f"checkpoint {record.height}")
    if envelope is None:
        raise _fail("attestation", f"the checkpoint document does not carry attestation "
                                   f"transaction {recorded}")
    try:
        tx = decode_transaction(envelope)
    except InvalidTransaction as exc:
        raise _fail("attestation", f"malformed attestation transaction: {exc.message}") \
            from None
    if tx.kind != "reserve_attestation" or tx.signer != "custodian":
        raise _fail("attestation", f"expected a reserve_attestation signed by the custodian, "
                                   f"got {tx.kind} signed by {tx.signer}")
    if tx.chain_id != genesis.chain_id:
        raise _fail("attestation", f"attestation is for chain {tx.chain_id!r}")
    custodian_key = genesis.roles.get("custodian")
    try:
        expected = PublicKey.parse(custodian_key or "")
    except KeyError_:
        raise _fail("attestation", "the genesis file has no valid custodian key") from None
    if tx.public_key != expected:
        raise _fail("attestation", "attestation is not signed with the genesis custodian key")
    if not tx.public_key.verify(tx.signature, tx.signing_bytes):
        raise _fail("attestation", "the custodian's signature on the attestation does not verify")
    if tx.tx_id != recorded:
        raise _fail("attestation", f"attestation {tx.tx_id} is not the one recorded at this "
                                   f"checkpoint ({recorded})")
    body = tx.body
    assert isinstance(body, ReserveAttestation)
    if body.reserve_balance != record.get_meta_int("attested_reserves"):
        raise _fail("attestation", f"attested balance {body.reserve_balance} differs from the "
                                   f"recorded {record.get_meta_int('attested_reserves')}")
    return body
