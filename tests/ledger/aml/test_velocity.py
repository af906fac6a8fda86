"""VELOCITY at, just below and just above its counts and windows: 20 movements of one account
in 1 h, and 3 transfers from one payer to one payee in 24 h."""

from __future__ import annotations

from ledger.types import AccountKind, ntd
from tests.ledger.aml.helpers import DAY, HOUR, make_funded, pay

AMOUNT = ntd(1_000)
ACCOUNT_ONLY = {"aml_velocity_pair_count": 32}
"""Isolates the account-level trigger: the same two accounts pay each other throughout."""


def test_twentieth_movement_within_an_hour_is_flagged_once():
    chain, (a, b) = make_funded(2, **ACCOUNT_ONLY)
    flags = [pay(chain, a, b, AMOUNT).flags for _ in range(21)]
    assert flags[:19] == [()] * 19
    assert flags[19] == ("VELOCITY",)
    assert flags[20] == ()


def test_window_is_one_hour_inclusive():
    chain, (a, b) = make_funded(2, **ACCOUNT_ONLY)
    for _ in range(19):
        pay(chain, a, b, AMOUNT)
    # 19 blocks one second apart, then the 20th exactly one hour after the first.
    assert pay(chain, a, b, AMOUNT, advance_ms=HOUR - 18 * 1000).flags == ("VELOCITY",)


def test_window_just_over_one_hour_is_not_velocity():
    chain, (a, b) = make_funded(2, **ACCOUNT_ONLY)
    for _ in range(19):
        pay(chain, a, b, AMOUNT)
    assert pay(chain, a, b, AMOUNT, advance_ms=HOUR - 18 * 1000 + 1).flags == ()


def test_received_and_sent_both_count():
    chain, (a, b, c) = make_funded(3, **ACCOUNT_ONLY)
    for i in range(19):
        pay(chain, a, b, AMOUNT) if i % 2 else pay(chain, b, c, AMOUNT)
    assert pay(chain, c, b, AMOUNT).flags == ("VELOCITY",)


def test_system_accounts_are_exempt():
    chain, (sysacct, b) = make_funded(2, kinds={0: AccountKind.SYSTEM, 1: AccountKind.SYSTEM})
    assert all(pay(chain, sysacct, b, AMOUNT).flags == () for _ in range(25))


def test_third_payment_to_the_same_payee_within_24h():
    chain, (a, b, c) = make_funded(3)
    flags = [pay(chain, a, b, AMOUNT).flags for _ in range(4)]
    assert flags == [(), (), ("VELOCITY",), ()]
    assert pay(chain, a, c, AMOUNT).flags == ()  # another payee is another pair


def test_pair_window_is_24h_inclusive():
    chain, (a, b, c, d) = make_funded(4)
    pay(chain, a, b, AMOUNT)
    pay(chain, a, b, AMOUNT)
    assert pay(chain, a, b, AMOUNT, advance_ms=DAY - 1000).flags == ("VELOCITY",)
    pay(chain, c, d, AMOUNT)
    pay(chain, c, d, AMOUNT)
    assert pay(chain, c, d, AMOUNT, advance_ms=DAY - 1000 + 1).flags == ()


def test_pair_trigger_implicates_payer_and_payee():
    from ledger.aml.engine import Hit, process_movement_hits

    chain, (a, b) = make_funded(2)
    pay(chain, a, b, AMOUNT)
    pay(chain, a, b, AMOUNT)
    state = chain.state
    hits = process_movement_hits(state, chain.time_ms + 1, "transfer", state.accounts[a.account],
                                 state.accounts[b.account], AMOUNT)
    assert {Hit("VELOCITY", a.account), Hit("VELOCITY", b.account)} <= set(hits)


def test_payments_to_an_exempt_ccp_are_not_pair_velocity():
    chain, (ccp, member) = make_funded(2, kinds={0: AccountKind.CCP})
    assert [pay(chain, member, ccp, AMOUNT).flags for _ in range(4)] == [()] * 4
