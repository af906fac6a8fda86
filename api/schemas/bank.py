"""Bank operations: onboarding, mint, redemptions and payouts, customer real-name data."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictInt, StrictStr

from api.schemas.accounts import AccountResponse
from api.schemas.common import (
    REQUEST_CONFIG,
    RESPONSE_CONFIG,
    AccountIdText,
    AmountText,
    ReceiptOut,
)
from api.schemas.transactions import BatchResponse, TransactionEnvelope
from ledger.types import AccountKind, RiskTier

Text = Annotated[StrictStr, Field(min_length=1, max_length=200)]


class DossierIn(BaseModel):
    """KYC data the bank verified; sealed to the regulator and the bank, never stored plain."""

    model_config = REQUEST_CONFIG
    name: Text
    national_id: Annotated[StrictStr, Field(min_length=1, max_length=32)]
    birth_date: Annotated[StrictStr, Field(min_length=1, max_length=32,
                                           description="Birth date or registration date")]
    address: Text
    risk_tier: RiskTier = RiskTier.LOW


class OnboardRequest(BaseModel):
    model_config = REQUEST_CONFIG
    account_public_key: Annotated[StrictStr, Field(min_length=1, max_length=4096,
                                                   description="The holder's tagged public key")]
    kind: AccountKind = AccountKind.INDIVIDUAL
    dossier: DossierIn


class OperationResponse(BaseModel):
    """A transaction the bank node signed and submitted."""

    model_config = RESPONSE_CONFIG
    tx_id: str
    status: Literal["pending", "final"]
    account: str | None = None
    receipt: ReceiptOut | None


class DepositReceiptIn(BaseModel):
    """The custodian-signed deposit receipt, exactly as the custodian issued it."""

    model_config = REQUEST_CONFIG
    receipt_id: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    bank: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    amount: AmountText
    issued_at_ms: Annotated[StrictInt, Field(ge=0, le=2**53)]
    custodian_seq: Annotated[StrictInt, Field(ge=1, le=2**53)]
    signature: Annotated[StrictStr, Field(min_length=1, max_length=8192)]


class OperatorStatus(BaseModel):
    model_config = RESPONSE_CONFIG
    signer: str
    nonce: int
    """The last nonce the chain consumed for the operator (committed state); 0 if none."""
    height: int


class MintRequest(BaseModel):
    model_config = REQUEST_CONFIG
    account: AccountIdText
    deposit_receipt: DepositReceiptIn


class RedemptionOut(BaseModel):
    model_config = RESPONSE_CONFIG
    redemption_id: str
    account: str
    amount: AmountText
    requested_height: int
    requested_ms: int
    paid: bool


class RedemptionList(BaseModel):
    model_config = RESPONSE_CONFIG
    items: list[RedemptionOut]
    total_pending: AmountText


class PayoutRequest(BaseModel):
    """Payout confirmations (``confirm_payout`` transactions) signed by the custodian."""

    model_config = REQUEST_CONFIG
    confirmations: Annotated[list[TransactionEnvelope], Field(min_length=1)]


PayoutResponse = BatchResponse


class IdentityOut(BaseModel):
    model_config = RESPONSE_CONFIG
    account: str
    home_bank: str
    name: str
    national_id: str
    birth_date: str
    address: str
    risk_tier: str
    registration_tx: str
    registered_height: int


class CustomerResponse(BaseModel):
    model_config = RESPONSE_CONFIG
    identity: IdentityOut
    account: AccountResponse


class IdentityList(BaseModel):
    model_config = RESPONSE_CONFIG
    items: list[IdentityOut]
