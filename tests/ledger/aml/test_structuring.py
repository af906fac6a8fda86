"""STRUCTURING at, just below and just above the band, the threshold, the count and the window."""

from __future__ import annotations

from ledger.types import ntd
from tests.ledger.aml.helpers import DAY, make_funded, pay

BAND_LOW = ntd(400_000)
"""20% below the NT$500,000 threshold: the smallest amount that counts as a piece."""
JUST_BELOW_THRESHOLD = ntd(500_000) - 1


def test_two_pieces_at_band_edge_within_24h_are_structuring():
    chain, (a, b, _) = make_funded(3)
    first = pay(chain, a, b, BAND_LOW)
    second = pay(chain, a, b, BAND_LOW)
    assert first.flags == ()
    assert second.flags == ("STRUCTURING",)


def test_piece_just_below_band_does_not_count():
    chain, (a, b, _) = make_funded(3)
    assert pay(chain, a, b, BAND_LOW - 1).flags == ()
    assert pay(chain, a, b, BAND_LOW).flags == ()


def test_piece_just_below_threshold_counts_and_threshold_itself_is_large_value():
    chain, (a, b, c) = make_funded(3)
    assert pay(chain, a, b, JUST_BELOW_THRESHOLD).flags == ()
    assert pay(chain, a, c, ntd(500_000)).flags == ("LARGE_VALUE",)
    assert pay(chain, a, b, JUST_BELOW_THRESHOLD).flags == ("STRUCTURING",)


def test_window_is_24h_inclusive():
    chain, (a, b, c, d) = make_funded(4)
    pay(chain, a, b, ntd(450_000))
    assert pay(chain, a, b, ntd(450_000), advance_ms=DAY).flags == ("STRUCTURING",)
    pay(chain, c, d, ntd(450_000))
    assert pay(chain, c, d, ntd(450_000), advance_ms=DAY + 1).flags == ()


def test_to_one_beneficiary_from_different_senders():
    chain, (a, b, c) = make_funded(3)
    assert pay(chain, a, c, ntd(450_000)).flags == ()
    assert pay(chain, b, c, ntd(450_000)).flags == ("STRUCTURING",)


def test_cash_structuring_by_mints_to_one_holder():
    chain, (a,) = make_funded(1)
    w = chain.work
    assert chain.one(w.mint(a, ntd(480_000))).flags == ()
    assert chain.one(w.mint(a, ntd(480_000))).flags == ("STRUCTURING",)


def test_flag_on_completing_transfer_only_then_rearms_after_window():
    chain, (a, *payees) = make_funded(6, funds=ntd(5_000_000))
    flags = [pay(chain, a, payee, ntd(420_000)).flags for payee in payees[:3]]
    assert flags == [(), ("STRUCTURING",), ()]
    assert pay(chain, a, payees[3], ntd(420_000), advance_ms=DAY + 1).flags == ()
    assert pay(chain, a, payees[4], ntd(420_000)).flags == ("STRUCTURING",)


def test_min_count_parameter_three():
    chain, (a, *payees) = make_funded(4, aml_structuring_min_count=3)
    flags = [pay(chain, a, payee, ntd(420_000)).flags for payee in payees]
    assert flags == [(), (), ("STRUCTURING",)]
