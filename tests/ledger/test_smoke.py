from ledger.invariants import check_invariants
from tests.support.chain import Chain


def test_onboard_mint_transfer_redeem_payout():
    chain = Chain.create(seed=1)
    w = chain.work
    alice, reg_a = w.new_holder("BANK-A")
    bob, reg_b = w.new_holder("BANK-B")
    r = chain.block(reg_a, reg_b)
    assert [x.status for x in r] == ["applied", "applied"]
    assert chain.one(w.mint(alice, 100_000)).applied
    assert chain.one(w.transfer(alice, bob, 40_000)).applied
    red = chain.one(w.redeem(bob, 10_000))
    assert red.applied
    assert chain.state.get_meta_int("pending_payouts") == 10_000
    assert chain.one(w.confirm_payout(red.tx_id, chain.time_ms)).applied
    s = chain.state
    assert s.accounts[alice.account].available == 60_000
    assert s.accounts[bob.account].available == 30_000
    assert s.supply == 90_000
    assert s.get_meta_int("pending_payouts") == 0
    assert check_invariants(s) == []
