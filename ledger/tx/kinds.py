"""The registry of transaction kinds and their body models (one line per kind)."""

from __future__ import annotations

from pydantic import BaseModel

from ledger.aml import bodies as bodies_aml
from ledger.tx import bodies, bodies_collateral, bodies_enforcement

BODY_MODELS: dict[str, type[BaseModel]] = {
    "register_account": bodies.RegisterAccount,
    "mint": bodies.Mint,
    "redeem": bodies.Redeem,
    "confirm_payout": bodies.ConfirmPayout,
    "transfer": bodies.Transfer,
    "reserve_attestation": bodies.ReserveAttestation,
    "police_hold": bodies_enforcement.PoliceHoldBody,
    "confirm_hold": bodies_enforcement.ConfirmHoldBody,
    "freeze": bodies_enforcement.FreezeBody,
    "unfreeze": bodies_enforcement.UnfreezeBody,
    "seize": bodies_enforcement.SeizeBody,
    "set_holding_caps": bodies_enforcement.SetHoldingCapsBody,
    "update_sanctions": bodies_enforcement.UpdateSanctionsBody,
    "pledge": bodies_collateral.Pledge,
    "release": bodies_collateral.Release,
    "set_haircut": bodies_collateral.SetHaircut,
    "post_requirement": bodies_collateral.PostRequirement,
    "liquidate": bodies_collateral.Liquidate,
    "variation_settlement": bodies_collateral.VariationSettlement,
    "set_aml_params": bodies_aml.SetAmlParams,
}

ROLE_SIGNED: dict[str, str] = {
    "confirm_payout": "custodian",
    "reserve_attestation": "custodian",
    "police_hold": "police",
    "confirm_hold": "regulator",
    "freeze": "regulator",
    "unfreeze": "regulator",
    "seize": "regulator",
    "set_holding_caps": "regulator",
    "update_sanctions": "regulator",
    "set_haircut": "ccp",
    "post_requirement": "ccp",
    "liquidate": "ccp",
    "variation_settlement": "ccp",
    "set_aml_params": "regulator",
}
"""Kinds signed by a fixed institutional role (bank kinds derive the bank from the body)."""
