"""Pydantic field types shared by transaction bodies: amounts, account ids, hex digests."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict, PlainSerializer, StrictStr

from ledger.crypto.keys import is_account_id
from ledger.types import MAX_AMOUNT, MAX_SUPPLY, parse_amount

BODY_CONFIG = ConfigDict(extra="forbid", frozen=True)
"""Bodies forbid unknown fields; integers are StrictInt, amounts strings (see below)."""


_OUT_OF_RANGE_TEXT = re.compile(r"-[1-9][0-9]{0,39}|[1-9][0-9]{18,39}")
"""A negative, or a canonical decimal too long for ``parse_amount``: out of range, not garbage."""
_HEX32 = re.compile(r"[0-9a-f]{64}")


def _parse_amount_between(value: Any, low: int, high: int) -> int:
    if not isinstance(value, str):
        raise ValueError("amounts are decimal strings of minor units, e.g. \"150000\" for NT$1,500")
    if _OUT_OF_RANGE_TEXT.fullmatch(value) is None:
        amount = parse_amount(value)
        if low <= amount <= high:
            return amount
    # The wording "amount must be between" maps to AMOUNT_OUT_OF_RANGE (ledger.tx.envelope).
    raise ValueError(f"amount must be between {low} and {high} minor units")


def _amount(value: Any) -> int:
    return _parse_amount_between(value, 0, MAX_SUPPLY)


def _positive_amount(value: Any) -> int:
    return _parse_amount_between(value, 1, MAX_AMOUNT)


def _account(value: str) -> str:
    if not is_account_id(value):
        raise ValueError(f"{value!r} is not an NTDC account id (bech32, prefix 'ntdc')")
    return value


def _hex32(value: str) -> str:
    if _HEX32.fullmatch(value) is None:
        raise ValueError("expected 64 lowercase hex characters (32 bytes)")
    return value


AmountField = Annotated[int, BeforeValidator(_amount), PlainSerializer(str)]
"""Any amount 0 ≤ amount ≤ MAX_SUPPLY, encoded as a decimal string of minor units (the bound
keeps every value in state inside the JSON safe-integer range the state root needs)."""
PositiveAmount = Annotated[int, BeforeValidator(_positive_amount), PlainSerializer(str)]
"""An amount a transaction moves: 1 ≤ amount ≤ MAX_AMOUNT (range violations, including negative
amounts, are AMOUNT_OUT_OF_RANGE, see ``ledger.tx.envelope``)."""
AccountIdField = Annotated[StrictStr, AfterValidator(_account)]
Hex32 = Annotated[StrictStr, AfterValidator(_hex32)]
