"""liquidate: the CCP takes a defaulted member's pledged collateral, up to the shortfall.

    amount = min(pledged now, shortfall at default)

where the shortfall at default is requirement − collateral value in the block that put the member
in default (``MarginCall.shortfall_at_default``). It is not grossed up for the haircut: the CCP
receives NTDC, redeemable 1:1 for NT$, so a shortfall of N minor units is covered by N coins; the
haircut prices the risk of *holding* collateral, not a discount at which NTDC is realised. Coins
move from the member's pledged balance to the available balance of the CCP's own account. One
liquidation per default; what remains pledged stays the member's.

A hold or freeze on the member does not stop a liquidation (pledged coins are already encumbered
in favour of the CCP; ``ledger.enforcement.freezes`` leaves them to these rules); sanctions do.
"""

from __future__ import annotations

from dataclasses import replace

from ledger.chain_state import LedgerState
from ledger.collateral.model import CallStatus
from ledger.collateral.valuation import compute_liquidation_amount, get_ccp_account
from ledger.errors import InvalidTransaction, Reason
from ledger.rules import balances
from ledger.rules.context import TxContext
from ledger.rules.enforcement_hooks import check_credit, check_parties, observe_movement
from ledger.tx.bodies_collateral import Liquidate


def process_liquidate(state: LedgerState, ctx: TxContext, body: Liquidate) -> None:
    """Move min(pledged, shortfall at default) from a defaulted member to the CCP account."""
    call = state.collateral_calls.get(body.call_id)
    if call is None:
        raise InvalidTransaction(f"no margin call {body.call_id}", Reason.UNKNOWN_CALL)
    # Only a call that went unmet at its deadline can be liquidated.
    if call.status is not CallStatus.DEFAULTED:
        raise InvalidTransaction(
            f"margin call {call.call_id} is {call.status.value}; only a defaulted call can be "
            "liquidated", Reason.INVALID_STATE)
    # One liquidation per default, and only while the default lasts.
    if call.liquidation_tx:
        raise InvalidTransaction(
            f"margin call {call.call_id} was already liquidated by {call.liquidation_tx}",
            Reason.INVALID_STATE)
    if call.default_ended_tx:
        raise InvalidTransaction(
            f"the default of call {call.call_id} ended in {call.default_ended_tx}",
            Reason.INVALID_STATE)
    ccp = get_ccp_account(state)
    balances.require_can_receive(ccp)
    member = balances.get_account(state, call.member)
    check_parties(state, member, ccp)
    amount = compute_liquidation_amount(member.pledged, call.shortfall_at_default)
    if amount == 0:
        raise InvalidTransaction(
            f"member {member.id} has no pledged collateral left to liquidate", Reason.INVALID_STATE)
    check_credit(state, ccp, amount)
    member = replace(member, pledged=member.pledged - amount, last_active_ms=ctx.time_ms)
    state.accounts.set(member.id, member)
    ccp = balances.process_credit(state, ccp, amount, ctx.time_ms)
    state.collateral_calls.set(call.call_id, replace(
        call, liquidated=amount, liquidated_height=ctx.height, liquidated_ms=ctx.time_ms,
        liquidation_tx=ctx.tx.tx_id))
    ctx.emit("liquidate", member.id, amount, call.call_id)
    ctx.emit("credit", ccp.id, amount, member.id)
    observe_movement(state, ctx, "liquidate", member, ccp, amount)
