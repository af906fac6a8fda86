"""The custodian's deposit desk: only a bank's operator key obtains a receipt, once per request."""

import threading

from fastapi.testclient import TestClient

from ledger.crypto.keys import PrivateKey
from ledger.rules.issuance import is_custodian_receipt
from ledger.tx.bodies import DepositReceipt
from nodes.custodian.deposits import create_deposit_app, sign_deposit_request
from nodes.custodian.service import Custodian
from tests.support.chain import Chain


def make_desk():
    chain = Chain.create(seed=8)
    custodian = Custodian.from_genesis(chain.genesis, chain.keys.roles["custodian"])
    saved = []
    app = create_deposit_app(custodian, chain.genesis, threading.Lock(),
                             lambda c: saved.append(c.books.seq))
    return chain, custodian, TestClient(app), saved


def test_a_bank_gets_a_receipt_the_ledger_accepts_and_retries_are_idempotent():
    chain, custodian, client, saved = make_desk()
    body = sign_deposit_request(chain.keys.bank_operator["BANK-A"], chain.genesis.chain_id,
                                "BANK-A", 150_000, "req-1")
    first = client.post("/v1/deposits", json=body)
    assert first.status_code == 200
    receipt = first.json()
    assert (receipt["bank"], receipt["amount"]) == ("BANK-A", "150000")
    assert is_custodian_receipt(chain.state, DepositReceipt.model_validate(receipt))
    assert client.post("/v1/deposits", json=body).json() == receipt  # the same, not a second
    assert custodian.books.balance == 150_000 and saved == [1]


def test_requests_not_signed_by_that_banks_operator_are_refused():
    chain, custodian, client, _ = make_desk()
    forged = sign_deposit_request(PrivateKey.generate(), chain.genesis.chain_id, "BANK-A",
                                  150_000, "req-2")
    assert client.post("/v1/deposits", json=forged).status_code == 401
    other_bank = sign_deposit_request(chain.keys.bank_operator["BANK-B"], chain.genesis.chain_id,
                                      "BANK-A", 150_000, "req-3")
    assert client.post("/v1/deposits", json=other_bank).status_code == 401
    unknown = sign_deposit_request(chain.keys.bank_operator["BANK-A"], chain.genesis.chain_id,
                                   "BANK-Z", 1, "req-4")
    assert client.post("/v1/deposits", json=unknown).status_code == 422
    assert custodian.books.balance == 0
