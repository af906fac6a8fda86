"""Police holds (SPEC §6): 48 hours of block time, then they lapse unless the regulator confirms.

Timing, precisely. A hold placed by a transaction in a block with time ``T`` has
``expires_at_ms = T + police_hold_ms`` (default 48 h). Block-start hooks run before any
transaction of a block, with the block's time ``t``:

- ``t < expires_at_ms``: the hold applies for the whole block (the account cannot send, and the
  regulator can still confirm it);
- ``t >= expires_at_ms``: the hold lapses at the start of that block, before its first
  transaction: the account is active again for every transaction in it, and a confirmation in
  that block or later is refused (the hold is no longer active).

So a hold covers exactly the half-open block-time interval [T, T + 48 h). Time is only the block
time proposed by the primary and bounded by the replicas; no clock is read here.
"""

from __future__ import annotations

from dataclasses import replace

from ledger.chain_state import LedgerState
from ledger.enforcement.model import HoldStatus, OrderKind, PoliceHold
from ledger.enforcement.orders import (
    get_target_account,
    process_record_order,
    require_new_order_id,
)
from ledger.errors import InvalidTransaction, Reason
from ledger.rules import balances
from ledger.rules.context import TxContext
from ledger.tx.bodies_enforcement import ConfirmHoldBody, PoliceHoldBody
from ledger.types import AccountStatus

HOLD_DURATION_PARAM = "police_hold_ms"


def is_hold_active(hold: PoliceHold, time_ms: int) -> bool:
    """The hold still applies at block time ``time_ms``."""
    return hold.status is HoldStatus.ACTIVE and time_ms < hold.expires_at_ms


def get_active_hold(state: LedgerState, account_id: str) -> PoliceHold | None:
    """The police hold currently on ``account_id``, if any."""
    account = state.accounts.get(account_id)
    if account is None or account.status is not AccountStatus.HELD:
        return None
    hold = state.police_holds.get(account.status_order)
    return hold if hold is not None and hold.status is HoldStatus.ACTIVE else None


def process_police_hold(state: LedgerState, ctx: TxContext, body: PoliceHoldBody) -> None:
    require_new_order_id(state, body.order_id)
    account = get_target_account(state, body.account)
    # A frozen account is already stopped by the regulator; a hold would add nothing.
    if account.status is AccountStatus.FROZEN:
        raise InvalidTransaction(
            f"account {account.id} is already frozen by order {account.status_order}",
            Reason.INVALID_STATE,
        )
    # One police hold at a time: a second agency waits for the first to end or be confirmed.
    if account.status is AccountStatus.HELD:
        current = state.police_holds[account.status_order]
        raise InvalidTransaction(
            f"account {account.id} is already under police hold {current.order_id} until block "
            f"time {current.expires_at_ms}",
            Reason.INVALID_STATE,
        )
    expires_at = ctx.time_ms + int(state.get_param(HOLD_DURATION_PARAM))
    state.police_holds.set(body.order_id, PoliceHold(
        order_id=body.order_id, account=account.id, placed_at_ms=ctx.time_ms,
        placed_height=ctx.height, expires_at_ms=expires_at, status=HoldStatus.ACTIVE,
    ))
    state.active_holds.set(body.order_id, expires_at)
    state.accounts.set(account.id, replace(account, status=AccountStatus.HELD,
                                           status_order=body.order_id))
    process_record_order(
        state, ctx, kind=OrderKind.POLICE_HOLD, order_id=body.order_id,
        legal_basis=body.legal_basis, account=account.id,
        effect=f"outgoing funds held until block time {expires_at} unless the regulator "
               f"confirms the hold",
    )
    ctx.emit("police_hold", account.id, 0, body.order_id)


def process_confirm_hold(state: LedgerState, ctx: TxContext, body: ConfirmHoldBody) -> None:
    require_new_order_id(state, body.order_id)
    hold = state.police_holds.get(body.hold_order_id)
    if hold is None:
        raise InvalidTransaction(f"there is no police hold with order id {body.hold_order_id}",
                                 Reason.UNKNOWN_ORDER)
    # Only an active hold can be confirmed; a lapsed one needs a fresh freeze order.
    if hold.status is not HoldStatus.ACTIVE:
        ended = f" by order {hold.ended_by}" if hold.ended_by else ""
        raise InvalidTransaction(
            f"police hold {hold.order_id} is no longer active: it {hold.status.value}{ended} at "
            f"block time {hold.ended_at_ms}; issue a freeze order instead",
            Reason.INVALID_STATE,
        )
    account = balances.get_account(state, hold.account)
    if account.status is not AccountStatus.HELD or account.status_order != hold.order_id:
        raise InvalidTransaction(
            f"account {account.id} is not under police hold {hold.order_id}", Reason.INVALID_STATE
        )
    process_end_hold(state, hold, HoldStatus.CONFIRMED, ctx.height, ctx.time_ms, body.order_id)
    state.accounts.set(account.id, replace(account, status=AccountStatus.FROZEN,
                                           status_order=body.order_id))
    process_record_order(
        state, ctx, kind=OrderKind.CONFIRM_HOLD, order_id=body.order_id,
        legal_basis=body.legal_basis, account=account.id, ref=hold.order_id,
        effect=f"police hold {hold.order_id} confirmed: account frozen until unfrozen",
    )
    ctx.emit("freeze", account.id, 0, body.order_id)


def process_end_hold(state: LedgerState, hold: PoliceHold, status: HoldStatus, height: int,
                     time_ms: int, ended_by: str = "") -> None:
    """Close an active hold's record (lapsed, confirmed or superseded)."""
    state.police_holds.set(hold.order_id, replace(
        hold, status=status, ended_at_ms=time_ms, ended_height=height, ended_by=ended_by))
    state.active_holds.delete(hold.order_id)


def process_hold_lapses(state: LedgerState, height: int, time_ms: int) -> None:
    """Block-start hook: every active hold with expires_at_ms <= block time lapses."""
    due = sorted((expires, order_id) for order_id, expires in state.active_holds.items()
                 if expires <= time_ms)
    for _, order_id in due:
        hold = state.police_holds[order_id]
        process_end_hold(state, hold, HoldStatus.LAPSED, height, time_ms)
        account = state.accounts.get(hold.account)
        # The account returns to active only if this hold is still what stops it.
        if (account is not None and account.status is AccountStatus.HELD
                and account.status_order == order_id):
            state.accounts.set(account.id, replace(account, status=AccountStatus.ACTIVE,
                                                   status_order=""))
