"""Freeze, unfreeze and seize (SPEC §6), all signed by the regulator.

A frozen account cannot send and can still receive (``ledger.rules.balances``). Its *frozen
balance* is ``available + held``: everything it owns except coins pledged to the clearing house,
which only the collateral rules may move (SPEC §7). A seizure moves exactly the frozen balance to
the court-custody account; supply does not change, and the account stays frozen.
"""

from __future__ import annotations

from dataclasses import replace

from ledger.chain_state import LedgerState
from ledger.enforcement.custody import COURT_CUSTODY_ACCOUNT
from ledger.enforcement.holds import get_active_hold, process_end_hold
from ledger.enforcement.model import HoldStatus, OrderKind
from ledger.enforcement.orders import (
    get_target_account,
    process_record_order,
    require_new_order_id,
)
from ledger.errors import InvalidTransaction, Reason
from ledger.model import Account
from ledger.rules import balances
from ledger.rules.context import TxContext
from ledger.tx.bodies_enforcement import FreezeBody, SeizeBody, UnfreezeBody
from ledger.types import AccountStatus, format_ntd

SEIZED_TOTAL_META = "court_custody_seized"
"""Sum of every seizure ever made (minor units)."""


def compute_frozen_balance(account: Account) -> int:
    """What a seizure takes: available + held (pledged collateral stays with the CCP rules)."""
    return account.available + account.held


def process_freeze(state: LedgerState, ctx: TxContext, body: FreezeBody) -> None:
    require_new_order_id(state, body.order_id)
    account = get_target_account(state, body.account)
    if account.status is AccountStatus.FROZEN:
        raise InvalidTransaction(
            f"account {account.id} is already frozen by order {account.status_order}",
            Reason.INVALID_STATE,
        )
    # A freeze replaces a running police hold; the hold's record says by which order.
    superseded = get_active_hold(state, account.id)
    if superseded is not None:
        process_end_hold(state, superseded, HoldStatus.SUPERSEDED, ctx.height, ctx.time_ms,
                         body.order_id)
    state.accounts.set(account.id, replace(account, status=AccountStatus.FROZEN,
                                           status_order=body.order_id))
    process_record_order(
        state, ctx, kind=OrderKind.FREEZE, order_id=body.order_id, legal_basis=body.legal_basis,
        account=account.id, ref=superseded.order_id if superseded else "",
        effect="account frozen until unfrozen" + (
            f" (replaces police hold {superseded.order_id})" if superseded else ""),
    )
    ctx.emit("freeze", account.id, 0, body.order_id)


def process_unfreeze(state: LedgerState, ctx: TxContext, body: UnfreezeBody) -> None:
    require_new_order_id(state, body.order_id)
    account = get_target_account(state, body.account)
    # Only a freeze can be lifted; a police hold lapses or is confirmed.
    if account.status is not AccountStatus.FROZEN:
        raise InvalidTransaction(
            f"account {account.id} is not frozen (status {account.status.value})",
            Reason.INVALID_STATE,
        )
    state.accounts.set(account.id, replace(account, status=AccountStatus.ACTIVE,
                                           status_order=""))
    process_record_order(
        state, ctx, kind=OrderKind.UNFREEZE, order_id=body.order_id,
        legal_basis=body.legal_basis, account=account.id, ref=account.status_order,
        effect=f"freeze by order {account.status_order} lifted; account active",
    )
    ctx.emit("unfreeze", account.id, 0, body.order_id)


def process_seize(state: LedgerState, ctx: TxContext, body: SeizeBody) -> None:
    require_new_order_id(state, body.order_id)
    account = get_target_account(state, body.account)
    # Only a frozen balance can be seized (a police hold must be confirmed first).
    if account.status is not AccountStatus.FROZEN:
        raise InvalidTransaction(
            f"account {account.id} is not frozen (status {account.status.value}); only a frozen "
            "balance can be seized",
            Reason.INVALID_STATE,
        )
    amount = compute_frozen_balance(account)
    if amount == 0:
        raise InvalidTransaction(f"account {account.id} has no frozen balance to seize",
                                 Reason.INVALID_STATE)
    custody = state.accounts.get(COURT_CUSTODY_ACCOUNT)
    if custody is None:
        raise InvalidTransaction("this chain has no court-custody account", Reason.INVALID_STATE)
    # Set directly rather than through process_debit: a seizure is not activity of the holder,
    # so last_active_ms (dormancy rules) must not move, and it also empties ``held``.
    state.accounts.set(account.id, replace(account, available=0, held=0))
    balances.process_credit(state, custody, amount, ctx.time_ms)
    state.set_meta(SEIZED_TOTAL_META, state.get_meta_int(SEIZED_TOTAL_META) + amount)
    process_record_order(
        state, ctx, kind=OrderKind.SEIZE, order_id=body.order_id, legal_basis=body.legal_basis,
        account=account.id, amount=amount, ref=account.status_order,
        effect=f"{format_ntd(amount)} moved to court custody {COURT_CUSTODY_ACCOUNT}; "
               "account stays frozen",
    )
    ctx.emit("seize", account.id, amount, body.order_id)
    ctx.emit("custody_credit", COURT_CUSTODY_ACCOUNT, amount, body.order_id)
