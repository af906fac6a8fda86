"""Bodies of the enforcement orders (SPEC §6): holds, freezes, seizures, caps, sanctions lists.

Every order carries an ``order_id`` (unique across all orders for the life of the chain) and the
``legal_basis`` it was issued under, e.g. "洗錢防制法第13條" or "Money Laundering Control Act
art. 13". Static checks here; who may sign each kind is in ``ledger.tx.kinds.ROLE_SIGNED``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StrictStr, model_validator

from ledger.crypto.keys import is_account_id
from ledger.tx.bodies import Ident
from ledger.tx.fields import BODY_CONFIG, AccountIdField, AmountField
from ledger.types import AccountKind

MAX_LEGAL_BASIS_CHARS = 2000
MAX_SANCTION_KEYS = 500
"""Entries one update_sanctions order may add (and as many remove)."""


def _legal_basis(value: str) -> str:
    if not value.strip():
        raise ValueError("legal_basis must name the law or court order the order rests on")
    return value


def _sanction_key(value: str) -> str:
    is_commitment = len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    if not (is_commitment or is_account_id(value)):
        raise ValueError(
            f"{value!r} is neither an NTDC account id nor an identity commitment (64 hex chars)"
        )
    return value


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(values)) != len(values):
        raise ValueError("a key is listed twice")
    return values


def _caps(caps: dict[AccountKind, int]) -> dict[AccountKind, int]:
    if not caps:
        raise ValueError("set at least one account kind's cap")
    if AccountKind.SYSTEM in caps:
        raise ValueError("system accounts (court custody) cannot be capped")
    return caps


OrderId = Ident
"""e.g. ``CIB-2026-000123`` (police) or ``FSC-2026-0042`` (regulator)."""
LegalBasis = Annotated[StrictStr, Field(min_length=1, max_length=MAX_LEGAL_BASIS_CHARS),
                       AfterValidator(_legal_basis)]
SanctionKey = Annotated[StrictStr, AfterValidator(_sanction_key)]
SanctionKeys = Annotated[tuple[SanctionKey, ...], Field(max_length=MAX_SANCTION_KEYS),
                         AfterValidator(_unique)]


class PoliceHoldBody(BaseModel):
    """Law enforcement holds ``account``'s outgoing funds for 48 h of block time."""

    model_config = BODY_CONFIG
    order_id: OrderId
    legal_basis: LegalBasis
    account: AccountIdField


class ConfirmHoldBody(BaseModel):
    """The regulator confirms an active police hold; the account becomes frozen."""

    model_config = BODY_CONFIG
    order_id: OrderId
    legal_basis: LegalBasis
    hold_order_id: OrderId


class FreezeBody(BaseModel):
    model_config = BODY_CONFIG
    order_id: OrderId
    legal_basis: LegalBasis
    account: AccountIdField


class UnfreezeBody(BaseModel):
    model_config = BODY_CONFIG
    order_id: OrderId
    legal_basis: LegalBasis
    account: AccountIdField


class SeizeBody(BaseModel):
    """Move the whole frozen balance of ``account`` to the court-custody account."""

    model_config = BODY_CONFIG
    order_id: OrderId
    legal_basis: LegalBasis
    account: AccountIdField


class SetHoldingCapsBody(BaseModel):
    """Set the per-holder cap of each listed account kind (minor units; "0" removes the cap)."""

    model_config = BODY_CONFIG
    order_id: OrderId
    legal_basis: LegalBasis
    caps: Annotated[dict[AccountKind, AmountField], AfterValidator(_caps)]


class UpdateSanctionsBody(BaseModel):
    """Add keys to / remove keys from the named sanctions or watch list (removals first)."""

    model_config = BODY_CONFIG
    order_id: OrderId
    legal_basis: LegalBasis
    list_name: Ident
    add: SanctionKeys = ()
    remove: SanctionKeys = ()

    @model_validator(mode="after")
    def _changes_something(self) -> UpdateSanctionsBody:
        if not self.add and not self.remove:
            raise ValueError("update_sanctions must add or remove at least one key")
        return self
