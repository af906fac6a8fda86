"""The whole story through the HTTP APIs and the SDK: onboarding → mint → transfer → redeem →
payout, with every receipt verified offline against the genesis."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from api.sdk.verify import verify_liabilities_proof, verify_receipt
from tests.api.helpers import (
    ALICE,
    BOB,
    bank_client,
    onboard,
    regulator_client,
    wallet_client,
)
from tests.api.node import NodeHarness


def test_onboard_mint_transfer_redeem_payout(client: TestClient, node: NodeHarness,
                                             caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    bank_a = bank_client(client, node, "BANK-A")
    alice_key, alice = onboard(client, node, "BANK-A", ALICE)
    _, bob = onboard(client, node, "BANK-B", BOB)

    assert bank_a.operator() == {"signer": "bank:BANK-A", "nonce": 1, "height": 2}
    minted = bank_a.mint(alice, node.work.deposit_receipt("BANK-A", 100_000))
    assert minted["status"] == "final" and minted["receipt"]["effects"][0]["amount"] == "100000"
    assert bank_a.operator()["nonce"] == 2  # onboarding and minting each used one nonce

    wallet = wallet_client(client, alice_key)
    assert wallet.balance() == 100_000
    signer = wallet.signer(alice_key)
    transfer = wallet.send(wallet.build_transfer(signer, bob, 40_000, memo="rent"))
    assert transfer.applied and transfer.height > 0
    bundle = wallet.wait_for_finality(transfer.tx_id)
    assert verify_receipt(bundle, node.genesis) == transfer
    assert bundle["certificate"]["digest"] == bundle["block_hash"]

    redeem = wallet.send(wallet.build_redeem(signer, 10_000, reference="to my bank account"))
    pending = bank_a.redemptions()
    assert [(r["redemption_id"], r["amount"]) for r in pending["items"]] == [
        (redeem.tx_id, "10000")]
    assert pending["total_pending"] == "10000"

    payout = node.work.confirm_payout(redeem.tx_id, paid_at_ms=node.genesis.genesis_time_ms + 1)
    relayed = bank_a.submit_payouts([payout])
    assert relayed["accepted"] == 1, relayed
    paid = wallet.verified_receipt(relayed["items"][0]["tx_id"], node.genesis)
    assert paid.applied and paid.effects[0].op == "payout"
    assert bank_a.redemptions()["items"] == []

    assert wallet.balance() == 50_000
    kinds = [item["kind"] for item in wallet.history()["items"]]
    assert kinds == ["confirm_payout", "redeem", "transfer", "mint", "register_account"]

    account = verify_liabilities_proof(wallet.liabilities_proof(), node.genesis)
    assert account.id == alice and account.available == 50_000

    customer = bank_a.customer(alice)
    assert customer["identity"]["name"] == "Alice Chen"
    assert customer["identity"]["national_id"] == "A123456789"

    regulator = regulator_client(client, node)
    reserves = regulator.request("GET", "/v1/regulator/reserves")
    assert reserves["supply"] == "90000" and reserves["pending_payouts"] == "0"
    assert reserves["invariant_violations"] == [] and reserves["covered"] is True
    hits = regulator.request("GET", "/v1/regulator/identities", params={"name": "bob"})
    assert [(h["identity"]["account"], h["balance"]) for h in hits["items"]] == [(bob, "40000")]
    moves = regulator.request("GET", "/v1/regulator/transactions",
                              params={"min_amount": "40000", "max_amount": "40000"})
    assert [m["receipt"]["tx_id"] for m in moves["items"]] == [transfer.tx_id]
    assert {p["name"] for p in moves["items"][0]["parties"]} == {"Alice Chen", "Bob Lin"}

    # Keys and tokens never reach the logs.
    secrets = [bank_a._token, wallet._token, regulator._token, alice_key.export(),
               node.keys.bank_operator["BANK-A"].export(), node.keys.bank_sealing["BANK-A"].export()]
    assert all(secret and secret not in caplog.text for secret in secrets)
