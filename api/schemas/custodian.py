"""The custodian's view: its nonce and the reserve figures on chain."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.common import RESPONSE_CONFIG, AmountText


class CustodianStatus(BaseModel):
    model_config = RESPONSE_CONFIG
    nonce: int = Field(description="Last nonce the chain consumed for the custodian")
    height: int
    reserves: AmountText
    attested_through_seq: int
    pending_payouts: AmountText
