"""What a rule sees of the transaction being applied: block height and time, and its outputs."""

from __future__ import annotations

from dataclasses import dataclass, field

from ledger.tx.envelope import SignedTx


@dataclass(frozen=True, slots=True)
class Effect:
    """One visible consequence of an applied transaction (for receipts and history)."""

    op: str
    account: str
    amount: int
    ref: str = ""


@dataclass(slots=True)
class TxContext:
    height: int
    index: int
    time_ms: int
    tx: SignedTx
    effects: list[Effect] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def emit(self, op: str, account: str, amount: int, ref: str = "") -> None:
        self.effects.append(Effect(op, account, amount, ref))
