"""Signed transaction submission and receipts with finality proofs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StrictInt, StrictStr

from api.schemas.common import (
    REQUEST_CONFIG,
    RESPONSE_CONFIG,
    BlockHeaderOut,
    CertificateOut,
    ProofStep,
    ReceiptOut,
)


class TransactionEnvelope(BaseModel):
    """A signed transaction (see docs/protocol.md): the node re-checks everything."""

    model_config = REQUEST_CONFIG
    v: StrictInt
    chain_id: Annotated[StrictStr, Field(max_length=64)]
    kind: Annotated[StrictStr, Field(max_length=64)]
    signer: Annotated[StrictStr, Field(max_length=128)]
    nonce: StrictInt
    body: dict[str, Any]
    public_key: Annotated[StrictStr, Field(max_length=4096)]
    signature: Annotated[StrictStr, Field(max_length=8192)]


class SubmitResponse(BaseModel):
    model_config = RESPONSE_CONFIG
    tx_id: str
    status: Literal["pending", "final"]
    duplicate: bool = Field(description="The node already had this transaction")
    receipt: ReceiptOut | None = Field(description="The receipt once final (status 'final')")


class BatchRequest(BaseModel):
    model_config = REQUEST_CONFIG
    transactions: Annotated[list[TransactionEnvelope], Field(min_length=1)]


class BatchItem(BaseModel):
    model_config = RESPONSE_CONFIG
    index: int
    tx_id: str | None
    accepted: bool
    duplicate: bool
    code: str | None = Field(description="Why the transaction was refused (ledger reason)")
    detail: str | None


class BatchResponse(BaseModel):
    model_config = RESPONSE_CONFIG
    accepted: int
    refused: int
    items: list[BatchItem]


class ReceiptBundle(BaseModel):
    """A receipt with everything needed to verify it offline (``api.sdk.verify``)."""

    model_config = RESPONSE_CONFIG
    receipt: ReceiptOut
    transaction: dict[str, Any] | None = Field(description="The signed envelope as included")
    header: BlockHeaderOut
    block_hash: str
    tx_proof: list[ProofStep] = Field(description="Path from the tx id to header.tx_root")
    receipt_proof: list[ProofStep] = Field(
        description="Path from the receipt hash to header.receipts_root")
    certificate: CertificateOut | None = Field(
        description="Commit certificate over the header hash (None on an uncertified node)")
