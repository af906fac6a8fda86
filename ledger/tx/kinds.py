"""The registry of transaction kinds and their body models (one line per kind)."""

from __future__ import annotations

from pydantic import BaseModel

from ledger.tx import bodies

BODY_MODELS: dict[str, type[BaseModel]] = {
    "register_account": bodies.RegisterAccount,
    "mint": bodies.Mint,
    "redeem": bodies.Redeem,
    "confirm_payout": bodies.ConfirmPayout,
    "transfer": bodies.Transfer,
    "reserve_attestation": bodies.ReserveAttestation,
}

ROLE_SIGNED: dict[str, str] = {
    "confirm_payout": "custodian",
    "reserve_attestation": "custodian",
}
"""Kinds signed by a fixed institutional role (bank kinds derive the bank from the body)."""
