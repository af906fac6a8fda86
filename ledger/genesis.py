"""The genesis document: members, their keys and endpoints, role keys, initial parameters."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ledger.chain_state import LedgerState
from ledger.encoding import canonical_json, tagged_hash
from ledger.model import Bank, RoleKey

DEFAULT_PARAMS: dict[str, Any] = {
    "travel_rule_threshold": 3_000_000,       # NT$30,000
    "aml_large_value": 50_000_000,            # NT$500,000
    "holding_caps": {},                       # account kind -> cap in minor units (0/absent = none)
    "max_block_time_skew_ms": 10_000,
    "collateral_default_haircut_bps": 200,   # SPEC §7: NTDC collateral haircut 2%
    "collateral_call_deadline_ms": 2 * 3600 * 1000,  # a margin call is due 2 h of block time later
    "police_hold_ms": 48 * 3600 * 1000,       # a police hold lapses after 48 h of block time
    # AML rules (SPEC §6; ranges in ledger/aml/params.py, reasoning in docs/aml.md)
    "aml_structuring_band_pct": 20,           # pieces within 20% below aml_large_value
    "aml_structuring_min_count": 2,
    "aml_structuring_window_ms": 24 * 3600 * 1000,
    "aml_pass_through_min_inflow": 50_000_000,  # NT$500,000: a reportable inflow
    "aml_pass_through_pct": 90,
    "aml_pass_through_window_ms": 3600 * 1000,
    "aml_fan_in_count": 10,
    "aml_fan_out_count": 10,
    "aml_fan_window_ms": 24 * 3600 * 1000,
    "aml_velocity_count": 20,
    "aml_velocity_window_ms": 3600 * 1000,
    "aml_velocity_pair_count": 3,             # payments from one payer to one payee
    "aml_velocity_pair_window_ms": 24 * 3600 * 1000,
    "aml_dormant_idle_ms": 180 * 24 * 3600 * 1000,
    "aml_dormant_amount": 10_000_000,         # NT$100,000
    "aml_dormant_window_ms": 48 * 3600 * 1000,
    "aml_probing_max_amount": 10_000,         # NT$100
    "aml_probing_count": 5,
    "aml_probing_window_ms": 24 * 3600 * 1000,
    "aml_volume_exempt_kinds": ["bank", "ccp", "system"],
}


class Validator(BaseModel):
    model_config = ConfigDict(extra="forbid")
    index: int
    bank_id: str
    node_key: str
    endpoint: str
    """host:port of the node-to-node transport."""
    api: str = ""
    """Base URL of the bank node's HTTP API."""
    tls_cert: str = ""
    """PEM certificate self-signed by node_key (node-to-node TLS)."""


class Observer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    node_key: str
    endpoint: str
    api: str = ""
    tls_cert: str = ""


class BankEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bank_id: str
    operator_key: str
    sealing_key: str
    reserve_account_ref: str = ""


class Genesis(BaseModel):
    model_config = ConfigDict(extra="forbid")
    chain_id: str
    genesis_time_ms: int
    validators: list[Validator]
    observers: list[Observer] = Field(default_factory=list)
    banks: list[BankEntry]
    roles: dict[str, str]
    """Role signer id (custodian, regulator, ccp, police) -> tagged public key."""
    sealing_keys: dict[str, str]
    """Recipient name (regulator) -> HPKE public key for real-name data."""
    params: dict[str, Any] = Field(default_factory=dict)

    def compute_hash(self) -> bytes:
        return tagged_hash(b"NTDC/genesis/v1", canonical_json(self.model_dump(mode="json")))

    @property
    def n(self) -> int:
        return len(self.validators)


class ValidatorKeys:
    """Checks validators' node-key signatures against genesis, by validator ``index``
    (a ``consensus.signing.Verifier``: replicas, the observer and wallets use this one class)."""

    def __init__(self, genesis: Genesis) -> None:
        from ledger.crypto.keys import KeyError_, PublicKey

        self.keys: dict[int, PublicKey] = {}
        for v in genesis.validators:
            try:
                self.keys[v.index] = PublicKey.parse(v.node_key)
            except KeyError_:
                continue  # a validator with an unusable key can never endorse anything

    def verify(self, node_index: int, signature: str, data: bytes) -> bool:
        """True only if ``signature`` is validator ``node_index``'s signature of ``data``."""
        key = self.keys.get(node_index)
        return key is not None and key.verify(signature, data)


def create_genesis_state(genesis: Genesis) -> LedgerState:
    """State at height 0."""
    state = LedgerState(genesis.chain_id)
    for bank in genesis.banks:
        state.banks.set(bank.bank_id, Bank(bank.bank_id, bank.operator_key, bank.sealing_key,
                                           bank.reserve_account_ref))
        signer = f"bank:{bank.bank_id}"
        state.roles.set(signer, RoleKey(signer, bank.operator_key, 0))
    for signer, key in sorted(genesis.roles.items()):
        state.roles.set(signer, RoleKey(signer, key, 0))
    params = {**DEFAULT_PARAMS, **genesis.params}
    for name in sorted(params):
        state.params.set(name, params[name])
    state.set_meta("height", 0)
    state.set_meta("time_ms", genesis.genesis_time_ms)
    state.set_meta("supply", 0)
    state.set_meta("parent", "")
    from ledger.extensions import run_genesis_hooks

    run_genesis_hooks(state)  # e.g. the court-custody account (ledger.enforcement.custody)
    return state
