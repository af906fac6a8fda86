"""What the supervision queue holds: alerts with their evidence, and the case workflow.

An alert is raised by the observer from what it verified (a receipt flag, an enforcement order,
an analytics finding) and names the transfers that make its evidence. Every alert is also a
case (the case id is the alert id) with a status the regulator moves through

    open ──▶ under_review ──▶ reported
                         └──▶ dismissed

Enforcement orders are information, not suspicions: their alerts have the fixed status
``info`` and no workflow. The alert id is a hash of (source, rule, evidence key), so the same
finding always gets the same id, on every observer and after every restart.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Source(StrEnum):
    RECEIPT_FLAG = "receipt_flag"
    """An AML flag in a verified receipt (computed by the state transition on every node)."""
    ENFORCEMENT = "enforcement"
    """An applied enforcement order (police hold, freeze, seizure, list or parameter order)."""
    ANALYTICS = "analytics"
    """A graph typology the regulator analytics found in the observer's window of transfers."""


class Category(StrEnum):
    REPORTING = "reporting"
    """A reporting duty, not a suspicion: LARGE_VALUE (currency transaction report)."""
    SUSPICION = "suspicion"
    """Suspicion flags and analytics findings: candidates for a suspicious-transaction report."""
    INFORMATION = "information"
    """Enforcement orders: the regulator is told, there is nothing to decide."""
    OTHER = "other"
    """Any other receipt flag (e.g. RESERVE_SHORTFALL on a reserve attestation)."""


class CaseStatus(StrEnum):
    OPEN = "open"
    UNDER_REVIEW = "under_review"
    REPORTED = "reported"
    DISMISSED = "dismissed"
    INFO = "info"
    """Informational alerts (enforcement orders): no workflow."""


TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.UNDER_REVIEW}),
    CaseStatus.UNDER_REVIEW: frozenset({CaseStatus.REPORTED, CaseStatus.DISMISSED}),
    CaseStatus.REPORTED: frozenset(),
    CaseStatus.DISMISSED: frozenset(),
    CaseStatus.INFO: frozenset(),
}
"""Allowed case status changes: a case is reviewed before it is closed either way, and a
closed case stays closed (new evidence opens a new case)."""
TERMINAL = frozenset({CaseStatus.REPORTED, CaseStatus.DISMISSED, CaseStatus.INFO})

OBSERVER_ACTOR = "observer"
"""Who raised an alert or added evidence to it (case history entries not made by a person)."""


def is_allowed_transition(current: CaseStatus, new: CaseStatus) -> bool:
    """Whether a case may move from ``current`` to ``new``."""
    return new in TRANSITIONS[current]


def get_initial_status(category: Category) -> CaseStatus:
    """The status a new alert's case starts in."""
    return CaseStatus.INFO if category is Category.INFORMATION else CaseStatus.OPEN


@dataclass(frozen=True, slots=True)
class Evidence:
    """One transaction behind an alert, where it sits in the chain and what it moved."""

    tx_id: str
    height: int
    index: int
    time_ms: int
    amount: int


@dataclass(frozen=True, slots=True)
class AlertCandidate:
    """An alert as found, before it is stored (``compute_alert_id`` names it)."""

    source: Source
    rule: str
    category: Category
    height: int
    """Height of the block whose verification raised it."""
    time_ms: int
    """Block time of that block: the detection time (the reporting clock starts here)."""
    accounts: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    summary: str
    counterparties: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def alert_id(self) -> str:
        """The alert's stable id (see ``compute_alert_id``)."""
        if self.source is Source.ANALYTICS:
            key = (*self.accounts, "|", *sorted(e.tx_id for e in self.evidence))
        else:
            key = (self.evidence[0].tx_id,)
        return compute_alert_id(self.source, self.rule, key)

    @property
    def amount(self) -> int:
        """Total amount of the evidence transactions (minor units)."""
        return sum(e.amount for e in self.evidence)


def compute_alert_id(source: Source, rule: str, key: tuple[str, ...]) -> str:
    """32 hex characters of SHA-256 over the source, the rule and the evidence key.

    One alert per (rule, transaction) for receipt flags and orders, and per (rule, implicated
    accounts, evidence set) for analytics findings.
    """
    text = "\x00".join(("NTDC/supervision-alert/v1", source.value, rule, *key))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def format_ntd(amount: int) -> str:
    """Minor units as NT$ with two decimals and no separators: 50000000 -> "500000.00"."""
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    return f"{sign}{amount // 100}.{amount % 100:02d}"
