"""nodes/custodian/runner.py: rounds against an in-process node and over HTTP."""

from __future__ import annotations

import json
from typing import Any

import httpx

from ledger.crypto.keys import PrivateKey
from ledger.invariants import check_invariants
from ledger.rules.reserves import compute_reserves
from nodes.custodian.runner import CustodianRunner, HttpNode, InProcessNode, PendingRedemption
from nodes.custodian.service import Custodian
from tests.support.chain import Chain


class Clock:
    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def setup(attest_every_ms: int = 60_000) -> tuple[Chain, Custodian, CustodianRunner, list[Any]]:
    chain = Chain.create(seed=6)
    custodian = Custodian.from_genesis(chain.genesis, chain.keys.roles["custodian"])
    outbox: list[bytes] = []
    node = InProcessNode(chain.state, outbox.append)
    runner = CustodianRunner(custodian, node, attest_every_ms=attest_every_ms, resync_rounds=3,
                             clock=Clock(chain.time_ms))
    return chain, custodian, runner, outbox


def deliver(chain: Chain, outbox: list[bytes]) -> None:
    receipts = chain.block(*[json.loads(raw) for raw in outbox])
    outbox.clear()
    assert all(r.applied for r in receipts), [r.message for r in receipts]


def test_rounds_pay_redemptions_and_attest_the_books():
    chain, custodian, runner, outbox = setup()
    work = chain.work
    alice, reg = work.new_holder("BANK-A")
    chain.one(reg)
    receipt = custodian.sign_deposit_receipt("BANK-A", 80_000, chain.time_ms)
    chain.one(work.banks["BANK-A"].sign("mint", {"to": alice.account, "receipt": receipt}))
    assert len(runner.run_once()) == 1  # the first round attests
    deliver(chain, outbox)
    assert chain.state.get_meta_int("attested_reserves") == 80_000
    assert runner.run_once() == []  # nothing to pay, attestation not due
    r1 = chain.one(work.redeem(alice, 3_000))
    r2 = chain.one(work.redeem(alice, 2_000))
    sent = runner.run_once()
    assert [e["kind"] for e in sent] == ["confirm_payout", "confirm_payout", "reserve_attestation"]
    assert {e["body"]["redemption_id"] for e in sent[:2]} == {r1.tx_id, r2.tx_id}
    deliver(chain, outbox)
    state = chain.state
    assert state.get_meta_int("pending_payouts") == 0
    assert compute_reserves(state) == custodian.books.balance == 75_000
    assert state.get_meta_int("attested_reserves") == 75_000
    assert check_invariants(state) == []
    runner.clock.now += 60_000  # type: ignore[attr-defined]
    assert [e["kind"] for e in runner.run_once()] == ["reserve_attestation"]


def test_a_round_waits_for_earlier_transactions_then_re_signs_lost_ones():
    chain, custodian, runner, outbox = setup()
    work = chain.work
    alice, reg = work.new_holder("BANK-B")
    chain.one(reg)
    receipt = custodian.sign_deposit_receipt("BANK-B", 10_000, chain.time_ms)
    chain.one(work.banks["BANK-B"].sign("mint", {"to": alice.account, "receipt": receipt}))
    redemption = chain.one(work.redeem(alice, 1_000))
    first = runner.run_once()
    seq = first[0]["body"]["custodian_seq"]
    outbox.clear()  # lost on the way
    assert runner.run_once() == [] and runner.run_once() == []  # perhaps still in flight
    again = runner.run_once()  # third round: give up and re-sign from the chain's nonce
    assert again[0]["nonce"] == first[0]["nonce"] == 1
    assert again[0]["body"] == {**first[0]["body"], "paid_at_ms": again[0]["body"]["paid_at_ms"]}
    assert again[0]["body"]["custodian_seq"] == seq
    deliver(chain, outbox)
    assert chain.state.redemptions[redemption.tx_id].paid
    assert compute_reserves(chain.state) == custodian.books.balance == 9_000


def fake_api(seen: list[tuple[str, str, Any]], tokens: list[str]) -> httpx.MockTransport:
    """A node API that issues a new token per login and accepts only the latest one."""

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        seen.append((request.method, request.url.path, body))
        if request.url.path == "/v1/auth/challenge":
            return httpx.Response(200, json={"chain_id": "ntdc-local", "audience": "node",
                                             "nonce": f"n{len(tokens)}"})
        if request.url.path == "/v1/auth/token":
            assert body["subject"] == "custodian"
            tokens.append(f"t{len(tokens)}")
            return httpx.Response(200, json={"access_token": tokens[-1]})
        if request.headers.get("authorization") != f"Bearer {tokens[-1]}":
            return httpx.Response(401, json={"code": "UNAUTHENTICATED", "detail": "expired"})
        if request.url.path == "/v1/custodian/status":
            return httpx.Response(200, json={"nonce": 4})
        if request.url.path == "/v1/custodian/redemptions":
            return httpx.Response(200, json={"items": [
                {"redemption_id": "ab" * 32, "account": "ntdc1x", "amount": "700"},
                {"redemption_id": "cd" * 32, "account": "ntdc1y", "amount": "5", "paid": True},
            ]})
        return httpx.Response(202, json={"status": "pending"})

    return httpx.MockTransport(handler)


def test_http_node_logs_in_as_the_custodian_and_speaks_json():
    seen: list[tuple[str, str, Any]] = []
    tokens: list[str] = []
    key = PrivateKey.from_seed(b"\x05" * 32)
    node = HttpNode("http://node", key, http=httpx.Client(transport=fake_api(seen, tokens)))
    assert tokens == ["t0"]
    assert node.get_custodian_nonce() == 4
    assert node.get_pending_redemptions() == [PendingRedemption("ab" * 32, "ntdc1x", 700)]
    tokens.append("rotated")  # the token expires: the node logs in again and retries
    node.submit({"kind": "reserve_attestation"})
    assert seen[-1] == ("POST", "/v1/transactions", {"kind": "reserve_attestation"})
    assert tokens[-1] == "t2"
    node.close()
