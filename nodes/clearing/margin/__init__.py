"""The clearing house's margin mathematics as pure functions: no I/O, clock or global state.

SPAN scanning risk (``span``), historical-simulation expected shortfall the JSCC way
(``hs_es`` over ``expected_shortfall``), variation margin with the spot-quoted financing
adjustment (``variation``, ``financing``), collateral haircuts (``haircut``), the contracts they
price (``contracts``), and price data for tests (``price_paths``, ``public_series``). Money is
integer minor units (NT$0.01); prices are ``Decimal``; floats are refused.
"""

from nodes.clearing.margin.contracts import (
    BTCSQ,
    CONTRACTS,
    MTX,
    TX,
    ContractCode,
    FuturesContract,
    Quotation,
    get_combined_commodities,
    get_multipliers,
)
from nodes.clearing.margin.errors import InvalidMarginInput, MarginError, PriceDataUnavailable
from nodes.clearing.margin.expected_shortfall import compute_expected_shortfall, compute_tail_mass
from nodes.clearing.margin.financing import (
    compute_financing_adjustment,
    compute_spot_quoted_settlement_price,
)
from nodes.clearing.margin.haircut import DEFAULT_NTDC_HAIRCUT_BPS, compute_haircut_value
from nodes.clearing.margin.hs_es import (
    JSCC_CONFIDENCE_BPS,
    JSCC_HOLDING_DAYS,
    JSCC_LOOKBACK_DAYS,
    PriceChange,
    compute_hs_es_requirement,
    compute_scenario_pnl,
    compute_scenario_price_changes,
)
from nodes.clearing.margin.price_paths import compute_seeded_price_path
from nodes.clearing.margin.public_series import (
    DailyClose,
    load_arch_sp500_closes,
    load_wti_daily_closes,
)
from nodes.clearing.margin.span import (
    SPAN_SCENARIOS,
    RiskArray,
    SpanScenario,
    compute_futures_risk_array,
    compute_portfolio_risk_array,
    compute_scanning_risk,
    compute_span_requirement,
)
from nodes.clearing.margin.variation import compute_variation_margin

__all__ = [
    "BTCSQ",
    "CONTRACTS",
    "DEFAULT_NTDC_HAIRCUT_BPS",
    "JSCC_CONFIDENCE_BPS",
    "JSCC_HOLDING_DAYS",
    "JSCC_LOOKBACK_DAYS",
    "MTX",
    "SPAN_SCENARIOS",
    "TX",
    "ContractCode",
    "DailyClose",
    "FuturesContract",
    "InvalidMarginInput",
    "MarginError",
    "PriceChange",
    "PriceDataUnavailable",
    "Quotation",
    "RiskArray",
    "SpanScenario",
    "compute_expected_shortfall",
    "compute_financing_adjustment",
    "compute_futures_risk_array",
    "compute_haircut_value",
    "compute_hs_es_requirement",
    "compute_portfolio_risk_array",
    "compute_scanning_risk",
    "compute_scenario_pnl",
    "compute_scenario_price_changes",
    "compute_seeded_price_path",
    "compute_span_requirement",
    "compute_spot_quoted_settlement_price",
    "compute_tail_mass",
    "compute_variation_margin",
    "get_combined_commodities",
    "get_multipliers",
    "load_arch_sp500_closes",
    "load_wti_daily_closes",
]
