"""Travel rule: identity travels with large transfers between banks (SPEC §5)."""

from __future__ import annotations

from ledger.chain_state import LedgerState
from ledger.errors import InvalidTransaction, Reason
from ledger.model import Account
from ledger.tx.bodies import Transfer


def is_travel_rule_transfer(state: LedgerState, sender: Account, receiver: Account,
                            amount: int) -> bool:
    """Cross-bank and at or above the travel-rule threshold."""
    threshold = int(state.get_param("travel_rule_threshold"))
    return sender.home_bank != receiver.home_bank and amount >= threshold


def check_travel_rule(state: LedgerState, sender: Account, receiver: Account,
                      body: Transfer) -> None:
    """Above the threshold, originator/beneficiary data must be sealed to the right parties."""
    if not is_travel_rule_transfer(state, sender, receiver, body.amount):
        return
    record = body.travel_rule
    needed = {"regulator", f"bank:{receiver.home_bank}"}
    if record is None or not needed <= set(record.recipients):
        raise InvalidTransaction(
            f"transfers of {state.get_param('travel_rule_threshold')} minor units or more to "
            f"another bank need travel-rule data sealed to {sorted(needed)}",
            Reason.MALFORMED,
        )
