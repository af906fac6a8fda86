"""Builders for every signed structure: transactions, deposit receipts, KYC dossiers.

These run on the client side (wallet, bank back office, custodian) and may use randomness
(salts, HPKE); the ledger only ever verifies what they produce.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

from ledger.crypto.keys import PrivateKey, compute_account_id
from ledger.crypto.sealing import SealingPrivateKey, SealingPublicKey, open_sealed, seal
from ledger.rules.issuance import compute_receipt_signing_bytes
from ledger.tx.bodies import DepositReceipt
from ledger.tx.envelope import build_transaction
from ledger.types import AccountKind, RiskTier


@dataclass
class Signer:
    """A key with its signer id and the next nonce it will use."""

    key: PrivateKey
    signer: str
    chain_id: str
    next_nonce: int = 1

    @classmethod
    def for_account(cls, key: PrivateKey, chain_id: str) -> Signer:
        return cls(key, compute_account_id(key.public_key()), chain_id)

    def sign(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        """Sign a transaction with the next nonce."""
        envelope = build_transaction(self.key, chain_id=self.chain_id, kind=kind,
                                     signer=self.signer, nonce=self.next_nonce, body=body)
        self.next_nonce += 1
        return envelope


def compute_identity_commitment(national_id: str, salt: bytes) -> str:
    """Salted hash of a national ID or company number (SPEC §5)."""
    return hashlib.sha256(b"NTDC/identity/v1\x00" + salt + national_id.encode()).hexdigest()


@dataclass
class Dossier:
    name: str
    national_id: str
    birth_date: str
    address: str
    risk_tier: RiskTier = RiskTier.LOW
    extra: dict[str, str] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        return json.dumps({
            "name": self.name, "national_id": self.national_id, "birth_date": self.birth_date,
            "address": self.address, "risk_tier": self.risk_tier.value, **self.extra,
        }, sort_keys=True, ensure_ascii=False).encode()


def register_account_body(
    *, account_key: str, kind: AccountKind, home_bank: str, dossier: Dossier,
    regulator_key: SealingPublicKey, bank_key: SealingPublicKey,
    identity_salt: bytes | None = None, leaf_salt: bytes | None = None,
) -> dict[str, Any]:
    """Body of register_account: commitment + dossier sealed to the regulator and home bank."""
    identity_salt = identity_salt if identity_salt is not None else os.urandom(16)
    payload = json.loads(dossier.to_bytes())
    payload["identity_salt"] = identity_salt.hex()
    sealed = seal(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode(),
                  {"regulator": regulator_key, f"bank:{home_bank}": bank_key}, "kyc-dossier")
    return {
        "account_public_key": account_key,
        "kind": kind.value,
        "home_bank": home_bank,
        "risk_tier": dossier.risk_tier.value,
        "identity_commitment": compute_identity_commitment(dossier.national_id, identity_salt),
        "leaf_salt": (leaf_salt if leaf_salt is not None else os.urandom(32)).hex(),
        "dossier": sealed,
    }


def sign_deposit_receipt(
    custodian: PrivateKey, *, chain_id: str, receipt_id: str, bank: str, amount: int,
    issued_at_ms: int, custodian_seq: int,
) -> dict[str, Any]:
    """A custodian-signed deposit receipt, ready to embed in a mint body."""
    receipt = DepositReceipt.model_validate({
        "receipt_id": receipt_id, "bank": bank, "amount": str(amount),
        "issued_at_ms": issued_at_ms, "custodian_seq": custodian_seq, "signature": "",
    })
    signature = custodian.sign(compute_receipt_signing_bytes(receipt, chain_id))
    return {**receipt.model_dump(mode="json"), "signature": signature}


@dataclass(frozen=True)
class TravelRuleParty:
    """One side of a travel-rule transfer, as its bank knows it from KYC (SPEC §5)."""

    name: str
    account: str
    bank: str
    id_number: str
    """National ID (person) or company number (company)."""
    id_type: str = "national_id"
    """``national_id`` or ``company_no``."""

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "account": self.account, "bank": self.bank,
                self.id_type: self.id_number}


def seal_travel_rule(
    *, originator: TravelRuleParty, beneficiary: TravelRuleParty, amount: int,
    regulator_key: SealingPublicKey, beneficiary_bank_key: SealingPublicKey,
    originator_bank_key: SealingPublicKey | None = None,
) -> dict[str, Any]:
    """The ``travel_rule`` field of a transfer: both identities sealed (HPKE) to the beneficiary's
    bank, the regulator and, if its key is given, the originator's bank."""
    from ledger.rules.travel_rule import TRAVEL_RULE_PURPOSE

    if originator.id_type not in ("national_id", "company_no") or (
            beneficiary.id_type not in ("national_id", "company_no")):
        raise ValueError("id_type must be 'national_id' or 'company_no'")
    payload = {
        "v": 1,
        "originator": originator.to_json(),
        "beneficiary": beneficiary.to_json(),
        "amount": str(amount),
    }
    recipients = {"regulator": regulator_key, f"bank:{beneficiary.bank}": beneficiary_bank_key}
    if originator_bank_key is not None:
        recipients[f"bank:{originator.bank}"] = originator_bank_key
    plaintext = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return seal(plaintext, recipients, TRAVEL_RULE_PURPOSE)


def open_travel_rule(record: dict[str, Any], recipient: str,
                     key: SealingPrivateKey) -> dict[str, Any]:
    """Open travel-rule data addressed to ``recipient`` (``regulator`` or ``bank:<id>``);
    raises ledger.crypto.sealing.SealingError if it is not addressed to it or the key is wrong."""
    opened: dict[str, Any] = json.loads(open_sealed(record, recipient, key))
    return opened
