"""Reserves as the custodian attests them (SPEC §4).

reserves = latest attested balance
         + deposit receipts with a custodian sequence number after the attestation's cut-off
         − payouts confirmed with a sequence number after the cut-off

and at every moment reserves ≥ supply + redemptions awaiting payout.
"""

from __future__ import annotations

from ledger.chain_state import LedgerState
from ledger.errors import InvalidTransaction, Reason
from ledger.model import ReserveEvent
from ledger.rules.context import TxContext
from ledger.tx.bodies import ReserveAttestation


def compute_reserves(state: LedgerState) -> int:
    """Reserves confirmed by the custodian, as of the current state."""
    return state.get_meta_int("attested_reserves") + state.get_meta_int("reserve_adjustment")


def compute_liabilities_due(state: LedgerState) -> int:
    """What the reserves must cover: supply plus redemptions awaiting payout."""
    return state.supply + state.get_meta_int("pending_payouts")


def require_reserves_cover_supply(state: LedgerState) -> None:
    """Supply never exceeds custodian-confirmed reserves."""
    reserves, due = compute_reserves(state), compute_liabilities_due(state)
    if due > reserves:
        raise InvalidTransaction(
            f"supply plus pending payouts ({due}) would exceed confirmed reserves ({reserves})",
            Reason.SUPPLY_EXCEEDS_RESERVES,
        )


def process_reserve_event(state: LedgerState, custodian_seq: int, delta: int) -> None:
    """Record a receipt (+) or payout (−) the custodian signed with ``custodian_seq``."""
    if custodian_seq <= state.get_meta_int("attested_through_seq"):
        return  # already reflected in the attested balance
    if custodian_seq in state.reserve_events:
        raise InvalidTransaction(
            f"custodian sequence number {custodian_seq} was already used",
            Reason.CUSTODIAN_SEQ_REUSED,
        )
    state.reserve_events.set(custodian_seq, ReserveEvent(custodian_seq, delta))
    state.set_meta("reserve_adjustment", state.get_meta_int("reserve_adjustment") + delta)


def process_reserve_attestation(
    state: LedgerState, ctx: TxContext, body: ReserveAttestation
) -> None:
    # Attestations move forward: the cut-off and the time may not go back.
    if body.through_seq < state.get_meta_int("attested_through_seq") or (
        body.as_of_ms < state.get_meta_int("attested_as_of_ms")
    ):
        raise InvalidTransaction(
            "attestation is older than the one on chain", Reason.STALE_ATTESTATION
        )
    adjustment = 0
    for seq, event in list(state.reserve_events.items()):
        if seq <= body.through_seq:
            state.reserve_events.delete(seq)
        else:
            adjustment += event.delta
    state.set_meta("attested_reserves", body.reserve_balance)
    state.set_meta("attested_through_seq", body.through_seq)
    state.set_meta("attested_as_of_ms", body.as_of_ms)
    state.set_meta("attestation_id", body.attestation_id)
    state.set_meta("attestation_tx", ctx.tx.tx_id)
    state.set_meta("reserve_adjustment", adjustment)
    if compute_liabilities_due(state) > compute_reserves(state):
        ctx.flags.append("RESERVE_SHORTFALL")
    ctx.emit("attest", "custodian", body.reserve_balance, body.attestation_id)
