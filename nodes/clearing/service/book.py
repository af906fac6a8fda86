"""The margin service's books: members' positions, the marks, and what it posted on chain.

Two sets of prices are kept apart on purpose:

* ``current_prices``: the latest price of each contract (a daily settlement or an intraday
  re-mark). Requirements are computed at these.
* ``settled_marks``: the settlement prices of the last variation settlement that the chain
  *applied*. The next settlement's variation margin runs from these, so a settlement the chain
  refused (e.g. a member could not pay) is not lost: the move is carried into the next one.

Positions are end-of-day futures positions taken at the current settled mark (intraday trades
against their trade prices are the trading system's concern). The books serialise to JSON so a
restarted service keeps positions, marks and the record of what it posted.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from nodes.clearing.margin import CONTRACTS, ContractCode
from nodes.clearing.margin.arithmetic import to_position
from nodes.clearing.margin.errors import InvalidMarginInput
from nodes.clearing.service.model import MarginMethod

REFERENCE_PRICES: dict[ContractCode, Decimal] = {
    ContractCode("TX"): Decimal(17_000),
    ContractCode("MTX"): Decimal(17_000),
    ContractCode("BTCSQ"): Decimal(3_000_000),
}
"""Marks before the first settlement price is posted (the demo's opening prices)."""
MAX_POSITION = 1_000_000
"""Contracts per member and contract; far above any exchange position limit."""


@dataclass
class MemberBook:
    """One member's positions and the requirement last posted on chain for it."""

    account: str
    positions: dict[ContractCode, int] = field(default_factory=dict)
    method: MarginMethod | None = None
    """The member's margin method, or None for the service default."""
    posted_requirement: int | None = None
    posted_method: str = ""
    posted_reference: str = ""
    posted_tx: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account, "positions": dict(sorted(self.positions.items())),
            "method": self.method.value if self.method else None,
            "posted_requirement": (None if self.posted_requirement is None
                                   else str(self.posted_requirement)),
            "posted_method": self.posted_method, "posted_reference": self.posted_reference,
            "posted_tx": self.posted_tx,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MemberBook:
        posted = data.get("posted_requirement")
        return cls(
            account=data["account"],
            positions={ContractCode(c): int(q) for c, q in data.get("positions", {}).items()},
            method=MarginMethod(data["method"]) if data.get("method") else None,
            posted_requirement=None if posted is None else int(posted),
            posted_method=data.get("posted_method", ""),
            posted_reference=data.get("posted_reference", ""),
            posted_tx=data.get("posted_tx", ""))


def check_positions(raw: dict[str, int]) -> dict[ContractCode, int]:
    """Validated positions: known contracts, int counts within limits (zeros dropped)."""
    positions: dict[ContractCode, int] = {}
    for code, qty in raw.items():
        if code not in CONTRACTS:
            raise InvalidMarginInput(f"positions[{code}]", "unknown contract",
                                     f"use one of {', '.join(sorted(CONTRACTS))}")
        count = to_position(qty, f"positions[{code}]")
        if abs(count) > MAX_POSITION:
            raise InvalidMarginInput(f"positions[{code}]", f"{count} contracts",
                                     f"at most {MAX_POSITION} either way")
        if count:
            positions[ContractCode(code)] = count
    return positions


@dataclass
class MarginBooks:
    """Everything the service must remember across restarts."""

    members: dict[str, MemberBook] = field(default_factory=dict)
    current_prices: dict[ContractCode, Decimal] = field(
        default_factory=lambda: dict(REFERENCE_PRICES))
    settled_marks: dict[ContractCode, Decimal] = field(
        default_factory=lambda: dict(REFERENCE_PRICES))
    settlements: list[dict[str, Any]] = field(default_factory=list)
    """Every settlement attempted: id, prices, legs, outcome."""
    run_seq: int = 0
    """Margin runs so far (the reference of each posted requirement names its run)."""

    def get_member(self, account: str) -> MemberBook:
        """The member's book, created empty on first use."""
        book = self.members.get(account)
        if book is None:
            book = self.members[account] = MemberBook(account)
        return book

    def get_positions(self) -> dict[str, dict[ContractCode, int]]:
        """Every member's non-empty positions."""
        return {a: dict(m.positions) for a, m in sorted(self.members.items()) if m.positions}

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "members": [m.to_json() for _, m in sorted(self.members.items())],
            "current_prices": {c: str(p) for c, p in sorted(self.current_prices.items())},
            "settled_marks": {c: str(p) for c, p in sorted(self.settled_marks.items())},
            "settlements": self.settlements,
            "run_seq": self.run_seq,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MarginBooks:
        return cls(
            members={m["account"]: MemberBook.from_json(m) for m in data.get("members", [])},
            current_prices={ContractCode(c): Decimal(p)
                            for c, p in data.get("current_prices", {}).items()},
            settled_marks={ContractCode(c): Decimal(p)
                           for c, p in data.get("settled_marks", {}).items()},
            settlements=list(data.get("settlements", [])),
            run_seq=int(data.get("run_seq", 0)))


def load_books(path: Path | None) -> MarginBooks:
    """The books saved at ``path``, or fresh books."""
    if path is None or not path.exists():
        return MarginBooks()
    return MarginBooks.from_json(json.loads(path.read_text(encoding="utf-8")))


def save_books(path: Path, books: MarginBooks) -> None:
    """Write the books atomically (a crash leaves the old or the new file, never half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(books.to_json(), handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
