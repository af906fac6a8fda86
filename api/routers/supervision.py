"""``/v1/regulator/supervision``: the regulator's alert queue, cases and reports (regulator only).

Served by the regulator app over the observer, whose ``AlertQueue``
(``nodes/regulator/supervision``) is ``runtime.supervision``. Alerts list with filters and
paging; a case (= an alert) reads with its history and evidence; reports export as JSON or CSV
with the real-name data of the parties, opened with the regulator's sealing key.

``PATCH /cases/{id}`` is the one write the read-only observer accepts (``api.apps`` lets exactly
this method and path through ``ReadOnlyMiddleware``): a case status is the regulator's workflow
data in the observer's own database — it is not a transaction, changes no ledger state and is
never sent to a validator. Every ledger write is still refused with 405 READ_ONLY_NODE.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.deps import IdentitiesDep, NodeDep, RegulatorPrincipalDep, SettingsDep
from api.errors import ApiError, not_found
from api.identities import AccountRef, DossierUnavailable, IdentityDirectory
from api.params import Limit
from api.schemas.common import problem_responses
from api.schemas.supervision import (
    AlertList,
    CaseOut,
    CaseStatusChange,
    LargeValueReport,
    SupervisionStatus,
    SuspiciousReport,
)
from ledger.aml.engine import LARGE_VALUE
from nodes.regulator.supervision.calendar import format_taipei_time, get_taipei_date
from nodes.regulator.supervision.model import CaseStatus, Category, is_allowed_transition
from nodes.regulator.supervision.queue import AlertQueue
from nodes.regulator.supervision.reports import (
    LARGE_VALUE_CSV_FIELDS,
    SUSPICIOUS_CSV_FIELDS,
    SUSPICIOUS_DEFAULT_STATUSES,
    IdentityLookup,
    compute_large_value_report,
    compute_large_value_rows,
    compute_suspicious_report,
    compute_suspicious_rows,
    get_period_bounds_ms,
    parse_period,
)
from nodes.regulator.supervision.store import (
    AlertFilter,
    AlertRecord,
    CaseNotFound,
    InvalidCaseTransition,
)

PREFIX = "/v1/regulator/supervision"
router = APIRouter(prefix=PREFIX, tags=["supervision"])

READ_ERRORS = problem_responses(401, 403, 404, 422)
CSV_MEDIA_TYPE = "text/csv"
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}}},
          "description": "JSON, or CSV with ?format=csv"}}
MAX_REPORT_ITEMS = 5000
_CASE_PATH = re.compile(rf"^{PREFIX}/cases/[^/]+$")

CaseIdPath = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="Case (alert) id")]
Format = Annotated[Literal["json", "csv"], Query(description="json (default) or csv")]
Period = Annotated[str, Query(min_length=7, max_length=32, pattern=r"^[0-9.\-]+$",
                              description="YYYY-MM, YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD "
                                          "(Asia/Taipei dates, inclusive)")]
TimeMs = Annotated[int | None, Query(ge=0, le=2**53)]


def is_case_status_change(method: str, path: str) -> bool:
    """The only write the observer accepts: PATCH of one case's status."""
    return method == "PATCH" and _CASE_PATH.match(path) is not None


def get_supervision(request: Request) -> AlertQueue:
    """The observer's alert queue (404 on a node that keeps none)."""
    queue: AlertQueue | None = (getattr(request.app.state, "supervision", None)
                                or getattr(request.app.state.node, "supervision", None))
    if queue is None:
        raise ApiError(404, "NOT_FOUND", "this node keeps no supervision alert queue: use the "
                       "regulator's observer node")
    return queue


SupervisionDep = Annotated[AlertQueue, Depends(get_supervision)]


def alert_view(record: AlertRecord) -> dict[str, Any]:
    return {
        "alert_id": record.alert_id, "seq": record.seq, "source": record.source,
        "rule": record.rule, "category": record.category, "status": record.status.value,
        "height": record.height, "time_ms": record.time_ms,
        "time": format_taipei_time(record.time_ms), "start_ms": record.start_ms,
        "end_ms": record.end_ms, "amount": str(record.amount), "accounts": list(record.accounts),
        "counterparties": list(record.counterparties), "tx_ids": list(record.tx_ids),
        "summary": record.summary, "details": record.details,
        "status_at_ms": record.status_at_ms, "status_by": record.status_by,
        "created_at_ms": record.created_at_ms,
    }


def _case_view(queue: AlertQueue, case_id: str) -> dict[str, Any]:
    found = queue.get_case(case_id)
    if found is None:
        raise not_found("UNKNOWN_CASE", f"no case {case_id} on this observer")
    record, history, evidence = found
    return {
        "case": alert_view(record),
        "allowed_transitions": [s.value for s in CaseStatus
                                if is_allowed_transition(record.status, s)],
        "history": [e.to_json() for e in history],
        "evidence": [{"tx_id": e.tx_id, "height": e.height, "index": e.index,
                      "time_ms": e.time_ms, "amount": str(e.amount)} for e in evidence],
    }


@router.get("/status", response_model=SupervisionStatus, responses=READ_ERRORS)
async def get_supervision_status(_reg: RegulatorPrincipalDep,
                                 queue: SupervisionDep) -> dict[str, Any]:
    """How far the alert queue is (blocks taken, stored, analytics) and cases per status."""
    return await run_in_threadpool(queue.status)


@router.get("/alerts", response_model=AlertList, responses=READ_ERRORS)
async def list_alerts(
    _reg: RegulatorPrincipalDep, queue: SupervisionDep, settings: SettingsDep,
    rule: Annotated[str | None, Query(pattern=r"^[A-Z_]{1,64}$")] = None,
    account: Annotated[str | None, Query(min_length=1, max_length=90)] = None,
    status: Annotated[CaseStatus | None, Query()] = None,
    category: Annotated[Category | None, Query()] = None,
    source: Annotated[Literal["receipt_flag", "enforcement", "analytics"] | None,
                      Query()] = None,
    from_ms: Annotated[TimeMs, Query(description="Detection block time ≥ this")] = None,
    to_ms: Annotated[TimeMs, Query(description="Detection block time < this")] = None,
    before: Annotated[int | None, Query(ge=1, le=2**53)] = None, limit: Limit = 50,
) -> dict[str, Any]:
    """Alerts, newest first, filtered by rule, account (implicated or counterparty), case
    status, category, source and detection time; continue with ``before`` = next_before."""
    if from_ms is not None and to_ms is not None and to_ms < from_ms:
        raise ApiError(422, "MALFORMED_REQUEST", "to_ms is before from_ms")
    where = AlertFilter(rule=rule, account=account, status=status,
                        category=category.value if category else None, source=source,
                        from_ms=from_ms, to_ms=to_ms)
    records, cursor = await run_in_threadpool(queue.list_alerts, where,
                                              min(limit, settings.max_page), before)
    return {"items": [alert_view(r) for r in records], "next_before": cursor}


@router.get("/cases/{case_id}", response_model=CaseOut, responses=READ_ERRORS)
async def get_case(case_id: CaseIdPath, _reg: RegulatorPrincipalDep,
                   queue: SupervisionDep) -> dict[str, Any]:
    """A case: its alert, status, allowed next statuses, history (who, when, notes) and
    evidence."""
    return await run_in_threadpool(_case_view, queue, case_id)


@router.patch("/cases/{case_id}", response_model=CaseOut,
              responses=problem_responses(401, 403, 404, 409, 422))
async def change_case_status(case_id: CaseIdPath, change: CaseStatusChange,
                             principal: RegulatorPrincipalDep,
                             queue: SupervisionDep) -> dict[str, Any]:
    """Move a case along open → under_review → reported | dismissed, recording the regulator
    principal, the time and the note. 409 INVALID_CASE_TRANSITION for any other move."""
    new = CaseStatus(change.status)

    def apply() -> dict[str, Any]:
        try:
            queue.change_case_status(case_id, new, principal.subject, change.note)
        except CaseNotFound:
            raise not_found("UNKNOWN_CASE", f"no case {case_id} on this observer") from None
        except InvalidCaseTransition as exc:
            raise ApiError(409, "INVALID_CASE_TRANSITION", str(exc),
                           current_status=exc.current.value,
                           requested_status=exc.requested.value) from None
        return _case_view(queue, case_id)

    return await run_in_threadpool(apply)


def make_identity_lookup(node: Any, identities: IdentityDirectory,
                         accounts: set[str]) -> IdentityLookup:
    """Opens real-name records of ``accounts`` (state read now, on the event loop; the lookup
    itself blocks and runs in a thread)."""
    refs = {}
    for account_id in accounts:
        account = node.state.accounts.get(account_id)
        if account is not None:
            refs[account_id] = AccountRef(account.id, account.home_bank,
                                          account.registered_height)

    def identity_of(account_id: str) -> dict[str, Any] | None:
        ref = refs.get(account_id)
        if ref is None:
            return None
        try:
            return identities.get_identity(ref).to_json()
        except DossierUnavailable:
            return None  # e.g. the court-custody account: created at genesis, no dossier

    return identity_of


def render_csv(fields: Sequence[str], rows: list[dict[str, str]], filename: str) -> Response:
    """A CSV attachment with a header row."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return Response(buffer.getvalue(), media_type=CSV_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _period(text: str) -> tuple[date, date, int, int]:
    try:
        first, last = parse_period(text)
    except ValueError as exc:
        raise ApiError(422, "MALFORMED_REQUEST", f"period: {exc}") from None
    return first, last, *get_period_bounds_ms(first, last)


def _require_fits(records: list[AlertRecord]) -> None:
    if len(records) > MAX_REPORT_ITEMS:
        raise ApiError(422, "PERIOD_TOO_LARGE", f"the period holds more than {MAX_REPORT_ITEMS} "
                       "report items; ask for a shorter period")


@router.get("/reports/large-value", response_model=LargeValueReport,
            responses={**READ_ERRORS, **CSV_RESPONSE})
async def get_large_value_report(
    period: Period, node: NodeDep, _reg: RegulatorPrincipalDep, queue: SupervisionDep,
    identities: IdentitiesDep, format: Format = "json",
) -> Any:
    """Currency transaction reports: every LARGE_VALUE transaction of the period with its due
    date (5 business days) and each party's real-name data (CSV: one row per party)."""
    first, last, start_ms, end_ms = _period(period)
    records = await run_in_threadpool(
        lambda: queue.store.get_period_alerts(from_ms=start_ms, to_ms=end_ms, rule=LARGE_VALUE,
                                              limit=MAX_REPORT_ITEMS))
    _require_fits(records)
    accounts = {p["account"] for r in records for p in r.details.get("parties", [])}
    identity_of = make_identity_lookup(node, identities, accounts | {
        a for r in records for a in r.accounts})

    def build() -> dict[str, Any]:
        evidence = queue.store.get_evidence([r.seq for r in records])
        return compute_large_value_report(records, evidence, identity_of, first=first,
                                          last=last, calendar=queue.config.calendar,
                                          generated_at_ms=queue.now_ms())

    report = await run_in_threadpool(build)
    if format == "csv":
        return render_csv(LARGE_VALUE_CSV_FIELDS, compute_large_value_rows(report),
                          f"large-value-{first.isoformat()}-{last.isoformat()}.csv")
    return report


@router.get("/reports/suspicious-transactions", response_model=SuspiciousReport,
            responses={**READ_ERRORS, **CSV_RESPONSE})
async def get_suspicious_report(
    period: Period, node: NodeDep, _reg: RegulatorPrincipalDep, queue: SupervisionDep,
    identities: IdentitiesDep, format: Format = "json",
    status: Annotated[Literal["open", "under_review", "reported", "dismissed"] | None,
                      Query(description="Only cases in this status (default: every status "
                                        "but dismissed)")] = None,
) -> Any:
    """Suspicious-transaction cases detected in the period, with their due date (2 business
    days after detection), reporting status, evidence, notes and the implicated accounts'
    real-name data (CSV: one row per implicated account)."""
    first, last, start_ms, end_ms = _period(period)
    statuses = [CaseStatus(status)] if status else list(SUSPICIOUS_DEFAULT_STATUSES)
    records = await run_in_threadpool(
        lambda: queue.store.get_period_alerts(from_ms=start_ms, to_ms=end_ms,
                                              category=Category.SUSPICION.value,
                                              statuses=statuses, limit=MAX_REPORT_ITEMS))
    _require_fits(records)
    identity_of = make_identity_lookup(node, identities, {a for r in records for a in r.accounts})

    def build() -> dict[str, Any]:
        seqs = [r.seq for r in records]
        now_ms = queue.now_ms()
        return compute_suspicious_report(
            records, queue.store.get_evidence(seqs), queue.store.get_histories(seqs),
            identity_of, first=first, last=last, calendar=queue.config.calendar,
            as_of=get_taipei_date(now_ms), generated_at_ms=now_ms)

    report = await run_in_threadpool(build)
    if format == "csv":
        return render_csv(SUSPICIOUS_CSV_FIELDS, compute_suspicious_rows(report),
                          f"suspicious-transactions-{first.isoformat()}-{last.isoformat()}.csv")
    return report
