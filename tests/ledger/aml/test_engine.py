"""The AML engine: receipts carry flags in a fixed order, flags never block, state stays bounded,
and the same movements always give the same flags and the same state root."""

from __future__ import annotations

from ledger.aml.engine import Hit, process_movement_hits
from ledger.codec import to_jsonable
from ledger.encoding import canonical_json
from ledger.invariants import check_invariants
from ledger.types import ntd
from tests.ledger.aml.helpers import QUIET, make_funded, pay
from tests.support.chain import Chain


def test_large_value_at_and_just_below_500k_on_mint_transfer_and_redeem():
    chain, (a, b) = make_funded(2)
    w = chain.work
    assert pay(chain, a, b, ntd(500_000)).flags == ("LARGE_VALUE",)
    assert pay(chain, a, b, ntd(500_000) - 1).flags == ()
    assert chain.one(w.mint(a, ntd(500_000))).flags == ("LARGE_VALUE",)
    assert chain.one(w.redeem(a, ntd(600_000)), advance_ms=QUIET).flags == ("LARGE_VALUE",)
    # Cash in and straight back out within the hour is also a pass-through.
    assert chain.one(w.mint(a, ntd(500_000))).flags == ("LARGE_VALUE",)
    assert chain.one(w.redeem(a, ntd(600_000))).flags == ("LARGE_VALUE", "PASS_THROUGH")
    assert check_invariants(chain.state) == []


def test_flags_never_block_and_come_in_a_fixed_order():
    chain, (src, mule, dst) = make_funded(3, funds=ntd(3_000_000))
    pay(chain, src, mule, ntd(1_000_000))
    receipt = pay(chain, mule, dst, ntd(950_000))
    assert receipt.applied
    assert receipt.flags == ("LARGE_VALUE", "PASS_THROUGH")
    assert chain.state.accounts[dst.account].available == ntd(3_950_000)


def test_rejected_transfer_leaves_aml_state_untouched():
    chain, (a, b) = make_funded(2)
    before = {k: v for k, v in chain.state.aml_profiles.items()}
    receipt = chain.one(chain.work.transfer(a, b, ntd(10_000_000)))
    assert receipt.reason == "INSUFFICIENT_FUNDS"
    assert dict(chain.state.aml_profiles.items()) == before


def test_profile_stays_bounded_however_busy():
    chain, (hub, *others) = make_funded(31, funds=ntd(100_000))
    for _ in range(4):
        chain.block(*[chain.work.transfer(hub, o, ntd(1_000)) for o in others])
        chain.block(*[chain.work.transfer(o, hub, ntd(1_000)) for o in others])
    profile = chain.state.aml_profiles[hub.account]
    assert len(profile.payees) == 10 and len(profile.payers) == 10
    assert len(profile.moves) == 20
    assert len(profile.pair_moves) == 32
    # Every field is capped, so even the busiest account's row stays a few kilobytes.
    assert len(canonical_json(to_jsonable(profile))) < 3_000


def test_hits_name_the_implicated_account():
    chain, (src, mule, dst) = make_funded(3)
    pay(chain, src, mule, ntd(500_000))
    state = chain.state
    hits = process_movement_hits(state, chain.time_ms + 1, "transfer",
                                 state.accounts[mule.account], state.accounts[dst.account],
                                 ntd(450_000))
    assert Hit("PASS_THROUGH", mule.account) in hits


def test_same_movements_give_same_flags_and_state_root():
    def run() -> tuple[list[tuple[str, ...]], bytes]:
        chain, (a, b, c) = make_funded(3)
        flags = [pay(chain, a, b, ntd(450_000)).flags, pay(chain, b, c, ntd(450_000)).flags,
                 pay(chain, c, a, ntd(450_000)).flags]
        return flags, chain.state.aml_profiles.compute_root()[0]

    assert run() == run()


def test_chain_harness_still_builds_valid_blocks_with_aml_state():
    chain = Chain.create(seed=3)
    w = chain.work
    a, ra = w.new_holder("BANK-A")
    b, rb = w.new_holder("BANK-A")
    chain.block(ra, rb)
    chain.block(w.mint(a, ntd(10_000)))
    assert chain.one(w.transfer(a, b, ntd(1_000))).applied
    assert b.account in chain.state.aml_profiles
