"""Bodies of the core transaction kinds (SPEC §2, §4, §5).

Every body is a strict pydantic model: unknown fields, wrong types and out-of-range values are
rejected before any state is read.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field, StrictInt, StrictStr

from ledger.tx.fields import BODY_CONFIG, AccountIdField, AmountField, Hex32, PositiveAmount
from ledger.types import AccountKind, RiskTier

ShortText = Annotated[StrictStr, Field(max_length=140)]
Ident = Annotated[StrictStr, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:\-]+$")]


class SealedRecord(BaseModel):
    """HPKE ciphertexts of one plaintext, one per recipient (see ledger.crypto.sealing)."""

    model_config = BODY_CONFIG
    suite: StrictStr
    purpose: StrictStr
    recipients: dict[Ident, Annotated[StrictStr, Field(max_length=8192)]]


class RegisterAccount(BaseModel):
    model_config = BODY_CONFIG
    account_public_key: StrictStr
    kind: AccountKind
    home_bank: Ident
    risk_tier: RiskTier
    identity_commitment: Hex32
    leaf_salt: Hex32
    dossier: SealedRecord


class DepositReceipt(BaseModel):
    """The custodian's signed statement that NT$ reached the NTDC reserve account."""

    model_config = BODY_CONFIG
    receipt_id: Ident
    bank: Ident
    amount: PositiveAmount
    issued_at_ms: Annotated[StrictInt, Field(ge=0, le=2**53)]
    custodian_seq: Annotated[StrictInt, Field(ge=1, le=2**53)]
    signature: StrictStr

    def signed_fields(self, chain_id: str) -> dict[str, Any]:
        """The JSON object the custodian signs (everything but the signature, plus chain id)."""
        return {
            "chain_id": chain_id,
            "receipt_id": self.receipt_id,
            "bank": self.bank,
            "amount": str(self.amount),
            "issued_at_ms": self.issued_at_ms,
            "custodian_seq": self.custodian_seq,
        }


class Mint(BaseModel):
    model_config = BODY_CONFIG
    to: AccountIdField
    receipt: DepositReceipt | None = None


class Redeem(BaseModel):
    model_config = BODY_CONFIG
    amount: PositiveAmount
    reference: ShortText = ""


class ConfirmPayout(BaseModel):
    model_config = BODY_CONFIG
    redemption_id: Hex32
    custodian_seq: Annotated[StrictInt, Field(ge=1, le=2**53)]
    paid_at_ms: Annotated[StrictInt, Field(ge=0, le=2**53)]


class Transfer(BaseModel):
    model_config = BODY_CONFIG
    to: AccountIdField
    amount: PositiveAmount
    memo: ShortText = ""
    travel_rule: SealedRecord | None = None


class ReserveAttestation(BaseModel):
    model_config = BODY_CONFIG
    attestation_id: Ident
    reserve_balance: AmountField
    through_seq: Annotated[StrictInt, Field(ge=0, le=2**53)]
    as_of_ms: Annotated[StrictInt, Field(ge=0, le=2**53)]
