"""Chains with funded holders and exact control of block time, for the AML rule tests."""

from __future__ import annotations

from typing import Any

from ledger.receipts import Receipt
from ledger.types import AccountKind, ntd
from nodes.workload import Holder
from tests.support.chain import Chain

SECOND = 1_000
HOUR = 3_600_000
DAY = 24 * HOUR
QUIET = 3 * DAY
"""Longer than every window but the dormancy idle period: windows opened by funding close."""


def make_funded(count: int, funds: int = ntd(2_000_000),
                kinds: dict[int, AccountKind] | None = None,
                **params: Any) -> tuple[Chain, list[Holder]]:
    """A chain with ``count`` holders, each minted ``funds``, then ``QUIET`` ms of silence."""
    chain = Chain.create(seed=7, **params)
    w = chain.work
    holders, regs = [], []
    for i in range(count):
        kind = (kinds or {}).get(i, AccountKind.INDIVIDUAL)
        holder, reg = w.new_holder("BANK-A", kind)  # one bank: no travel-rule data needed
        holders.append(holder)
        regs.append(reg)
    assert all(r.applied for r in chain.block(*regs))
    assert all(r.applied for r in chain.block(*[w.mint(h, funds) for h in holders]))
    chain.block(advance_ms=QUIET)
    return chain, holders


def pay(chain: Chain, sender: Holder, receiver: Holder, amount: int,
        advance_ms: int = SECOND) -> Receipt:
    """One transfer in its own block, ``advance_ms`` after the previous block; must apply."""
    receipt = chain.one(chain.work.transfer(sender, receiver, amount), advance_ms=advance_ms)
    assert receipt.applied, receipt.message
    return receipt


def flags_of(receipts: list[Receipt]) -> list[tuple[str, ...]]:
    return [r.flags for r in receipts]
