"""Accounts, balances, history and liabilities proofs."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.common import (
    RESPONSE_CONFIG,
    AmountText,
    BlockHeaderOut,
    CertificateOut,
    ReceiptOut,
)


class Balance(BaseModel):
    model_config = RESPONSE_CONFIG
    available: AmountText
    pledged: AmountText
    held: AmountText
    total: AmountText


class AccountResponse(BaseModel):
    model_config = RESPONSE_CONFIG
    account: str
    public_key: str
    kind: str
    home_bank: str
    status: str
    status_order: str
    risk_tier: str
    nonce: int = Field(description="Last nonce used; sign the next transaction with nonce + 1")
    balance: Balance
    registered_height: int
    height: int = Field(description="Committed height this answer reflects")


class HistoryResponse(BaseModel):
    model_config = RESPONSE_CONFIG
    account: str
    items: list[ReceiptOut]
    next_before: str | None = Field(description="Pass as ?before= for the next (older) page")


class SumProofStep(BaseModel):
    model_config = RESPONSE_CONFIG
    hash: str
    sum: AmountText
    left: bool


class TableRoot(BaseModel):
    model_config = RESPONSE_CONFIG
    name: str
    root: str
    total: AmountText
    size: int


class LiabilitiesProofResponse(BaseModel):
    """The account's leaf in the liabilities (Merkle sum) tree, the path to its root, the roots of
    every state table (which hash to the header's state_root) and the header's certificate."""

    model_config = RESPONSE_CONFIG
    height: int
    account: dict[str, object] = Field(description="The account record the leaf is built from")
    leaf_index: int
    leaf_hash: str
    steps: list[SumProofStep]
    tables: list[TableRoot]
    header: BlockHeaderOut
    certificate: CertificateOut | None
