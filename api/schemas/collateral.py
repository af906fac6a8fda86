"""Responses of ``/v1/collateral``: the clearing house's and the regulator's collateral views.

They mirror ``ledger/collateral/reports.py`` field for field (amounts are decimal strings of
minor units, haircuts integer basis points, times milliseconds and ISO-8601 UTC; an empty string
is a time or id that has not happened yet).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.common import RESPONSE_CONFIG, AmountText

IsoTime = str
"""ISO-8601 UTC with milliseconds, or "" when the event has not happened."""


class CollateralStatus(BaseModel):
    """What the margin service needs to sign and watch: the ccp role's nonce, its account, the
    haircut and the call deadline in force, as of the last committed block."""

    model_config = RESPONSE_CONFIG
    height: int
    time_ms: int = Field(description="Block time of the last block (ms since the epoch)")
    ccp_nonce: int = Field(description="Last nonce the chain consumed for the ccp role")
    ccp_account: str = Field(description="The CCP's own account (derived from the ccp role "
                                         "key); receives liquidation proceeds")
    ccp_account_registered: bool
    haircut_bps: int
    haircut_source: str
    call_deadline_ms: int = Field(description="Time from a call opening to its deadline")
    members: int = Field(description="Members with a margin record")
    open_calls: int


class CallEntry(BaseModel):
    """One margin call over its whole life (opened, met or defaulted, liquidated)."""

    model_config = RESPONSE_CONFIG
    call_id: str
    member: str
    status: str = Field(description="open, met or defaulted")
    opened_ms: int
    opened_at: IsoTime
    opened_height: int
    opened_by: str = Field(description="Kind of the transaction that opened it")
    deadline_ms: int
    deadline: IsoTime
    requirement: AmountText
    collateral_value: AmountText
    shortfall: AmountText
    closed_ms: int
    closed_at: IsoTime
    closed_by: str = Field(description="Kind of the transaction that met it, or 'deadline'")
    closed_tx: str
    time_to_close_ms: int | None
    shortfall_at_default: AmountText
    liquidated: AmountText
    liquidated_at: IsoTime
    liquidation_tx: str
    default_ended_at: IsoTime


class MemberReport(BaseModel):
    """A clearing member's or FCM's collateral: pledged, haircut, value, requirement, calls."""

    model_config = RESPONSE_CONFIG
    account: str
    account_kind: str
    home_bank: str
    status: str = Field(description="good, called or default")
    asset: str
    available: AmountText
    pledged: AmountText
    haircut_bps: int
    haircut_source: str
    collateral_value: AmountText
    requirement: AmountText
    method: str
    reference: str
    requirement_at: IsoTime
    shortfall: AmountText
    excess: AmountText
    pledge_to_cover: AmountText
    releasable: AmountText
    open_call: CallEntry | None
    calls: list[CallEntry]
    defaults: list[CallEntry]


class SettlementRecord(BaseModel):
    """One applied variation settlement (its legs are in the receipt of ``tx_id``)."""

    model_config = RESPONSE_CONFIG
    settlement_id: str
    tx_id: str
    height: int
    time_ms: int
    at: IsoTime
    legs: int
    paid: AmountText = Field(description="Sum of the losses (= sum of the gains)")
    paid_from_collateral: AmountText
    reference: str


class CollateralTotals(BaseModel):
    model_config = RESPONSE_CONFIG
    pledged: AmountText
    collateral_value: AmountText
    requirement: AmountText
    shortfall: AmountText


class CollateralReport(BaseModel):
    """Every member's collateral report and the totals, as of one block."""

    model_config = RESPONSE_CONFIG
    report: str
    version: int
    chain_id: str
    as_of_height: int
    as_of_ms: int
    as_of: IsoTime
    asset: str
    haircut_bps: int
    haircut_source: str
    totals: CollateralTotals
    members: list[MemberReport]


class WeeklyPeriod(BaseModel):
    model_config = RESPONSE_CONFIG
    start_ms: int
    end_ms: int
    start: IsoTime
    end: IsoTime
    timezone: str
    complete: bool = Field(description="True if the report's block is at or after the week's end")


class HoldingTotal(BaseModel):
    model_config = RESPONSE_CONFIG
    account_kind: str
    members: int
    pledged: AmountText
    collateral_value: AmountText
    requirement: AmountText
    shortfall: AmountText


class HoldingMember(BaseModel):
    model_config = RESPONSE_CONFIG
    account: str
    account_kind: str
    home_bank: str
    status: str
    pledged: AmountText
    haircut_bps: int
    collateral_value: AmountText
    requirement: AmountText
    shortfall: AmountText


class Holdings(BaseModel):
    model_config = RESPONSE_CONFIG
    asset: str
    by_account_kind: list[HoldingTotal]
    total: HoldingTotal
    members: list[HoldingMember]


class HaircutInForce(BaseModel):
    model_config = RESPONSE_CONFIG
    asset: str
    haircut_bps: int
    source: str
    set_at: IsoTime


class HaircutChange(BaseModel):
    model_config = RESPONSE_CONFIG
    asset: str
    haircut_bps: int
    source: str
    at: IsoTime
    tx_id: str


class Haircuts(BaseModel):
    model_config = RESPONSE_CONFIG
    in_force: list[HaircutInForce]
    changes: list[HaircutChange]


class WeeklyCalls(BaseModel):
    model_config = RESPONSE_CONFIG
    opened: int
    met: int
    defaulted: int
    open_at_report: int
    shortfall_called: AmountText
    median_time_to_meet_ms: int | None
    max_time_to_meet_ms: int | None
    items: list[CallEntry]


class Liquidation(BaseModel):
    model_config = RESPONSE_CONFIG
    call_id: str
    member: str
    amount: AmountText
    shortfall_at_default: AmountText
    uncovered: AmountText
    at: IsoTime
    tx_id: str


class SettlementItem(BaseModel):
    model_config = RESPONSE_CONFIG
    settlement_id: str
    at: IsoTime
    legs: int
    paid: AmountText
    paid_from_collateral: AmountText
    reference: str
    tx_id: str


class Settlements(BaseModel):
    model_config = RESPONSE_CONFIG
    count: int
    paid: AmountText
    paid_from_collateral: AmountText
    items: list[SettlementItem]


class Incident(BaseModel):
    model_config = RESPONSE_CONFIG
    time_ms: int
    at: IsoTime
    source: str = Field(description="chain or operator")
    category: str
    reference: str
    description: str


class WeeklyReport(BaseModel):
    """The regulator's weekly tokenized-collateral report for [start, start + 7 days)."""

    model_config = RESPONSE_CONFIG
    report: str
    version: int
    chain_id: str
    as_of_height: int
    as_of_ms: int
    as_of: IsoTime
    period: WeeklyPeriod
    holdings: Holdings
    haircuts: Haircuts
    calls: WeeklyCalls
    defaults: list[CallEntry]
    liquidations: list[Liquidation]
    variation_settlements: Settlements
    incidents: list[Incident]
