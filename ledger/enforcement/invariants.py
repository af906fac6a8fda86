"""Invariants of the enforcement tables, checked after every block by tests (and meant for the
regulator node beside ``ledger.invariants.check_invariants``).

- the court-custody account exists, is a system account, and holds at least everything seized;
- a held account is held by exactly the active police hold its status names, and every active
  hold is what holds its account;
- a frozen account names the regulator order (freeze or confirm_hold) that froze it.
"""

from __future__ import annotations

from ledger.chain_state import LedgerState
from ledger.enforcement.custody import COURT_CUSTODY_ACCOUNT
from ledger.enforcement.freezes import SEIZED_TOTAL_META
from ledger.enforcement.model import HoldStatus, OrderKind
from ledger.types import AccountKind, AccountStatus

_FREEZING_ORDERS = (OrderKind.FREEZE, OrderKind.CONFIRM_HOLD)


def check_enforcement_invariants(state: LedgerState) -> list[str]:
    """Every violated enforcement invariant, described; empty when sound."""
    problems: list[str] = []
    custody = state.accounts.get(COURT_CUSTODY_ACCOUNT)
    if custody is None or custody.kind is not AccountKind.SYSTEM:
        problems.append("court-custody system account missing")
    elif custody.total < state.get_meta_int(SEIZED_TOTAL_META):
        problems.append(f"court custody holds {custody.total}, less than the "
                        f"{state.get_meta_int(SEIZED_TOTAL_META)} seized")
    for order_id, expires in state.active_holds.items():
        hold = state.police_holds.get(order_id)
        if hold is None or hold.status is not HoldStatus.ACTIVE or hold.expires_at_ms != expires:
            problems.append(f"active hold index entry {order_id} has no matching active hold")
            continue
        account = state.accounts.get(hold.account)
        if account is None or account.status_order != order_id:
            problems.append(f"active hold {order_id} does not hold account {hold.account}")
    for account_id, account in state.accounts.items():
        if account.status is AccountStatus.HELD and account.status_order not in state.active_holds:
            problems.append(f"{account_id} is held but hold {account.status_order!r} is not active")
        if account.status is AccountStatus.FROZEN:
            order = state.enforcement_orders.get(account.status_order)
            if order is None or order.kind not in _FREEZING_ORDERS:
                problems.append(f"{account_id} is frozen but {account.status_order!r} is not a "
                                "freeze or hold confirmation")
    return problems
