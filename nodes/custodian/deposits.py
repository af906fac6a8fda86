"""The custodian's deposit desk over HTTP: a bank asks for a signed deposit receipt.

A bank that moved NT$ into the NTDC reserve account sends a request signed with its genesis
operator key; the custodian books the deposit and returns its signed receipt, which the bank
then spends in a mint. (In production the custodian would first match the amount against its
own account statement; this service trusts the bank's signed instruction and says so.)
Requests are idempotent by ``request_id``: a retried request gets the same receipt.

signed bytes = "NTDC/custodian-deposit/v1" 0x00 || JCS({"chain_id", "bank", "amount",
               "request_id"})
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from ledger.crypto.keys import KeyError_, PrivateKey, PublicKey
from ledger.encoding import canonical_json
from ledger.genesis import Genesis
from ledger.types import parse_amount
from nodes.custodian.service import Custodian, CustodianError

DOMAIN = b"NTDC/custodian-deposit/v1\x00"


def compute_deposit_signing_bytes(chain_id: str, bank: str, amount: int, request_id: str) -> bytes:
    """What a bank's operator key signs to ask for a deposit receipt."""
    return DOMAIN + canonical_json({"chain_id": chain_id, "bank": bank, "amount": str(amount),
                                    "request_id": request_id})


def sign_deposit_request(key: PrivateKey, chain_id: str, bank: str, amount: int,
                         request_id: str) -> dict[str, Any]:
    """The JSON body a bank POSTs to /v1/deposits."""
    return {"bank": bank, "amount": str(amount), "request_id": request_id,
            "signature": key.sign(compute_deposit_signing_bytes(chain_id, bank, amount,
                                                                request_id))}


class DepositRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bank: StrictStr
    amount: StrictStr
    request_id: StrictStr = Field(min_length=1, max_length=64)
    signature: StrictStr = Field(max_length=8192)


def create_deposit_app(custodian: Custodian, genesis: Genesis, lock: threading.Lock,
                       on_books_changed: Callable[[Custodian], None]) -> FastAPI:
    """The deposit desk; ``lock`` serialises it with the custodian's payout/attest rounds."""
    app = FastAPI(title="NTDC custodian deposit desk")
    operators = {b.bank_id: b.operator_key for b in genesis.banks}
    issued: dict[str, dict[str, Any]] = {}

    @app.post("/v1/deposits")
    def post_deposit(request: DepositRequest) -> dict[str, Any]:
        """Book a deposit and return the custodian-signed receipt."""
        try:
            amount = parse_amount(request.amount)
            key = PublicKey.parse(operators[request.bank])
        except (ValueError, KeyError, KeyError_) as exc:
            raise HTTPException(422, f"bad deposit request: {exc}") from None
        signed = compute_deposit_signing_bytes(genesis.chain_id, request.bank, amount,
                                               request.request_id)
        if not key.verify(request.signature, signed):
            raise HTTPException(401, f"not signed by {request.bank}'s operator key")
        with lock:
            key_id = f"{request.bank}/{request.request_id}"
            if key_id in issued:
                return issued[key_id]
            try:
                receipt = custodian.sign_deposit_receipt(request.bank, amount,
                                                         int(time.time() * 1000))
            except CustodianError as exc:
                raise HTTPException(422, str(exc)) from None
            on_books_changed(custodian)
            issued[key_id] = receipt
            return receipt

    @app.get("/v1/status")
    def get_status() -> dict[str, Any]:
        with lock:
            books = custodian.books
            return {"role": "custodian", "balance": str(books.balance), "seq": books.seq,
                    "nonce": books.nonce}

    return app
