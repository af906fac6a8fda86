"""Pydantic field types shared by transaction bodies: amounts, account ids, hex digests."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict, PlainSerializer, StrictStr

from ledger.crypto.keys import is_account_id
from ledger.types import MAX_AMOUNT, parse_amount

BODY_CONFIG = ConfigDict(extra="forbid", frozen=True)
"""Bodies forbid unknown fields; integers are StrictInt, amounts strings (see below)."""


def _amount(value: Any) -> int:
    if not isinstance(value, str):
        raise ValueError("amounts are decimal strings of minor units, e.g. \"150000\" for NT$1,500")
    return parse_amount(value)


def _positive_amount(value: int) -> int:
    if not 0 < value <= MAX_AMOUNT:
        raise ValueError(f"amount must be between 1 and {MAX_AMOUNT} minor units")
    return value


def _account(value: str) -> str:
    if not is_account_id(value):
        raise ValueError(f"{value!r} is not an NTDC account id (bech32, prefix 'ntdc')")
    return value


def _hex32(value: str) -> str:
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise ValueError("expected 64 lowercase hex characters (32 bytes)")
    return value


AmountField = Annotated[int, BeforeValidator(_amount), PlainSerializer(str)]
"""Any non-negative amount, encoded as a decimal string of minor units."""
PositiveAmount = Annotated[int, BeforeValidator(_amount), AfterValidator(_positive_amount),
                           PlainSerializer(str)]
"""An amount a transaction moves: 1 ≤ amount ≤ MAX_AMOUNT (range violations are
AMOUNT_OUT_OF_RANGE, see ``ledger.tx.envelope``)."""
AccountIdField = Annotated[StrictStr, AfterValidator(_account)]
Hex32 = Annotated[StrictStr, AfterValidator(_hex32)]
