"""The regulator's report exports (SPEC §6), as JSON documents and CSV rows (pure functions).

* Large-value reports (currency transaction reports): one item per LARGE_VALUE alert whose
  transaction's Taipei date falls in the period, with every party's real-name data. Due on the
  5th business day after the transaction date, whatever the case status (a reporting duty).
* Suspicious-transaction reports: one item per suspicion case (suspicion flags and analytics
  findings) detected in the period and not dismissed (or in the statuses asked for), with the
  implicated accounts' real-name data, the evidence transfers and the regulator's notes. Due on
  the 2nd business day after the detection date — the Taipei date of the block whose
  verification raised the alert — so a case left open cannot postpone its deadline, and an
  observer rebuilt from the chain computes the same due dates. ``reported_on_time`` compares the
  date the case was marked ``reported`` with the due date; ``overdue`` is a case not yet reported
  whose due date is before ``as_of``.

Real names come from ``identity_of(account)`` (the API opens the KYC dossiers with the
regulator's sealing key); ``None`` means the dossier could not be opened and the row says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from nodes.regulator.supervision.calendar import (
    LARGE_VALUE_DUE_BUSINESS_DAYS,
    SUSPICIOUS_DUE_BUSINESS_DAYS,
    BusinessCalendar,
    compute_due_date,
    format_taipei_time,
    get_taipei_date,
    get_taipei_day_start_ms,
)
from nodes.regulator.supervision.model import OBSERVER_ACTOR, CaseStatus, Evidence, format_ntd
from nodes.regulator.supervision.store import AlertRecord, CaseEvent

IdentityLookup = Callable[[str], dict[str, Any] | None]

MAX_PERIOD_DAYS = 366
IDENTITY_FIELDS = ("home_bank", "name", "national_id", "birth_date", "address", "risk_tier")
LARGE_VALUE_CSV_FIELDS = (
    "report_id", "tx_id", "height", "kind", "time", "transaction_date", "due_date",
    "calendar_covered", "amount", "amount_ntd", "party_role", "account", *IDENTITY_FIELDS,
    "identity_available", "case_status",
)
SUSPICIOUS_CSV_FIELDS = (
    "case_id", "rule", "source", "status", "detected_at", "detection_date", "due_date",
    "calendar_covered", "reported_at", "reported_by", "reported_on_time", "overdue", "amount",
    "amount_ntd", "evidence_tx_ids", "summary", "account", *IDENTITY_FIELDS,
    "identity_available", "notes",
)
SUSPICIOUS_DEFAULT_STATUSES = (CaseStatus.OPEN, CaseStatus.UNDER_REVIEW, CaseStatus.REPORTED)

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(text: str) -> tuple[date, date]:
    """``YYYY-MM``, ``YYYY-MM-DD`` or ``YYYY-MM-DD..YYYY-MM-DD`` -> first and last Taipei date
    (inclusive); raises ValueError saying what is wrong."""
    text = text.strip()
    try:
        month = _MONTH.match(text)
        if month:
            first = date(int(month[1]), int(month[2]), 1)
            last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        elif ".." in text:
            start, _, end = text.partition("..")
            first, last = date.fromisoformat(start), date.fromisoformat(end)
        else:
            first = last = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"period {text!r} is not YYYY-MM, YYYY-MM-DD or "
                         "YYYY-MM-DD..YYYY-MM-DD") from None
    if last < first:
        raise ValueError(f"period {text!r} ends before it starts")
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise ValueError(f"period {text!r} is longer than {MAX_PERIOD_DAYS} days; "
                         "ask for a shorter one")
    return first, last


def get_period_bounds_ms(first: date, last: date) -> tuple[int, int]:
    """[start of ``first``, start of the day after ``last``) in Taipei, in ms."""
    return get_taipei_day_start_ms(first), get_taipei_day_start_ms(last + timedelta(days=1))


def _period_json(first: date, last: date) -> dict[str, str]:
    return {"from": first.isoformat(), "to": last.isoformat(), "time_zone": "Asia/Taipei"}


def _party(account: str, role: str, identity_of: IdentityLookup) -> dict[str, Any]:
    return {"account": account, "role": role, "identity": identity_of(account)}


def _identity_columns(identity: dict[str, Any] | None) -> dict[str, str]:
    columns = {name: str((identity or {}).get(name, "")) for name in IDENTITY_FIELDS}
    columns["identity_available"] = "true" if identity is not None else "false"
    return columns


def compute_large_value_report(
    records: Sequence[AlertRecord], evidence: dict[int, list[Evidence]],
    identity_of: IdentityLookup, *, first: date, last: date, calendar: BusinessCalendar,
    generated_at_ms: int,
) -> dict[str, Any]:
    """The currency transaction report for the period (LARGE_VALUE alerts)."""
    items = []
    for record in records:
        tx = evidence[record.seq][0]
        tx_date = get_taipei_date(tx.time_ms)
        due = compute_due_date(tx_date, LARGE_VALUE_DUE_BUSINESS_DAYS, calendar)
        parties = record.details.get("parties") or [{"account": a, "role": ""}
                                                    for a in record.accounts]
        items.append({
            "report_id": record.alert_id, "tx_id": tx.tx_id, "height": tx.height,
            "index": tx.index, "kind": str(record.details.get("kind", "")),
            "time_ms": tx.time_ms, "time": format_taipei_time(tx.time_ms),
            "transaction_date": tx_date.isoformat(), "due_date": due.isoformat(),
            "calendar_covered": calendar.covers(tx_date) and calendar.covers(due),
            "amount": str(tx.amount), "amount_ntd": format_ntd(tx.amount),
            "case_status": record.status.value,
            "parties": [_party(p["account"], p["role"], identity_of) for p in parties],
        })
    return {"report": "large_value", "period": _period_json(first, last),
            "due_rule": f"{LARGE_VALUE_DUE_BUSINESS_DAYS} business days after the transaction "
                        "date (Asia/Taipei)",
            "generated_at_ms": generated_at_ms, "items": items}


def compute_large_value_rows(report: dict[str, Any]) -> list[dict[str, str]]:
    """CSV rows: one per (transaction, party)."""
    rows = []
    for item in report["items"]:
        for party in item["parties"]:
            rows.append({
                "report_id": item["report_id"], "tx_id": item["tx_id"],
                "height": str(item["height"]), "kind": item["kind"], "time": item["time"],
                "transaction_date": item["transaction_date"], "due_date": item["due_date"],
                "calendar_covered": str(item["calendar_covered"]).lower(),
                "amount": item["amount"], "amount_ntd": item["amount_ntd"],
                "party_role": party["role"], "account": party["account"],
                **_identity_columns(party["identity"]), "case_status": item["case_status"],
            })
    return rows


def _reported(history: Sequence[CaseEvent]) -> CaseEvent | None:
    return next((e for e in history if e.to_status == CaseStatus.REPORTED.value
                 and e.from_status != CaseStatus.REPORTED.value), None)


def compute_suspicious_report(
    records: Sequence[AlertRecord], evidence: dict[int, list[Evidence]],
    histories: dict[int, list[CaseEvent]], identity_of: IdentityLookup, *, first: date,
    last: date, calendar: BusinessCalendar, as_of: date, generated_at_ms: int,
) -> dict[str, Any]:
    """The suspicious-transaction cases detected in the period."""
    items = []
    for record in records:
        detected = get_taipei_date(record.time_ms)
        due = compute_due_date(detected, SUSPICIOUS_DUE_BUSINESS_DAYS, calendar)
        history = histories.get(record.seq, [])
        reported = _reported(history)
        items.append({
            "case_id": record.alert_id, "rule": record.rule, "source": record.source,
            "status": record.status.value, "summary": record.summary,
            "detected_at_ms": record.time_ms, "detected_at": format_taipei_time(record.time_ms),
            "detection_height": record.height, "detection_date": detected.isoformat(),
            "due_date": due.isoformat(),
            "calendar_covered": calendar.covers(detected) and calendar.covers(due),
            "reported_at_ms": reported.at_ms if reported else None,
            "reported_by": reported.actor if reported else None,
            "reported_on_time": (get_taipei_date(reported.at_ms) <= due) if reported else None,
            "overdue": reported is None and as_of > due,
            "amount": str(record.amount), "amount_ntd": format_ntd(record.amount),
            "evidence": [{"tx_id": e.tx_id, "height": e.height, "index": e.index,
                          "time": format_taipei_time(e.time_ms), "amount": str(e.amount)}
                         for e in evidence.get(record.seq, [])],
            "subjects": [_party(a, "subject", identity_of) for a in record.accounts],
            "counterparties": list(record.counterparties),
            "notes": [{"at_ms": e.at_ms, "actor": e.actor, "to_status": e.to_status,
                       "note": e.note} for e in history
                      if e.actor != OBSERVER_ACTOR and e.note],
        })
    return {"report": "suspicious_transactions", "period": _period_json(first, last),
            "due_rule": f"{SUSPICIOUS_DUE_BUSINESS_DAYS} business days after the detection "
                        "date (Asia/Taipei)",
            "as_of": as_of.isoformat(), "generated_at_ms": generated_at_ms, "items": items}


def compute_suspicious_rows(report: dict[str, Any]) -> list[dict[str, str]]:
    """CSV rows: one per (case, implicated account)."""
    rows = []
    for item in report["items"]:
        reported_at = item["reported_at_ms"]
        on_time = item["reported_on_time"]
        notes = " | ".join(f"{n['actor']}: {n['note']}" for n in item["notes"])
        for subject in item["subjects"] or [{"account": "", "identity": None}]:
            rows.append({
                "case_id": item["case_id"], "rule": item["rule"], "source": item["source"],
                "status": item["status"], "detected_at": item["detected_at"],
                "detection_date": item["detection_date"], "due_date": item["due_date"],
                "calendar_covered": str(item["calendar_covered"]).lower(),
                "reported_at": format_taipei_time(reported_at) if reported_at else "",
                "reported_by": item["reported_by"] or "",
                "reported_on_time": "" if on_time is None else str(on_time).lower(),
                "overdue": str(item["overdue"]).lower(), "amount": item["amount"],
                "amount_ntd": item["amount_ntd"],
                "evidence_tx_ids": ";".join(e["tx_id"] for e in item["evidence"]),
                "summary": item["summary"], "account": subject["account"],
                **_identity_columns(subject["identity"]), "notes": notes,
            })
    return rows
