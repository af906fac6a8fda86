"""The app factories: which routers, keys and roles each kind of node serves.

* ``create_wallet_app(service)`` — the wallet API of a bank node: status, login, accounts,
  transactions (holders, and banks/regulator reading what they may), and ``/v1/custodian``
  (the reserve custodian's nonce and the redemptions awaiting payout).
* ``create_bank_app(service, bank_id, operator_key, sealing_key)`` — a bank node's one HTTP app:
  the wallet API plus ``/v1/bank`` (bank operations, the bank's operator only). One app, one
  OpenAPI document and one token issuer per bank node.
* ``create_regulator_app(service, regulator_sealing_key)`` — the observer: status, login and
  ``/v1/regulator`` (the regulator only). Every write is refused with 405 ``READ_ONLY_NODE``
  except a supervision case's status change (regulator workflow data, docs/supervision.md).

Keys are passed in, held by the objects that use them, and never logged.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth import AuthService, Role
from api.chain import ChainReader
from api.errors import (
    install_error_handlers,
    install_problem_openapi,
    problem_response,
    read_only,
)
from api.identities import IdentityDirectory
from api.operator import BankOperator
from api.routers import (
    accounts,
    auth,
    bank,
    collateral,
    custodian,
    regulator,
    reserves,
    status,
    supervision,
    transactions,
)
from api.views import ReadableNode, get_node_name
from ledger.crypto.keys import PrivateKey
from ledger.crypto.sealing import SealingPrivateKey
from nodes.validator.service import NodeService

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]

AUTH_PATHS = frozenset({"/v1/auth/challenge", "/v1/auth/token"})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _base_app(node: ReadableNode, title: str, description: str, roles: set[Role],
              lifespan: Lifespan | None, clock: Callable[[], float] | None) -> FastAPI:
    app = FastAPI(title=title, description=description, version="1.0.0", lifespan=lifespan)
    install_error_handlers(app)
    install_problem_openapi(app)
    app.state.node = node
    app.state.chain = ChainReader(node.store)
    name = get_node_name(node)
    extra: dict[str, Any] = {} if clock is None else {"clock": clock}
    app.state.auth = AuthService(chain_id=node.genesis.chain_id,
                                 audience=f"{node.genesis.chain_id}/{name}", roles=roles, **extra)
    app.include_router(status.router)
    app.include_router(auth.router)
    return app


def create_wallet_app(service: NodeService, *, lifespan: Lifespan | None = None,
                      clock: Callable[[], float] | None = None) -> FastAPI:
    """The wallet API of a bank node."""
    app = _base_app(service, "NTDC wallet API",
                    "Accounts, balances, signed transaction submission, receipts with finality "
                    "proofs, history. Errors are RFC 9457 problem+json with a stable code.",
                    {Role.HOLDER, Role.BANK, Role.REGULATOR, Role.CUSTODIAN, Role.CCP}, lifespan,
                    clock)
    app.include_router(reserves.wallet_router)
    app.include_router(accounts.router)
    app.include_router(transactions.router)
    app.include_router(custodian.router)
    return app


def create_bank_app(service: NodeService, bank_id: str, operator_key: PrivateKey,
                    sealing_key: SealingPrivateKey, *, lifespan: Lifespan | None = None,
                    clock: Callable[[], float] | None = None) -> FastAPI:
    """A bank node's app: the wallet API plus the bank operations API for ``bank_id``."""
    app = create_wallet_app(service, lifespan=lifespan, clock=clock)
    app.title = f"NTDC bank node API ({bank_id})"
    app.description = (f"Wallet API plus bank operations of {bank_id}: onboarding with sealed "
                       "KYC dossiers, mint against custodian deposit receipts, redemption "
                       "payouts, customers' real-name data.")
    app.state.operator = BankOperator(service, bank_id, operator_key)
    app.state.identities = IdentityDirectory(app.state.chain, f"bank:{bank_id}", sealing_key)
    app.include_router(bank.router)
    app.include_router(collateral.router)
    return app


class ReadOnlyMiddleware:
    """Refuse every write to an observer with 405 READ_ONLY_NODE (login excepted: it changes
    no ledger state and the regulator needs it to read; and PATCH of a supervision case's
    status: regulator workflow data in the observer's own database, not a ledger write — the
    route itself requires the regulator, see api/routers/supervision.py)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root):]  # mounted under a prefix
        if (scope["type"] == "http" and scope["method"] not in READ_METHODS
                and path not in AUTH_PATHS
                and not supervision.is_case_status_change(scope["method"], path)):
            error = read_only()
            response = problem_response(error.status, error.code, error.detail, error.headers)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def create_regulator_app(service: ReadableNode, regulator_sealing_key: SealingPrivateKey, *,
                         lifespan: Lifespan | None = None,
                         clock: Callable[[], float] | None = None) -> FastAPI:
    """The regulator's observer API (read-only)."""
    app = _base_app(service, "NTDC regulator API",
                    "Read-only: supply and reserves, blocks, transactions, real-name search, "
                    "the observer's verification status. Writes are refused (READ_ONLY_NODE).",
                    {Role.REGULATOR}, lifespan, clock)
    app.state.identities = IdentityDirectory(app.state.chain, "regulator", regulator_sealing_key)
    app.include_router(reserves.regulator_router)
    app.include_router(regulator.router)
    app.include_router(collateral.router)
    app.include_router(supervision.router)
    app.add_middleware(ReadOnlyMiddleware)
    return app


__all__ = ["create_bank_app", "create_regulator_app", "create_wallet_app"]
