"""FAN_IN / FAN_OUT at, just below and just above 10 distinct counterparties and the 24 h window."""

from __future__ import annotations

from ledger.types import AccountKind, ntd
from tests.ledger.aml.helpers import DAY, make_funded, pay

AMOUNT = ntd(1_000)
"""Above the PROBING size, so only the fan rules can fire."""


def test_fan_out_on_the_tenth_distinct_payee_not_the_ninth_or_eleventh():
    chain, (hub, *others) = make_funded(12)
    flags = [pay(chain, hub, other, AMOUNT).flags for other in others[:11]]
    assert flags[:9] == [()] * 9
    assert flags[9] == ("FAN_OUT",)
    assert flags[10] == ()


def test_fan_in_on_the_tenth_distinct_payer():
    chain, (hub, *others) = make_funded(11)
    flags = [pay(chain, other, hub, AMOUNT).flags for other in others]
    assert flags == [()] * 9 + [("FAN_IN",)]


def test_repeat_counterparty_is_not_distinct():
    chain, (hub, *others) = make_funded(11)
    for other in others[:9]:
        pay(chain, hub, other, AMOUNT)
    assert pay(chain, hub, others[0], AMOUNT).flags == ()
    assert pay(chain, hub, others[9], AMOUNT).flags == ("FAN_OUT",)


def test_window_is_24h_inclusive():
    chain, (hub, *others) = make_funded(11)
    first_gap = DAY - 8 * 1000  # eight more one-second blocks follow the first payment
    pay(chain, hub, others[0], AMOUNT)
    for other in others[1:9]:
        pay(chain, hub, other, AMOUNT)
    assert pay(chain, hub, others[9], AMOUNT, advance_ms=first_gap).flags == ("FAN_OUT",)


def test_window_just_over_24h_is_not_a_fan():
    chain, (hub, *others) = make_funded(11)
    pay(chain, hub, others[0], AMOUNT)
    for other in others[1:9]:
        pay(chain, hub, other, AMOUNT)
    assert pay(chain, hub, others[9], AMOUNT, advance_ms=DAY - 8 * 1000 + 1).flags == ()


def test_ccp_is_exempt_from_fan_in():
    chain, (ccp, *members) = make_funded(11, kinds={0: AccountKind.CCP})
    flags = [pay(chain, m, ccp, AMOUNT).flags for m in members]
    assert flags == [()] * 10


def test_fan_rearms_after_it_lapses():
    chain, (hub, *others) = make_funded(12)
    for other in others[:10]:
        pay(chain, hub, other, AMOUNT)
    # A day later the old fan has lapsed; paying ten distinct payees again is a new fan.
    flags = [pay(chain, hub, o, AMOUNT, advance_ms=DAY if i == 0 else 1000).flags
             for i, o in enumerate(others[1:11])]
    assert flags == [()] * 9 + [("FAN_OUT",)]
