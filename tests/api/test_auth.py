"""api/auth.py: challenges are single-use, bounded and expire; tokens are bound and signed."""

from __future__ import annotations

import pytest

from api.auth import AuthService, Principal, Role
from api.errors import ApiError


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def make(clock: Clock, audience: str = "ntdc-local/a") -> AuthService:
    return AuthService(chain_id="ntdc-local", audience=audience, roles={Role.HOLDER}, clock=clock)


def test_challenges_expire_and_are_bounded() -> None:
    clock = Clock()
    auth = make(clock)
    nonces = [auth.issue_challenge(ttl_s=10, capacity=3)[0] for _ in range(5)]
    assert len(auth._challenges) == 3 and nonces[-1] in auth._challenges
    auth._take_challenge(nonces[-1])
    with pytest.raises(ApiError, match="unknown, used or expired"):
        auth._take_challenge(nonces[-1])
    clock.now += 11
    with pytest.raises(ApiError):
        auth._take_challenge(nonces[-2])


def test_tokens() -> None:
    clock = Clock()
    auth, other = make(clock), make(clock, "ntdc-local/b")
    token = auth.issue_token(Principal("bank:BANK-A", Role.BANK, "BANK-A"), ttl_s=60)
    assert auth.verify_token(token) == Principal("bank:BANK-A", Role.BANK, "BANK-A")
    with pytest.raises(ApiError) as foreign:
        other.verify_token(token)
    assert foreign.value.code == "UNAUTHENTICATED"
    clock.now += 60
    with pytest.raises(ApiError) as expired:
        auth.verify_token(token)
    assert expired.value.code == "TOKEN_EXPIRED"
    assert "redacted" in repr(auth) and auth._secret.hex() not in repr(auth)
