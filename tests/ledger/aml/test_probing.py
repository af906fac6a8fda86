"""PROBING at, just below and just above five tiny (≤ NT$100) transfers to new payees in 24 h."""

from __future__ import annotations

from ledger.types import ntd
from tests.ledger.aml.helpers import DAY, make_funded, pay

TINY = ntd(100)


def test_fifth_tiny_transfer_to_a_new_payee():
    chain, (prober, *targets) = make_funded(7)
    flags = [pay(chain, prober, t, TINY).flags for t in targets]
    assert flags == [(), (), (), (), ("PROBING",), ()]


def test_just_above_tiny_is_not_probing():
    chain, (prober, *targets) = make_funded(6)
    assert [pay(chain, prober, t, TINY + 1).flags for t in targets] == [()] * 5


def test_known_payees_are_not_new():
    chain, (prober, *targets) = make_funded(6)
    pay(chain, prober, targets[0], ntd(5_000))  # an ordinary payment: targets[0] is known
    flags = [pay(chain, prober, t, TINY).flags for t in targets]
    assert flags == [()] * 5
    # The same payee twice is one probe, not two.
    chain2, (p2, *t2) = make_funded(6)
    flags2 = [pay(chain2, p2, t, TINY).flags for t in (t2[0], t2[0], t2[1], t2[2], t2[3])]
    assert flags2 == [()] * 5
    assert pay(chain2, p2, t2[4], TINY).flags == ("PROBING",)


def test_window_is_24h_inclusive():
    chain, (prober, *targets) = make_funded(6)
    for t in targets[:4]:
        pay(chain, prober, t, TINY)
    # Four probes one second apart; the fifth exactly 24 h after the first.
    assert pay(chain, prober, targets[4], TINY, advance_ms=DAY - 3000).flags == ("PROBING",)


def test_window_just_over_24h_is_not_probing():
    chain, (prober, *targets) = make_funded(6)
    for t in targets[:4]:
        pay(chain, prober, t, TINY)
    assert pay(chain, prober, targets[4], TINY, advance_ms=DAY - 3000 + 1).flags == ()
