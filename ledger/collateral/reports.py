"""Collateral reports (SPEC §7): per member for the clearing house and the regulator, and a
weekly report for the regulator in the spirit of the CFTC tokenized-collateral pilot (holdings by
asset and account type, haircuts, margin calls, defaults, incidents).

Pure and read-only: every function reads a ``LedgerState`` (or a report) and returns JSON-ready
data; nothing here writes state. Amounts are decimal strings of minor units (as in every NTDC
API), haircuts integer basis points, times both milliseconds and ISO-8601 UTC. The state holds
current balances only, so holdings are "as of" the state given: compute the weekly report on the
state of the first block at or after the week's end (``period.complete`` says whether it was).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ledger.chain_state import LedgerState
from ledger.collateral.model import CallStatus, MarginCall, MemberStatus
from ledger.collateral.valuation import (
    MarginFigures,
    compute_margin_figures,
    compute_required_pledge,
    get_haircut,
)

REPORT_VERSION = 1
DAY_MS = 24 * 3600 * 1000
WEEK_MS = 7 * DAY_MS
TAIPEI_OFFSET_MS = 8 * 3600 * 1000
"""Asia/Taipei is UTC+08:00 all year (no daylight saving)."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_WEEKDAY = 3
"""1970-01-01 was a Thursday (Monday = 0)."""

MEMBER_CSV_FIELDS = (
    "account", "account_kind", "home_bank", "status", "asset", "available", "pledged",
    "haircut_bps", "collateral_value", "requirement", "shortfall", "method", "reference",
    "open_call", "open_call_deadline", "calls", "defaults",
)
WEEKLY_CSV_FIELDS = (
    "section", "id", "account", "account_kind", "status", "time", "asset", "pledged",
    "haircut_bps", "collateral_value", "requirement", "amount", "detail",
)


@dataclass(frozen=True, slots=True)
class OperationalIncident:
    """An incident known off chain (outage, key compromise, delayed settlement) to report."""

    time_ms: int
    category: str
    description: str
    reference: str = ""


def format_time(time_ms: int) -> str:
    """ISO-8601 UTC with milliseconds, e.g. ``2026-01-05T01:00:00.000Z`` ("" for 0)."""
    if time_ms == 0:
        return ""
    moment = _EPOCH + timedelta(milliseconds=time_ms)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def compute_week_start_ms(time_ms: int) -> int:
    """Monday 00:00 Asia/Taipei of the week containing ``time_ms``."""
    local_day = (time_ms + TAIPEI_OFFSET_MS) // DAY_MS
    monday = local_day - (local_day + _EPOCH_WEEKDAY) % 7
    return monday * DAY_MS - TAIPEI_OFFSET_MS


def _amount(value: int) -> str:
    return str(value)


def compute_call_entry(call: MarginCall) -> dict[str, Any]:
    """One margin call, JSON-ready."""
    return {
        "call_id": call.call_id,
        "member": call.member,
        "status": call.status.value,
        "opened_ms": call.opened_ms,
        "opened_at": format_time(call.opened_ms),
        "opened_height": call.opened_height,
        "opened_by": call.opened_by,
        "deadline_ms": call.deadline_ms,
        "deadline": format_time(call.deadline_ms),
        "requirement": _amount(call.requirement),
        "collateral_value": _amount(call.collateral_value),
        "shortfall": _amount(call.shortfall),
        "closed_ms": call.closed_ms,
        "closed_at": format_time(call.closed_ms),
        "closed_by": call.closed_by,
        "closed_tx": call.closed_tx,
        "time_to_close_ms": call.closed_ms - call.opened_ms if call.closed_ms else None,
        "shortfall_at_default": _amount(call.shortfall_at_default),
        "liquidated": _amount(call.liquidated),
        "liquidated_at": format_time(call.liquidated_ms),
        "liquidation_tx": call.liquidation_tx,
        "default_ended_at": format_time(call.default_ended_ms),
    }


def _calls_by_member(state: LedgerState) -> dict[str, list[MarginCall]]:
    calls: dict[str, list[MarginCall]] = {}
    for call_id in sorted(k for k, _ in state.collateral_calls.items()):
        call = state.collateral_calls[call_id]
        calls.setdefault(call.member, []).append(call)
    return calls


def _figures(state: LedgerState, account_id: str, haircut_bps: int) -> MarginFigures:
    return compute_margin_figures(state.accounts[account_id],
                                  state.collateral_members.get(account_id), haircut_bps)


def compute_member_report(state: LedgerState, account_id: str,
                          calls: Sequence[MarginCall] | None = None) -> dict[str, Any]:
    """A member's collateral: pledged, haircut, value, requirement, open call, calls, defaults."""
    account = state.accounts[account_id]
    member = state.collateral_members.get(account_id)
    haircut = get_haircut(state)
    figures = compute_margin_figures(account, member, haircut.bps)
    if calls is None:
        calls = _calls_by_member(state).get(account_id, [])
    needed = compute_required_pledge(figures.requirement, haircut.bps)
    status = member.status if member is not None else MemberStatus.GOOD
    open_call = (state.collateral_calls.get(member.open_call)
                 if member is not None and member.open_call else None)
    return {
        "account": account_id,
        "account_kind": account.kind.value,
        "home_bank": account.home_bank,
        "status": status.value,
        "asset": "NTDC",
        "available": _amount(account.available),
        "pledged": _amount(figures.pledged),
        "haircut_bps": haircut.bps,
        "haircut_source": haircut.source,
        "collateral_value": _amount(figures.collateral_value),
        "requirement": _amount(figures.requirement),
        "method": member.method if member else "",
        "reference": member.reference if member else "",
        "requirement_at": format_time(member.requirement_ms) if member else "",
        "shortfall": _amount(figures.shortfall),
        "excess": _amount(max(0, figures.collateral_value - figures.requirement)),
        "pledge_to_cover": _amount(max(0, needed - figures.pledged)),
        "releasable": _amount(
            0 if status is MemberStatus.DEFAULT else max(0, figures.pledged - needed)),
        "open_call": compute_call_entry(open_call) if open_call is not None else None,
        "calls": [compute_call_entry(c) for c in calls],
        "defaults": [compute_call_entry(c) for c in calls if c.status is CallStatus.DEFAULTED],
    }


def compute_collateral_report(state: LedgerState) -> dict[str, Any]:
    """Every member's collateral report and the totals, as of ``state``."""
    calls = _calls_by_member(state)
    members = [compute_member_report(state, account_id, calls.get(account_id, []))
               for account_id in sorted(k for k, _ in state.collateral_members.items())]
    haircut = get_haircut(state)
    as_of = state.get_meta_int("time_ms")
    return {
        "report": "ntdc-collateral",
        "version": REPORT_VERSION,
        "chain_id": state.chain_id,
        "as_of_height": state.height,
        "as_of_ms": as_of,
        "as_of": format_time(as_of),
        "asset": "NTDC",
        "haircut_bps": haircut.bps,
        "haircut_source": haircut.source,
        "totals": {
            name: _amount(sum(int(m[name]) for m in members))
            for name in ("pledged", "collateral_value", "requirement", "shortfall")
        },
        "members": members,
    }


def compute_member_report_rows(report: dict[str, Any]) -> list[dict[str, str]]:
    """CSV rows (``MEMBER_CSV_FIELDS``) of a ``compute_collateral_report`` result."""
    rows = []
    for m in report["members"]:
        call = m["open_call"]
        rows.append({
            **{name: str(m[name]) for name in MEMBER_CSV_FIELDS if name in m
               and not isinstance(m[name], list | dict)},
            "open_call": call["call_id"] if call else "",
            "open_call_deadline": call["deadline"] if call else "",
            "calls": str(len(m["calls"])),
            "defaults": str(len(m["defaults"])),
        })
    return rows


def _in(period: tuple[int, int], time_ms: int) -> bool:
    return time_ms != 0 and period[0] <= time_ms < period[1]


def _lower_median(values: list[int]) -> int | None:
    return sorted(values)[(len(values) - 1) // 2] if values else None


def compute_weekly_report(
    state: LedgerState, week_start_ms: int,
    operational_incidents: Iterable[OperationalIncident] = (),
) -> dict[str, Any]:
    """The regulator's weekly tokenized-collateral report for [week_start, week_start + 7 d)."""
    period = (week_start_ms, week_start_ms + WEEK_MS)
    as_of = state.get_meta_int("time_ms")
    haircut = get_haircut(state)
    holdings = _compute_holdings(state, haircut.bps)
    all_calls = [state.collateral_calls[k]
                 for k in sorted(k for k, _ in state.collateral_calls.items())]
    opened = [c for c in all_calls if _in(period, c.opened_ms)]
    met = [c for c in all_calls if c.status is CallStatus.MET and _in(period, c.closed_ms)]
    defaulted = [c for c in all_calls
                 if c.status is CallStatus.DEFAULTED and _in(period, c.closed_ms)]
    liquidated = [c for c in all_calls if _in(period, c.liquidated_ms)]
    open_now = [c for c in all_calls if c.status is CallStatus.OPEN]
    relevant = [c for c in all_calls if _in(period, c.opened_ms) or _in(period, c.closed_ms)
                or c.status is CallStatus.OPEN]
    times_to_meet = [c.closed_ms - c.opened_ms for c in met]
    settlements = [s for _, s in sorted(state.collateral_settlements.items(),
                                        key=lambda kv: (kv[1].height, kv[0]))
                   if _in(period, s.time_ms)]
    changes = [r for _, r in sorted(state.collateral_haircut_log.items())
               if _in(period, r.time_ms)]
    return {
        "report": "ntdc-collateral-weekly",
        "version": REPORT_VERSION,
        "chain_id": state.chain_id,
        "as_of_height": state.height,
        "as_of_ms": as_of,
        "as_of": format_time(as_of),
        "period": {
            "start_ms": period[0], "end_ms": period[1],
            "start": format_time(period[0]), "end": format_time(period[1]),
            "timezone": "Asia/Taipei (UTC+08:00)",
            "complete": as_of >= period[1],
        },
        "holdings": holdings,
        "haircuts": {
            "in_force": [{"asset": "NTDC", "haircut_bps": haircut.bps,
                          "source": haircut.source, "set_at": format_time(haircut.time_ms)}],
            "changes": [{"asset": r.asset, "haircut_bps": r.haircut_bps, "source": r.source,
                         "at": format_time(r.time_ms), "tx_id": r.tx_id} for r in changes],
        },
        "calls": {
            "opened": len(opened),
            "met": len(met),
            "defaulted": len(defaulted),
            "open_at_report": len(open_now),
            "shortfall_called": _amount(sum(c.shortfall for c in opened)),
            "median_time_to_meet_ms": _lower_median(times_to_meet),
            "max_time_to_meet_ms": max(times_to_meet) if times_to_meet else None,
            "items": [compute_call_entry(c) for c in relevant],
        },
        "defaults": [compute_call_entry(c) for c in defaulted],
        "liquidations": [{
            "call_id": c.call_id, "member": c.member, "amount": _amount(c.liquidated),
            "shortfall_at_default": _amount(c.shortfall_at_default),
            "uncovered": _amount(c.shortfall_at_default - c.liquidated),
            "at": format_time(c.liquidated_ms), "tx_id": c.liquidation_tx,
        } for c in liquidated],
        "variation_settlements": {
            "count": len(settlements),
            "paid": _amount(sum(s.paid for s in settlements)),
            "paid_from_collateral": _amount(sum(s.paid_from_collateral for s in settlements)),
            "items": [{
                "settlement_id": s.settlement_id, "at": format_time(s.time_ms),
                "legs": s.legs, "paid": _amount(s.paid),
                "paid_from_collateral": _amount(s.paid_from_collateral),
                "reference": s.reference, "tx_id": s.tx_id,
            } for s in settlements],
        },
        "incidents": _compute_incidents(defaulted, liquidated, operational_incidents, period),
    }


def _compute_holdings(state: LedgerState, haircut_bps: int) -> dict[str, Any]:
    members = []
    by_kind: dict[str, dict[str, int]] = {}
    for account_id in sorted(k for k, _ in state.collateral_members.items()):
        account = state.accounts[account_id]
        figures = _figures(state, account_id, haircut_bps)
        kind = account.kind.value
        totals = by_kind.setdefault(kind, {"members": 0, "pledged": 0, "collateral_value": 0,
                                           "requirement": 0, "shortfall": 0})
        totals["members"] += 1
        totals["pledged"] += figures.pledged
        totals["collateral_value"] += figures.collateral_value
        totals["requirement"] += figures.requirement
        totals["shortfall"] += figures.shortfall
        members.append({
            "account": account_id, "account_kind": kind, "home_bank": account.home_bank,
            "status": state.collateral_members[account_id].status.value,
            "pledged": _amount(figures.pledged), "haircut_bps": haircut_bps,
            "collateral_value": _amount(figures.collateral_value),
            "requirement": _amount(figures.requirement), "shortfall": _amount(figures.shortfall),
        })

    def render(kind: str, t: dict[str, int]) -> dict[str, Any]:
        return {"account_kind": kind, "members": t["members"],
                **{k: _amount(v) for k, v in t.items() if k != "members"}}

    grand = {name: sum(t[name] for t in by_kind.values())
             for name in ("members", "pledged", "collateral_value", "requirement", "shortfall")}
    return {
        "asset": "NTDC",
        "by_account_kind": [render(kind, by_kind[kind]) for kind in sorted(by_kind)],
        "total": render("all", grand),
        "members": members,
    }


def _compute_incidents(
    defaulted: list[MarginCall], liquidated: list[MarginCall],
    operational: Iterable[OperationalIncident], period: tuple[int, int],
) -> list[dict[str, Any]]:
    incidents: list[dict[str, Any]] = []
    for c in defaulted:
        incidents.append({
            "time_ms": c.closed_ms, "at": format_time(c.closed_ms), "source": "chain",
            "category": "member_default", "reference": c.call_id,
            "description": f"member {c.member} did not meet margin call {c.call_id} by its "
                           f"deadline; shortfall {c.shortfall_at_default} minor units",
        })
    for c in liquidated:
        uncovered = c.shortfall_at_default - c.liquidated
        if uncovered > 0:
            incidents.append({
                "time_ms": c.liquidated_ms, "at": format_time(c.liquidated_ms),
                "source": "chain", "category": "uncovered_shortfall", "reference": c.call_id,
                "description": f"liquidation of {c.member} covered {c.liquidated} of a "
                               f"{c.shortfall_at_default} minor-unit shortfall; {uncovered} "
                               "uncovered",
            })
    for o in operational:
        if _in(period, o.time_ms):
            incidents.append({
                "time_ms": o.time_ms, "at": format_time(o.time_ms), "source": "operator",
                "category": o.category, "reference": o.reference, "description": o.description,
            })
    incidents.sort(key=lambda i: (i["time_ms"], i["category"], i["reference"]))
    return incidents


def compute_weekly_report_rows(report: dict[str, Any]) -> list[dict[str, str]]:
    """CSV rows (``WEEKLY_CSV_FIELDS``) of a ``compute_weekly_report`` result, one per item."""
    rows: list[dict[str, str]] = []

    def add(section: str, **values: Any) -> None:
        row = dict.fromkeys(WEEKLY_CSV_FIELDS, "")
        row["section"] = section
        for name, value in values.items():
            row[name] = "" if value is None else str(value)
        rows.append(row)

    holdings = report["holdings"]
    for m in holdings["members"]:
        add("holding", account=m["account"], account_kind=m["account_kind"],
            status=m["status"], time=report["as_of"], asset=holdings["asset"],
            pledged=m["pledged"], haircut_bps=m["haircut_bps"],
            collateral_value=m["collateral_value"], requirement=m["requirement"],
            amount=m["shortfall"], detail="amount = shortfall")
    for t in [*holdings["by_account_kind"], holdings["total"]]:
        add("holding_total", account_kind=t["account_kind"], time=report["as_of"],
            asset=holdings["asset"], pledged=t["pledged"],
            collateral_value=t["collateral_value"], requirement=t["requirement"],
            amount=t["shortfall"], detail=f"{t['members']} members; amount = shortfall")
    for h in report["haircuts"]["in_force"]:
        add("haircut", asset=h["asset"], haircut_bps=h["haircut_bps"], time=h["set_at"],
            detail=h["source"])
    for h in report["haircuts"]["changes"]:
        add("haircut_change", id=h["tx_id"], asset=h["asset"], haircut_bps=h["haircut_bps"],
            time=h["at"], detail=h["source"])
    for c in report["calls"]["items"]:
        add("call", id=c["call_id"], account=c["member"], status=c["status"],
            time=c["opened_at"], requirement=c["requirement"],
            collateral_value=c["collateral_value"], amount=c["shortfall"],
            detail=f"deadline {c['deadline']}; closed {c['closed_at'] or '-'} by "
                   f"{c['closed_by'] or '-'}")
    for c in report["defaults"]:
        add("default", id=c["call_id"], account=c["member"], status=c["status"],
            time=c["closed_at"], amount=c["shortfall_at_default"],
            detail="amount = shortfall at default")
    for liq in report["liquidations"]:
        add("liquidation", id=liq["call_id"], account=liq["member"], time=liq["at"],
            amount=liq["amount"], detail=f"uncovered {liq['uncovered']}")
    for s in report["variation_settlements"]["items"]:
        add("variation_settlement", id=s["settlement_id"], time=s["at"], amount=s["paid"],
            detail=f"{s['legs']} legs; {s['paid_from_collateral']} paid from collateral")
    for i in report["incidents"]:
        add("incident", id=i["reference"], status=i["category"], time=i["at"],
            detail=f"[{i['source']}] {i['description']}")
    return rows
