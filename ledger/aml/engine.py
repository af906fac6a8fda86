"""Entry point the core rules call for every applied movement of funds; returns flags.

``process_movement`` runs every AML rule of SPEC §6 except SANCTIONS_HIT (which rejects, and
lives in ``ledger.enforcement``) over one mint, redeem or transfer, updates the per-account
windows in ``state.aml_profiles`` and returns the flags for the receipt. Flags never block a
movement. Time is the block time; nothing here reads a clock. The offline replay
(``nodes/tools/aml_replay.py``) calls the same ``process_movement_hits`` per CSV row.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.aml.dormancy import compute_dormancy
from ledger.aml.fan import compute_fan
from ledger.aml.params import AmlConfig, get_aml_config
from ledger.aml.pass_through import compute_inflow, compute_outflow
from ledger.aml.probing import compute_probing
from ledger.aml.profile import EMPTY_PROFILE, AmlProfile
from ledger.aml.structuring import compute_structuring
from ledger.aml.velocity import compute_pair_velocity, compute_velocity
from ledger.chain_state import LedgerState
from ledger.model import Account

LARGE_VALUE = "LARGE_VALUE"
STRUCTURING = "STRUCTURING"
PASS_THROUGH = "PASS_THROUGH"
FAN_IN = "FAN_IN"
FAN_OUT = "FAN_OUT"
VELOCITY = "VELOCITY"
DORMANT_REACTIVATION = "DORMANT_REACTIVATION"
PROBING = "PROBING"

FLAG_ORDER = (LARGE_VALUE, STRUCTURING, PASS_THROUGH, FAN_IN, FAN_OUT, VELOCITY,
              DORMANT_REACTIVATION, PROBING)
"""Order of flags in a receipt."""
SUSPICION_FLAGS = frozenset(FLAG_ORDER) - {LARGE_VALUE}
"""LARGE_VALUE is a reporting duty (currency transaction report), not a suspicion."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One rule firing on one movement, with the account whose behaviour it describes."""

    flag: str
    account: str


def process_movement(
    state: LedgerState, time_ms: int, kind: str, sender: Account | None,
    receiver: Account | None, amount: int,
) -> list[str]:
    """Flags raised by one mint, redeem or transfer, in ``FLAG_ORDER``."""
    raised = {hit.flag for hit in process_movement_hits(state, time_ms, kind, sender, receiver,
                                                        amount)}
    return [flag for flag in FLAG_ORDER if flag in raised]


def process_movement_hits(
    state: LedgerState, time_ms: int, kind: str, sender: Account | None,
    receiver: Account | None, amount: int,
) -> list[Hit]:
    """Run the rules for one movement, update the windows, and say which account each flag
    implicates (the sender side is processed first, then the receiver side)."""
    cfg = get_aml_config(state)
    hits: list[Hit] = []
    if amount >= cfg.large_value:
        hits.extend(Hit(LARGE_VALUE, party.id) for party in (sender, receiver)
                    if party is not None)
    if sender is not None:
        _process_side(state, cfg, hits, time_ms, kind, sender, receiver, amount, outgoing=True)
    if receiver is not None:
        _process_side(state, cfg, hits, time_ms, kind, receiver, sender, amount, outgoing=False)
    return hits


def _process_side(
    state: LedgerState, cfg: AmlConfig, hits: list[Hit], time_ms: int, kind: str,
    account: Account, counterparty: Account | None, amount: int, *, outgoing: bool,
) -> None:
    old = state.aml_profiles.get(account.id) or EMPTY_PROFILE
    who = account.id
    # Counterparties are keyed by their accounts-table leaf index: stable, compact, deterministic.
    other = None if counterparty is None else state.accounts.index_of(counterparty.id)
    counting = not cfg.is_volume_exempt(account.kind)

    wake_ms, wake_moved, fired = compute_dormancy(
        old.last_move_ms, old.wake_ms, old.wake_moved, time_ms, amount, cfg)
    if fired:
        hits.append(Hit(DORMANT_REACTIVATION, who))

    moves = old.moves
    if counting:
        moves, fired = compute_velocity(old.moves, time_ms, cfg)
        if fired:
            hits.append(Hit(VELOCITY, who))

    near_out, near_in, inflows = old.near_out, old.near_in, old.inflows
    payees, payers, probes, pair_moves = old.payees, old.payers, old.probes, old.pair_moves
    if outgoing:
        near_out, fired = compute_structuring(old.near_out, time_ms, amount, cfg)
        if fired:
            hits.append(Hit(STRUCTURING, who))
        inflows, fired = compute_outflow(old.inflows, time_ms, amount, cfg)
        if fired:
            hits.append(Hit(PASS_THROUGH, who))
        if counting and counterparty is not None and other is not None:
            if kind == "transfer":
                probes, fired = compute_probing(old.probes, old.payees, other, time_ms, amount,
                                                cfg)
                if fired:
                    hits.append(Hit(PROBING, who))
                if not cfg.is_volume_exempt(counterparty.kind):
                    pair_moves, fired = compute_pair_velocity(old.pair_moves, other, time_ms, cfg)
                    if fired:
                        hits.extend((Hit(VELOCITY, who), Hit(VELOCITY, counterparty.id)))
            payees, fired = compute_fan(old.payees, other, time_ms, cfg.fan_out_count,
                                        cfg.fan_window_ms)
            if fired:
                hits.append(Hit(FAN_OUT, who))
    else:
        near_in, fired = compute_structuring(old.near_in, time_ms, amount, cfg)
        if fired:
            hits.append(Hit(STRUCTURING, who))
        inflows = compute_inflow(old.inflows, time_ms, amount, cfg)
        if counting and counterparty is not None and other is not None:
            payers, fired = compute_fan(old.payers, other, time_ms, cfg.fan_in_count,
                                        cfg.fan_window_ms)
            if fired:
                hits.append(Hit(FAN_IN, who))

    state.aml_profiles.set(who, AmlProfile(
        last_move_ms=time_ms, payees=payees, payers=payers, moves=moves, near_out=near_out,
        near_in=near_in, inflows=inflows, probes=probes, pair_moves=pair_moves, wake_ms=wake_ms,
        wake_moved=wake_moved,
    ))
