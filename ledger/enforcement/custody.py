"""The court-custody account: where seized balances go (SPEC §6).

It is a system account that exists from genesis, in every node's state, with a well-known id:

    id = bech32("ntdc", SHA-256("NTDC/system-account/v1" || 0x00 || "court-custody")[:20])

No private key hashes to that id (it is not derived from a public key), so no transaction can be
signed for it: coins leave court custody only by a future, separately authorised order kind.
It is an ordinary row of the accounts table, so its balance is part of the liabilities sum tree,
of the sum-of-balances invariant and of every inclusion proof.
"""

from __future__ import annotations

import hashlib

import bech32

from ledger.chain_state import LedgerState
from ledger.model import Account
from ledger.types import AccountKind, AccountStatus, RiskTier

COURT_CUSTODY_NAME = "court-custody"
SYSTEM_ACCOUNT_TAG = b"NTDC/system-account/v1\x00"
SYSTEM_PUBLIC_KEY_PREFIX = "system:"
"""A system account's ``public_key`` field: not a parseable key, so nothing can sign for it."""


def compute_system_account_id(name: str) -> str:
    """Account id of the system account called ``name``."""
    digest = hashlib.sha256(SYSTEM_ACCOUNT_TAG + name.encode()).digest()[:20]
    data = bech32.convertbits(digest, 8, 5)
    assert data is not None  # 20 bytes always convert
    return str(bech32.bech32_encode("ntdc", data))


def compute_system_leaf_salt(name: str) -> str:
    """Deterministic leaf salt: a system account's balance is public, nothing to hide."""
    return hashlib.sha256(b"NTDC/system-account-salt/v1\x00" + name.encode()).hexdigest()


COURT_CUSTODY_ACCOUNT = compute_system_account_id(COURT_CUSTODY_NAME)


def is_system_account(account: Account) -> bool:
    """A ledger-owned account (court custody), not a holder's."""
    return account.kind is AccountKind.SYSTEM


def process_create_court_custody(state: LedgerState) -> None:
    """Genesis hook: create the empty court-custody account (idempotent)."""
    if COURT_CUSTODY_ACCOUNT in state.accounts:
        return
    state.accounts.set(
        COURT_CUSTODY_ACCOUNT,
        Account(
            id=COURT_CUSTODY_ACCOUNT,
            public_key=SYSTEM_PUBLIC_KEY_PREFIX + COURT_CUSTODY_NAME,
            kind=AccountKind.SYSTEM,
            home_bank="",
            status=AccountStatus.ACTIVE,
            risk_tier=RiskTier.LOW,
            nonce=0,
            available=0,
            pledged=0,
            held=0,
            identity_commitment="",
            leaf_salt=compute_system_leaf_salt(COURT_CUSTODY_NAME),
            registered_height=0,
            last_active_ms=state.get_meta_int("time_ms"),
        ),
    )
