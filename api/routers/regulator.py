"""``/v1/regulator``: the regulator's read-only views on its observer node (regulator only).

Supply and reserves, blocks, transactions, real-name search (by name, national ID, account,
balance range) and movement search (by amount range, account, kind) with the parties' real
names opened by the regulator's sealing key, and the observer's own verification status.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.concurrency import run_in_threadpool

from api.chain import ChainReader
from api.deps import (
    ChainDep,
    IdentitiesDep,
    NodeDep,
    RegulatorPrincipalDep,
    SettingsDep,
)
from api.errors import ApiError, not_found
from api.identities import AccountRef, DossierUnavailable, IdentityDirectory
from api.params import AccountPath, Cursor, Limit, TxIdPath
from api.routers.status import compute_status
from api.schemas.bank import CustomerResponse
from api.schemas.common import AmountText, problem_responses
from api.schemas.regulator import (
    BlockDetail,
    BlockList,
    IdentitySearchResponse,
    MovementSearchResponse,
    NodeStatusResponse,
    ReservesResponse,
    TransactionDetail,
)
from api.views import account_view, parse_cursor
from ledger.crypto.keys import is_account_id
from ledger.invariants import check_invariants
from ledger.receipts import Receipt
from ledger.rules.reserves import compute_liabilities_due, compute_reserves

router = APIRouter(prefix="/v1/regulator", tags=["regulator"])

READ_ERRORS = problem_responses(401, 403, 404, 422, 503)
AmountQuery = Annotated[AmountText | None, Query(description="Minor units (decimal string)")]


@router.get("/reserves", response_model=ReservesResponse, responses=problem_responses(401, 403))
async def get_reserves(node: NodeDep, _reg: RegulatorPrincipalDep) -> dict[str, Any]:
    """Supply, pending payouts, attested reserves, issuance by bank and the invariants."""
    state = node.state
    reserves, due = compute_reserves(state), compute_liabilities_due(state)
    issued = {key.removeprefix("issued:"): str(value) for key, value in state.meta.items()
              if key.startswith("issued:")}
    return {
        "height": state.height, "supply": str(state.supply),
        "pending_payouts": str(state.get_meta_int("pending_payouts")),
        "liabilities_due": str(due), "reserves": str(reserves),
        "attested_reserves": str(state.get_meta_int("attested_reserves")),
        "attested_through_seq": state.get_meta_int("attested_through_seq"),
        "attested_as_of_ms": state.get_meta_int("attested_as_of_ms"),
        "attestation_id": str(state.meta.get("attestation_id") or ""),
        "covered": reserves >= due, "issued_by_bank": issued,
        "invariant_violations": check_invariants(state),
    }


@router.get("/status", response_model=NodeStatusResponse, responses=problem_responses(401, 403))
async def get_verification_status(node: NodeDep, _reg: RegulatorPrincipalDep) -> NodeStatusResponse:
    """The observer's verification status: blocks verified, mismatches, bad certificates,
    invariant violations, alerts."""
    return compute_status(node, public=False)


@router.get("/blocks", response_model=BlockList, responses=READ_ERRORS)
async def list_blocks(chain: ChainDep, _reg: RegulatorPrincipalDep, settings: SettingsDep,
                      before: Annotated[int | None, Query(ge=1, le=2**53)] = None,
                      limit: Limit = 20) -> dict[str, Any]:
    """Block headers, newest first."""
    limit = min(limit, settings.max_page)
    tip = await run_in_threadpool(chain.tip_height)
    last = min(tip, (before - 1) if before else tip)
    first = max(1, last - limit + 1)
    stored = await run_in_threadpool(chain.get_blocks, first, last) if last >= 1 else []
    items = [{"height": b.height, "hash": b.hash, "header": b.header.to_json(),
              "certified": bool(b.certificate)} for b in reversed(stored)]
    return {"items": items, "next_before": first if first > 1 and items else None}


@router.get("/blocks/{height}", response_model=BlockDetail, responses=READ_ERRORS)
async def get_block(height: Annotated[int, Path(ge=1, le=2**53)], chain: ChainDep,
                    _reg: RegulatorPrincipalDep) -> dict[str, Any]:
    """One block: header, certificate and every receipt."""
    view = await run_in_threadpool(chain.get_block_view, height)
    if view is None:
        raise not_found("UNKNOWN_BLOCK", f"no block {height} on this node")
    return {"height": height, "hash": view.stored.hash, "header": view.header.to_json(),
            "certificate": view.certificate_json(),
            "receipts": [r.to_json() for r in view.receipts]}


def get_party_refs(node: Any, receipts: list[Receipt]) -> dict[str, AccountRef]:
    """Registration references of every account the receipts touch (read on the event loop)."""
    refs: dict[str, AccountRef] = {}
    for receipt in receipts:
        for party in {e.account for e in receipt.effects} | {receipt.signer}:
            account = node.state.accounts.get(party)
            if account is not None:
                refs[party] = AccountRef(account.id, account.home_bank, account.registered_height)
    return refs


def open_parties(identities: IdentityDirectory, refs: dict[str, AccountRef],
                 accounts: set[str]) -> list[dict[str, Any]]:
    out = []
    for account in sorted(accounts):
        ref = refs.get(account)
        if ref is None:
            continue
        try:
            out.append(identities.get_identity(ref).to_json())
        except DossierUnavailable:
            continue  # genesis-created accounts (e.g. court custody) have no dossier
    return out


def receipt_parties(receipt: Receipt) -> set[str]:
    return {e.account for e in receipt.effects} | {receipt.signer}


@router.get("/transactions/{tx_id}", response_model=TransactionDetail, responses=READ_ERRORS)
async def get_transaction(tx_id: TxIdPath, node: NodeDep, chain: ChainDep,
                          identities: IdentitiesDep, _reg: RegulatorPrincipalDep) -> dict[str, Any]:
    """A transaction's receipt bundle and its parties' real names."""
    receipt = await run_in_threadpool(chain.get_receipt, tx_id)
    bundle = None if receipt is None else await run_in_threadpool(chain.get_receipt_bundle, receipt)
    if receipt is None or bundle is None:
        raise not_found("UNKNOWN_TRANSACTION", f"no final transaction {tx_id} on this node")
    refs = get_party_refs(node, [receipt])
    parties = await run_in_threadpool(open_parties, identities, refs, receipt_parties(receipt))
    return {"bundle": bundle, "parties": parties}


def is_movement_match(receipt: Receipt, low: int, high: int | None, kind: str | None) -> bool:
    if kind is not None and receipt.kind != kind:
        return False
    return any(low <= e.amount and (high is None or e.amount <= high) for e in receipt.effects
               if e.amount > 0)


def scan_movements(chain: ChainReader, *, account: str | None, low: int, high: int | None,
                   kind: str | None, cursor: tuple[int, int] | None, limit: int,
                   max_blocks: int) -> tuple[list[Receipt], str | None]:
    """Matching receipts, newest first, and the cursor to continue (storage, in a thread)."""
    found: list[Receipt] = []
    if account is not None:
        page = chain.get_history(account, 1000, cursor)
        for receipt in page:
            if is_movement_match(receipt, low, high, kind):
                found.append(receipt)
                if len(found) >= limit:
                    return found, f"{receipt.height}:{receipt.index}"
        last = page[-1] if len(page) == 1000 else None
        return found, f"{last.height}:{last.index}" if last else None
    top = cursor[0] if cursor else chain.tip_height() + 1
    height = top if cursor and cursor[1] > 0 else top - 1
    lowest = max(1, height - max_blocks + 1)
    while height >= lowest:
        for receipt in reversed(chain.get_receipts(height)):
            if cursor and height == cursor[0] and receipt.index >= cursor[1]:
                continue
            if is_movement_match(receipt, low, high, kind):
                found.append(receipt)
                if len(found) >= limit:
                    return found, f"{receipt.height}:{receipt.index}"
        height -= 1
    return found, f"{lowest}:0" if lowest > 1 else None


@router.get("/transactions", response_model=MovementSearchResponse, responses=READ_ERRORS)
async def search_movements(
    node: NodeDep, chain: ChainDep, identities: IdentitiesDep, _reg: RegulatorPrincipalDep,
    settings: SettingsDep, min_amount: AmountQuery = None, max_amount: AmountQuery = None,
    account: Annotated[str | None, Query(min_length=1, max_length=90)] = None,
    kind: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    before: Cursor = None, limit: Limit = 50,
) -> dict[str, Any]:
    """Receipts moving an amount in [min_amount, max_amount], optionally of one account or
    kind, newest first, with the parties' real names. Scans a bounded number of blocks per
    call; continue with ``before`` = next_before."""
    low, high = int(min_amount or 0), int(max_amount) if max_amount else None
    if high is not None and high < low:
        raise ApiError(422, "MALFORMED_REQUEST", "max_amount is below min_amount")
    if account is not None and not is_account_id(account):
        raise ApiError(422, "MALFORMED_REQUEST", f"{account!r} is not an NTDC account id")
    found, cursor = await run_in_threadpool(
        lambda: scan_movements(chain, account=account, low=low, high=high, kind=kind,
                               cursor=parse_cursor(before), limit=min(limit, settings.max_page),
                               max_blocks=settings.max_scan_blocks))
    refs = get_party_refs(node, found)

    def open_all() -> list[dict[str, Any]]:
        return [{"receipt": r.to_json(),
                 "parties": open_parties(identities, refs, receipt_parties(r))} for r in found]

    return {"items": await run_in_threadpool(open_all), "next_before": cursor}


@router.get("/identities", response_model=IdentitySearchResponse, responses=READ_ERRORS)
async def search_identities(
    node: NodeDep, identities: IdentitiesDep, _reg: RegulatorPrincipalDep, settings: SettingsDep,
    name: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    national_id: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    account: Annotated[str | None, Query(min_length=1, max_length=90)] = None,
    home_bank: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    min_balance: AmountQuery = None, max_balance: AmountQuery = None, limit: Limit = 50,
) -> dict[str, Any]:
    """Real-name search over every account: by name (substring, case-insensitive), national ID,
    account id, home bank and total-balance range."""
    low, high = int(min_balance or 0), int(max_balance) if max_balance else None
    accounts = {}
    for account_id, a in node.state.accounts.items():
        if account is not None and account_id != account:
            continue
        if home_bank is not None and a.home_bank != home_bank:
            continue
        if a.total < low or (high is not None and a.total > high):
            continue
        accounts[account_id] = a
    refs = [AccountRef(a.id, a.home_bank, a.registered_height) for a in accounts.values()]
    found = await run_in_threadpool(lambda: identities.search(
        refs, name=name, national_id=national_id, limit=min(limit, settings.max_page)))
    return {"items": [{"identity": i.to_json(), "balance": str(accounts[i.account].total),
                       "status": accounts[i.account].status.value} for i in found]}


@router.get("/accounts/{account_id}", response_model=CustomerResponse, responses=READ_ERRORS)
async def get_account(account_id: AccountPath, node: NodeDep, identities: IdentitiesDep,
                      _reg: RegulatorPrincipalDep) -> dict[str, Any]:
    """Any account with its holder's real-name data."""
    account = node.state.accounts.get(account_id) if is_account_id(account_id) else None
    if account is None:
        raise not_found("UNKNOWN_ACCOUNT", f"account {account_id} is not registered")
    ref = AccountRef(account.id, account.home_bank, account.registered_height)
    try:
        identity = await run_in_threadpool(identities.get_identity, ref)
    except DossierUnavailable as exc:
        raise ApiError(503, "DOSSIER_UNAVAILABLE", str(exc)) from None
    return {"identity": identity.to_json(), "account": account_view(account, node.state.height)}
