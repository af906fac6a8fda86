"""Types of the margin service: margin methods, parameters, quotes, and the results it reports.

Prices are ``Decimal`` in each contract's quotation unit, positions signed ``int`` contracts,
money ``int`` minor units (NT$0.01). Everything here is plain data; the behaviour lives in
``requirements``, ``book`` and ``service``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from nodes.clearing.margin import (
    JSCC_CONFIDENCE_BPS,
    JSCC_HOLDING_DAYS,
    JSCC_LOOKBACK_DAYS,
    ContractCode,
)


class MarginMethod(StrEnum):
    """How initial margin is computed (the ``method`` field of ``post_requirement``)."""

    HS_ES = "HS-ES"
    """Historical-simulation expected shortfall, the JSCC way (default)."""
    SPAN = "SPAN"
    """SPAN 16-scenario scanning risk."""


@dataclass(frozen=True, slots=True)
class MarginParameters:
    """The CCP's margin parameters (published to members; changing them is a CCP decision)."""

    default_method: MarginMethod = MarginMethod.HS_ES
    lookback_days: int = JSCC_LOOKBACK_DAYS
    holding_days: int = JSCC_HOLDING_DAYS
    confidence_bps: int = JSCC_CONFIDENCE_BPS
    span_scan_range_bps: dict[str, int] = field(
        default_factory=lambda: {"TAIEX": 600, "BTC": 2_000})
    """SPAN price scan range per underlying, in basis points of the current price (6% for
    TAIEX, 20% for Bitcoin), rounded up to the contract's tick."""

    def describe(self) -> dict[str, Any]:
        """JSON-ready parameters."""
        return {
            "default_method": self.default_method.value,
            "hs_es": {"confidence_bps": self.confidence_bps, "lookback_days": self.lookback_days,
                      "holding_days": self.holding_days, "price_change": "relative"},
            "span": {"scan_range_bps": dict(self.span_scan_range_bps)},
        }


@dataclass(frozen=True, slots=True)
class SpotQuote:
    """A spot-quoted future's daily inputs: spot price and the financing terms."""

    spot: Decimal
    annual_rate_bps: int
    """The CCP's financing rate (NT$ funding less BTC lending), basis points a year."""
    days_to_expiry: int


@dataclass(frozen=True, slots=True)
class RequirementResult:
    """One member's initial margin by one method, and how it was obtained."""

    account: str
    method: MarginMethod
    requirement: int
    positions: dict[ContractCode, int]
    prices: dict[ContractCode, Decimal]
    detail: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account, "method": self.method.value,
            "requirement": str(self.requirement),
            "positions": dict(sorted(self.positions.items())),
            "prices": {code: str(price) for code, price in sorted(self.prices.items())},
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class ChainOutcome:
    """What became of one transaction the service signed."""

    kind: str
    tx_id: str
    status: str
    """applied, rejected, refused (at admission) or pending (not final in time)."""
    reason: str | None = None
    message: str = ""
    height: int | None = None
    effects: tuple[dict[str, Any], ...] = ()
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def applied(self) -> bool:
        return self.status == "applied"

    def get_effects(self, op: str) -> list[dict[str, Any]]:
        """The receipt's effects of one kind (``margin_call``, ``liquidate``, …)."""
        return [e for e in self.effects if e.get("op") == op]

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "tx_id": self.tx_id, "status": self.status,
                "reason": self.reason, "message": self.message, "height": self.height,
                "effects": list(self.effects)}
