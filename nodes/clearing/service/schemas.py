"""Request bodies of the margin service's API (prices are decimal strings, never floats)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from nodes.clearing.service.model import MarginMethod, SpotQuote

REQUEST_CONFIG = ConfigDict(extra="forbid")

PriceText = Annotated[str, Field(pattern=r"^[0-9]{1,15}(\.[0-9]{1,8})?$", examples=["17250"],
                                 description="Price as a decimal string in the contract's "
                                             "quotation unit")]
ContractText = Annotated[str, Field(pattern=r"^[A-Z0-9]{1,16}$", examples=["TX"])]


class PositionsRequest(BaseModel):
    """A member's whole futures book: signed contract counts (long > 0, short < 0)."""

    model_config = REQUEST_CONFIG
    positions: dict[ContractText, StrictInt] = Field(
        examples=[{"TX": 10, "MTX": -4, "BTCSQ": 2}])
    method: MarginMethod | None = Field(None, description="HS-ES (default) or SPAN")
    post: StrictBool = Field(True, description="Post the requirement on chain if it changed")


class SpotQuoteIn(BaseModel):
    """A spot-quoted future's spot price and financing terms for the day."""

    model_config = REQUEST_CONFIG
    spot: PriceText
    annual_rate_bps: StrictInt = Field(ge=-10_000, le=10_000,
                                       description="Financing rate, basis points a year")
    days_to_expiry: StrictInt = Field(ge=0, le=7_300)

    def to_quote(self) -> SpotQuote:
        return SpotQuote(Decimal(self.spot), self.annual_rate_bps, self.days_to_expiry)


class PricesRequest(BaseModel):
    """New prices: futures-price contracts by price, spot-quoted ones by spot and financing."""

    model_config = REQUEST_CONFIG
    prices: dict[ContractText, PriceText] = Field(default_factory=dict,
                                                  examples=[{"TX": "17250", "MTX": "17250"}])
    spot_quoted: dict[ContractText, SpotQuoteIn] = Field(
        default_factory=dict,
        examples=[{"BTCSQ": {"spot": "3100000", "annual_rate_bps": 500, "days_to_expiry": 90}}])

    def get_futures(self) -> dict[str, Decimal]:
        return {code: Decimal(price) for code, price in self.prices.items()}

    def get_spot_quoted(self) -> dict[str, SpotQuote]:
        return {code: quote.to_quote() for code, quote in self.spot_quoted.items()}


class SettlementRequest(PricesRequest):
    """Daily settlement prices; ``settlement_id`` defaults to ``VM-<time ms>``."""

    settlement_id: Annotated[str, Field(min_length=1, max_length=64,
                                        pattern=r"^[A-Za-z0-9._:\-]+$")] | None = None
