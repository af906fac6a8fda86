"""Reading accounts and moving balances; the only place balances change."""

from __future__ import annotations

from dataclasses import replace

from ledger.chain_state import LedgerState
from ledger.errors import InsufficientFunds, InvalidTransaction, Reason, UnknownAccount
from ledger.model import Account
from ledger.types import AccountStatus


def get_account(state: LedgerState, account_id: str) -> Account:
    """The registered account, or UnknownAccount."""
    account = state.accounts.get(account_id)
    if account is None:
        raise UnknownAccount(account_id)
    return account


def is_frozen(account: Account) -> bool:
    return account.status is AccountStatus.FROZEN


def is_held(account: Account) -> bool:
    return account.status is AccountStatus.HELD


def require_can_send(account: Account) -> None:
    """A closed, held or frozen account cannot send."""
    if account.status is AccountStatus.CLOSED:
        raise InvalidTransaction(f"account {account.id} is closed", Reason.ACCOUNT_CLOSED)
    if is_frozen(account):
        raise InvalidTransaction(
            f"account {account.id} is frozen by order {account.status_order or '(unknown)'}",
            Reason.ACCOUNT_FROZEN,
        )
    if is_held(account):
        raise InvalidTransaction(
            f"account {account.id} is under police hold {account.status_order or '(unknown)'}",
            Reason.ACCOUNT_HELD,
        )


def require_can_receive(account: Account) -> None:
    """A closed account cannot receive; held and frozen accounts can."""
    if account.status is AccountStatus.CLOSED:
        raise InvalidTransaction(f"account {account.id} is closed", Reason.ACCOUNT_CLOSED)


def require_available(account: Account, amount: int,
                      reason: Reason = Reason.INSUFFICIENT_FUNDS) -> None:
    """The account's available balance covers ``amount``."""
    if account.available < amount:
        raise InsufficientFunds(account.id, amount, account.available, reason)


def process_debit(state: LedgerState, account: Account, amount: int, time_ms: int) -> Account:
    """Take ``amount`` from the available balance (caller checked it is there)."""
    updated = replace(account, available=account.available - amount, last_active_ms=time_ms)
    state.accounts.set(account.id, updated)
    return updated


def process_credit(state: LedgerState, account: Account, amount: int, time_ms: int) -> Account:
    """Add ``amount`` to the available balance."""
    updated = replace(account, available=account.available + amount, last_active_ms=time_ms)
    state.accounts.set(account.id, updated)
    return updated


def process_supply_change(state: LedgerState, delta: int) -> None:
    """Mint (+) or burn (−) supply."""
    state.set_meta("supply", state.supply + delta)
