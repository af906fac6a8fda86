"""Types shared by the API schemas: amounts, account ids, problem documents, proofs."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from api.errors import PROBLEM_MEDIA_TYPE

AmountText = Annotated[str, Field(pattern=r"^(0|[1-9][0-9]{0,17})$", examples=["150000"],
                                  description="Decimal string of minor units (1 = NT$0.01)")]
SignedAmountText = Annotated[str, Field(pattern=r"^(0|-?[1-9][0-9]{0,17})$",
                                        description="Decimal string of minor units, may be "
                                                    "negative")]
AccountIdText = Annotated[str, Field(min_length=1, max_length=90,
                                     examples=["ntdc1qqqsyqcyq5rqwzqfpg9scrgwpugpzysn3wnx5l"],
                                     description="bech32 account id (prefix 'ntdc')")]
TxIdText = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$",
                                description="Transaction id: 64 lowercase hex characters")]
Hex = Annotated[str, Field(pattern=r"^[0-9a-f]*$")]

RESPONSE_CONFIG = ConfigDict(extra="forbid")
REQUEST_CONFIG = ConfigDict(extra="forbid")


class Problem(BaseModel):
    """RFC 9457 problem details with a stable ``code``."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str
    code: str = Field(description="Stable machine-readable code (ledger reason codes pass "
                                  "through unchanged)")


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for problem+json errors."""
    descriptions = {
        400: "Transaction refused (code = ledger reason)", 401: "Not authenticated",
        403: "Not allowed", 404: "Not found", 405: "Method not allowed / read-only node",
        409: "Conflicts with the ledger (code = ledger reason)", 413: "Too large",
        422: "Request does not match the schema (MALFORMED_REQUEST)",
        503: "Node at capacity or busy; retry",
    }
    return {
        status: {"description": descriptions.get(status, "Error"),
                 "content": {PROBLEM_MEDIA_TYPE: {"schema": Problem.model_json_schema()}}}
        for status in statuses
    }


class ProofStep(BaseModel):
    model_config = RESPONSE_CONFIG
    hash: Hex = Field(description="Sibling hash (hex)")
    left: bool = Field(description="True if the sibling is the left child")


class BlockHeaderOut(BaseModel):
    model_config = RESPONSE_CONFIG
    chain_id: str
    height: int
    parent: str
    time_ms: int
    proposer: int
    tx_count: int
    tx_root: str
    receipts_root: str
    state_root: str


class Endorsement(BaseModel):
    model_config = RESPONSE_CONFIG
    replica: int
    signature: str


class CertificateOut(BaseModel):
    """PBFT commit certificate: quorum-many COMMIT signatures over the block header hash."""

    model_config = RESPONSE_CONFIG
    view: int
    height: int
    digest: Hex
    commits: list[Endorsement]


class EffectOut(BaseModel):
    model_config = RESPONSE_CONFIG
    op: str
    account: str
    amount: AmountText
    ref: str


class ReceiptOut(BaseModel):
    """A transaction receipt exactly as the block's receipts_root commits to it."""

    model_config = RESPONSE_CONFIG
    tx_id: str
    height: int
    index: int
    kind: str
    signer: str
    status: str = Field(description="applied or rejected")
    reason: str | None
    message: str
    effects: list[EffectOut]
    flags: list[str]
