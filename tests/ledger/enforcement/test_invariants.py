"""The enforcement invariants catch inconsistent hold, freeze and custody state."""

from __future__ import annotations

from dataclasses import replace

from ledger.enforcement.custody import COURT_CUSTODY_ACCOUNT
from ledger.enforcement.invariants import check_enforcement_invariants
from ledger.types import AccountStatus
from tests.ledger.enforcement.helpers import apply_ok, make_funded


def test_sound_after_a_full_story():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.police_hold(f.alice, order_id="CIB-1"),
             w.police_hold(f.bob, order_id="CIB-2"))
    apply_ok(chain, w.confirm_hold("CIB-1"), w.freeze(f.bob))
    apply_ok(chain, w.seize(f.alice))
    assert check_enforcement_invariants(chain.state) == []


def test_detects_a_status_without_its_order():
    f = make_funded()
    state = f.chain.state
    alice = state.accounts[f.alice.account]
    state.accounts.set(alice.id, replace(alice, status=AccountStatus.HELD, status_order="CIB-X"))
    bob = state.accounts[f.bob.account]
    state.accounts.set(bob.id, replace(bob, status=AccountStatus.FROZEN, status_order="FSC-X"))
    problems = check_enforcement_invariants(state)
    assert any("held" in p and "CIB-X" in p for p in problems)
    assert any("frozen" in p and "FSC-X" in p for p in problems)


def test_detects_custody_short_of_seizures():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.freeze(f.alice))
    apply_ok(chain, w.seize(f.alice))
    custody = chain.state.accounts[COURT_CUSTODY_ACCOUNT]
    chain.state.accounts.set(custody.id, replace(custody, available=custody.available - 1))
    assert any("court custody" in p for p in check_enforcement_invariants(chain.state))
    chain.state.accounts.delete(COURT_CUSTODY_ACCOUNT)
    assert "court-custody system account missing" in check_enforcement_invariants(chain.state)


def test_detects_a_dangling_active_hold():
    f = make_funded()
    chain, w = f.chain, f.w
    apply_ok(chain, w.police_hold(f.alice, order_id="CIB-1"))
    alice = chain.state.accounts[f.alice.account]
    chain.state.accounts.set(alice.id, replace(alice, status=AccountStatus.ACTIVE, status_order=""))
    assert any("CIB-1" in p for p in check_enforcement_invariants(chain.state))
