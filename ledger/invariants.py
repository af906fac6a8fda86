"""Invariants that must hold after every block (SPEC §2), checked by tests and the regulator."""

from __future__ import annotations

from ledger.chain_state import LedgerState
from ledger.collateral.invariants import check_collateral_invariants
from ledger.rules.reserves import compute_liabilities_due, compute_reserves
from ledger.types import MAX_SUPPLY


def check_invariants(state: LedgerState) -> list[str]:
    """Every violated invariant, described; an empty list means the state is sound."""
    problems: list[str] = []
    total = pledged = 0
    for account_id, account in state.accounts.items():
        for name in ("available", "pledged", "held"):
            if getattr(account, name) < 0:
                problems.append(f"{account_id} has negative {name} balance")
        total += account.total
        pledged += account.pledged
    supply = state.supply
    # total supply = sum of all balances (available + pledged + held)
    if total != supply:
        problems.append(f"supply {supply} != sum of balances {total}")
    if not 0 <= supply <= MAX_SUPPLY:
        problems.append(f"supply {supply} out of range")
    # total supply ≤ reserves confirmed by the custodian (plus pending payouts)
    if compute_liabilities_due(state) > compute_reserves(state):
        problems.append(
            f"supply + pending payouts {compute_liabilities_due(state)} exceed reserves "
            f"{compute_reserves(state)}"
        )
    # no mint without a receipt: every coin ever issued traces to a spent receipt
    minted = sum(r.amount for _, r in state.spent_receipts.items())
    redeemed = sum(r.amount for _, r in state.redemptions.items())
    if minted - redeemed != supply:
        problems.append(f"minted {minted} - redeemed {redeemed} != supply {supply}")
    pending = sum(r.amount for _, r in state.redemptions.items() if not r.paid)
    if pending != state.get_meta_int("pending_payouts"):
        problems.append("pending payouts do not match open redemptions")
    problems.extend(check_collateral_invariants(state, pledged))
    return problems
