"""Every reason code of the core transaction kinds, triggered, and proof that the rejected
transaction changed nothing (every row, leaf index and table size; the state root; the
liabilities root; the invariants).

The rejected transaction is applied on its own (``apply_transaction``, no block start, so no
height or time moves) and then again inside a block, where everything but the block's
height/time/parent must be unchanged.
"""

from __future__ import annotations

import inspect
import json
import sys
from dataclasses import replace
from typing import Any

import pytest

from api.sdk.builders import Dossier, register_account_body, sign_deposit_receipt
from ledger.chain_state import LedgerState
from ledger.codec import to_jsonable
from ledger.crypto.keys import PrivateKey
from ledger.errors import InvalidTransaction, Reason
from ledger.execution import apply_transaction
from ledger.invariants import check_invariants
from ledger.receipts import Receipt
from ledger.tx.envelope import (
    MAX_TX_BYTES,
    build_transaction,
    decode_transaction,
    encode_transaction,
)
from ledger.types import MAX_AMOUNT, MAX_SUPPLY, AccountKind, AccountStatus
from nodes.workload import Holder, Workload
from tests.support.chain import Chain

BLOCK_META = ("height", "time_ms", "parent")
"""Meta rows every block start rewrites, whatever its transactions do."""

RECEIPT_WRONG_BANK_UNREACHABLE = Reason.RECEIPT_WRONG_BANK
"""A mint must be signed by ``bank:<receipt.bank>`` (signer rule), so a receipt of another bank
is refused as WRONG_SIGNER before the mint rule could say RECEIPT_WRONG_BANK."""

CORE_REASONS = {
    Reason.MALFORMED, Reason.WRONG_CHAIN, Reason.BAD_SIGNATURE, Reason.WRONG_SIGNER,
    Reason.NONCE_REUSED, Reason.NONCE_GAP, Reason.UNKNOWN_ACCOUNT, Reason.ACCOUNT_CLOSED,
    Reason.ACCOUNT_EXISTS, Reason.ACCOUNT_HELD, Reason.ACCOUNT_FROZEN, Reason.UNKNOWN_BANK,
    Reason.AMOUNT_OUT_OF_RANGE, Reason.INSUFFICIENT_FUNDS, Reason.SELF_TRANSFER,
    Reason.MINT_WITHOUT_RECEIPT, Reason.RECEIPT_REUSED, Reason.RECEIPT_NOT_CUSTODIAN,
    Reason.NOT_HOME_BANK, Reason.SUPPLY_EXCEEDS_RESERVES, Reason.REDEEM_EXCEEDS_BALANCE,
    Reason.UNKNOWN_REDEMPTION, Reason.REDEMPTION_ALREADY_PAID, Reason.STALE_ATTESTATION,
    Reason.CUSTODIAN_SEQ_REUSED,
}


# --- the "changed nothing" helper -----------------------------------------------------------

def snapshot_state(state: LedgerState, *, skip_meta: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every row of every table (key, leaf index, value) and each table's next leaf index."""
    tables: dict[str, Any] = {}
    for name, table in state.tables.tables.items():
        rows = {
            json.dumps(to_jsonable(key)): [index, to_jsonable(value)]
            for key, index, value in table.rows()
            if not (name == "meta" and key in skip_meta)
        }
        tables[name] = {"next_index": table.next_index, "rows": rows}
    return tables


def _signers(work: Workload) -> list[Any]:
    found = [*work.banks.values(), work.custodian, *(h.signer for h in work.holders)]
    return found + list(getattr(work, "_roles", {}).values())


def _rewind_nonce(chain: Chain, tx: dict[str, Any] | bytes) -> None:
    """A rejected transaction does not consume its nonce: give it back to its signer (unless the
    chain already used that nonce, as for a replay)."""
    if not isinstance(tx, dict):
        return
    state = chain.state
    record = state.accounts.get(tx.get("signer", "")) or state.roles.get(tx.get("signer", ""))
    if record is not None and record.nonce >= tx.get("nonce", 0):
        return
    for signer in _signers(chain.work):
        if signer is not None and signer.signer == tx.get("signer") and (
                signer.next_nonce - 1 == tx.get("nonce")):
            signer.next_nonce -= 1
            return


def assert_rejected(chain: Chain, tx: dict[str, Any] | bytes, reason: Reason) -> Receipt:
    """Apply ``tx``; it must be rejected with ``reason`` and leave the state exactly as it was."""
    state = chain.state
    before = snapshot_state(state)
    root, liabilities = state.compute_state_root(), state.compute_liabilities()
    raw = tx if isinstance(tx, bytes) else encode_transaction(tx)
    receipt = apply_transaction(state, raw, state.height + 1, 0, chain.time_ms + 1000)
    assert (receipt.status, receipt.reason) == ("rejected", reason.value), receipt.message
    assert receipt.message and receipt.effects == () and receipt.flags == ()
    assert state.journal.depth == 0
    assert snapshot_state(state) == before
    assert state.compute_state_root() == root
    assert state.compute_liabilities() == liabilities
    assert check_invariants(state) == []
    if isinstance(tx, dict) and _decodes(raw):
        # The same inside a block: only the block's own height, time and parent move.
        (in_block,) = chain.block(tx)
        assert (in_block.status, in_block.reason) == ("rejected", reason.value)
        assert snapshot_state(state, skip_meta=BLOCK_META) == {
            **before, "meta": snapshot_state_meta(before)}
        assert state.compute_liabilities() == liabilities
        assert check_invariants(state) == []
    _rewind_nonce(chain, tx)
    return receipt


def snapshot_state_meta(before: dict[str, Any]) -> dict[str, Any]:
    meta = before["meta"]
    rows = {k: v for k, v in meta["rows"].items() if json.loads(k) not in BLOCK_META}
    return {"next_index": meta["next_index"], "rows": rows}


def _decodes(raw: bytes) -> bool:
    try:
        decode_transaction(raw)
    except InvalidTransaction:
        return False
    return True


def test_every_core_reason_has_a_test() -> None:
    source = inspect.getsource(sys.modules[__name__])
    tested = {r for r in Reason if f"Reason.{r.name})" in source}
    assert CORE_REASONS - tested == set()


# --- fixtures -------------------------------------------------------------------------------

@pytest.fixture
def chain() -> Chain:
    """Two customers of BANK-A and one of BANK-B, funded with 100,000 / 50,000 / 70,000."""
    chain = Chain.create(seed=7)
    w = chain.work
    regs = [w.new_holder(bank)[1] for bank in ("BANK-A", "BANK-A", "BANK-B")]
    assert all(r.applied for r in chain.block(*regs))
    a1, a2, b1 = w.holders
    assert all(r.applied for r in chain.block(w.mint(a1, 100_000), w.mint(a2, 50_000),
                                              w.mint(b1, 70_000)))
    return chain


def holders(chain: Chain) -> tuple[Holder, Holder, Holder]:
    a1, a2, b1 = chain.work.holders[:3]
    return a1, a2, b1


def sign_as(key: PrivateKey, chain: Chain, kind: str, signer: str, nonce: int,
            body: dict[str, Any], chain_id: str | None = None) -> dict[str, Any]:
    return build_transaction(key, chain_id=chain_id or chain.genesis.chain_id, kind=kind,
                             signer=signer, nonce=nonce, body=body)


def set_status(chain: Chain, holder: Holder, status: AccountStatus) -> None:
    account = chain.state.accounts[holder.account]
    chain.state.accounts.set(holder.account, replace(account, status=status,
                                                     status_order="ORDER-1"))


def receipt_for(chain: Chain, bank: str, amount: int, *, seq: int | None = None,
                key: PrivateKey | None = None, chain_id: str | None = None,
                receipt_id: str | None = None) -> dict[str, Any]:
    w = chain.work
    if seq is None:
        w.custodian_seq += 1
        seq = w.custodian_seq
    return sign_deposit_receipt(
        key or chain.keys.roles["custodian"], chain_id=chain_id or chain.genesis.chain_id,
        receipt_id=receipt_id or f"DR-T-{seq:06d}-{amount}", bank=bank, amount=amount,
        issued_at_ms=chain.time_ms, custodian_seq=seq)


# --- malformed transactions -----------------------------------------------------------------

def _valid_transfer(chain: Chain) -> dict[str, Any]:
    a1, a2, _ = holders(chain)
    envelope = chain.work.transfer(a1, a2, 10)
    a1.signer.next_nonce -= 1  # these probes are never applied
    return envelope


@pytest.mark.parametrize("raw", [
    b"{not json",
    b"",
    b"[]",
    b'"transfer"',
    b"\xff\xfe{}",
    b"null",
    b"[" * 60_000,
    b'{"v":' * 33 + b"1" + b"}" * 33,
], ids=["bad-json", "empty", "array", "string", "not-utf8", "null", "deep-array", "deep-object"])
def test_not_a_json_object_is_malformed(chain: Chain, raw: bytes) -> None:
    receipt = assert_rejected(chain, raw, Reason.MALFORMED)
    assert receipt.kind == "unknown"


def _mutations() -> list[tuple[str, Any]]:
    def drop(key: str) -> Any:
        return lambda e: {k: v for k, v in e.items() if k != key}

    def put(key: str, value: Any) -> Any:
        return lambda e: {**e, key: value}

    def put_body(key: str, value: Any) -> Any:
        return lambda e: {**e, "body": {**e["body"], key: value}}

    return [
        ("missing-nonce", drop("nonce")),
        ("missing-signature", drop("signature")),
        ("missing-body", drop("body")),
        ("extra-envelope-key", put("fee", "1")),
        ("extra-body-key", put_body("fee", "1")),
        ("version-2", put("v", 2)),
        ("version-float", put("v", 1.0)),
        ("version-bool", put("v", True)),
        ("unknown-kind", put("kind", "steal")),
        ("nonce-string", put("nonce", "1")),
        ("nonce-float", put("nonce", 3.0)),
        ("nonce-zero", put("nonce", 0)),
        ("nonce-too-big", put("nonce", 2**53 + 1)),
        ("chain-id-number", put("chain_id", 5)),
        ("signer-too-long", put("signer", "x" * 129)),
        ("body-array", put("body", [])),
        ("public-key-garbage", put("public_key", "ed25519:!!!")),
        ("public-key-list", put("public_key", ["ed25519"])),
        ("public-key-padded", lambda e: {**e, "public_key": e["public_key"] + "="}),
        ("signature-number", put("signature", 5)),
        ("amount-number", put_body("amount", 10)),
        ("amount-leading-zero", put_body("amount", "010")),
        ("amount-decimal-point", put_body("amount", "10.5")),
        ("amount-with-plus", put_body("amount", "+10")),
        ("to-not-an-account", put_body("to", "ntdc1notanaccount")),
        ("to-wrong-checksum", lambda e: {**e, "body": {**e["body"], "to": e["body"]["to"][:-1]
                                                       + ("q" if e["body"]["to"][-1] != "q"
                                                          else "p")}}),
        ("memo-too-long", put_body("memo", "x" * 141)),
        ("memo-number", put_body("memo", 5)),
        ("memo-lone-surrogate", put_body("memo", "\ud800")),
    ]


@pytest.mark.parametrize(("name", "mutate"), _mutations(), ids=[m[0] for m in _mutations()])
def test_malformed_envelopes(chain: Chain, name: str, mutate: Any) -> None:
    envelope = mutate(_valid_transfer(chain))
    raw = json.dumps(envelope).encode()
    assert_rejected(chain, raw, Reason.MALFORMED)


def test_nesting_is_limited_before_parsing(chain: Chain) -> None:
    """Deep nesting used to raise RecursionError out of the state machine; the limit is checked
    before parsing so the outcome never depends on the interpreter's stack."""
    envelope = _valid_transfer(chain)
    deep: Any = "x"
    for _ in range(40):
        deep = [deep]
    envelope["body"]["memo"] = deep
    assert_rejected(chain, json.dumps(envelope).encode(), Reason.MALFORMED)


def test_duplicate_member_names_are_malformed(chain: Chain) -> None:
    """Parsers disagree on which duplicate wins; the ledger accepts neither."""
    envelope = _valid_transfer(chain)
    raw = encode_transaction(envelope)
    doubled = raw.replace(b'"amount":"10"', b'"amount":"10","amount":"99999"')
    assert doubled != raw
    assert_rejected(chain, doubled, Reason.MALFORMED)


def test_transactions_are_utf8_only(chain: Chain) -> None:
    text = encode_transaction(_valid_transfer(chain)).decode()
    assert_rejected(chain, text.encode("utf-16"), Reason.MALFORMED)
    assert_rejected(chain, text.encode("utf-32"), Reason.MALFORMED)
    assert_rejected(chain, b"\xef\xbb\xbf" + text.encode(), Reason.MALFORMED)  # UTF-8 BOM


def test_oversized_transaction_is_malformed(chain: Chain) -> None:
    envelope = _valid_transfer(chain)
    raw = encode_transaction(envelope)
    padded = raw[:-1] + b" " * (MAX_TX_BYTES - len(raw) + 1) + b"}"
    assert len(padded) > MAX_TX_BYTES
    receipt = assert_rejected(chain, padded, Reason.MALFORMED)
    assert "limit" in receipt.message
    assert_rejected(chain, b"x" * (MAX_TX_BYTES + 1), Reason.MALFORMED)


def test_registration_dossier_not_sealed_to_the_regulator_is_malformed(chain: Chain) -> None:
    w = chain.work
    _, envelope = w.new_holder("BANK-A")
    w.banks["BANK-A"].next_nonce -= 1
    body = envelope["body"]
    body["dossier"]["recipients"] = {"bank:BANK-A": body["dossier"]["recipients"]["bank:BANK-A"]}
    assert_rejected(chain, w.banks["BANK-A"].sign("register_account", body), Reason.MALFORMED)


def test_registration_with_a_malformed_account_key_is_malformed(chain: Chain) -> None:
    w = chain.work
    _, envelope = w.new_holder("BANK-A")
    w.banks["BANK-A"].next_nonce -= 1
    body = {**envelope["body"], "account_public_key": "ed25519:AAAA"}
    assert_rejected(chain, w.banks["BANK-A"].sign("register_account", body), Reason.MALFORMED)


# --- amounts --------------------------------------------------------------------------------

@pytest.mark.parametrize("amount", ["0", "-1", "-100000", str(MAX_AMOUNT + 1), "9" * 18,
                                    "1" + "0" * 25])
def test_transfer_amount_out_of_range(chain: Chain, amount: str) -> None:
    a1, a2, _ = holders(chain)
    envelope = a1.signer.sign("transfer", {"to": a2.account, "amount": amount})
    assert_rejected(chain, envelope, Reason.AMOUNT_OUT_OF_RANGE)


def test_redeem_and_receipt_amounts_out_of_range(chain: Chain) -> None:
    a1, _, _ = holders(chain)
    assert_rejected(chain, a1.signer.sign("redeem", {"amount": "0"}), Reason.AMOUNT_OUT_OF_RANGE)
    receipt = receipt_for(chain, "BANK-A", 1)
    receipt["amount"] = str(MAX_AMOUNT + 1)
    envelope = chain.work.banks["BANK-A"].sign("mint", {"to": a1.account, "receipt": receipt})
    assert_rejected(chain, envelope, Reason.AMOUNT_OUT_OF_RANGE)


def test_the_largest_amount_is_accepted(chain: Chain) -> None:
    a1, _, _ = holders(chain)
    assert chain.one(chain.work.mint(a1, MAX_AMOUNT)).applied
    assert chain.state.accounts[a1.account].available == 100_000 + MAX_AMOUNT


def test_attested_reserves_above_max_supply_are_out_of_range(chain: Chain) -> None:
    """Such a balance used to pass and then break the state root (not a JSON safe integer)."""
    envelope = chain.work.attest(MAX_SUPPLY + 1, chain.time_ms)
    assert_rejected(chain, envelope, Reason.AMOUNT_OUT_OF_RANGE)
    assert chain.one(chain.work.attest(MAX_SUPPLY, chain.time_ms)).applied
    chain.state.compute_state_root()


def test_mint_above_max_supply_is_out_of_range(chain: Chain) -> None:
    a1, _, _ = holders(chain)
    w = chain.work
    for _ in range(9):
        assert chain.one(w.mint(a1, MAX_AMOUNT)).applied
    assert chain.state.supply == 9 * MAX_AMOUNT + 220_000
    assert_rejected(chain, w.mint(a1, MAX_AMOUNT), Reason.AMOUNT_OUT_OF_RANGE)
    headroom = MAX_SUPPLY - chain.state.supply
    assert chain.one(w.mint(a1, headroom)).applied
    assert chain.state.supply == MAX_SUPPLY
    assert check_invariants(chain.state) == []


# --- envelope-level checks: chain, signature, signer, nonce ---------------------------------

def test_wrong_chain(chain: Chain) -> None:
    a1, a2, _ = holders(chain)
    envelope = sign_as(a1.signer.key, chain, "transfer", a1.account, a1.signer.next_nonce,
                       {"to": a2.account, "amount": "10"}, chain_id="ntdc-testnet")
    assert_rejected(chain, envelope, Reason.WRONG_CHAIN)


def test_signature_by_another_key(chain: Chain) -> None:
    a1, a2, _ = holders(chain)
    envelope = a1.signer.sign("transfer", {"to": a2.account, "amount": "10"})
    forged = sign_as(a2.signer.key, chain, "transfer", a1.account, envelope["nonce"],
                     envelope["body"])
    envelope["signature"] = forged["signature"]
    assert_rejected(chain, envelope, Reason.BAD_SIGNATURE)


def test_body_changed_after_signing(chain: Chain) -> None:
    a1, a2, _ = holders(chain)
    envelope = a1.signer.sign("transfer", {"to": a2.account, "amount": "10"})
    envelope["body"]["amount"] = "90000"
    assert_rejected(chain, envelope, Reason.BAD_SIGNATURE)


def test_holder_signing_a_mint(chain: Chain) -> None:
    a1, _, _ = holders(chain)
    body = {"to": a1.account, "receipt": receipt_for(chain, "BANK-A", 500)}
    assert_rejected(chain, a1.signer.sign("mint", body), Reason.WRONG_SIGNER)


def test_holder_signing_a_mint_without_receipt(chain: Chain) -> None:
    a1, _, _ = holders(chain)
    assert_rejected(chain, a1.signer.sign("mint", {"to": a1.account}), Reason.WRONG_SIGNER)


def test_bank_b_registering_for_bank_a(chain: Chain) -> None:
    w = chain.work
    _, envelope = w.new_holder("BANK-A")
    w.banks["BANK-A"].next_nonce -= 1
    assert_rejected(chain, w.banks["BANK-B"].sign("register_account", envelope["body"]),
                    Reason.WRONG_SIGNER)


def test_bank_signing_with_another_banks_key(chain: Chain) -> None:
    w = chain.work
    _, envelope = w.new_holder("BANK-A")
    w.banks["BANK-A"].next_nonce -= 1
    forged = sign_as(chain.keys.bank_operator["BANK-B"], chain, "register_account", "bank:BANK-A",
                     w.banks["BANK-A"].next_nonce, envelope["body"])
    assert_rejected(chain, forged, Reason.WRONG_SIGNER)


def test_non_custodian_confirming_a_payout(chain: Chain) -> None:
    a1, _, _ = holders(chain)
    redemption = chain.one(chain.work.redeem(a1, 1_000))
    body = {"redemption_id": redemption.tx_id, "custodian_seq": 99, "paid_at_ms": chain.time_ms}
    assert_rejected(chain, chain.work.banks["BANK-A"].sign("confirm_payout", body),
                    Reason.WRONG_SIGNER)
    regulator = chain.work.role("regulator")
    assert_rejected(chain, regulator.sign("confirm_payout", body), Reason.WRONG_SIGNER)
    # The regulator's key under the custodian's name.
    posing = sign_as(chain.keys.roles["regulator"], chain, "confirm_payout", "custodian",
                     chain.work.custodian.next_nonce, body)  # type: ignore[union-attr]
    assert_rejected(chain, posing, Reason.WRONG_SIGNER)


def test_bank_signing_an_attestation(chain: Chain) -> None:
    body = {"attestation_id": "ATT-X", "reserve_balance": "1", "through_seq": 0,
            "as_of_ms": chain.time_ms}
    assert_rejected(chain, chain.work.banks["BANK-A"].sign("reserve_attestation", body),
                    Reason.WRONG_SIGNER)


def test_transfer_signed_for_another_holders_account(chain: Chain) -> None:
    a1, a2, b1 = holders(chain)
    envelope = sign_as(a1.signer.key, chain, "transfer", a2.account, a2.signer.next_nonce,
                       {"to": b1.account, "amount": "10"})
    assert_rejected(chain, envelope, Reason.WRONG_SIGNER)


def test_replayed_transfer_reuses_its_nonce(chain: Chain) -> None:
    a1, a2, _ = holders(chain)
    envelope = chain.work.transfer(a1, a2, 1_000)
    assert chain.one(envelope).applied
    assert_rejected(chain, envelope, Reason.NONCE_REUSED)
    older = sign_as(a1.signer.key, chain, "transfer", a1.account, 1,
                    {"to": a2.account, "amount": "5"})
    assert_rejected(chain, older, Reason.NONCE_REUSED)


def test_nonce_gap(chain: Chain) -> None:
    a1, a2, _ = holders(chain)
    envelope = sign_as(a1.signer.key, chain, "transfer", a1.account, a1.signer.next_nonce + 1,
                       {"to": a2.account, "amount": "5"})
    assert_rejected(chain, envelope, Reason.NONCE_GAP)


def test_role_nonces_are_checked_too(chain: Chain) -> None:
    w = chain.work
    attestation = w.attest(220_000, chain.time_ms)
    assert chain.one(attestation).applied
    assert_rejected(chain, attestation, Reason.NONCE_REUSED)
    custodian = w.custodian
    assert custodian is not None
    skipped = sign_as(custodian.key, chain, "reserve_attestation", "custodian",
                      custodian.next_nonce + 5, attestation["body"])
    assert_rejected(chain, skipped, Reason.NONCE_GAP)


# --- accounts -------------------------------------------------------------------------------

def test_unknown_accounts(chain: Chain) -> None:
    a1, _, _ = holders(chain)
    w = chain.work
    stranger, _registration = w.new_holder("BANK-A")  # signed, never submitted
    w.banks["BANK-A"].next_nonce -= 1
    assert_rejected(chain, w.transfer(a1, stranger, 10), Reason.UNKNOWN_ACCOUNT)
    assert_rejected(chain, w.transfer(stranger, a1, 10), Reason.UNKNOWN_ACCOUNT)
    assert_rejected(chain, w.redeem(stranger, 10), Reason.UNKNOWN_ACCOUNT)
    assert_rejected(chain, w.mint(stranger, 10), Reason.UNKNOWN_ACCOUNT)


def test_account_exists(chain: Chain) -> None:
    a1, _, _ = holders(chain)
    w = chain.work
    body = register_account_body(
        account_key=str(a1.signer.key.public_key()), kind=AccountKind.INDIVIDUAL,
        home_bank="BANK-A", dossier=Dossier("Again", "A999999999", "1990-01-01", "Taipei"),
        regulator_key=chain.keys.regulator_sealing.public_key(),
        bank_key=chain.keys.bank_sealing["BANK-A"].public_key(),
        identity_salt=b"\x01" * 16, leaf_salt=b"\x02" * 32)
    assert_rejected(chain, w.banks["BANK-A"].sign("register_account", body),
                    Reason.ACCOUNT_EXISTS)


def test_unknown_bank(chain: Chain) -> None:
    w = chain.work
    _, envelope = w.new_holder("BANK-A")
    w.banks["BANK-A"].next_nonce -= 1
    body = {**envelope["body"], "home_bank": "BANK-Z"}
    forged = sign_as(chain.keys.bank_operator["BANK-A"], chain, "register_account", "bank:BANK-Z",
                     1, body)
    assert_rejected(chain, forged, Reason.UNKNOWN_BANK)
    a1, _, _ = holders(chain)
    mint = sign_as(chain.keys.bank_operator["BANK-A"], chain, "mint", "bank:BANK-Z", 1,
                   {"to": a1.account, "receipt": receipt_for(chain, "BANK-Z", 10)})
    assert_rejected(chain, mint, Reason.UNKNOWN_BANK)


@pytest.mark.parametrize(("status", "reason"), [
    (AccountStatus.CLOSED, Reason.ACCOUNT_CLOSED),
    (AccountStatus.FROZEN, Reason.ACCOUNT_FROZEN),
    (AccountStatus.HELD, Reason.ACCOUNT_HELD),
])
def test_a_blocked_account_cannot_send(chain: Chain, status: AccountStatus,
                                       reason: Reason) -> None:
    a1, a2, _ = holders(chain)
    set_status(chain, a1, status)
    assert_rejected(chain, chain.work.transfer(a1, a2, 10), reason)
    assert_rejected(chain, chain.work.redeem(a1, 10), reason)


def test_a_closed_account_cannot_receive(chain: Chain) -> None:
    a1, a2, _ = holders(chain)
    set_status(chain, a2, AccountStatus.CLOSED)
    assert_rejected(chain, chain.work.transfer(a1, a2, 10), Reason.ACCOUNT_CLOSED)
    assert_rejected(chain, chain.work.mint(a2, 10), Reason.ACCOUNT_CLOSED)


def test_held_and_frozen_accounts_can_still_receive(chain: Chain) -> None:
    a1, a2, b1 = holders(chain)
    set_status(chain, a2, AccountStatus.FROZEN)
    set_status(chain, b1, AccountStatus.HELD)
    assert chain.one(chain.work.transfer(a1, a2, 10)).applied
    assert chain.one(chain.work.transfer(a1, b1, 10)).applied


def test_insufficient_funds(chain: Chain) -> None:
    a1, a2, _ = holders(chain)
    receipt = assert_rejected(chain, chain.work.transfer(a1, a2, 100_001),
                              Reason.INSUFFICIENT_FUNDS)
    assert "100001" in receipt.message and "100000" in receipt.message
    assert chain.one(chain.work.transfer(a1, a2, 100_000)).applied


def test_self_transfer(chain: Chain) -> None:
    a1, _, _ = holders(chain)
    assert_rejected(chain, chain.work.transfer(a1, a1, 10), Reason.SELF_TRANSFER)


# --- issuance -------------------------------------------------------------------------------

def test_mint_without_receipt(chain: Chain) -> None:
    a1, _, _ = holders(chain)
    bank = chain.work.banks["BANK-A"]
    assert_rejected(chain, bank.sign("mint", {"to": a1.account}), Reason.MINT_WITHOUT_RECEIPT)
    assert_rejected(chain, bank.sign("mint", {"to": a1.account, "receipt": None}),
                    Reason.MINT_WITHOUT_RECEIPT)


def test_receipt_reused(chain: Chain) -> None:
    a1, a2, _ = holders(chain)
    bank = chain.work.banks["BANK-A"]
    receipt = receipt_for(chain, "BANK-A", 700)
    assert chain.one(bank.sign("mint", {"to": a1.account, "receipt": receipt})).applied
    assert_rejected(chain, bank.sign("mint", {"to": a2.account, "receipt": receipt}),
                    Reason.RECEIPT_REUSED)


def test_receipt_not_signed_by_the_custodian(chain: Chain) -> None:
    a1, _, _ = holders(chain)
    bank = chain.work.banks["BANK-A"]
    by_regulator = receipt_for(chain, "BANK-A", 700, key=chain.keys.roles["regulator"])
    assert_rejected(chain, bank.sign("mint", {"to": a1.account, "receipt": by_regulator}),
                    Reason.RECEIPT_NOT_CUSTODIAN)
    inflated = receipt_for(chain, "BANK-A", 700)
    inflated["amount"] = "70000"
    assert_rejected(chain, bank.sign("mint", {"to": a1.account, "receipt": inflated}),
                    Reason.RECEIPT_NOT_CUSTODIAN)
    other_chain = receipt_for(chain, "BANK-A", 700, chain_id="ntdc-testnet")
    assert_rejected(chain, bank.sign("mint", {"to": a1.account, "receipt": other_chain}),
                    Reason.RECEIPT_NOT_CUSTODIAN)


def test_mint_to_another_banks_customer(chain: Chain) -> None:
    a1, _, _ = holders(chain)
    body = {"to": a1.account, "receipt": receipt_for(chain, "BANK-B", 700)}
    assert_rejected(chain, chain.work.banks["BANK-B"].sign("mint", body), Reason.NOT_HOME_BANK)


def test_receipt_of_another_bank_is_a_wrong_signer(chain: Chain) -> None:
    a1, _, _ = holders(chain)
    body = {"to": a1.account, "receipt": receipt_for(chain, "BANK-B", 700)}
    receipt = assert_rejected(chain, chain.work.banks["BANK-A"].sign("mint", body),
                              Reason.WRONG_SIGNER)
    assert receipt.reason != RECEIPT_WRONG_BANK_UNREACHABLE


def test_redeem_above_balance(chain: Chain) -> None:
    _, a2, _ = holders(chain)
    assert_rejected(chain, chain.work.redeem(a2, 50_001), Reason.REDEEM_EXCEEDS_BALANCE)


def test_unknown_and_paid_redemptions(chain: Chain) -> None:
    a1, _, _ = holders(chain)
    w = chain.work
    assert_rejected(chain, w.confirm_payout("ab" * 32, chain.time_ms), Reason.UNKNOWN_REDEMPTION)
    w.custodian_seq -= 1
    redemption = chain.one(w.redeem(a1, 2_000))
    assert chain.one(w.confirm_payout(redemption.tx_id, chain.time_ms)).applied
    assert_rejected(chain, w.confirm_payout(redemption.tx_id, chain.time_ms),
                    Reason.REDEMPTION_ALREADY_PAID)


def test_stale_attestation(chain: Chain) -> None:
    w = chain.work
    custodian = w.custodian
    assert custodian is not None
    as_of = chain.time_ms
    assert chain.one(w.attest(220_000, as_of)).applied
    earlier_cutoff = custodian.sign("reserve_attestation", {
        "attestation_id": "ATT-OLD", "reserve_balance": "220000",
        "through_seq": w.custodian_seq - 1, "as_of_ms": as_of + 10})
    assert_rejected(chain, earlier_cutoff, Reason.STALE_ATTESTATION)
    earlier_time = custodian.sign("reserve_attestation", {
        "attestation_id": "ATT-OLD", "reserve_balance": "220000",
        "through_seq": w.custodian_seq, "as_of_ms": as_of - 1})
    assert_rejected(chain, earlier_time, Reason.STALE_ATTESTATION)


def test_custodian_sequence_number_reused(chain: Chain) -> None:
    a1, _, _ = holders(chain)
    w = chain.work
    bank = w.banks["BANK-A"]
    used = w.custodian_seq  # the fixture's last deposit receipt
    again = receipt_for(chain, "BANK-A", 800, seq=used, receipt_id="DR-FRESH-ID")
    assert_rejected(chain, bank.sign("mint", {"to": a1.account, "receipt": again}),
                    Reason.CUSTODIAN_SEQ_REUSED)
    redemption = chain.one(w.redeem(a1, 1_000))
    custodian = w.custodian
    assert custodian is not None
    payout = custodian.sign("confirm_payout", {"redemption_id": redemption.tx_id,
                                               "custodian_seq": used,
                                               "paid_at_ms": chain.time_ms})
    assert_rejected(chain, payout, Reason.CUSTODIAN_SEQ_REUSED)


def test_supply_above_reserves_after_a_low_attestation(chain: Chain) -> None:
    """The custodian attests 220,000 through a sequence number that already covers an unspent
    deposit receipt of 5,000: minting that receipt would lift supply above reserves."""
    a1, _, _ = holders(chain)
    w = chain.work
    pending = receipt_for(chain, "BANK-A", 5_000)
    assert chain.one(w.attest(220_000, chain.time_ms)).applied
    assert check_invariants(chain.state) == []
    mint = w.banks["BANK-A"].sign("mint", {"to": a1.account, "receipt": pending})
    receipt = assert_rejected(chain, mint, Reason.SUPPLY_EXCEEDS_RESERVES)
    assert "225000" in receipt.message and "220000" in receipt.message


def test_a_rejection_in_a_block_does_not_disturb_its_neighbours(chain: Chain) -> None:
    a1, a2, b1 = holders(chain)
    w = chain.work
    good_1 = w.transfer(a1, b1, 1_000)
    bad = w.transfer(a2, b1, 999_999)
    a2.signer.next_nonce -= 1
    good_2 = w.transfer(a2, a1, 2_000)
    receipts = chain.block(good_1, bad, good_2)
    assert [r.status for r in receipts] == ["applied", "rejected", "applied"]
    assert receipts[1].reason == Reason.INSUFFICIENT_FUNDS
    accounts = chain.state.accounts
    assert (accounts[a1.account].available, accounts[a2.account].available,
            accounts[b1.account].available) == (101_000, 48_000, 71_000)
    assert accounts[a2.account].nonce == 1
    assert check_invariants(chain.state) == []
