"""Proofs of reserves on the real network (SPEC §4): after every checkpoint of a randomized
workload, every holder's inclusion proof verifies offline against genesis alone, the liabilities
tree total equals the supply, and custodian-attested reserves cover it."""

from __future__ import annotations

import random
import time

import pytest

from api.sdk.client import WalletClient
from ledger.por.verify import verify_por
from nodes.launcher.keys import load_network
from nodes.workload import Workload
from tests.nodes.network.conftest import start_network

pytestmark = pytest.mark.network


def submit(client: WalletClient, envelope: dict) -> dict:
    result = client.submit(envelope, wait_s=30)
    assert result["status"] == "final", result
    return result["receipt"]


def test_every_checkpoint_proves_reserves_cover_supply(tmp_path):
    network = start_network(tmp_path / "net", checkpoint_interval=4, log_window=16)
    try:
        genesis, keys = load_network(network.directory)
        work = Workload(genesis, keys, seed=11)
        clients = {v.bank_id: WalletClient(v.api) for v in genesis.validators}
        rng = random.Random(11)
        holders = []
        for i in range(8):
            bank = list(clients)[i % 4]
            holder, register = work.new_holder(bank)
            assert submit(clients[bank], register)["status"] == "applied"
            holders.append(holder)
        minted = 0
        for holder in holders:
            amount = rng.randint(10_000, 5_000_000)
            assert submit(clients[holder.bank], work.mint(holder, amount))["status"] == "applied"
            minted += amount
        attestation = submit(clients["BANK-A"], work.attest(minted, int(time.time() * 1000)))
        assert attestation["status"] == "applied"
        # No receipt, no mint.
        bare = work.banks["BANK-B"].sign("mint", {"to": holders[1].account})
        rejected = submit(clients["BANK-B"], bare)
        assert (rejected["status"], rejected["reason"]) == ("rejected", "MINT_WITHOUT_RECEIPT")

        checked: set[int] = set()
        for _round in range(40):
            sender, receiver = rng.sample(holders, 2)
            submit(clients[sender.bank], work.transfer(sender, receiver, rng.randint(1, 5_000)))
            try:
                checkpoint = clients["BANK-C"].request("GET", "/v1/checkpoints/latest")
            except Exception:
                continue  # no certified checkpoint yet
            if checkpoint["height"] in checked or checkpoint["height"] < attestation["height"]:
                continue  # a checkpoint before the first attestation proves nothing about it
            checked.add(checkpoint["height"])
            for holder in holders:
                client = WalletClient(genesis.validators[0].api)
                client.login(holder.signer.key)
                bundle = client.request("GET",
                                        f"/v1/accounts/{holder.account}/proof-of-reserves",
                                        params={"height": checkpoint["height"]})
                report = verify_por(bundle["checkpoint"], bundle["inclusion"], genesis)
                figures = report.checkpoint
                assert report.account == holder.account
                assert figures.liabilities_total == minted  # transfers move, never create
                assert figures.reserves >= figures.liabilities_due
                assert figures.endorsements >= figures.quorum == 3
            if len(checked) >= 3:
                break
        assert len(checked) >= 3, f"only saw checkpoints {sorted(checked)}"
    finally:
        network.stop()
