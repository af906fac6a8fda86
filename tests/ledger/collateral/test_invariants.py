"""Collateral invariants (ledger/collateral/invariants.py) catch corrupted state."""

from dataclasses import replace

from ledger.collateral.invariants import check_collateral_invariants
from ledger.invariants import check_invariants
from tests.ledger.collateral.desk import DEADLINE_MS, Desk


def _desk_with_call() -> Desk:
    desk = Desk.create()
    w = desk.work
    desk.block(w.pledge(desk.alpha, 100_000), w.pledge(desk.beta, 100_000))
    desk.ok(w.post_requirement(desk.alpha, 120_000))
    return desk


def test_sound_state_has_no_problems():
    desk = _desk_with_call()
    assert check_collateral_invariants(desk.state) == []
    assert check_invariants(desk.state) == []


def test_requirement_above_value_without_a_call_is_reported():
    desk = _desk_with_call()
    state = desk.state
    member = state.collateral_members[desk.beta.account]
    state.collateral_members.set(desk.beta.account, replace(member, requirement=10**6))
    (problem,) = check_collateral_invariants(state)
    assert desk.beta.account in problem and "good" in problem


def test_pledge_outside_a_margin_record_is_reported():
    desk = _desk_with_call()
    state = desk.state
    person = state.accounts[desk.person.account]
    state.accounts.set(person.id, replace(person, available=person.available - 5,
                                          pledged=5))
    assert check_invariants(state) == ["5 minor units pledged outside margin records"]


def test_open_call_past_its_deadline_is_reported():
    desk = _desk_with_call()
    state = desk.state
    state.set_meta("time_ms", state.get_meta_int("time_ms") + DEADLINE_MS)
    (problem,) = check_collateral_invariants(state)
    assert "stale" in problem


def test_over_liquidation_is_reported():
    desk = _desk_with_call()
    desk.block(advance_ms=DEADLINE_MS)
    state = desk.state
    call = state.collateral_calls["MC-00000001"]
    state.collateral_calls.set(call.call_id,
                               replace(call, liquidated=call.shortfall_at_default + 1))
    (problem,) = check_collateral_invariants(state)
    assert "above its shortfall" in problem
