"""The regulator's read-only views: supply and reserves, blocks, transactions, real names."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.schemas.bank import IdentityOut
from api.schemas.common import (
    RESPONSE_CONFIG,
    AmountText,
    BlockHeaderOut,
    CertificateOut,
    ReceiptOut,
)
from api.schemas.transactions import ReceiptBundle


class ReservesResponse(BaseModel):
    model_config = RESPONSE_CONFIG
    height: int
    supply: AmountText
    pending_payouts: AmountText
    liabilities_due: AmountText = Field(description="supply + redemptions awaiting payout")
    reserves: AmountText = Field(description="Attested balance + later receipts − later payouts")
    attested_reserves: AmountText
    attested_through_seq: int
    attested_as_of_ms: int
    attestation_id: str
    covered: bool = Field(description="reserves ≥ liabilities_due")
    issued_by_bank: dict[str, AmountText]
    invariant_violations: list[str]


class BlockSummary(BaseModel):
    model_config = RESPONSE_CONFIG
    height: int
    hash: str
    header: BlockHeaderOut
    certified: bool


class BlockList(BaseModel):
    model_config = RESPONSE_CONFIG
    items: list[BlockSummary]
    next_before: int | None


class BlockDetail(BaseModel):
    model_config = RESPONSE_CONFIG
    height: int
    hash: str
    header: BlockHeaderOut
    certificate: CertificateOut | None
    receipts: list[ReceiptOut]


class TransactionDetail(BaseModel):
    model_config = RESPONSE_CONFIG
    bundle: ReceiptBundle
    parties: list[IdentityOut]


class MovementOut(BaseModel):
    model_config = RESPONSE_CONFIG
    receipt: ReceiptOut
    parties: list[IdentityOut]


class MovementSearchResponse(BaseModel):
    model_config = RESPONSE_CONFIG
    items: list[MovementOut]
    next_before: str | None = Field(
        description="Pass as ?before= to continue the scan (None once the chain start is reached)")


class IdentityHit(BaseModel):
    model_config = RESPONSE_CONFIG
    identity: IdentityOut
    balance: AmountText
    status: str


class IdentitySearchResponse(BaseModel):
    model_config = RESPONSE_CONFIG
    items: list[IdentityHit]


class NodeStatusResponse(BaseModel):
    model_config = RESPONSE_CONFIG
    name: str
    role: str
    chain_id: str
    height: int
    details: dict[str, Any] = Field(description="Everything the node reports about itself")
