"""``create_clearing_app``: the margin service's own HTTP API (FastAPI, problem+json errors).

| method | path | what |
|---|---|---|
| GET | `/v1/status` | mode, node, ccp account and nonce, prices, parameters, history |
| GET | `/v1/members` | every member's positions and posted requirement |
| PUT | `/v1/members/{account}/positions` | book positions; requirement computed and posted |
| GET | `/v1/members/{account}/positions` | the member's book |
| GET | `/v1/members/{account}/requirement?method=HS-ES|SPAN` | computed now, not posted |
| POST | `/v1/members/{account}/close-out` | zero positions, post a CLOSE-OUT requirement of 0 |
| POST | `/v1/prices` | intraday re-mark (price shock): requirements re-posted |
| POST | `/v1/settlement-prices` | daily settlement: one atomic variation settlement, then |
|  |  | the requirements |
| GET | `/v1/settlement-prices` | current prices, settled marks, settlements |
| POST | `/v1/watch` | check calls now and liquidate defaults (also runs periodically) |
| GET | `/v1/reports/collateral?format=json|csv` | every member's collateral (from the node) |
| GET | `/v1/reports/weekly?week_start_ms=&format=` | weekly report + operational incidents |
| GET | `/v1/reports/margin` | positions, HS-ES and SPAN figures, settlements, incidents |
| GET | `/v1/events?since=` | calls, settlements, liquidations, refusals as they happened |

With ``token`` set, every write needs ``Authorization: Bearer <token>``. Handlers are plain
functions (run in the thread pool) because they wait for the chain.
"""

from __future__ import annotations

import csv
import hmac
import io
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from api.errors import install_error_handlers, problem_response
from api.routers.collateral import LATEST_WEEK_START_MS
from api.sdk.client import ApiProblem
from ledger.collateral.reports import (
    MEMBER_CSV_FIELDS,
    WEEKLY_CSV_FIELDS,
    compute_member_report_rows,
    compute_weekly_report_rows,
)
from nodes.clearing.margin.errors import MarginError
from nodes.clearing.service.gateway import ChainUnavailable
from nodes.clearing.service.model import MarginMethod
from nodes.clearing.service.schemas import PositionsRequest, PricesRequest, SettlementRequest
from nodes.clearing.service.service import MarginService, ServiceError

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]
Account = Annotated[str, Path(min_length=1, max_length=90, description="Member account id")]
Format = Annotated[Literal["json", "csv"], Query()]


def _csv(fields: tuple[str, ...], rows: list[dict[str, str]]) -> Response:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return Response(buffer.getvalue(), media_type="text/csv")


def _install_handlers(app: FastAPI) -> None:
    install_error_handlers(app)

    @app.exception_handler(MarginError)
    async def _margin(_request: Request, exc: MarginError) -> JSONResponse:
        return problem_response(422, "INVALID_MARGIN_INPUT", str(exc))

    @app.exception_handler(ServiceError)
    async def _service(_request: Request, exc: ServiceError) -> JSONResponse:
        return problem_response(exc.status, exc.code, exc.detail)

    @app.exception_handler(ChainUnavailable)
    async def _chain(_request: Request, exc: ChainUnavailable) -> JSONResponse:
        return problem_response(503, "NODE_UNAVAILABLE", f"{exc}; retry shortly",
                                {"Retry-After": "2"})

    @app.exception_handler(ApiProblem)
    async def _node(_request: Request, exc: ApiProblem) -> JSONResponse:
        return problem_response(502, "NODE_REFUSED", f"the node refused: {exc.code}: "
                                f"{exc.detail}")


def create_clearing_app(service: MarginService, *, token: str | None = None,
                        lifespan: Lifespan | None = None) -> FastAPI:
    """The margin service's API over ``service``."""
    app = FastAPI(title="NTDC clearing house margin service", version="1.0.0",
                  lifespan=lifespan,
                  description="Futures positions, HS-ES and SPAN initial margin, settlement "
                              "prices and variation margin, margin calls and liquidations, "
                              "posted on the NTDC chain with the ccp role key.")
    _install_handlers(app)
    app.state.service = service

    def require_operator(authorization: Annotated[str | None, Header()] = None) -> None:
        """Writes need the operator token when one is configured."""
        if token is None:
            return
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise ServiceError(401, "UNAUTHENTICATED",
                               "send 'Authorization: Bearer <operator token>' to change the "
                               "clearing house's books")

    Operator = Depends(require_operator)

    @app.get("/v1/status", tags=["status"])
    def get_status() -> dict[str, Any]:
        """Mode, node, ccp account and nonce, prices, parameters, price history."""
        return service.get_status()

    @app.get("/v1/members", tags=["members"])
    def list_members() -> dict[str, Any]:
        """Every member's positions and the requirement last posted for it."""
        return {"members": [b.to_json() for _, b in sorted(service.books.members.items())]}

    @app.put("/v1/members/{account}/positions", tags=["members"], dependencies=[Operator])
    def put_positions(account: Account, request: PositionsRequest) -> dict[str, Any]:
        """Replace the member's positions; its requirement is computed and posted on chain."""
        result = service.set_positions(account, request.positions, request.method, request.post)
        return {"account": account, **result.to_json()}

    @app.get("/v1/members/{account}/positions", tags=["members"])
    def get_positions(account: Account) -> dict[str, Any]:
        """The member's book."""
        book = service.books.members.get(account)
        if book is None:
            raise ServiceError(404, "UNKNOWN_MEMBER", f"no positions booked for {account}")
        return book.to_json()

    @app.get("/v1/members/{account}/requirement", tags=["margin"])
    def get_requirement(account: Account,
                        method: Annotated[MarginMethod | None, Query()] = None) -> dict[str, Any]:
        """The member's initial margin at the current prices by HS-ES or SPAN (not posted)."""
        if account not in service.books.members:
            raise ServiceError(404, "UNKNOWN_MEMBER", f"no positions booked for {account}")
        result = service.compute_requirement(account, method)
        book = service.books.members[account]
        return {**result.to_json(), "posted": book.to_json()}

    @app.post("/v1/members/{account}/close-out", tags=["members"], dependencies=[Operator])
    def close_out(account: Account) -> dict[str, Any]:
        """Close the member's positions and post a zero CLOSE-OUT requirement (ends a default)."""
        if account not in service.books.members:
            raise ServiceError(404, "UNKNOWN_MEMBER", f"no positions booked for {account}")
        return {"account": account, **service.close_out(account).to_json()}

    @app.post("/v1/prices", tags=["prices"], dependencies=[Operator])
    def post_prices(request: PricesRequest) -> dict[str, Any]:
        """Intraday prices (e.g. a shock): every changed requirement is posted at once."""
        result = service.post_prices(request.get_futures(), request.get_spot_quoted())
        return result.to_json()

    @app.post("/v1/settlement-prices", tags=["prices"], dependencies=[Operator])
    def post_settlement_prices(request: SettlementRequest) -> dict[str, Any]:
        """Daily settlement: variation margin for all members in one atomic transaction, then
        the requirements at the new prices."""
        result = service.post_settlement_prices(request.get_futures(),
                                                request.get_spot_quoted(),
                                                request.settlement_id)
        return result.to_json()

    @app.get("/v1/settlement-prices", tags=["prices"])
    def get_settlement_prices() -> dict[str, Any]:
        """Current prices, the marks of the last applied settlement, and every settlement."""
        status = service.get_status()
        return {"current_prices": status["current_prices"],
                "settled_marks": status["settled_marks"],
                "settlements": service.books.settlements}

    @app.post("/v1/watch", tags=["calls"], dependencies=[Operator])
    def watch() -> dict[str, Any]:
        """Check margin calls now; liquidate the ones in default."""
        return {"liquidations": [o.to_json() for o in service.watch_once()]}

    @app.get("/v1/reports/collateral", tags=["reports"])
    def get_collateral_report(format: Format = "json") -> Any:
        """Every member's collateral as the chain holds it (node ``/v1/collateral/report``)."""
        report = service.gateway.get_collateral_report()
        if report is None:
            raise ServiceError(503, "NO_COLLATERAL_READS", "the node serves no wallet API "
                               "(raw mode): point --node at a bank node's API")
        if format == "csv":
            return _csv(MEMBER_CSV_FIELDS, compute_member_report_rows(report))
        return report

    @app.get("/v1/reports/weekly", tags=["reports"])
    def get_weekly_report(format: Format = "json", week_start_ms: Annotated[
            int | None, Query(ge=0, le=LATEST_WEEK_START_MS)] = None) -> Any:
        """The regulator's weekly report from the chain plus the service's incidents."""
        report = service.get_weekly_report(week_start_ms)
        if report is None:
            raise ServiceError(503, "NO_COLLATERAL_READS", "the node serves no wallet API "
                               "(raw mode): point --node at a bank node's API")
        if format == "csv":
            return _csv(WEEKLY_CSV_FIELDS, compute_weekly_report_rows(report))
        return report

    @app.get("/v1/reports/margin", tags=["reports"])
    def get_margin_report() -> dict[str, Any]:
        """Positions, HS-ES and SPAN requirements at the current prices, settlements, incidents."""
        return service.get_margin_report()

    @app.get("/v1/events", tags=["calls"])
    def get_events(since: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
        """Events after sequence number ``since``, oldest first."""
        return {"events": [e for e in list(service.events) if e["seq"] > since]}

    return app
