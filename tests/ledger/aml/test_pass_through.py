"""PASS_THROUGH at, just below and just above 90%, the NT$500,000 inflow and the 1 h window."""

from __future__ import annotations

from ledger.types import ntd
from tests.ledger.aml.helpers import HOUR, make_funded, pay

INFLOW = ntd(500_000)
NINETY_PCT = ntd(450_000)


def test_ninety_percent_out_exactly_one_hour_later():
    chain, (src, mule, dst) = make_funded(3)
    assert pay(chain, src, mule, INFLOW).flags == ("LARGE_VALUE",)
    assert pay(chain, mule, dst, NINETY_PCT, advance_ms=HOUR).flags == ("PASS_THROUGH",)


def test_just_below_ninety_percent_then_the_last_cent_completes_it():
    chain, (src, mule, dst) = make_funded(3)
    pay(chain, src, mule, INFLOW)
    assert pay(chain, mule, dst, NINETY_PCT - 1).flags == ()
    assert pay(chain, mule, dst, 1).flags == ("PASS_THROUGH",)


def test_outflow_after_the_window_is_not_pass_through():
    chain, (src, mule, dst) = make_funded(3)
    pay(chain, src, mule, INFLOW)
    assert pay(chain, mule, dst, NINETY_PCT, advance_ms=HOUR + 1).flags == ()


def test_inflow_just_below_large_is_not_tracked():
    chain, (src, mule, dst) = make_funded(3)
    pay(chain, src, mule, INFLOW - 1)
    assert pay(chain, mule, dst, INFLOW - 1).flags == ()


def test_outflows_are_attributed_oldest_inflow_first():
    chain, (src, mule, dst) = make_funded(3)
    pay(chain, src, mule, ntd(1_000_000))
    pay(chain, src, mule, INFLOW)
    # 950,000 covers 95% of the first inflow only.
    assert pay(chain, mule, dst, ntd(950_000)).flags == ("LARGE_VALUE", "PASS_THROUGH")
    # The next 450,000 covers 90% of the second.
    assert pay(chain, mule, dst, NINETY_PCT).flags == ("PASS_THROUGH",)


def test_redeem_is_an_outflow():
    chain, (src, mule) = make_funded(2)
    pay(chain, src, mule, INFLOW)
    receipt = chain.one(chain.work.redeem(mule, ntd(460_000)))
    assert receipt.applied and receipt.flags == ("PASS_THROUGH",)
