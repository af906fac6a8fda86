"""The AML parameters: their on-chain names, the ranges a regulator may set, and a typed view.

Defaults live in ``ledger.genesis.DEFAULT_PARAMS`` (Taiwan practice, SPEC §6); the reasoning
behind every default is in docs/aml.md. Parameters change only through ``set_aml_params``
(``ledger.aml.governance``), which checks every value against ``PARAM_SPECS`` below, so the rules
can read them without defensive checks.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ledger.chain_state import LedgerState
from ledger.types import MAX_AMOUNT, AccountKind, parse_amount

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
MAX_WINDOW_MS = 400 * DAY_MS
"""Longest window a rule may look back over (the dormancy idle period is the longest one)."""


class ParamKind(StrEnum):
    AMOUNT = "amount"
    """Minor units; encoded in a transaction as a decimal string, like every amount."""
    COUNT = "count"
    DURATION_MS = "duration_ms"
    PERCENT = "percent"
    ACCOUNT_KINDS = "account_kinds"


@dataclass(frozen=True, slots=True)
class ParamSpec:
    kind: ParamKind
    low: int = 0
    high: int = 0
    """Inclusive bounds for numeric kinds; counts are capped so per-account memory stays small."""


PARAM_SPECS: dict[str, ParamSpec] = {
    "aml_large_value": ParamSpec(ParamKind.AMOUNT, 1, MAX_AMOUNT),
    "aml_structuring_band_pct": ParamSpec(ParamKind.PERCENT, 1, 50),
    "aml_structuring_min_count": ParamSpec(ParamKind.COUNT, 2, 20),
    "aml_structuring_window_ms": ParamSpec(ParamKind.DURATION_MS, 60_000, 31 * DAY_MS),
    "aml_pass_through_min_inflow": ParamSpec(ParamKind.AMOUNT, 1, MAX_AMOUNT),
    "aml_pass_through_pct": ParamSpec(ParamKind.PERCENT, 1, 100),
    "aml_pass_through_window_ms": ParamSpec(ParamKind.DURATION_MS, 60_000, 7 * DAY_MS),
    "aml_fan_in_count": ParamSpec(ParamKind.COUNT, 2, 100),
    "aml_fan_out_count": ParamSpec(ParamKind.COUNT, 2, 100),
    "aml_fan_window_ms": ParamSpec(ParamKind.DURATION_MS, 60_000, 31 * DAY_MS),
    "aml_velocity_count": ParamSpec(ParamKind.COUNT, 2, 200),
    "aml_velocity_window_ms": ParamSpec(ParamKind.DURATION_MS, 1_000, 7 * DAY_MS),
    "aml_velocity_pair_count": ParamSpec(ParamKind.COUNT, 2, 32),
    "aml_velocity_pair_window_ms": ParamSpec(ParamKind.DURATION_MS, 60_000, 7 * DAY_MS),
    "aml_dormant_idle_ms": ParamSpec(ParamKind.DURATION_MS, DAY_MS, MAX_WINDOW_MS),
    "aml_dormant_amount": ParamSpec(ParamKind.AMOUNT, 1, MAX_AMOUNT),
    "aml_dormant_window_ms": ParamSpec(ParamKind.DURATION_MS, HOUR_MS, 31 * DAY_MS),
    "aml_probing_max_amount": ParamSpec(ParamKind.AMOUNT, 1, MAX_AMOUNT),
    "aml_probing_count": ParamSpec(ParamKind.COUNT, 2, 50),
    "aml_probing_window_ms": ParamSpec(ParamKind.DURATION_MS, 60_000, 31 * DAY_MS),
    "aml_volume_exempt_kinds": ParamSpec(ParamKind.ACCOUNT_KINDS),
}
"""Every parameter ``set_aml_params`` may change, with the values it accepts."""


@dataclass(frozen=True, slots=True)
class AmlConfig:
    """The AML parameters as one typed value, read from state once per movement."""

    large_value: int
    structuring_band_pct: int
    structuring_min_count: int
    structuring_window_ms: int
    pass_through_min_inflow: int
    pass_through_pct: int
    pass_through_window_ms: int
    fan_in_count: int
    fan_out_count: int
    fan_window_ms: int
    velocity_count: int
    velocity_window_ms: int
    velocity_pair_count: int
    velocity_pair_window_ms: int
    dormant_idle_ms: int
    dormant_amount: int
    dormant_window_ms: int
    probing_max_amount: int
    probing_count: int
    probing_window_ms: int
    volume_exempt_kinds: frozenset[str]

    def is_volume_exempt(self, kind: AccountKind) -> bool:
        """Institutional accounts (CCP, bank, system) are exempt from the counting rules."""
        return kind.value in self.volume_exempt_kinds


CONFIG_TOKEN_META = "aml_params_tx"
"""Meta key set by every applied ``set_aml_params`` to its transaction id."""

_CONFIG_CACHE: weakref.WeakKeyDictionary[LedgerState, tuple[object, AmlConfig]] = (
    weakref.WeakKeyDictionary())
"""Per state: the config last read and the token it was read under. Only ``set_aml_params``
changes AML parameters, and it always sets a new token (its own tx id) in the same journal, so a
rollback restores the old token together with the old values: a token match means the cached
config equals the parameters in state. A pure cache; it never changes what is computed."""


def get_aml_config(state: LedgerState) -> AmlConfig:
    """The current AML parameters of ``state``."""
    token = state.meta.get(CONFIG_TOKEN_META)
    cached = _CONFIG_CACHE.get(state)
    if cached is not None and cached[0] == token:
        return cached[1]
    config = compute_aml_config(state)
    _CONFIG_CACHE[state] = (token, config)
    return config


def compute_aml_config(state: LedgerState) -> AmlConfig:
    """Read every AML parameter from ``state`` (uncached)."""
    get = state.get_param
    return AmlConfig(
        large_value=int(get("aml_large_value")),
        structuring_band_pct=int(get("aml_structuring_band_pct")),
        structuring_min_count=int(get("aml_structuring_min_count")),
        structuring_window_ms=int(get("aml_structuring_window_ms")),
        pass_through_min_inflow=int(get("aml_pass_through_min_inflow")),
        pass_through_pct=int(get("aml_pass_through_pct")),
        pass_through_window_ms=int(get("aml_pass_through_window_ms")),
        fan_in_count=int(get("aml_fan_in_count")),
        fan_out_count=int(get("aml_fan_out_count")),
        fan_window_ms=int(get("aml_fan_window_ms")),
        velocity_count=int(get("aml_velocity_count")),
        velocity_window_ms=int(get("aml_velocity_window_ms")),
        velocity_pair_count=int(get("aml_velocity_pair_count")),
        velocity_pair_window_ms=int(get("aml_velocity_pair_window_ms")),
        dormant_idle_ms=int(get("aml_dormant_idle_ms")),
        dormant_amount=int(get("aml_dormant_amount")),
        dormant_window_ms=int(get("aml_dormant_window_ms")),
        probing_max_amount=int(get("aml_probing_max_amount")),
        probing_count=int(get("aml_probing_count")),
        probing_window_ms=int(get("aml_probing_window_ms")),
        volume_exempt_kinds=frozenset(str(k) for k in get("aml_volume_exempt_kinds")),
    )


def compute_param_value(name: str, value: Any) -> int | list[str]:
    """The value to store for ``name``, or ValueError saying what is wrong with ``value``."""
    spec = PARAM_SPECS.get(name)
    number: int
    if spec is None:
        raise ValueError(f"{name} is not an AML parameter; known: {', '.join(sorted(PARAM_SPECS))}")
    if spec.kind is ParamKind.ACCOUNT_KINDS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{name} must be a list of account kinds")
        known = {k.value for k in AccountKind}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"{name}: unknown account kinds {unknown}; known: {sorted(known)}")
        return sorted(set(value))
    if spec.kind is ParamKind.AMOUNT:
        # Amounts travel as decimal strings of minor units, like every amount in the protocol.
        try:
            number = parse_amount(value)
        except ValueError:
            raise ValueError(
                f"{name} is an amount: a decimal string of minor units, e.g. \"10000\""
            ) from None
    else:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} must be an integer ({spec.kind.value})")
        number = value
    if not spec.low <= number <= spec.high:
        raise ValueError(f"{name} must be between {spec.low} and {spec.high}, got {number}")
    return number
