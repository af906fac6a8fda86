"""Signer rules (who may sign each kind) and replay protection by per-signer nonces."""

from __future__ import annotations

from dataclasses import replace

from ledger.chain_state import LedgerState
from ledger.crypto.keys import compute_account_id
from ledger.errors import InvalidTransaction, Reason, WrongSigner
from ledger.tx import bodies
from ledger.tx.envelope import SignedTx

ACCOUNT_SIGNED = frozenset({"transfer", "redeem", "pledge", "release"})
"""Kinds signed by the holder of an account (signer = account id derived from the key)."""


def compute_required_role(tx: SignedTx) -> str | None:
    """The role that must sign ``tx`` (None for holder-signed kinds)."""
    body = tx.body
    match tx.kind:
        case "register_account":
            assert isinstance(body, bodies.RegisterAccount)
            return f"bank:{body.home_bank}"
        case "mint":
            assert isinstance(body, bodies.Mint)
            # A mint without a receipt is refused in process_mint with its own reason.
            return f"bank:{body.receipt.bank}" if body.receipt else tx.signer
        case kind if kind in ACCOUNT_SIGNED:
            return None
        case _:
            from ledger.tx.kinds import ROLE_SIGNED

            role = ROLE_SIGNED.get(tx.kind)
            if role is None:
                raise WrongSigner(f"no signer rule for {tx.kind}")
            return role


def _expect_nonce(current: int, nonce: int, signer: str) -> None:
    if nonce <= current:
        raise InvalidTransaction(
            f"nonce {nonce} already used by {signer}; next nonce is {current + 1}",
            Reason.NONCE_REUSED,
        )
    if nonce != current + 1:
        raise InvalidTransaction(
            f"nonce {nonce} skips ahead for {signer}; next nonce is {current + 1}",
            Reason.NONCE_GAP,
        )


def process_signer(state: LedgerState, tx: SignedTx) -> None:
    """Check the signer may sign this kind and the nonce is the next one; then consume it."""
    role = compute_required_role(tx)
    if role is None:
        # A holder signs with the key its account id is derived from.
        if compute_account_id(tx.public_key) != tx.signer:
            raise WrongSigner(f"public key does not belong to account {tx.signer}")
        account = state.accounts.get(tx.signer)
        if account is None:
            from ledger.errors import UnknownAccount

            raise UnknownAccount(tx.signer)
        _expect_nonce(account.nonce, tx.nonce, tx.signer)
        state.accounts.set(account.id, replace(account, nonce=tx.nonce))
        return
    if tx.signer != role:
        raise WrongSigner(f"{tx.kind} must be signed by {role}, not {tx.signer}")
    registered = state.roles.get(role)
    if registered is None:
        # A bank role exists for every member, so a missing one means the bank is unknown.
        if role.startswith("bank:"):
            raise InvalidTransaction(
                f"bank {role.removeprefix('bank:')} is not a consortium member", Reason.UNKNOWN_BANK
            )
        raise WrongSigner(f"{role} is not a registered signer")
    if registered.public_key != str(tx.public_key):
        raise WrongSigner(f"key is not the registered key of {role}")
    _expect_nonce(registered.nonce, tx.nonce, role)
    state.roles.set(role, replace(registered, nonce=tx.nonce))
