"""Variation margin: each member's gain or loss between two daily settlement prices.

For a position carried from one settlement to the next,

    variation margin = position * multiplier_minor_per_point * (new_settlement - prev_settlement)

summed over the member's contracts; positive means the member receives, negative that it pays.
For a spot-quoted future the settlement prices already include the financing adjustment
(``financing.compute_spot_quoted_settlement_price``), so the day's carry travels in the same
leg. Settlement prices must make every amount a whole minor unit; nothing is rounded, so over a
book whose positions net to zero the legs sum to exactly zero and can move in one atomic
transaction. Intraday trades, settled against their trade price, are the caller's concern.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import Decimal, localcontext
from typing import TypeVar

from nodes.clearing.margin.arithmetic import MARGIN_CONTEXT, to_multiplier, to_position, to_price
from nodes.clearing.margin.contracts import ContractCode
from nodes.clearing.margin.errors import InvalidMarginInput

MemberT = TypeVar("MemberT", bound=Hashable)


def _settlement(prices: Mapping[ContractCode, Decimal], code: ContractCode, field: str) -> Decimal:
    if code not in prices:
        raise InvalidMarginInput(
            f"{field}[{code}]",
            "a member holds this contract but it has no settlement price",
            "publish a settlement price for every open contract",
        )
    return to_price(prices[code], f"{field}[{code}]")


def compute_variation_margin(
    positions: Mapping[MemberT, Mapping[ContractCode, int]],
    prev_settlement: Mapping[ContractCode, Decimal],
    new_settlement: Mapping[ContractCode, Decimal],
    multipliers: Mapping[ContractCode, int],
) -> dict[MemberT, int]:
    """Signed variation margin per member in minor units (positive: the member receives)."""
    result: dict[MemberT, int] = {}
    with localcontext(MARGIN_CONTEXT):
        for member, portfolio in positions.items():
            total = Decimal(0)
            for code, raw_position in sorted(portfolio.items()):
                position = to_position(raw_position, f"positions[{member}][{code}]")
                if position == 0:
                    continue
                move = _settlement(new_settlement, code, "new_settlement") - _settlement(
                    prev_settlement, code, "prev_settlement"
                )
                total += position * to_multiplier(multipliers, code) * move
            if total != total.to_integral_value():
                raise InvalidMarginInput(
                    f"positions[{member}]",
                    f"variation margin {total} is not a whole number of minor units",
                    "settle on prices that lie on each contract's tick grid",
                )
            result[member] = int(total)
    return result
