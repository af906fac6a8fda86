"""``/v1/bank``: the bank operations API of a bank node (its operator only).

The node signs onboarding and mint transactions with the bank's operator key (``api.operator``),
relays the custodian's payout confirmations, and opens its own customers' KYC dossiers with the
bank's sealing key.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool

from api.deps import BankPrincipalDep, IdentitiesDep, NodeDep, OperatorDep, SettingsDep
from api.errors import ApiError, forbidden, not_found
from api.identities import AccountRef, DossierUnavailable
from api.params import AccountPath, WaitSeconds
from api.routers.transactions import encode_envelope
from api.schemas.bank import (
    CustomerResponse,
    IdentityList,
    MintRequest,
    OnboardRequest,
    OperationResponse,
    OperatorStatus,
    PayoutRequest,
    PayoutResponse,
    RedemptionList,
)
from api.schemas.common import problem_responses
from api.sdk.builders import Dossier, register_account_body
from api.views import account_view, redemption_view
from ledger.crypto.keys import KeyError_, PublicKey, compute_account_id, is_account_id
from ledger.crypto.sealing import SealingPublicKey
from ledger.errors import InvalidTransaction
from ledger.receipts import Receipt
from nodes.validator.mempool import MempoolFull

router = APIRouter(prefix="/v1/bank", tags=["bank operations"])

WRITE_ERRORS = problem_responses(400, 401, 403, 404, 405, 409, 422, 503)
PENDING: dict[int | str, dict[str, Any]] = {202: {"model": OperationResponse, "description": "Submitted, not final within wait_s"}}


def compute_operation_result(tx_id: str, receipt: Receipt | None, response: Response,
                             account: str | None = None) -> dict[str, Any]:
    """202 pending, the final applied receipt, or 409 with the ledger's reason."""
    if receipt is None:
        response.status_code = 202
        return {"tx_id": tx_id, "status": "pending", "account": account, "receipt": None}
    if not receipt.applied:
        raise ApiError(409, receipt.reason or "REJECTED",
                       f"{receipt.kind} rejected by the ledger: {receipt.message}", tx_id=tx_id)
    return {"tx_id": tx_id, "status": "final", "account": account, "receipt": receipt.to_json()}


@router.post("/customers", response_model=OperationResponse, status_code=201,
             responses={**PENDING, **WRITE_ERRORS})
async def onboard_customer(request: OnboardRequest, node: NodeDep, operator: OperatorDep,
                           _bank: BankPrincipalDep, settings: SettingsDep, response: Response,
                           wait_s: WaitSeconds = 10) -> dict[str, Any]:
    """Register a KYC-verified customer: the dossier is sealed (HPKE) to the regulator and this
    bank, and register_account is signed with the operator key and submitted."""
    try:
        key = PublicKey.parse(request.account_public_key)
    except KeyError_ as exc:
        raise ApiError(422, "MALFORMED_REQUEST", f"account_public_key: {exc}") from None
    account_id = compute_account_id(key)
    if account_id in node.state.accounts:
        raise ApiError(409, "ACCOUNT_EXISTS", f"account {account_id} is already registered")
    bank = node.state.banks.get(operator.bank_id)
    if bank is None:
        raise ApiError(409, "UNKNOWN_BANK", f"{operator.bank_id} is not a consortium member")
    d = request.dossier
    body = register_account_body(
        account_key=str(key), kind=request.kind, home_bank=operator.bank_id,
        dossier=Dossier(name=d.name, national_id=d.national_id, birth_date=d.birth_date,
                        address=d.address, risk_tier=d.risk_tier),
        regulator_key=SealingPublicKey.parse(node.genesis.sealing_keys["regulator"]),
        bank_key=SealingPublicKey.parse(bank.sealing_key))
    tx_id, receipt = await operator.submit("register_account", body,
                                           min(wait_s, settings.max_wait_s))
    return compute_operation_result(tx_id, receipt, response, account_id)


@router.post("/mints", response_model=OperationResponse, status_code=201,
             responses={**PENDING, **WRITE_ERRORS})
async def mint(request: MintRequest, node: NodeDep, operator: OperatorDep,
               _bank: BankPrincipalDep, settings: SettingsDep, response: Response,
               wait_s: WaitSeconds = 10) -> dict[str, Any]:
    """Mint to a customer against a custodian deposit receipt (No receipt, no mint)."""
    account = node.state.accounts.get(request.account) if is_account_id(request.account) else None
    if account is None:
        raise not_found("UNKNOWN_ACCOUNT", f"account {request.account} is not registered")
    if account.home_bank != operator.bank_id:
        raise ApiError(409, "NOT_HOME_BANK", f"account {account.id} is a customer of "
                       f"{account.home_bank}; only its home bank can mint to it")
    if request.deposit_receipt.bank != operator.bank_id:
        raise ApiError(409, "RECEIPT_WRONG_BANK", f"deposit receipt is for "
                       f"{request.deposit_receipt.bank}, not {operator.bank_id}")
    body = {"to": account.id, "receipt": request.deposit_receipt.model_dump()}
    tx_id, receipt = await operator.submit("mint", body, min(wait_s, settings.max_wait_s))
    return compute_operation_result(tx_id, receipt, response, account.id)


@router.get("/operator", response_model=OperatorStatus, responses=problem_responses(401, 403))
async def get_operator(node: NodeDep, operator: OperatorDep,
                       _bank: BankPrincipalDep) -> dict[str, Any]:
    """The operator's last committed nonce, for a bank that also signs transactions elsewhere
    (its own back office, a load generator) and must not reuse one."""
    state = node.state
    role = state.roles.get(operator.signer)
    return {"signer": operator.signer, "nonce": role.nonce if role is not None else 0,
            "height": state.height}


@router.get("/redemptions", response_model=RedemptionList, responses=problem_responses(401, 403))
async def list_redemptions(node: NodeDep, operator: OperatorDep, _bank: BankPrincipalDep,
                           include_paid: bool = False,
                           limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> dict[str, Any]:
    """Redemptions of this bank's customers awaiting the custodian's payout (oldest first)."""
    mine = [r for _, r in node.state.redemptions.items()
            if r.home_bank == operator.bank_id and (include_paid or not r.paid)]
    mine.sort(key=lambda r: (r.requested_height, r.redemption_id))
    pending = sum(r.amount for r in mine if not r.paid)
    return {"items": [redemption_view(r) for r in mine[:limit]], "total_pending": str(pending)}


@router.post("/payouts", response_model=PayoutResponse,
             responses=problem_responses(401, 403, 405, 413, 422))
async def submit_payouts(request: PayoutRequest, node: NodeDep, operator: OperatorDep,
                         _bank: BankPrincipalDep, settings: SettingsDep) -> dict[str, Any]:
    """Relay the custodian's signed payout confirmations for this bank's customers."""
    if len(request.confirmations) > settings.max_batch:
        raise ApiError(413, "BATCH_TOO_LARGE", f"send at most {settings.max_batch} at once")
    items = []
    for index, envelope in enumerate(request.confirmations):
        item: dict[str, Any] = {"index": index, "tx_id": None, "accepted": False,
                                "duplicate": False, "code": None, "detail": None}
        redemption_id = envelope.body.get("redemption_id")
        redemption = (node.state.redemptions.get(redemption_id)
                      if isinstance(redemption_id, str) else None)
        if envelope.kind != "confirm_payout":
            item.update(code="MALFORMED", detail=f"expected confirm_payout, got {envelope.kind!r}")
        elif redemption is None:
            item.update(code="UNKNOWN_REDEMPTION", detail=f"no redemption {redemption_id!r}")
        elif redemption.home_bank != operator.bank_id:
            item.update(code="FORBIDDEN", detail=f"redemption {redemption_id} belongs to a "
                        f"customer of {redemption.home_bank}")
        else:
            try:
                tx, is_new = node.submit(encode_envelope(envelope), relay_now=False)
                item.update(tx_id=tx.tx_id, accepted=True, duplicate=not is_new)
            except InvalidTransaction as exc:
                item.update(code=exc.reason.value, detail=f"transaction rejected: {exc.message}")
            except MempoolFull as exc:
                item.update(code="MEMPOOL_FULL", detail=str(exc))
        items.append(item)
    node.relay_pending()
    accepted = sum(1 for i in items if i["accepted"])
    return {"accepted": accepted, "refused": len(items) - accepted, "items": items}


@router.get("/customers/{account_id}", response_model=CustomerResponse,
            responses=problem_responses(401, 403, 404, 422, 503))
async def get_customer(account_id: AccountPath, node: NodeDep, operator: OperatorDep,
                       identities: IdentitiesDep, _bank: BankPrincipalDep) -> dict[str, Any]:
    """A customer's real-name data (opened from its on-chain dossier) and its account."""
    account = node.state.accounts.get(account_id) if is_account_id(account_id) else None
    if account is None:
        raise not_found("UNKNOWN_ACCOUNT", f"account {account_id} is not registered")
    if account.home_bank != operator.bank_id:
        raise forbidden(f"{account_id} is not a customer of {operator.bank_id}")
    ref = AccountRef(account.id, account.home_bank, account.registered_height)
    try:
        identity = await run_in_threadpool(identities.get_identity, ref)
    except DossierUnavailable as exc:
        raise ApiError(503, "DOSSIER_UNAVAILABLE", str(exc)) from None
    return {"identity": identity.to_json(), "account": account_view(account, node.state.height)}


@router.get("/customers", response_model=IdentityList, responses=problem_responses(401, 403, 422))
async def search_customers(
    node: NodeDep, operator: OperatorDep, identities: IdentitiesDep, _bank: BankPrincipalDep,
    settings: SettingsDep,
    name: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    national_id: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict[str, Any]:
    """This bank's customers, optionally by name (substring) or national ID."""
    refs = [AccountRef(a.id, a.home_bank, a.registered_height)
            for _, a in node.state.accounts.items() if a.home_bank == operator.bank_id]
    found = await run_in_threadpool(lambda: identities.search(
        refs, name=name, national_id=national_id, limit=min(limit, settings.max_page)))
    return {"items": [i.to_json() for i in found]}
