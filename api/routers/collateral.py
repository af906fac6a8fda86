"""``/v1/collateral``: members' tokenized margin collateral (SPEC §7), for the clearing house's
margin service (role ``ccp``) and the regulator; everyone else gets 403.

Read-only views over ``node.state`` built by ``ledger/collateral/reports.py``: the ccp role's
nonce and the parameters the margin service needs (``/status``), one member's collateral
(``/members/{account}``), every member's (``/report``, JSON or CSV), one applied variation
settlement (``/settlements/{id}``) and the regulator's weekly report (``/weekly``, JSON or
CSV). Served by the bank nodes (where the margin service submits its transactions) and by the
regulator's observer. Every figure is as of the last committed block.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response

from api.auth import Principal, Role
from api.deps import NodeDep, PrincipalDep
from api.errors import ApiError, forbidden, not_found
from api.params import AccountPath
from api.schemas.collateral import (
    CollateralReport,
    CollateralStatus,
    MemberReport,
    SettlementRecord,
    WeeklyReport,
)
from api.schemas.common import problem_responses
from api.views import is_state_committed
from ledger.chain_state import LedgerState
from ledger.collateral.reports import (
    MEMBER_CSV_FIELDS,
    TAIPEI_OFFSET_MS,
    WEEK_MS,
    WEEKLY_CSV_FIELDS,
    compute_collateral_report,
    compute_member_report,
    compute_member_report_rows,
    compute_week_start_ms,
    compute_weekly_report,
    compute_weekly_report_rows,
    format_time,
)
from ledger.collateral.valuation import CALL_DEADLINE_PARAM, get_ccp_account_id, get_haircut
from ledger.crypto.keys import is_account_id
from ledger.types import AccountKind

router = APIRouter(prefix="/v1/collateral", tags=["collateral"])

READ_ERRORS = problem_responses(401, 403, 404, 422, 503)
CSV_MEDIA_TYPE = "text/csv"
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}}},
          "description": "JSON, or CSV with ?format=csv"}}
MEMBER_KINDS = (AccountKind.CLEARING_MEMBER, AccountKind.FCM)
LATEST_WEEK_START_MS = 253_402_300_799_999 - WEEK_MS
"""The last week whose end is still a representable date (9999-12-31)."""

Format = Annotated[Literal["json", "csv"], Query(description="json (default) or csv")]


def get_collateral_principal(principal: PrincipalDep) -> Principal:
    """The clearing house (role ccp) or the regulator (403 for anyone else)."""
    if principal.role not in (Role.CCP, Role.REGULATOR):
        raise forbidden("only the clearing house (ccp) and the regulator may read members' "
                        "collateral")
    return principal


CollateralPrincipalDep = Annotated[Principal, Depends(get_collateral_principal)]


def get_committed_state(node: Any) -> LedgerState:
    """The node's state, refused (503) while a block is executed but not yet committed."""
    if not is_state_committed(node):
        raise ApiError(503, "NODE_BUSY", "the node is committing a block; retry in a moment",
                       {"Retry-After": "1"})
    state: LedgerState = node.state
    return state


def render_csv(fields: Sequence[str], rows: list[dict[str, str]], filename: str) -> Response:
    """A CSV attachment with a header row."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return Response(buffer.getvalue(), media_type=CSV_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/status", response_model=CollateralStatus, responses=problem_responses(401, 403, 503))
async def get_collateral_status(node: NodeDep,
                                _caller: CollateralPrincipalDep) -> dict[str, Any]:
    """The ccp role's last used nonce, its account, the haircut and call deadline in force."""
    state = get_committed_state(node)
    role = state.roles.get("ccp")
    ccp_account = get_ccp_account_id(state)
    haircut = get_haircut(state)
    return {
        "height": state.height, "time_ms": state.get_meta_int("time_ms"),
        "ccp_nonce": role.nonce if role is not None else 0,
        "ccp_account": ccp_account or "",
        "ccp_account_registered": ccp_account is not None and ccp_account in state.accounts,
        "haircut_bps": haircut.bps, "haircut_source": haircut.source,
        "call_deadline_ms": int(state.get_param(CALL_DEADLINE_PARAM)),
        "members": len(state.collateral_members),
        "open_calls": len(state.collateral_open_calls),
    }


@router.get("/members/{account_id}", response_model=MemberReport, responses=READ_ERRORS)
async def get_member_collateral(account_id: AccountPath, node: NodeDep,
                                _caller: CollateralPrincipalDep) -> dict[str, Any]:
    """One member's pledged collateral, haircut, value, requirement, open call, calls and
    defaults."""
    if not is_account_id(account_id):
        raise ApiError(422, "MALFORMED_REQUEST",
                       f"{account_id!r} is not an NTDC account id (bech32, prefix 'ntdc')")
    state = get_committed_state(node)
    account = state.accounts.get(account_id)
    if account is None:
        raise not_found("UNKNOWN_ACCOUNT", f"account {account_id} is not registered")
    if account.kind not in MEMBER_KINDS:
        raise not_found("UNKNOWN_MEMBER", f"account {account_id} is a {account.kind.value} "
                        "account; only clearing_member and fcm accounts hold margin collateral")
    return compute_member_report(state, account_id)


@router.get("/report", response_model=CollateralReport,
            responses={**READ_ERRORS, **CSV_RESPONSE})
async def get_collateral_report(node: NodeDep, _caller: CollateralPrincipalDep,
                                format: Format = "json") -> Any:
    """Every member's collateral and the totals (CSV: one row per member)."""
    report = compute_collateral_report(get_committed_state(node))
    if format == "csv":
        return render_csv(MEMBER_CSV_FIELDS, compute_member_report_rows(report),
                          f"collateral-{report['as_of_height']}.csv")
    return report


@router.get("/weekly", response_model=WeeklyReport, responses={**READ_ERRORS, **CSV_RESPONSE})
async def get_weekly_report(
    node: NodeDep, _caller: CollateralPrincipalDep, format: Format = "json",
    week_start_ms: Annotated[int | None, Query(
        ge=0, le=LATEST_WEEK_START_MS,
        description="Any time in the week (ms); the report covers Monday 00:00 Asia/Taipei to "
                    "the next Monday. Default: the week of the last block")] = None,
) -> Any:
    """The regulator's weekly report: holdings, haircuts, calls, defaults, liquidations,
    variation settlements, incidents (CSV: one row per item, ``section`` first)."""
    state = get_committed_state(node)
    anchor = state.get_meta_int("time_ms") if week_start_ms is None else week_start_ms
    report = compute_weekly_report(state, compute_week_start_ms(anchor))
    if format == "csv":
        # Named after the Monday the week starts on, in Taipei.
        monday = format_time(report["period"]["start_ms"] + TAIPEI_OFFSET_MS)[:10]
        return render_csv(WEEKLY_CSV_FIELDS, compute_weekly_report_rows(report),
                          f"collateral-weekly-{monday}.csv")
    return report


@router.get("/settlements/{settlement_id}", response_model=SettlementRecord,
            responses=READ_ERRORS)
async def get_settlement(
    settlement_id: Annotated[str, Path(min_length=1, max_length=64,
                                       pattern=r"^[A-Za-z0-9._:\-]+$")],
    node: NodeDep, _caller: CollateralPrincipalDep,
) -> dict[str, Any]:
    """One applied variation settlement (404 UNKNOWN_SETTLEMENT if the chain never applied it)."""
    record = get_committed_state(node).collateral_settlements.get(settlement_id)
    if record is None:
        raise not_found("UNKNOWN_SETTLEMENT", f"no variation settlement {settlement_id} was "
                        "applied on this chain")
    return {"settlement_id": record.settlement_id, "tx_id": record.tx_id,
            "height": record.height, "time_ms": record.time_ms,
            "at": format_time(record.time_ms), "legs": record.legs, "paid": str(record.paid),
            "paid_from_collateral": str(record.paid_from_collateral),
            "reference": record.reference}
