"""A chain with a registered CCP account and funded members; checks invariants after each block."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api.sdk.builders import Signer
from ledger.chain_state import LedgerState
from ledger.collateral.model import MarginCall, MarginMember
from ledger.collateral.valuation import MarginFigures, get_margin_figures
from ledger.invariants import check_invariants
from ledger.model import Account
from ledger.receipts import Receipt
from ledger.types import AccountKind
from nodes.workload import Holder, Workload
from tests.support.chain import Chain

DEADLINE_MS = 2 * 3600 * 1000
FUNDING = 1_000_000  # NT$10,000 each


@dataclass
class Desk:
    chain: Chain
    ccp: Holder
    alpha: Holder
    """A clearing member (BANK-A)."""
    beta: Holder
    """An FCM (BANK-B)."""
    gamma: Holder
    """A clearing member (BANK-C)."""
    person: Holder
    """An individual, not a member."""

    @classmethod
    def create(cls, seed: int = 7, register_ccp: bool = True, **params: Any) -> Desk:
        chain = Chain.create(seed=seed, **params)
        w = chain.work
        alpha, r1 = w.new_holder("BANK-A", AccountKind.CLEARING_MEMBER, "Alpha Futures")
        beta, r2 = w.new_holder("BANK-B", AccountKind.FCM, "Beta FCM")
        gamma, r3 = w.new_holder("BANK-C", AccountKind.CLEARING_MEMBER, "Gamma Securities")
        person, r4 = w.new_holder("BANK-A")
        ccp, r5 = w.new_ccp_account("BANK-D")
        desk = cls(chain, ccp, alpha, beta, gamma, person)
        registrations = [r1, r2, r3, r4] + ([r5] if register_ccp else [])
        assert all(r.applied for r in desk.block(*registrations))
        mints = [w.mint(h, FUNDING) for h in (alpha, beta, gamma, person)]
        assert all(r.applied for r in desk.block(*mints))
        return desk

    @property
    def state(self) -> LedgerState:
        return self.chain.state

    @property
    def work(self) -> Workload:
        return self.chain.work

    def block(self, *envelopes: dict[str, Any], advance_ms: int = 1000) -> list[Receipt]:
        receipts = self.chain.block(*envelopes, advance_ms=advance_ms)
        assert check_invariants(self.chain.state) == []
        return receipts

    def one(self, envelope: dict[str, Any], advance_ms: int = 1000) -> Receipt:
        (receipt,) = self.block(envelope, advance_ms=advance_ms)
        return receipt

    def ok(self, envelope: dict[str, Any], advance_ms: int = 1000) -> Receipt:
        receipt = self.one(envelope, advance_ms)
        assert receipt.applied, receipt.message
        return receipt

    def refused(self, envelope: dict[str, Any], reason: str, advance_ms: int = 1000) -> Receipt:
        """Execute a transaction that must be rejected with ``reason``; its nonce is reusable."""
        receipt = self.one(envelope, advance_ms)
        assert (receipt.status, receipt.reason) == ("rejected", reason), receipt.message
        self._signer(envelope["signer"]).next_nonce -= 1
        return receipt

    def _signer(self, signer_id: str) -> Signer:
        w = self.chain.work
        signers = [h.signer for h in (*w.holders, self.ccp)] + [
            w.role(name) for name in ("ccp", "regulator", "police", "custodian")]
        return next(s for s in signers if s.signer == signer_id)

    def account(self, holder: Holder) -> Account:
        return self.chain.state.accounts[holder.account]

    def figures(self, holder: Holder) -> MarginFigures:
        return get_margin_figures(self.chain.state, holder.account)

    def member(self, holder: Holder) -> MarginMember:
        return self.chain.state.collateral_members[holder.account]

    def call(self, call_id: str) -> MarginCall:
        return self.chain.state.collateral_calls[call_id]


def effects(receipt: Receipt, op: str) -> list[tuple[str, int, str]]:
    """(account, amount, ref) of the receipt's effects named ``op``."""
    return [(e.account, e.amount, e.ref) for e in receipt.effects if e.op == op]
