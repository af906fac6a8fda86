"""Transaction receipts and their canonical hash (what a block's receipts root commits to)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ledger.encoding import canonical_json_of_record, tagged_hash
from ledger.rules.context import Effect


@dataclass(frozen=True, slots=True)
class Receipt:
    tx_id: str
    height: int
    index: int
    kind: str
    signer: str
    status: str
    """``applied`` or ``rejected``."""
    reason: str | None
    message: str
    effects: tuple[Effect, ...]
    flags: tuple[str, ...]

    @property
    def applied(self) -> bool:
        return self.status == "applied"

    def to_json(self) -> dict[str, Any]:
        return {
            "tx_id": self.tx_id,
            "height": self.height,
            "index": self.index,
            "kind": self.kind,
            "signer": self.signer,
            "status": self.status,
            "reason": self.reason,
            "message": self.message,
            "effects": [
                {"op": e.op, "account": e.account, "amount": str(e.amount), "ref": e.ref}
                for e in self.effects
            ],
            "flags": list(self.flags),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Receipt:
        return cls(
            tx_id=data["tx_id"], height=data["height"], index=data["index"], kind=data["kind"],
            signer=data["signer"], status=data["status"], reason=data["reason"],
            message=data["message"],
            effects=tuple(Effect(e["op"], e["account"], int(e["amount"]), e["ref"])
                          for e in data["effects"]),
            flags=tuple(data["flags"]),
        )


def compute_receipt_hash(receipt: Receipt) -> bytes:
    """H('NTDC/receipt/v1', JCS(receipt))."""
    return tagged_hash(b"NTDC/receipt/v1", canonical_json_of_record(receipt.to_json()))
