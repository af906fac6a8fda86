"""``/v1/transactions``: submit signed transactions (single and batch), wait for finality, read
receipts with their inclusion proofs and commit certificate."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool

from api.auth import can_read_receipt
from api.deps import ChainDep, NodeDep, PrincipalDep, SettingsDep
from api.errors import ApiError, forbidden, not_found
from api.params import TxIdPath, WaitSeconds
from api.schemas.common import problem_responses
from api.schemas.transactions import (
    BatchRequest,
    BatchResponse,
    ReceiptBundle,
    SubmitResponse,
    TransactionEnvelope,
)
from ledger.errors import InvalidTransaction
from ledger.receipts import Receipt
from ledger.tx.envelope import encode_transaction
from nodes.validator.mempool import MempoolFull

router = APIRouter(prefix="/v1/transactions", tags=["transactions"])



def encode_envelope(envelope: TransactionEnvelope) -> bytes:
    return encode_transaction(envelope.model_dump())


async def wait_for_final(node: Any, tx_id: str, wait_s: float) -> Receipt | None:
    """The receipt once final here, waiting up to ``wait_s`` seconds."""
    if wait_s > 0 and hasattr(node, "wait_for_receipt"):
        receipt: Receipt | None = await node.wait_for_receipt(tx_id, wait_s)
        return receipt
    return None


@router.post("", response_model=SubmitResponse, status_code=202,
             responses={200: {"model": SubmitResponse,
                              "description": "Final (with ?wait_s and the receipt in time)"},
                        **problem_responses(400, 405, 422, 503)})
async def submit_transaction(envelope: TransactionEnvelope, node: NodeDep, settings: SettingsDep,
                             response: Response, wait_s: WaitSeconds = 0) -> dict[str, Any]:
    """Submit one signed transaction. 202 once admitted (pending); 200 with the receipt if it is
    final within ``wait_s``. A final receipt may say ``rejected`` with the ledger's reason."""
    tx, is_new = node.submit(encode_envelope(envelope))
    receipt = None if is_new else node.get_receipt(tx.tx_id)
    if receipt is None:
        receipt = await wait_for_final(node, tx.tx_id, min(wait_s, settings.max_wait_s))
    if receipt is not None:
        response.status_code = 200
    return {"tx_id": tx.tx_id, "status": "final" if receipt else "pending",
            "duplicate": not is_new, "receipt": receipt.to_json() if receipt else None}


@router.post("/batch", response_model=BatchResponse,
             responses=problem_responses(405, 413, 422))
async def submit_batch(batch: BatchRequest, node: NodeDep, settings: SettingsDep) -> dict[str, Any]:
    """Submit many signed transactions; each is admitted or refused on its own."""
    if len(batch.transactions) > settings.max_batch:
        raise ApiError(413, "BATCH_TOO_LARGE", f"{len(batch.transactions)} transactions; "
                       f"send at most {settings.max_batch} per batch")
    items = []
    for index, envelope in enumerate(batch.transactions):
        item: dict[str, Any] = {"index": index, "tx_id": None, "accepted": False,
                                "duplicate": False, "code": None, "detail": None}
        try:
            tx, is_new = node.submit(encode_envelope(envelope), relay_now=False)
            item.update(tx_id=tx.tx_id, accepted=True, duplicate=not is_new)
        except InvalidTransaction as exc:
            item.update(code=exc.reason.value, detail=f"transaction rejected: {exc.message}")
        except MempoolFull as exc:
            item.update(code="MEMPOOL_FULL", detail=str(exc))
        items.append(item)
    node.relay_pending()  # "accepted" means relayed to every validator, not just queued here
    accepted = sum(1 for i in items if i["accepted"])
    return {"accepted": accepted, "refused": len(items) - accepted, "items": items}


@router.get("/{tx_id}", response_model=ReceiptBundle, responses=problem_responses(401, 403, 404, 422))
async def get_transaction(tx_id: TxIdPath, node: NodeDep, chain: ChainDep, principal: PrincipalDep,
                          settings: SettingsDep, wait_s: WaitSeconds = 0) -> dict[str, Any]:
    """The receipt with its finality proof: header, Merkle paths to tx_root and receipts_root,
    and the block's commit certificate. With ``wait_s``, waits for finality first."""
    receipt = await run_in_threadpool(chain.get_receipt, tx_id)
    if receipt is None:
        receipt = await wait_for_final(node, tx_id, min(wait_s, settings.max_wait_s))
    if receipt is None:
        mempool = getattr(node, "mempool", None)
        if mempool is not None and tx_id in mempool.pending:
            raise not_found("NOT_FINAL", f"transaction {tx_id} is pending; retry with ?wait_s=5")
        raise not_found("UNKNOWN_TRANSACTION", f"no transaction {tx_id} on this node")
    if not can_read_receipt(principal, receipt, node.state):
        raise forbidden(f"{principal.subject} is not a party to transaction {tx_id}")
    bundle = await run_in_threadpool(chain.get_receipt_bundle, receipt)
    if bundle is None:
        raise not_found("NOT_FINAL", f"block {receipt.height} is not stored yet; retry")
    return bundle
