"""DORMANT_REACTIVATION at, just below and just above 180 days idle, NT$100,000 and 48 h."""

from __future__ import annotations

from ledger.receipts import Receipt
from ledger.types import ntd
from nodes.workload import Holder
from tests.ledger.aml.helpers import DAY, HOUR, QUIET, make_funded, pay
from tests.support.chain import Chain

IDLE = 180 * DAY
AMOUNT = ntd(100_000)


def _wake(chain: Chain, sleeper: Holder, amount: int, idle_ms: int) -> tuple[Receipt, Holder]:
    """``idle_ms`` after the sleeper's funding mint, a brand-new holder pays it ``amount``.

    The payer is new (its first movement is never a reactivation), so only the sleeper can be
    flagged."""
    chain.block(advance_ms=idle_ms - QUIET - 3000)
    payer, reg = chain.work.new_holder("BANK-A")
    assert chain.one(reg).applied
    assert chain.one(chain.work.mint(payer, ntd(1_000_000))).applied
    return pay(chain, payer, sleeper, amount), payer


def test_idle_exactly_180_days_then_receives_100k():
    chain, (sleeper,) = make_funded(1)
    receipt, _ = _wake(chain, sleeper, AMOUNT, IDLE)
    assert receipt.flags == ("DORMANT_REACTIVATION",)


def test_idle_just_under_180_days_is_not_dormant():
    chain, (sleeper,) = make_funded(1)
    receipt, _ = _wake(chain, sleeper, AMOUNT, IDLE - 1)
    assert receipt.flags == ()


def test_amount_just_below_then_completed_at_48h():
    chain, (sleeper,) = make_funded(1)
    receipt, payer = _wake(chain, sleeper, AMOUNT - 1, IDLE)
    assert receipt.flags == ()
    assert pay(chain, sleeper, payer, 1, advance_ms=48 * HOUR).flags == ("DORMANT_REACTIVATION",)


def test_completion_just_after_48h_is_not_flagged():
    chain, (sleeper,) = make_funded(1)
    _, payer = _wake(chain, sleeper, AMOUNT - 1, IDLE)
    assert pay(chain, sleeper, payer, ntd(1_000), advance_ms=48 * HOUR + 1).flags == ()


def test_flagged_once_per_reactivation_and_outflows_count():
    chain, (sleeper,) = make_funded(1)
    receipt, payer = _wake(chain, sleeper, AMOUNT, IDLE)
    assert receipt.flags == ("DORMANT_REACTIVATION",)
    assert pay(chain, sleeper, payer, AMOUNT).flags == ()
    # A second sleep and a large outflow alone is a new reactivation.
    chain.block(advance_ms=IDLE)
    assert chain.one(chain.work.mint(payer, ntd(1_000))).applied  # the payer stays active
    assert pay(chain, sleeper, payer, AMOUNT).flags == ("DORMANT_REACTIVATION",)
