"""Who is calling: login challenges, bearer tokens and the rules for who may read what.

Login: ``POST /v1/auth/challenge`` gives a single-use nonce; the caller signs
``api.sdk.login.compute_login_signing_bytes`` with its key and exchanges the signature at
``POST /v1/auth/token`` for a bearer token. The key must be the one the ledger knows for the
subject: an account's own key (role ``holder``), a bank's operator key (``bank:<id>``, role
``bank``), the regulator's role key (``regulator``) or the custodian's (``custodian``).

Tokens are ``v1.<payload>.<mac>``: base64url JSON {sub, role, bank, aud, iat, exp, jti} and an
HMAC-SHA256 under a per-process secret, so a restart logs everyone out. They expire after
``ApiSettings.token_ttl_s``. Neither keys nor tokens are ever logged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from api.errors import ApiError, forbidden, unauthenticated
from api.sdk.login import compute_login_signing_bytes
from ledger.chain_state import LedgerState
from ledger.crypto.keys import KeyError_, PublicKey, compute_account_id, is_account_id
from ledger.encoding import b64u, unb64u
from ledger.model import Account
from ledger.receipts import Receipt


class Role(StrEnum):
    HOLDER = "holder"
    BANK = "bank"
    REGULATOR = "regulator"
    CUSTODIAN = "custodian"
    CCP = "ccp"
    """The clearing house's margin service (reads the collateral views, api/routers/collateral)."""


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller."""

    subject: str
    role: Role
    bank: str | None = None
    """The bank id, for role ``bank``."""

    def __repr__(self) -> str:
        return f"Principal({self.subject!r}, {self.role.value})"


def login_failed(detail: str) -> ApiError:
    return ApiError(401, "LOGIN_FAILED", detail)


class AuthService:
    """Issues challenges and tokens for one app; the secret never leaves the process."""

    def __init__(self, *, chain_id: str, audience: str, roles: Iterable[Role],
                 clock: Callable[[], float] = time.time, secret: bytes | None = None) -> None:
        self.chain_id = chain_id
        self.audience = audience
        self.roles = frozenset(roles)
        self.clock = clock
        self._secret = secret if secret is not None else os.urandom(32)
        self._challenges: OrderedDict[str, float] = OrderedDict()

    def __repr__(self) -> str:
        return f"AuthService(audience={self.audience!r}, <secret redacted>)"

    # -- challenges ------------------------------------------------------------------------
    def issue_challenge(self, ttl_s: int, capacity: int) -> tuple[str, int]:
        """A fresh single-use nonce and its expiry (ms since epoch)."""
        now = self.clock()
        while self._challenges:
            oldest, expires = next(iter(self._challenges.items()))
            if expires > now and len(self._challenges) < capacity:
                break
            del self._challenges[oldest]
        nonce = b64u(os.urandom(24))
        self._challenges[nonce] = now + ttl_s
        return nonce, int((now + ttl_s) * 1000)

    def _take_challenge(self, nonce: str) -> None:
        expires = self._challenges.pop(nonce, None)
        if expires is None or expires <= self.clock():
            raise login_failed("unknown, used or expired challenge: ask POST /v1/auth/challenge "
                               "for a new one and sign it within its lifetime")

    # -- login -----------------------------------------------------------------------------
    def resolve_subject(self, state: LedgerState, subject: str, key: PublicKey) -> Principal:
        """The principal ``subject`` is, if ``key`` is the key the ledger holds for it."""
        if is_account_id(subject):
            account = state.accounts.get(subject)
            if compute_account_id(key) != subject or account is None or (
                    account.public_key != str(key)):
                raise login_failed(f"{subject} is not a registered account with this public key")
            return Principal(subject, Role.HOLDER)
        role = state.roles.get(subject)
        if role is None or role.public_key != str(key):
            raise login_failed(f"{subject!r} is not a known signer with this public key")
        if subject.startswith("bank:"):
            return Principal(subject, Role.BANK, subject.removeprefix("bank:"))
        if subject == "regulator":
            return Principal(subject, Role.REGULATOR)
        if subject == "custodian":
            return Principal(subject, Role.CUSTODIAN)
        if subject == "ccp":
            return Principal(subject, Role.CCP)
        raise login_failed(f"{subject!r} has no access to this API")

    def login(self, state: LedgerState, *, subject: str, public_key: str, nonce: str,
              signature: str, ttl_s: int) -> tuple[str, Principal, int]:
        """Check a signed challenge; returns (token, principal, expires in seconds)."""
        self._take_challenge(nonce)
        try:
            key = PublicKey.parse(public_key)
        except KeyError_ as exc:
            raise login_failed(f"public_key: {exc}") from None
        data = compute_login_signing_bytes(chain_id=self.chain_id, audience=self.audience,
                                           subject=subject, nonce=nonce)
        if not key.verify(signature, data):
            raise login_failed("signature does not verify: sign the login bytes of the challenge "
                               "(see docs/api.md, Authentication) with the subject's key")
        principal = self.resolve_subject(state, subject, key)
        if principal.role not in self.roles:
            raise ApiError(403, "FORBIDDEN", f"role {principal.role.value} cannot use this API")
        return self.issue_token(principal, ttl_s), principal, ttl_s

    # -- tokens ----------------------------------------------------------------------------
    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, b"NTDC/api-token/v1\x00" + payload, hashlib.sha256).digest()

    def issue_token(self, principal: Principal, ttl_s: int) -> str:
        now = int(self.clock())
        claims = {"sub": principal.subject, "role": principal.role.value, "bank": principal.bank,
                  "aud": self.audience, "iat": now, "exp": now + ttl_s,
                  "jti": b64u(os.urandom(12))}
        payload = json.dumps(claims, separators=(",", ":"), sort_keys=True).encode()
        return f"v1.{b64u(payload)}.{b64u(self._mac(payload))}"

    def verify_token(self, token: str) -> Principal:
        """The principal a token names; raises 401 if it is forged, foreign or expired."""
        version, _, rest = token.partition(".")
        payload_text, _, mac_text = rest.partition(".")
        try:
            payload, mac = unb64u(payload_text), unb64u(mac_text)
        except ValueError:
            raise unauthenticated("malformed bearer token; log in again") from None
        if version != "v1" or not hmac.compare_digest(mac, self._mac(payload)):
            raise unauthenticated("bearer token was not issued by this node; log in again")
        claims: dict[str, Any] = json.loads(payload)
        if claims.get("aud") != self.audience:
            raise unauthenticated("bearer token is for another node; log in to this one")
        if int(claims["exp"]) <= self.clock():
            raise ApiError(401, "TOKEN_EXPIRED", "bearer token has expired; log in again",
                           {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return Principal(claims["sub"], Role(claims["role"]), claims.get("bank"))


# -- authorisation -----------------------------------------------------------------------------

def can_read_account(principal: Principal, account_id: str, home_bank: str | None) -> bool:
    """A holder reads its own account, a bank its customers', the regulator every one."""
    if principal.role is Role.REGULATOR:
        return True
    if principal.role is Role.BANK:
        return home_bank is not None and home_bank == principal.bank
    return principal.role is Role.HOLDER and principal.subject == account_id


def require_account_access(principal: Principal, account_id: str, account: Account | None) -> None:
    """Refuse (403) unless ``principal`` may read ``account_id``."""
    if principal.role is Role.HOLDER and principal.subject != account_id:
        raise forbidden(f"{principal.subject} may read only its own account, not {account_id}")
    if not can_read_account(principal, account_id, account.home_bank if account else None):
        raise forbidden(f"{account_id} is not a customer of {principal.bank}"
                        if principal.role is Role.BANK else
                        f"{principal.subject} cannot read holder accounts")


def compute_receipt_parties(receipt: Receipt) -> set[str]:
    """The signer and every account a receipt touches."""
    parties = {effect.account for effect in receipt.effects}
    parties.add(receipt.signer)
    return parties


def can_read_receipt(principal: Principal, receipt: Receipt, state: LedgerState) -> bool:
    """A receipt is readable by its parties, their home banks and the regulator."""
    if principal.role is Role.REGULATOR:
        return True
    parties = compute_receipt_parties(receipt)
    if principal.role in (Role.HOLDER, Role.CUSTODIAN):
        return principal.subject in parties
    if principal.subject in parties:
        return True
    for party in parties:
        account = state.accounts.get(party)
        if account is not None and account.home_bank == principal.bank:
            return True
    return False
