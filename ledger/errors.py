"""One exception tree for the domain; every rejection carries a stable reason code.

Reason codes are part of the public protocol (receipts, API problem documents): never rename one.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    MALFORMED = "MALFORMED"
    WRONG_CHAIN = "WRONG_CHAIN"
    BAD_SIGNATURE = "BAD_SIGNATURE"
    WRONG_SIGNER = "WRONG_SIGNER"
    NONCE_REUSED = "NONCE_REUSED"
    NONCE_GAP = "NONCE_GAP"
    UNKNOWN_ACCOUNT = "UNKNOWN_ACCOUNT"
    ACCOUNT_CLOSED = "ACCOUNT_CLOSED"
    ACCOUNT_EXISTS = "ACCOUNT_EXISTS"
    ACCOUNT_HELD = "ACCOUNT_HELD"
    ACCOUNT_FROZEN = "ACCOUNT_FROZEN"
    UNKNOWN_BANK = "UNKNOWN_BANK"
    AMOUNT_OUT_OF_RANGE = "AMOUNT_OUT_OF_RANGE"
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
    SELF_TRANSFER = "SELF_TRANSFER"
    MINT_WITHOUT_RECEIPT = "MINT_WITHOUT_RECEIPT"
    RECEIPT_REUSED = "RECEIPT_REUSED"
    RECEIPT_NOT_CUSTODIAN = "RECEIPT_NOT_CUSTODIAN"
    RECEIPT_WRONG_BANK = "RECEIPT_WRONG_BANK"
    NOT_HOME_BANK = "NOT_HOME_BANK"
    SUPPLY_EXCEEDS_RESERVES = "SUPPLY_EXCEEDS_RESERVES"
    REDEEM_EXCEEDS_BALANCE = "REDEEM_EXCEEDS_BALANCE"
    UNKNOWN_REDEMPTION = "UNKNOWN_REDEMPTION"
    REDEMPTION_ALREADY_PAID = "REDEMPTION_ALREADY_PAID"
    STALE_ATTESTATION = "STALE_ATTESTATION"
    CUSTODIAN_SEQ_REUSED = "CUSTODIAN_SEQ_REUSED"
    SANCTIONS_HIT = "SANCTIONS_HIT"
    HOLDING_CAP_EXCEEDED = "HOLDING_CAP_EXCEEDED"
    UNKNOWN_ORDER = "UNKNOWN_ORDER"
    ORDER_EXISTS = "ORDER_EXISTS"
    INVALID_STATE = "INVALID_STATE"
    UNDER_COLLATERALISED = "UNDER_COLLATERALISED"
    UNKNOWN_CALL = "UNKNOWN_CALL"
    SETTLEMENT_UNFUNDED = "SETTLEMENT_UNFUNDED"
    DUPLICATE_TX = "DUPLICATE_TX"
    TRAVEL_RULE_MISSING = "TRAVEL_RULE_MISSING"
    TRAVEL_RULE_MISADDRESSED = "TRAVEL_RULE_MISADDRESSED"
    INVALID_PARAMETER = "INVALID_PARAMETER"


class LedgerError(Exception):
    """Base of every domain error."""


class InvalidTransaction(LedgerError):
    """A transaction that must be rejected; ``reason`` is its stable code."""

    reason: Reason = Reason.MALFORMED

    def __init__(self, message: str, reason: Reason | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason

    @property
    def message(self) -> str:
        return str(self.args[0])


class MalformedTransaction(InvalidTransaction):
    reason = Reason.MALFORMED


class SignatureInvalid(InvalidTransaction):
    reason = Reason.BAD_SIGNATURE


class WrongSigner(InvalidTransaction):
    reason = Reason.WRONG_SIGNER


class UnknownAccount(InvalidTransaction):
    reason = Reason.UNKNOWN_ACCOUNT

    def __init__(self, account: str) -> None:
        super().__init__(f"account {account} is not registered", Reason.UNKNOWN_ACCOUNT)
        self.account = account


class InsufficientFunds(InvalidTransaction):
    reason = Reason.INSUFFICIENT_FUNDS

    def __init__(self, account: str, needed: int, available: int,
                 reason: Reason = Reason.INSUFFICIENT_FUNDS) -> None:
        super().__init__(
            f"account {account} needs {needed} minor units but has {available} available", reason
        )
        self.account, self.needed, self.available = account, needed, available


class InvariantViolation(LedgerError):
    """A ledger invariant does not hold: a bug or a corrupted state, never user error."""
