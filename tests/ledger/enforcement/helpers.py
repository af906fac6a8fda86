"""Shared set-up for the enforcement tests: a funded chain, and a check that a rejected
transaction left state untouched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api.sdk.builders import Signer
from ledger.enforcement.invariants import check_enforcement_invariants
from ledger.invariants import check_invariants
from ledger.receipts import Receipt
from nodes.workload import Holder, Workload
from tests.support.chain import Chain

HOUR_MS = 3600 * 1000
HOLD_MS = 48 * HOUR_MS
_BLOCK_META = ("height", "time_ms", "parent")


@dataclass
class Funded:
    chain: Chain
    alice: Holder  # BANK-A, NT$1,000.00
    bob: Holder  # BANK-B, NT$500.00
    carol: Holder  # BANK-A, NT$0

    @property
    def w(self) -> Workload:
        return self.chain.work


def make_funded(seed: int = 7, **params: Any) -> Funded:
    """Three holders at two banks; alice and bob funded."""
    chain = Chain.create(seed=seed, **params)
    w = chain.work
    alice, reg_a = w.new_holder("BANK-A")
    bob, reg_b = w.new_holder("BANK-B")
    carol, reg_c = w.new_holder("BANK-A")
    assert all(r.applied for r in chain.block(reg_a, reg_b, reg_c))
    assert all(r.applied for r in chain.block(w.mint(alice, 100_000), w.mint(bob, 50_000)))
    return Funded(chain, alice, bob, carol)


def snapshot(chain: Chain) -> tuple[Any, ...]:
    """Everything a transaction could change: every table row (block meta aside) and the
    accounts (liabilities) tree root."""
    state = chain.state
    tables = {name: dict(table.items()) for name, table in state.tables.tables.items()
              if name != "meta"}
    meta = {k: v for k, v in state.meta.items() if k not in _BLOCK_META}
    return tables, meta, state.compute_liabilities()


def signer_of(w: Workload, envelope: dict[str, Any]) -> Signer:
    """The workload signer that produced ``envelope``."""
    name = envelope["signer"]
    if name.startswith("bank:"):
        return w.banks[name.removeprefix("bank:")]
    if name == "custodian":
        assert w.custodian is not None
        return w.custodian
    if name in ("regulator", "police", "ccp"):
        return w.role(name)
    return next(h.signer for h in w.holders if h.account == name)


def expect_rejected(chain: Chain, envelope: dict[str, Any], reason: str,
                    rewind: bool = True) -> Receipt:
    """Apply ``envelope`` alone in a block; it must be rejected with ``reason`` and change
    nothing. ``rewind`` gives the unused nonce back to the workload's signer."""
    before = snapshot(chain)
    receipt = chain.one(envelope, advance_ms=1)
    assert receipt.status == "rejected", receipt
    assert receipt.reason == reason, (receipt.reason, receipt.message)
    assert receipt.effects == () and receipt.flags == ()
    assert snapshot(chain) == before
    if rewind:
        signer_of(chain.work, envelope).next_nonce -= 1
    return receipt


def apply_ok(chain: Chain, *envelopes: dict[str, Any], advance_ms: int = 1000) -> list[Receipt]:
    """Apply a block in which every transaction must apply; invariants checked after it."""
    receipts = chain.block(*envelopes, advance_ms=advance_ms)
    for r in receipts:
        assert r.applied, (r.kind, r.reason, r.message)
    assert_sound(chain)
    return receipts


def assert_sound(chain: Chain) -> None:
    assert check_invariants(chain.state) == []
    assert check_enforcement_invariants(chain.state) == []


def expect_malformed(w: Workload, envelope: dict[str, Any], reason: str = "MALFORMED") -> str:
    """A body that fails the static checks never reaches a block: decoding refuses it."""
    from ledger.errors import InvalidTransaction
    from ledger.tx.envelope import decode_transaction, encode_transaction

    try:
        decode_transaction(encode_transaction(envelope))
    except InvalidTransaction as exc:
        assert exc.reason.value == reason, exc.message
        signer_of(w, envelope).next_nonce -= 1
        return exc.message
    raise AssertionError("static checks accepted the body")
