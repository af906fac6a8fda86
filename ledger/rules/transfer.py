"""transfer: a holder pays another holder (SPEC §2)."""

from __future__ import annotations

from ledger.chain_state import LedgerState
from ledger.errors import InvalidTransaction, Reason
from ledger.rules import balances
from ledger.rules.context import TxContext
from ledger.rules.enforcement_hooks import check_credit, check_parties, observe_movement
from ledger.tx.bodies import Transfer


def process_transfer(state: LedgerState, ctx: TxContext, body: Transfer) -> None:
    sender = balances.get_account(state, ctx.tx.signer)
    if body.to == sender.id:
        raise InvalidTransaction("an account cannot pay itself", Reason.SELF_TRANSFER)
    receiver = balances.get_account(state, body.to)
    balances.require_can_send(sender)
    balances.require_can_receive(receiver)
    check_parties(state, sender, receiver)
    balances.require_available(sender, body.amount)
    check_credit(state, receiver, body.amount)
    from ledger.rules.travel_rule import check_travel_rule

    check_travel_rule(state, sender, receiver, body)
    sender = balances.process_debit(state, sender, body.amount, ctx.time_ms)
    receiver = balances.process_credit(state, receiver, body.amount, ctx.time_ms)
    ctx.emit("debit", sender.id, body.amount, receiver.id)
    ctx.emit("credit", receiver.id, body.amount, sender.id)
    observe_movement(state, ctx, "transfer", sender, receiver, body.amount)
