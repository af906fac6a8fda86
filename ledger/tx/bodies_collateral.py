"""Bodies of the collateral transaction kinds (SPEC §7).

Holder-signed: ``pledge``, ``release``. Signed by the ``ccp`` role: ``set_haircut``,
``post_requirement``, ``liquidate``, ``variation_settlement``. Static checks only here; the rules
against state are in ``ledger.collateral``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    PlainSerializer,
    StrictInt,
    StrictStr,
    model_validator,
)

from ledger.tx.bodies import Ident, ShortText
from ledger.tx.fields import BODY_CONFIG, AccountIdField, PositiveAmount
from ledger.types import MAX_AMOUNT, MAX_SUPPLY, parse_amount

MAX_SETTLEMENT_LEGS = 400
"""Legs in one variation settlement; keeps the transaction well under its 64 KiB limit."""

_SIGNED_RE = re.compile(r"^-?(0|[1-9][0-9]{0,17})$")

Asset = Literal["NTDC"]
"""An asset that can be pledged (``ledger.collateral.model.COLLATERAL_ASSETS``)."""


def _requirement(value: Any) -> int:
    if not isinstance(value, str):
        raise ValueError("requirement is a decimal string of minor units, e.g. \"150000\"")
    amount = parse_amount(value)
    if amount > MAX_SUPPLY:
        raise ValueError(f"requirement must be at most {MAX_SUPPLY} minor units")
    return amount


def _signed_amount(value: Any) -> int:
    if not isinstance(value, str) or not _SIGNED_RE.match(value):
        raise ValueError(
            "a leg amount is a signed decimal string of minor units: \"-1500\" pays, \"1500\" "
            "receives"
        )
    amount = int(value)
    if amount == 0 or abs(amount) > MAX_AMOUNT:
        raise ValueError(f"amount must be between 1 and {MAX_AMOUNT} minor units, either sign")
    return amount


RequirementAmount = Annotated[int, BeforeValidator(_requirement), PlainSerializer(str)]
"""An initial-margin requirement: 0 ≤ requirement ≤ MAX_SUPPLY, as a decimal string."""
SignedAmount = Annotated[int, BeforeValidator(_signed_amount), PlainSerializer(str)]
"""A variation-margin leg: positive = the account receives, negative = it pays."""
Reference = Annotated[StrictStr, Field(min_length=1, max_length=140)]
HaircutBps = Annotated[StrictInt, Field(ge=0, le=9_999)]
"""0 ≤ haircut < 100%: a 100% haircut would make collateral worthless and is refused."""


def _nonblank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


class Pledge(BaseModel):
    """Lock ``amount`` of the signer's available NTDC as collateral in favour of the CCP."""

    model_config = BODY_CONFIG
    amount: PositiveAmount
    asset: Asset = "NTDC"


class Release(BaseModel):
    """Return ``amount`` of the signer's pledged NTDC to its available balance."""

    model_config = BODY_CONFIG
    amount: PositiveAmount
    asset: Asset = "NTDC"


class SetHaircut(BaseModel):
    """The CCP's haircut for an asset, and the document or decision it comes from."""

    model_config = BODY_CONFIG
    asset: Asset
    haircut_bps: HaircutBps
    source: Annotated[Reference, AfterValidator(_nonblank)]


class PostRequirement(BaseModel):
    """A member's initial-margin requirement as the CCP's margin service computed it."""

    model_config = BODY_CONFIG
    member: AccountIdField
    requirement: RequirementAmount
    method: Ident
    """e.g. ``HS-ES`` (historical-simulation expected shortfall) or ``SPAN``."""
    reference: Annotated[Reference, AfterValidator(_nonblank)]
    """The margin run this figure comes from (run id, portfolio hash, as-of time)."""


class Liquidate(BaseModel):
    """Take the defaulted member's pledged collateral, up to the shortfall, into the CCP account."""

    model_config = BODY_CONFIG
    call_id: Ident
    reference: ShortText = ""


class VariationLeg(BaseModel):
    model_config = BODY_CONFIG
    account: AccountIdField
    amount: SignedAmount


class VariationSettlement(BaseModel):
    """All members' variation-margin gains and losses, applied together or not at all."""

    model_config = BODY_CONFIG
    settlement_id: Ident
    legs: Annotated[list[VariationLeg], Field(min_length=2, max_length=MAX_SETTLEMENT_LEGS)]
    reference: ShortText = ""

    @model_validator(mode="after")
    def _legs_net_to_zero(self) -> VariationSettlement:
        accounts = [leg.account for leg in self.legs]
        # One leg per account: a member's net gain or loss is a single figure.
        if len(set(accounts)) != len(accounts):
            raise ValueError("an account appears in more than one leg; net its amounts first")
        # Legs net to zero: the CCP's own account is a leg whenever it absorbs a difference.
        total = sum(leg.amount for leg in self.legs)
        if total != 0:
            raise ValueError(
                f"legs sum to {total} minor units; they must net to zero (add the CCP's own "
                "account as a leg to absorb a difference)"
            )
        return self
