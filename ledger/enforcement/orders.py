"""What every enforcement order shares: a unique order id, a target check, and its record.

Each order kind checks, in this order: the order id is new; the target exists and may be the
subject of an order; the kind's own state checks; then its effects, and finally the record of
the order (who, when, legal basis, effect) in ``state.enforcement_orders``.
"""

from __future__ import annotations

from ledger.chain_state import LedgerState
from ledger.enforcement.custody import is_system_account
from ledger.enforcement.model import EnforcementOrder, OrderKind
from ledger.errors import InvalidTransaction, Reason
from ledger.model import Account
from ledger.rules import balances
from ledger.rules.context import TxContext
from ledger.types import AccountStatus


def get_order(state: LedgerState, order_id: str) -> EnforcementOrder | None:
    """The applied order with this id, if any."""
    return state.enforcement_orders.get(order_id)


def require_new_order_id(state: LedgerState, order_id: str) -> None:
    """An order id is used once for the life of the chain, whatever the order kind."""
    existing = get_order(state, order_id)
    if existing is not None:
        raise InvalidTransaction(
            f"order id {order_id} was already used by a {existing.kind.value} order at height "
            f"{existing.height}; issue the order under a new id",
            Reason.ORDER_EXISTS,
        )


def get_target_account(state: LedgerState, account_id: str) -> Account:
    """The holder account an order is about (registered, and not a system account)."""
    account = balances.get_account(state, account_id)
    # Court custody is not a holder: orders cannot hold, freeze or seize it.
    if is_system_account(account):
        raise InvalidTransaction(
            f"account {account_id} is a system account and cannot be the subject of an order",
            Reason.INVALID_STATE,
        )
    # A closed account holds nothing an order could act on.
    if account.status is AccountStatus.CLOSED:
        raise InvalidTransaction(f"account {account_id} is closed", Reason.ACCOUNT_CLOSED)
    return account


def process_record_order(
    state: LedgerState, ctx: TxContext, *, kind: OrderKind, order_id: str, legal_basis: str,
    account: str, effect: str, amount: int = 0, ref: str = "",
) -> EnforcementOrder:
    """Record an applied order with its signer, block, legal basis and effect."""
    order = EnforcementOrder(
        order_id=order_id,
        kind=kind,
        issuer=ctx.tx.signer,
        account=account,
        legal_basis=legal_basis,
        tx_id=ctx.tx.tx_id,
        height=ctx.height,
        time_ms=ctx.time_ms,
        effect=effect,
        amount=amount,
        ref=ref,
    )
    state.enforcement_orders.set(order_id, order)
    return order
