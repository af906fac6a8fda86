"""AML acceptance on the real network: the rules give identical flags on every validator and on
the regulator's observer, and the observer's alert queue holds an alert for every flag.

Real processes on loopback (4 bank validators, 1 observer, TLS). Signed transactions go in
through the bank nodes' wallet API; each validator's receipts are read by the holder they
concern (its own receipts), the observer's by the regulator (it may read every receipt).
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from api.sdk.client import ApiProblem, WalletClient
from ledger.types import ntd
from nodes.launcher.keys import load_network
from nodes.launcher.network import LocalNetwork
from nodes.workload import Workload

pytestmark = pytest.mark.network


def submit(api: str, envelope: dict[str, Any]) -> dict[str, Any]:
    """POST one signed envelope to a bank node and wait for its final receipt."""
    answer = httpx.post(f"{api}/v1/transactions", params={"wait_s": 20}, json=envelope,
                        timeout=40)
    assert answer.status_code == 200, answer.text
    receipt: dict[str, Any] = answer.json()["receipt"]
    assert receipt["status"] == "applied", receipt
    return receipt


def read_until_found(client: WalletClient, path: str, timeout_s: float = 60) -> Any:
    """GET ``path``, retrying while the node has not verified the block yet."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return client.request("GET", path)
        except ApiProblem as exc:
            if exc.code not in ("UNKNOWN_TRANSACTION", "NOT_FINAL") or (
                    time.monotonic() > deadline):
                raise
            time.sleep(0.2)


def test_flags_are_identical_on_every_validator_and_the_observer(
        network: LocalNetwork) -> None:
    genesis, keys = load_network(network.directory)
    work = Workload(genesis, keys, seed=2026)
    apis = [v.api for v in genesis.validators]
    bank = genesis.validators[0].bank_id
    # Everyone banks at one bank, so no transfer needs travel-rule data.
    rich, register = work.new_holder(bank)
    payees = [work.new_holder(bank) for _ in range(10)]
    for i, envelope in enumerate([register, *(reg for _, reg in payees)]):
        submit(apis[i % len(apis)], envelope)

    flows = [work.mint(rich, ntd(1_000_000)),                   # LARGE_VALUE
             work.transfer(rich, payees[0][0], ntd(450_000)),    # near-threshold piece
             work.transfer(rich, payees[1][0], ntd(450_000))]    # STRUCTURING, PASS_THROUGH
    flows += [work.transfer(rich, holder, ntd(100)) for holder, _ in payees[2:]]  # FAN_OUT
    tx_ids = [submit(apis[i % len(apis)], envelope)["tx_id"]
              for i, envelope in enumerate(flows)]

    flags: dict[str, dict[str, list[str]]] = {tx: {} for tx in tx_ids}
    receipts: dict[str, dict[str, dict[str, Any]]] = {tx: {} for tx in tx_ids}
    for validator in genesis.validators:
        holder = WalletClient(validator.api)
        holder.login(rich.signer.key)  # a holder reads its own receipts
        for tx in tx_ids:
            receipt = read_until_found(holder, f"/v1/transactions/{tx}?wait_s=10")["receipt"]
            flags[tx][validator.api], receipts[tx][validator.api] = receipt["flags"], receipt
        holder.close()
    observer_api = genesis.observers[0].api
    regulator = WalletClient(observer_api)
    regulator.login(keys.roles["regulator"], "regulator")
    for tx in tx_ids:
        receipt = read_until_found(regulator, f"/v1/regulator/transactions/{tx}")["bundle"][
            "receipt"]
        flags[tx][observer_api], receipts[tx][observer_api] = receipt["flags"], receipt

    for tx in tx_ids:
        assert len(flags[tx]) == len(genesis.validators) + 1
        assert len({tuple(f) for f in flags[tx].values()}) == 1, (tx, flags[tx])
        assert all(r == receipts[tx][observer_api] for r in receipts[tx].values())
    seen = [flag for tx in tx_ids for flag in flags[tx][observer_api]]
    assert {"LARGE_VALUE", "STRUCTURING", "FAN_OUT"} <= set(seen), seen
    assert flags[tx_ids[0]][observer_api] == ["LARGE_VALUE"]
    assert "FAN_OUT" in flags[tx_ids[-1]][observer_api]

    # The observer's alert queue has one alert per (flag, transaction).
    expected = sorted((flag, tx) for tx in tx_ids for flag in flags[tx][observer_api])
    deadline = time.monotonic() + 30
    while True:
        items = regulator.request("GET", "/v1/regulator/supervision/alerts",
                                  params={"source": "receipt_flag", "limit": 200})["items"]
        stored = sorted((a["rule"], a["tx_ids"][0]) for a in items
                        if a["tx_ids"][0] in flags)
        if stored == expected or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    assert stored == expected
    regulator.close()
