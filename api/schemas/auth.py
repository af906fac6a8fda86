"""Login: challenge and token."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from api.schemas.common import REQUEST_CONFIG, RESPONSE_CONFIG

Subject = Annotated[str, Field(min_length=1, max_length=128,
                               description="Account id, 'bank:<id>' or 'regulator'")]


class ChallengeResponse(BaseModel):
    model_config = RESPONSE_CONFIG
    nonce: str
    chain_id: str
    audience: str = Field(description="This node; part of the signed login bytes")
    expires_at_ms: int
    signing: str = Field(description="How to build the bytes to sign")


class TokenRequest(BaseModel):
    model_config = REQUEST_CONFIG
    subject: Subject
    public_key: Annotated[str, Field(min_length=1, max_length=4096,
                                     description="Tagged public key, e.g. 'ed25519:…'")]
    nonce: Annotated[str, Field(min_length=1, max_length=128)]
    signature: Annotated[str, Field(min_length=1, max_length=8192)]


class TokenResponse(BaseModel):
    model_config = RESPONSE_CONFIG
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    subject: str
    role: str
