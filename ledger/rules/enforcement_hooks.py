"""Checks that enforcement and AML modules add to every movement of funds.

The core rules call these at fixed points; the enforcement and AML modules decide what they do.
"""

from __future__ import annotations

from ledger.chain_state import LedgerState
from ledger.model import Account
from ledger.rules.context import TxContext


def check_registration(state: LedgerState, identity_commitment: str) -> None:
    """Screen a new holder (sanctions list) before it is registered."""
    from ledger.enforcement.rules import check_identity_not_sanctioned

    check_identity_not_sanctioned(state, identity_commitment)


def check_credit(state: LedgerState, account: Account, amount: int) -> None:
    """A credit may be refused by a holding cap."""
    from ledger.enforcement.rules import check_holding_cap

    check_holding_cap(state, account, amount)


def check_parties(state: LedgerState, sender: Account | None, receiver: Account | None) -> None:
    """A transaction touching a sanctioned party is rejected (SANCTIONS_HIT)."""
    from ledger.enforcement.rules import check_not_sanctioned

    for party in (sender, receiver):
        if party is not None:
            check_not_sanctioned(state, party)


def observe_movement(
    state: LedgerState, ctx: TxContext, kind: str, sender: Account | None,
    receiver: Account | None, amount: int,
) -> None:
    """Run the AML rules for an applied movement; flags go into the receipt."""
    from ledger.aml.engine import process_movement

    ctx.flags.extend(process_movement(state, ctx.time_ms, kind, sender, receiver, amount))
