"""Collateral reports (ledger/collateral/reports.py): pure, JSON-ready, CSV-ready."""

import csv
import io
import json

from ledger.collateral.reports import (
    MEMBER_CSV_FIELDS,
    WEEK_MS,
    WEEKLY_CSV_FIELDS,
    OperationalIncident,
    compute_collateral_report,
    compute_member_report,
    compute_member_report_rows,
    compute_week_start_ms,
    compute_weekly_report,
    compute_weekly_report_rows,
    format_time,
)
from tests.ledger.collateral.desk import DEADLINE_MS, Desk


def _no_floats(value: object) -> bool:
    if isinstance(value, float):
        return False
    if isinstance(value, dict):
        return all(_no_floats(v) for v in value.values())
    if isinstance(value, list):
        return all(_no_floats(v) for v in value)
    return True


def _week() -> Desk:
    desk = Desk.create()
    w = desk.work
    desk.block(w.pledge(desk.alpha, 500_000), w.pledge(desk.beta, 100_000))
    desk.block(w.post_requirement(desk.alpha, 490_000, "HS-ES", "run-1"),
               w.post_requirement(desk.beta, 150_000, "SPAN", "run-1"))
    desk.ok(w.set_haircut(300, "TAIFEX notice 2026-002"))  # alpha called: 485_000 < 490_000
    desk.ok(w.pledge(desk.alpha, 10_000), advance_ms=60_000)  # met after 60 s
    desk.ok(w.variation_settlement("VM-1", [(desk.alpha, -1_000), (desk.gamma, 1_000)]))
    desk.block(advance_ms=DEADLINE_MS)  # beta defaults
    desk.ok(w.liquidate("MC-00000001"))
    return desk


def test_member_report_figures():
    desk = _week()
    report = compute_member_report(desk.state, desk.alpha.account)
    assert report["pledged"] == "510000"
    assert report["haircut_bps"] == 300
    assert report["haircut_source"] == "TAIFEX notice 2026-002"
    assert report["collateral_value"] == "494700"
    assert (report["requirement"], report["method"], report["reference"]) == (
        "490000", "HS-ES", "run-1")
    assert (report["shortfall"], report["excess"], report["status"]) == ("0", "4700", "good")
    # ceil(490_000 / 0.97) = 505_155 pledged is enough.
    assert (report["releasable"], report["pledge_to_cover"]) == ("4845", "0")
    assert report["open_call"] is None
    (call,) = report["calls"]
    assert (call["status"], call["closed_by"], call["time_to_close_ms"]) == ("met", "pledge",
                                                                             60_000)
    beta = compute_member_report(desk.state, desk.beta.account)
    assert beta["status"] == "default" and beta["releasable"] == "0"
    (default,) = beta["defaults"]
    assert (default["shortfall_at_default"], default["liquidated"]) == ("53000", "53000")


def test_open_call_in_member_report():
    desk = Desk.create()
    desk.ok(desk.work.post_requirement(desk.alpha, 1_000))
    report = compute_member_report(desk.state, desk.alpha.account)
    assert report["open_call"]["call_id"] == "MC-00000001"
    assert report["open_call"]["deadline"] == format_time(desk.chain.time_ms + DEADLINE_MS)
    assert report["pledge_to_cover"] == "1021"  # ceil(1_000 / 0.98)


def test_collateral_report_is_pure_and_json_ready():
    desk = _week()
    root = desk.state.compute_state_root()
    report = compute_collateral_report(desk.state)
    assert desk.state.compute_state_root() == root
    assert _no_floats(report)
    assert json.loads(json.dumps(report)) == report
    assert [m["account"] for m in report["members"]] == sorted(
        [desk.alpha.account, desk.beta.account])
    assert report["totals"]["pledged"] == str(510_000 + 100_000 - 53_000)
    rows = compute_member_report_rows(report)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=MEMBER_CSV_FIELDS)
    writer.writeheader()
    writer.writerows(rows)
    parsed = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["account"]: r["status"] for r in parsed} == {
        desk.alpha.account: "good", desk.beta.account: "default"}


def test_weekly_report_for_the_regulator():
    desk = _week()
    start = compute_week_start_ms(desk.chain.genesis.genesis_time_ms)
    outage = OperationalIncident(start + 3_600_000, "node_outage", "BANK-C validator down 4 min",
                                 "INC-7")
    late = OperationalIncident(start + WEEK_MS, "node_outage", "next week")
    root = desk.state.compute_state_root()
    report = compute_weekly_report(desk.state, start, [outage, late])
    assert desk.state.compute_state_root() == root
    assert _no_floats(report) and json.loads(json.dumps(report)) == report
    assert report["period"]["end_ms"] - report["period"]["start_ms"] == WEEK_MS
    assert report["period"]["complete"] is False
    holdings = report["holdings"]
    assert holdings["total"]["pledged"] == "557000"
    kinds = {k["account_kind"]: k for k in holdings["by_account_kind"]}
    assert (kinds["clearing_member"]["members"], kinds["fcm"]["pledged"]) == (1, "47000")
    assert report["haircuts"]["in_force"][0]["haircut_bps"] == 300
    assert [c["haircut_bps"] for c in report["haircuts"]["changes"]] == [300]
    calls = report["calls"]
    assert (calls["opened"], calls["met"], calls["defaulted"], calls["open_at_report"]) == (
        2, 1, 1, 0)
    assert calls["median_time_to_meet_ms"] == calls["max_time_to_meet_ms"] == 60_000
    assert [d["member"] for d in report["defaults"]] == [desk.beta.account]
    (liquidation,) = report["liquidations"]
    assert (liquidation["amount"], liquidation["uncovered"]) == ("53000", "0")
    assert report["variation_settlements"]["count"] == 1
    categories = [(i["source"], i["category"]) for i in report["incidents"]]
    assert categories == [("operator", "node_outage"), ("chain", "member_default")]
    rows = compute_weekly_report_rows(report)
    assert all(set(r) == set(WEEKLY_CSV_FIELDS) for r in rows)
    sections = [r["section"] for r in rows]
    for section in ("holding", "holding_total", "haircut", "haircut_change", "call", "default",
                    "liquidation", "variation_settlement", "incident"):
        assert section in sections
    # Nothing of this week shows in the next one but the holdings and open state.
    following = compute_weekly_report(desk.state, start + WEEK_MS)
    assert following["calls"]["opened"] == 0 and following["defaults"] == []


def test_uncovered_shortfall_is_an_incident():
    desk = Desk.create()
    w = desk.work
    desk.ok(w.pledge(desk.alpha, 10_000))
    desk.ok(w.post_requirement(desk.alpha, 50_000))
    desk.block(advance_ms=DEADLINE_MS)
    desk.ok(w.liquidate("MC-00000001"))
    report = compute_weekly_report(desk.state, compute_week_start_ms(desk.chain.time_ms))
    assert [i["category"] for i in report["incidents"]] == ["member_default",
                                                            "uncovered_shortfall"]
    assert report["liquidations"][0]["uncovered"] == str(50_000 - 9_800 - 10_000)


def test_week_starts_monday_midnight_taipei():
    # 2026-01-01 00:00 UTC is Thursday 08:00 in Taipei; that week began Monday 2025-12-29.
    start = compute_week_start_ms(1_767_225_600_000)
    assert format_time(start) == "2025-12-28T16:00:00.000Z"
    assert compute_week_start_ms(start) == start
    assert compute_week_start_ms(start - 1) == start - WEEK_MS
    assert format_time(0) == ""
