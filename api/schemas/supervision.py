"""The regulator's supervision API: alerts, cases and their history, report exports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from api.schemas.bank import IdentityOut
from api.schemas.common import REQUEST_CONFIG, RESPONSE_CONFIG, AmountText, TxIdText

SumText = Annotated[str, Field(pattern=r"^(0|[1-9][0-9]*)$",
                               description="Decimal string of minor units (a sum: may exceed "
                                           "one transaction's range)")]
NtdText = Annotated[str, Field(pattern=r"^(0|[1-9][0-9]*)\.[0-9]{2}$", examples=["500000.00"],
                               description="NT$ with two decimals")]
CaseStatusText = Literal["open", "under_review", "reported", "dismissed", "info"]


class AlertOut(BaseModel):
    """An alert and its case (the case id is the alert id)."""

    model_config = RESPONSE_CONFIG
    alert_id: str = Field(description="Also the case id")
    seq: int = Field(description="Order in which this observer stored it (the paging cursor)")
    source: Literal["receipt_flag", "enforcement", "analytics"]
    rule: str = Field(description="Receipt flag (LARGE_VALUE, …), analytics kind (CYCLE, …) or "
                                  "ORDER_<kind> for enforcement orders")
    category: Literal["reporting", "suspicion", "information", "other"]
    status: CaseStatusText
    height: int = Field(description="Block whose verification raised the alert")
    time_ms: int = Field(description="That block's time: the detection time")
    time: str = Field(description="time_ms in ISO-8601, Asia/Taipei")
    start_ms: int = Field(description="Block time of the earliest evidence transaction")
    end_ms: int = Field(description="Block time of the latest evidence transaction")
    amount: SumText = Field(description="Total of the evidence transactions")
    accounts: list[str] = Field(description="Implicated accounts (for a receipt flag: the "
                                            "movement's parties)")
    counterparties: list[str] = Field(description="Took part, not implicated (analytics)")
    tx_ids: list[TxIdText] = Field(description="Evidence transactions, in chain order")
    summary: str
    details: dict[str, Any]
    status_at_ms: int = Field(description="Wall-clock time of the last status change")
    status_by: str = Field(description="Who made it: the regulator principal, or 'observer'")
    created_at_ms: int = Field(description="Wall-clock time this observer stored the alert")


class AlertList(BaseModel):
    model_config = RESPONSE_CONFIG
    items: list[AlertOut]
    next_before: int | None = Field(description="Pass as ?before= for the next page (None at "
                                                "the end)")


class CaseEventOut(BaseModel):
    model_config = RESPONSE_CONFIG
    at_ms: int = Field(description="Wall-clock time (ms since the epoch)")
    actor: str = Field(description="Regulator principal, or 'observer' for alerts raised and "
                                   "evidence added")
    from_status: CaseStatusText | None
    to_status: CaseStatusText
    note: str


class EvidenceOut(BaseModel):
    model_config = RESPONSE_CONFIG
    tx_id: TxIdText
    height: int
    index: int
    time_ms: int
    amount: AmountText


class CaseOut(BaseModel):
    model_config = RESPONSE_CONFIG
    case: AlertOut
    allowed_transitions: list[CaseStatusText]
    history: list[CaseEventOut] = Field(description="Oldest first")
    evidence: list[EvidenceOut]


class CaseStatusChange(BaseModel):
    """A case status change (the only write the observer accepts, see docs/supervision.md)."""

    model_config = REQUEST_CONFIG
    status: Literal["under_review", "reported", "dismissed"]
    note: str = Field("", max_length=2000, description="Why (kept in the case history)")


class SupervisionStatus(BaseModel):
    model_config = RESPONSE_CONFIG
    seen_height: int = Field(description="Last verified block the queue took")
    flags_height: int = Field(description="Last block whose flag and order alerts are stored")
    analytics_height: int = Field(description="Block of the last stored analytics run")
    analytics_runs: int = Field(description="Analytics runs since this process started")
    analytics_truncated: int = Field(description="Findings left for a later run by the "
                                                 "per-run limit (since this process started)")
    window_transfers: int
    window_ms: int
    max_window_transfers: int
    degraded: str = Field(description="Why the queue stopped storing; empty while healthy")
    cases: dict[str, int] = Field(description="Alerts per case status")


class ReportPeriod(BaseModel):
    model_config = RESPONSE_CONFIG
    from_: str = Field(alias="from", description="First day (inclusive)")
    to: str = Field(description="Last day (inclusive)")
    time_zone: str


class ReportParty(BaseModel):
    model_config = RESPONSE_CONFIG
    account: str
    role: str = Field(description="payer, payee, recipient (mint), redeemer, or subject")
    identity: IdentityOut | None = Field(description="Real-name data from the KYC dossier; "
                                                     "null if it cannot be opened")


class LargeValueItem(BaseModel):
    model_config = RESPONSE_CONFIG
    report_id: str = Field(description="The LARGE_VALUE alert id")
    tx_id: TxIdText
    height: int
    index: int
    kind: str
    time_ms: int
    time: str
    transaction_date: str
    due_date: str = Field(description="5th Taiwan business day after the transaction date")
    calendar_covered: bool = Field(description="False if a date lies outside the years whose "
                                               "holidays the node knows")
    amount: AmountText
    amount_ntd: NtdText
    case_status: CaseStatusText
    parties: list[ReportParty]


class LargeValueReport(BaseModel):
    model_config = RESPONSE_CONFIG
    report: Literal["large_value"]
    period: ReportPeriod
    due_rule: str
    generated_at_ms: int
    items: list[LargeValueItem]


class ReportEvidence(BaseModel):
    model_config = RESPONSE_CONFIG
    tx_id: TxIdText
    height: int
    index: int
    time: str
    amount: AmountText


class ReportNote(BaseModel):
    model_config = RESPONSE_CONFIG
    at_ms: int
    actor: str
    to_status: CaseStatusText
    note: str


class SuspiciousItem(BaseModel):
    model_config = RESPONSE_CONFIG
    case_id: str
    rule: str
    source: str
    status: CaseStatusText
    summary: str
    detected_at_ms: int
    detected_at: str
    detection_height: int
    detection_date: str
    due_date: str = Field(description="2nd Taiwan business day after the detection date")
    calendar_covered: bool
    reported_at_ms: int | None
    reported_by: str | None
    reported_on_time: bool | None = Field(description="Marked reported on or before the due "
                                                      "date; null until reported")
    overdue: bool = Field(description="Not reported and the due date is before as_of")
    amount: SumText
    amount_ntd: NtdText
    evidence: list[ReportEvidence]
    subjects: list[ReportParty]
    counterparties: list[str]
    notes: list[ReportNote]


class SuspiciousReport(BaseModel):
    model_config = RESPONSE_CONFIG
    report: Literal["suspicious_transactions"]
    period: ReportPeriod
    due_rule: str
    as_of: str = Field(description="The Taipei date 'overdue' is judged on (today)")
    generated_at_ms: int
    items: list[SuspiciousItem]
