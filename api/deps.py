"""Typed dependencies of every route: the node, settings, storage reader, auth and the caller.

Each is a plain function over ``request.app.state`` (filled by ``api.apps``), so a test can
replace any of them with ``app.dependency_overrides[...]``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import AuthService, Principal, Role
from api.chain import ChainReader
from api.errors import ApiError, forbidden, unauthenticated
from api.identities import IdentityDirectory
from api.operator import BankOperator
from api.settings import ApiSettings, get_settings
from nodes.validator.service import NodeService

_bearer = HTTPBearer(auto_error=False, description="Token from POST /v1/auth/token")


def get_node(request: Request) -> NodeService:
    """The node this API serves."""
    node: NodeService = request.app.state.node
    return node


def get_auth(request: Request) -> AuthService:
    auth: AuthService = request.app.state.auth
    return auth


def get_chain(request: Request) -> ChainReader:
    chain: ChainReader = request.app.state.chain
    return chain


def get_identities(request: Request) -> IdentityDirectory:
    directory: IdentityDirectory | None = getattr(request.app.state, "identities", None)
    if directory is None:
        raise ApiError(404, "NOT_FOUND", "this node holds no real-name data")
    return directory


def get_operator(request: Request) -> BankOperator:
    operator: BankOperator | None = getattr(request.app.state, "operator", None)
    if operator is None:
        raise ApiError(404, "NOT_FOUND", "this node runs no bank operations")
    return operator


NodeDep = Annotated[NodeService, Depends(get_node)]
SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
AuthDep = Annotated[AuthService, Depends(get_auth)]
ChainDep = Annotated[ChainReader, Depends(get_chain)]
IdentitiesDep = Annotated[IdentityDirectory, Depends(get_identities)]
OperatorDep = Annotated[BankOperator, Depends(get_operator)]


def get_principal(
    auth: AuthDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The authenticated caller (401 without a valid bearer token)."""
    if credentials is None or not credentials.credentials:
        raise unauthenticated()
    return auth.verify_token(credentials.credentials)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def get_bank_principal(principal: PrincipalDep, operator: OperatorDep) -> Principal:
    """The operator of this node's bank (403 for anyone else)."""
    if principal.role is not Role.BANK or principal.bank != operator.bank_id:
        raise forbidden(f"only the operator of {operator.bank_id} may use its bank operations API")
    return principal


def get_regulator_principal(principal: PrincipalDep) -> Principal:
    """The regulator (403 for anyone else)."""
    if principal.role is not Role.REGULATOR:
        raise forbidden("only the regulator may use the regulator API")
    return principal


def get_custodian_principal(principal: PrincipalDep) -> Principal:
    """The reserve custodian (403 for anyone else)."""
    if principal.role is not Role.CUSTODIAN:
        raise forbidden("only the reserve custodian may use the custodian API")
    return principal


BankPrincipalDep = Annotated[Principal, Depends(get_bank_principal)]
CustodianPrincipalDep = Annotated[Principal, Depends(get_custodian_principal)]
RegulatorPrincipalDep = Annotated[Principal, Depends(get_regulator_principal)]
