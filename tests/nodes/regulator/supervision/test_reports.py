"""Report exports: periods, due dates, real-name data, CSV rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ledger.types import ntd
from nodes.regulator.supervision import AlertQueue, CaseStatus
from nodes.regulator.supervision.calendar import TAIWAN_CALENDAR, format_taipei_time
from nodes.regulator.supervision.reports import (
    LARGE_VALUE_CSV_FIELDS,
    SUSPICIOUS_CSV_FIELDS,
    compute_large_value_report,
    compute_large_value_rows,
    compute_suspicious_report,
    compute_suspicious_rows,
    get_period_bounds_ms,
    parse_period,
)
from tests.nodes.regulator.supervision.helpers import FakeClock, FedChain, open_engine, quiet_config

D = date.fromisoformat


def test_periods() -> None:
    assert parse_period("2026-02") == (D("2026-02-01"), D("2026-02-28"))
    assert parse_period("2024-02") == (D("2024-02-01"), D("2024-02-29"))
    assert parse_period("2026-12") == (D("2026-12-01"), D("2026-12-31"))
    assert parse_period("2026-01-05") == (D("2026-01-05"), D("2026-01-05"))
    assert parse_period("2026-01-05..2026-03-31") == (D("2026-01-05"), D("2026-03-31"))
    for bad, why in (("2026-13", "is not"), ("2026-02-30", "is not"), ("2026", "is not"),
                     ("2026-03-01..2026-02-01", "ends before"),
                     ("2025-01-01..2026-12-31", "longer than")):
        with pytest.raises(ValueError, match=why):
            parse_period(bad)
    start, end = get_period_bounds_ms(D("2026-01-01"), D("2026-01-01"))
    assert (start, end - start) == (1_767_196_800_000, 86_400_000)  # 2025-12-31T16:00Z


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Any]:
    """On 1 Jan 2026 (Taipei; a holiday): alice is minted NT$600,000 and passes NT$550,000 to
    bob (LARGE_VALUE ×2, PASS_THROUGH)."""
    clock = FakeClock(1_767_225_600.0)  # 2026-01-01T08:00+08:00
    queue = AlertQueue.open(open_engine(tmp_path), quiet_config(), clock=clock)
    fed = FedChain.create(queue)
    alice, bob = fed.holders(2)
    mint = fed.block(fed.work.mint(alice, ntd(600_000)))[0]
    transfer = fed.block(fed.work.transfer(alice, bob, ntd(550_000)))[0]
    dossiers = fed.work.dossiers

    def identity_of(account: str) -> dict[str, Any] | None:
        dossier = dossiers.get(account)
        if dossier is None or account == bob.account:  # bob's dossier "cannot be opened"
            return None
        return {"account": account, "home_bank": "BANK-A", "name": dossier.name,
                "national_id": dossier.national_id, "birth_date": dossier.birth_date,
                "address": dossier.address, "risk_tier": "low", "registration_tx": "",
                "registered_height": 1}

    return {"queue": queue, "clock": clock, "alice": alice, "bob": bob, "mint": mint,
            "transfer": transfer, "identity_of": identity_of, "fed": fed}


def large_value(world: dict[str, Any], period: str = "2026-01") -> dict[str, Any]:
    queue = world["queue"]
    first, last = parse_period(period)
    start, end = get_period_bounds_ms(first, last)
    records = queue.store.get_period_alerts(from_ms=start, to_ms=end, rule="LARGE_VALUE",
                                            limit=100)
    evidence = queue.store.get_evidence([r.seq for r in records])
    return compute_large_value_report(records, evidence, world["identity_of"], first=first,
                                      last=last, calendar=TAIWAN_CALENDAR, generated_at_ms=1)


def test_large_value_report(world: dict[str, Any]) -> None:
    report = large_value(world)
    assert [i["tx_id"] for i in report["items"]] == [world["mint"].tx_id, world["transfer"].tx_id]
    minted, moved = report["items"]
    # 1 Jan is a holiday: the five business days are 2, 5, 6, 7 and 8 January.
    assert (minted["transaction_date"], minted["due_date"]) == ("2026-01-01", "2026-01-08")
    assert minted["calendar_covered"] is True
    assert (moved["amount"], moved["amount_ntd"], moved["kind"]) == (
        "55000000", "550000.00", "transfer")
    alice = world["fed"].work.dossiers[world["alice"].account]
    payer, payee = moved["parties"]
    assert (payer["role"], payer["account"], payer["identity"]["name"]) == (
        "payer", world["alice"].account, alice.name)
    assert (payee["role"], payee["identity"]) == ("payee", None)
    rows = compute_large_value_rows(report)
    assert [(r["party_role"], r["identity_available"]) for r in rows] == [
        ("recipient", "true"), ("payer", "true"), ("payee", "false")]
    assert set(rows[0]) == set(LARGE_VALUE_CSV_FIELDS)
    assert rows[1]["national_id"] == alice.national_id and rows[2]["name"] == ""
    assert rows[0]["time"] == format_taipei_time(minted["time_ms"])
    assert large_value(world, "2026-01-02..2026-01-31")["items"] == []


def suspicious(world: dict[str, Any], as_of: str, statuses: list[CaseStatus] | None = None
               ) -> dict[str, Any]:
    queue = world["queue"]
    first, last = parse_period("2026-01")
    start, end = get_period_bounds_ms(first, last)
    records = queue.store.get_period_alerts(
        from_ms=start, to_ms=end, category="suspicion", limit=100,
        statuses=statuses or [CaseStatus.OPEN, CaseStatus.UNDER_REVIEW, CaseStatus.REPORTED])
    seqs = [r.seq for r in records]
    return compute_suspicious_report(
        records, queue.store.get_evidence(seqs), queue.store.get_histories(seqs),
        world["identity_of"], first=first, last=last, calendar=TAIWAN_CALENDAR,
        as_of=D(as_of), generated_at_ms=1)


def test_suspicious_transaction_report(world: dict[str, Any]) -> None:
    queue, clock = world["queue"], world["clock"]
    (item,) = suspicious(world, "2026-01-05")["items"]
    assert (item["rule"], item["status"]) == ("PASS_THROUGH", "open")
    # Detected 1 Jan (holiday): due on the 2nd business day after it, Monday 5 Jan.
    assert (item["detection_date"], item["due_date"]) == ("2026-01-01", "2026-01-05")
    assert (item["reported_on_time"], item["overdue"]) == (None, False)
    assert suspicious(world, "2026-01-06")["items"][0]["overdue"] is True
    assert [e["tx_id"] for e in item["evidence"]] == [world["transfer"].tx_id]
    assert [s["account"] for s in item["subjects"]] == [world["alice"].account,
                                                       world["bob"].account]

    clock.now += 3 * 86_400  # 4 Jan
    queue.change_case_status(item["case_id"], CaseStatus.UNDER_REVIEW, "regulator", "mule?")
    clock.now += 86_400  # 5 Jan: the due date itself is on time
    queue.change_case_status(item["case_id"], CaseStatus.REPORTED, "regulator", "STR-2026-7")
    (item,) = suspicious(world, "2026-01-09")["items"]
    assert (item["status"], item["reported_by"], item["reported_on_time"], item["overdue"]) == (
        "reported", "regulator", True, False)
    assert [n["note"] for n in item["notes"]] == ["mule?", "STR-2026-7"]
    rows = compute_suspicious_rows(suspicious(world, "2026-01-09"))
    assert len(rows) == 2 and set(rows[0]) == set(SUSPICIOUS_CSV_FIELDS)
    assert rows[0]["reported_on_time"] == "true" and rows[0]["notes"] == (
        "regulator: mule? | regulator: STR-2026-7")
    assert rows[0]["evidence_tx_ids"] == world["transfer"].tx_id
    assert (rows[0]["identity_available"], rows[1]["identity_available"]) == ("true", "false")


def test_dismissed_cases_are_left_out_unless_asked_for(world: dict[str, Any]) -> None:
    queue = world["queue"]
    (item,) = suspicious(world, "2026-01-05")["items"]
    queue.change_case_status(item["case_id"], CaseStatus.UNDER_REVIEW, "regulator", "")
    queue.change_case_status(item["case_id"], CaseStatus.DISMISSED, "regulator", "salary")
    assert suspicious(world, "2026-01-05")["items"] == []
    (dismissed,) = suspicious(world, "2026-01-05", [CaseStatus.DISMISSED])["items"]
    assert dismissed["status"] == "dismissed" and dismissed["reported_on_time"] is None
