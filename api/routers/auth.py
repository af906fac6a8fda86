"""``/v1/auth``: challenge and token (see ``api.auth``)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import AuthDep, NodeDep, SettingsDep
from api.schemas.auth import ChallengeResponse, TokenRequest, TokenResponse
from api.schemas.common import problem_responses

router = APIRouter(prefix="/v1/auth", tags=["auth"])

SIGNING_HINT = ('sign "NTDC/api-login/v1" 0x00 || JCS({"audience","chain_id","nonce","subject"}) '
                "with the subject's key and POST it to /v1/auth/token")


@router.post("/challenge", response_model=ChallengeResponse, responses=problem_responses(422))
async def create_challenge(node: NodeDep, auth: AuthDep, settings: SettingsDep) -> ChallengeResponse:
    """A single-use nonce to sign with the key of the subject logging in."""
    nonce, expires_at_ms = auth.issue_challenge(settings.challenge_ttl_s, settings.max_challenges)
    return ChallengeResponse(nonce=nonce, chain_id=node.genesis.chain_id, audience=auth.audience,
                             expires_at_ms=expires_at_ms, signing=SIGNING_HINT)


@router.post("/token", response_model=TokenResponse, responses=problem_responses(401, 403, 422))
async def create_token(request: TokenRequest, node: NodeDep, auth: AuthDep,
                       settings: SettingsDep) -> TokenResponse:
    """Exchange a signed challenge for a short-lived bearer token."""
    token, principal, expires_in = auth.login(
        node.state, subject=request.subject, public_key=request.public_key, nonce=request.nonce,
        signature=request.signature, ttl_s=settings.token_ttl_s)
    return TokenResponse(access_token=token, expires_in=expires_in, subject=principal.subject,
                         role=principal.role.value)
