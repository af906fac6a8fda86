"""Errors users see: RFC 9457 problem+json documents with a stable ``code``.

Every refusal an API makes goes through here. A problem document carries ``type`` (a tag URI
naming the code), ``title`` (fixed per code), ``status``, ``detail`` (what was wrong and what to
do) and ``code``. Ledger reason codes (``ledger.errors.Reason``) pass through unchanged as
``code``; the API adds its own codes below. Request validation failures become 422
``MALFORMED_REQUEST``; anything unexpected becomes 500 ``INTERNAL`` with no internals in it.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ledger.errors import InvalidTransaction
from nodes.validator.mempool import MempoolFull

log = logging.getLogger("ntdc.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "tag:ntdc,2026:problem:"

TITLES: dict[str, str] = {
    "MALFORMED_REQUEST": "The request does not match the API schema",
    "UNAUTHENTICATED": "Authentication is required",
    "TOKEN_EXPIRED": "The bearer token has expired",
    "FORBIDDEN": "Not allowed for this caller",
    "LOGIN_FAILED": "The login challenge was not answered correctly",
    "NOT_FOUND": "No such resource",
    "UNKNOWN_ACCOUNT": "No such account",
    "UNKNOWN_TRANSACTION": "No such transaction",
    "UNKNOWN_BLOCK": "No such block",
    "METHOD_NOT_ALLOWED": "Method not allowed",
    "READ_ONLY_NODE": "This node does not accept writes",
    "MEMPOOL_FULL": "The node is at capacity",
    "NOT_FINAL": "The transaction is not final yet",
    "NODE_BUSY": "The node is committing a block",
    "DOSSIER_UNAVAILABLE": "The real-name record cannot be opened",
    "BATCH_TOO_LARGE": "Too many transactions in one batch",
    "INTERNAL": "Internal error",
}
"""Codes the API itself uses (ledger reason codes are added on the fly)."""


class ApiError(Exception):
    """A refusal with an HTTP status, a stable code and a detail for the caller."""

    def __init__(self, status: int, code: str, detail: str,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers
        self.extra = extra


def unauthenticated(detail: str = "send 'Authorization: Bearer <token>'; get a token from "
                    "POST /v1/auth/challenge then POST /v1/auth/token") -> ApiError:
    return ApiError(401, "UNAUTHENTICATED", detail, {"WWW-Authenticate": "Bearer"})


def forbidden(detail: str) -> ApiError:
    return ApiError(403, "FORBIDDEN", detail)


def not_found(code: str, detail: str) -> ApiError:
    return ApiError(404, code, detail)


def read_only(detail: str = "this is a read-only observer node: submit transactions to a "
              "bank node's wallet API") -> ApiError:
    return ApiError(405, "READ_ONLY_NODE", detail, {"Allow": "GET, HEAD"})


def compute_problem(status: int, code: str, detail: str, **extra: Any) -> dict[str, Any]:
    """The problem+json document for ``code``."""
    title = TITLES.get(code) or code.replace("_", " ").capitalize()
    return {"type": TYPE_PREFIX + code, "title": title, "status": status, "detail": detail,
            "code": code, **extra}


def problem_response(status: int, code: str, detail: str,
                     headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    return JSONResponse(compute_problem(status, code, detail, **extra), status_code=status,
                        media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def invalid_transaction(exc: InvalidTransaction) -> ApiError:
    """A transaction refused at admission: the ledger reason is the code."""
    return ApiError(400, exc.reason.value, f"transaction rejected: {exc.message}")


def _describe_validation(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    errors = []
    for error in exc.errors()[:20]:
        where = ".".join(str(p) for p in error.get("loc", ()))
        errors.append({"location": where, "message": str(error.get("msg", "invalid"))})
    first = errors[0] if errors else {"location": "request", "message": "invalid"}
    return f"{first['location']}: {first['message']}", errors


def install_error_handlers(app: FastAPI) -> None:
    """Make every error a problem+json document."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return problem_response(exc.status, exc.code, exc.detail, exc.headers, **exc.extra)

    @app.exception_handler(InvalidTransaction)
    async def _invalid_tx(_request: Request, exc: InvalidTransaction) -> JSONResponse:
        error = invalid_transaction(exc)
        return problem_response(error.status, error.code, error.detail)

    @app.exception_handler(MempoolFull)
    async def _mempool_full(_request: Request, exc: MempoolFull) -> JSONResponse:
        return problem_response(503, "MEMPOOL_FULL", str(exc), {"Retry-After": "1"})

    @app.exception_handler(PermissionError)
    async def _read_only(_request: Request, _exc: PermissionError) -> JSONResponse:
        error = read_only()
        return problem_response(error.status, error.code, error.detail, error.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        detail, errors = _describe_validation(exc)
        return problem_response(422, "MALFORMED_REQUEST", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # The framework could not even parse the body (e.g. not UTF-8).
            return problem_response(422, "MALFORMED_REQUEST",
                                    "the request body is not valid JSON text")
        code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(exc.status_code, "HTTP_ERROR")
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 404:
            detail = "no such endpoint; see /openapi.json for this node's API"
        return problem_response(exc.status_code, code, detail,
                                dict(exc.headers) if exc.headers else None)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        log_internal_error(request.method, request.url.path, exc)
        return internal_error_response()

    app.add_middleware(CatchAllMiddleware)


def log_internal_error(method: str, path: str, exc: BaseException) -> None:
    """Log where it failed, never the message: it may quote request data (keys, tokens)."""
    where = ""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        where = f" at {tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
    log.error("internal error on %s %s: %s%s", method, path, type(exc).__name__, where)


def internal_error_response() -> JSONResponse:
    return problem_response(500, "INTERNAL", "the node failed to answer; retry, and report the "
                            "time of the failure to the node operator if it persists")


class CatchAllMiddleware:
    """Whatever escapes the handlers becomes a 500 INTERNAL problem document, and stops here
    (the server would otherwise log the exception with its message)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            log_internal_error(scope.get("method", ""), scope.get("path", ""), exc)
            if not started:
                await internal_error_response()(scope, receive, send)


def install_problem_openapi(app: FastAPI) -> None:
    """Document every 4xx/5xx answer as problem+json (FastAPI documents its own 422 as JSON)."""
    from api.schemas.common import Problem

    build = app.openapi
    problem = {"schema": Problem.model_json_schema()}

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for status, response in operation.get("responses", {}).items():
                    if status.startswith(("4", "5")):
                        response["content"] = {PROBLEM_MEDIA_TYPE: problem}
        components = schema.get("components", {}).get("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
