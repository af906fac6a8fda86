"""register_account: a home bank puts a KYC-verified holder on chain (SPEC §2, §5)."""

from __future__ import annotations

from ledger.chain_state import LedgerState
from ledger.crypto.keys import KeyError_, PublicKey, compute_account_id
from ledger.errors import InvalidTransaction, Reason
from ledger.model import Account
from ledger.rules.context import TxContext
from ledger.tx.bodies import RegisterAccount
from ledger.types import AccountStatus


def process_register_account(state: LedgerState, ctx: TxContext, body: RegisterAccount) -> None:
    try:
        key = PublicKey.parse(body.account_public_key)
    except KeyError_ as exc:
        raise InvalidTransaction(f"account_public_key: {exc}", Reason.MALFORMED) from None
    account_id = compute_account_id(key)
    # The home bank must be a consortium member.
    if body.home_bank not in state.banks:
        raise InvalidTransaction(f"bank {body.home_bank} is not a member", Reason.UNKNOWN_BANK)
    # The dossier must be readable by the regulator and the home bank.
    missing = {"regulator", f"bank:{body.home_bank}"} - set(body.dossier.recipients)
    if missing:
        raise InvalidTransaction(
            f"KYC dossier is not sealed to {sorted(missing)}", Reason.MALFORMED
        )
    # One account per key.
    if account_id in state.accounts:
        raise InvalidTransaction(f"account {account_id} already exists", Reason.ACCOUNT_EXISTS)
    from ledger.rules.enforcement_hooks import check_registration

    check_registration(state, body.identity_commitment)
    state.accounts.set(
        account_id,
        Account(
            id=account_id,
            public_key=str(key),
            kind=body.kind,
            home_bank=body.home_bank,
            status=AccountStatus.ACTIVE,
            risk_tier=body.risk_tier,
            nonce=0,
            available=0,
            pledged=0,
            held=0,
            identity_commitment=body.identity_commitment,
            leaf_salt=body.leaf_salt,
            registered_height=ctx.height,
            last_active_ms=ctx.time_ms,
        ),
    )
    ctx.emit("register", account_id, 0, ctx.tx.tx_id)
