"""variation_settlement: every member's variation-margin gain or loss in one atomic transaction.

Semantics:

* legs are (account, signed amount): positive receives, negative pays; each account at most once;
  the legs net to exactly zero (a static check). The CCP's own account may be a leg, which is how
  it absorbs a difference (e.g. on a defaulted member's positions it now carries).
* a leg's account is a clearing member, an FCM, or the CCP's own account (which must be
  registered: the CCP is the counterparty of every leg, and AML sees each leg as a movement
  between the member and the CCP).
* a payer pays from its available balance first and, for the rest, from its pledged collateral.
  Paying from collateral lowers its collateral value and may open a margin call in the same
  transaction.
* all or nothing: if any payer's available + pledged is short, the whole settlement is rejected
  with SETTLEMENT_UNFUNDED (naming every short leg) and nothing moves. A payer that cannot send
  (held, frozen, closed) or a sanctioned party also rejects the whole settlement, with that reason.
* each ``settlement_id`` is applied at most once.
"""

from __future__ import annotations

from dataclasses import replace

from ledger.chain_state import LedgerState
from ledger.collateral.calls import process_margin_status
from ledger.collateral.model import VariationSettlementRecord
from ledger.collateral.valuation import get_ccp_account, is_member_account
from ledger.errors import InvalidTransaction, Reason
from ledger.model import Account
from ledger.rules import balances
from ledger.rules.context import TxContext
from ledger.rules.enforcement_hooks import check_credit, check_parties, observe_movement
from ledger.tx.bodies_collateral import VariationSettlement


def process_variation_settlement(
    state: LedgerState, ctx: TxContext, body: VariationSettlement
) -> None:
    """Apply every leg of a variation settlement, or none (SETTLEMENT_UNFUNDED)."""
    sid = body.settlement_id
    # Each settlement is applied at most once.
    previous = state.collateral_settlements.get(sid)
    if previous is not None:
        raise InvalidTransaction(
            f"variation settlement {sid} was already applied by {previous.tx_id}",
            Reason.INVALID_STATE)
    ccp = get_ccp_account(state)
    legs: list[tuple[Account, int]] = []
    short: list[str] = []
    for leg in body.legs:
        account, amount = balances.get_account(state, leg.account), leg.amount
        legs.append((account, amount))
        # Legs are the CCP's members or the CCP itself.
        if not (is_member_account(account) or account.id == ccp.id):
            raise InvalidTransaction(
                f"account {account.id} is a {account.kind.value} account; variation settlement "
                "legs are clearing_member, fcm or the CCP's own account", Reason.INVALID_STATE)
        check_parties(state, account, None)
        if amount < 0:
            balances.require_can_send(account)
            # A payer pays from available, then from pledged collateral.
            if account.available + account.pledged < -amount:
                short.append(f"{account.id} owes {-amount} but has {account.available} available "
                             f"+ {account.pledged} pledged")
        else:
            balances.require_can_receive(account)
            check_credit(state, account, amount)
    # One leg that cannot pay stops every leg.
    if short:
        raise InvalidTransaction(
            f"variation settlement {sid} is unfunded; nothing moved: " + "; ".join(short[:5])
            + (f"; and {len(short) - 5} more" if len(short) > 5 else ""),
            Reason.SETTLEMENT_UNFUNDED)
    paid = from_collateral = 0
    drawn: list[str] = []
    for account, amount in legs:
        if amount < 0:
            used = _process_payment(state, ctx, account, -amount, sid)
            paid += -amount
            from_collateral += used
            if used:
                drawn.append(account.id)
        else:
            balances.process_credit(state, account, amount, ctx.time_ms)
            ctx.emit("variation_receive", account.id, amount, sid)
    _observe_legs(state, ctx, ccp, legs)
    state.collateral_settlements.set(sid, VariationSettlementRecord(
        sid, ctx.tx.tx_id, ctx.height, ctx.time_ms, len(legs), paid, from_collateral,
        body.reference))
    # Paying from collateral lowers its value: calls open now, in this transaction.
    for account_id in drawn:
        process_margin_status(state, ctx, account_id)


def _process_payment(state: LedgerState, ctx: TxContext, account: Account, amount: int,
                     sid: str) -> int:
    """Debit ``amount`` from available, the rest from pledged; returns the pledged part."""
    from_available = min(account.available, amount)
    from_pledged = amount - from_available
    state.accounts.set(account.id, replace(
        account, available=account.available - from_available,
        pledged=account.pledged - from_pledged, last_active_ms=ctx.time_ms))
    ctx.emit("variation_pay", account.id, amount, sid)
    if from_pledged:
        ctx.emit("collateral_used", account.id, from_pledged, sid)
    return from_pledged


def _observe_legs(state: LedgerState, ctx: TxContext, ccp: Account,
                  legs: list[tuple[Account, int]]) -> None:
    """AML sees each member leg as a movement between the member and the CCP."""
    for account, amount in legs:
        if account.id == ccp.id:
            continue  # the CCP's own leg is its own position, not a movement between parties
        current, ccp = state.accounts[account.id], state.accounts[ccp.id]
        if amount < 0:
            observe_movement(state, ctx, "variation_settlement", current, ccp, -amount)
        else:
            observe_movement(state, ctx, "variation_settlement", ccp, current, amount)
