"""``/v1/accounts``: an account, its balance, history and liabilities proof (authenticated)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from api.auth import require_account_access
from api.deps import ChainDep, NodeDep, PrincipalDep, SettingsDep
from api.errors import ApiError, not_found
from api.params import AccountPath, Cursor
from api.schemas.accounts import AccountResponse, HistoryResponse, LiabilitiesProofResponse
from api.schemas.common import problem_responses
from api.views import account_view, is_state_committed, parse_cursor
from ledger.codec import to_jsonable
from ledger.crypto.keys import is_account_id
from ledger.model import Account

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])

READ_ERRORS = problem_responses(401, 403, 404, 422)


def get_readable_account(node: Any, principal: Any, account_id: str) -> Account:
    """The account, if it exists and the caller may read it (else 422/403/404)."""
    if not is_account_id(account_id):
        raise ApiError(422, "MALFORMED_REQUEST",
                       f"{account_id!r} is not an NTDC account id (bech32, prefix 'ntdc')")
    account: Account | None = node.state.accounts.get(account_id)
    require_account_access(principal, account_id, account)
    if account is None:
        raise not_found("UNKNOWN_ACCOUNT", f"account {account_id} is not registered")
    return account


@router.get("/{account_id}", response_model=AccountResponse, responses=READ_ERRORS)
async def get_account(account_id: AccountPath, node: NodeDep,
                      principal: PrincipalDep) -> dict[str, Any]:
    """Status, nonce and balances (decimal strings of minor units)."""
    account = get_readable_account(node, principal, account_id)
    return account_view(account, node.state.height)


@router.get("/{account_id}/history", response_model=HistoryResponse, responses=READ_ERRORS)
async def get_history(
    account_id: AccountPath, node: NodeDep, chain: ChainDep, principal: PrincipalDep,
    settings: SettingsDep, limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    before: Cursor = None,
) -> dict[str, Any]:
    """Receipts touching the account, newest first, a page at a time."""
    get_readable_account(node, principal, account_id)
    limit = min(limit, settings.max_page)
    receipts = await run_in_threadpool(chain.get_history, account_id, limit, parse_cursor(before))
    last = receipts[-1] if len(receipts) == limit else None
    return {"account": account_id, "items": [r.to_json() for r in receipts],
            "next_before": f"{last.height}:{last.index}" if last else None}


def compute_liabilities_opening(node: Any, account: Account) -> dict[str, Any]:
    """The account's leaf and path in the liabilities tree, and every table root (event loop)."""
    state = getattr(node, "live_state", node.state)  # committed: callers checked no block is open
    state.compute_state_root()
    tables = []
    for name in sorted(state.tables.tables):
        table = state.tables.tables[name]
        root, total = table.compute_root()
        tables.append({"name": name, "root": root.hex(), "total": str(total),
                       "size": table.next_index})
    tree = state.accounts.tree
    index = state.accounts.index_of(account.id)
    leaf_hash, _ = tree.leaf(index)
    steps = [{"hash": s.sibling_hash.hex(), "sum": str(s.sibling_sum), "left": s.sibling_is_left}
             for s in tree.proof(index)]
    return {"height": state.height, "account": to_jsonable(account), "leaf_index": index,
            "leaf_hash": leaf_hash.hex(), "steps": steps, "tables": tables}


@router.get("/{account_id}/liabilities-proof", response_model=LiabilitiesProofResponse,
            responses=problem_responses(401, 403, 404, 422, 503))
async def get_liabilities_proof(account_id: AccountPath, node: NodeDep, chain: ChainDep,
                                principal: PrincipalDep) -> dict[str, Any]:
    """Inclusion of the account's balances in the certified liabilities tree (SPEC §4)."""
    account = get_readable_account(node, principal, account_id)
    if not is_state_committed(node):
        raise ApiError(503, "NODE_BUSY", "the node is committing a block; retry in a moment",
                       {"Retry-After": "1"})
    opening = compute_liabilities_opening(node, account)
    view = await run_in_threadpool(chain.get_block_view, opening["height"])
    if view is None:
        raise not_found("UNKNOWN_BLOCK", f"block {opening['height']} is not stored yet; retry")
    return {**opening, "header": view.header.to_json(), "certificate": view.certificate_json()}
