"""``ntdc network load``: pre-fund accounts, push signed transfers through every bank's wallet
API, wait for finality, and report throughput and latency.

Transfers are signed before the clock starts (signing is the wallets' work, not the chain's).
Each sender submits to its own bank's node, so its nonces arrive in order. A transfer counts when
it is final and durable on the node it was submitted to; latency is measured by that node from
admission to commit and read back from its status.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from ledger.types import AccountKind
from nodes.launcher.keys import load_network
from nodes.workload import Holder, Workload

BATCH = 250


@dataclass
class LoadResult:
    submitted: int
    finalized: int
    """Transfers final and applied (rejected ones are in ``rejected``, not here)."""
    refused: int
    rejected: dict[str, int]
    """Transfers final but rejected by the ledger, by reason (must be empty)."""
    duration_s: float
    tps: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    heights: dict[str, int]
    digests_agree: bool

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


async def _post_batch(client: httpx.AsyncClient, api: str | list[str],
                      envelopes: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Submit to the first reachable node of ``api`` (a wallet fails over to another bank)."""
    candidates = [api] if isinstance(api, str) else api
    for index, base in enumerate(candidates):
        try:
            response = await client.post(f"{base}/v1/transactions/batch",
                                         json={"transactions": envelopes}, timeout=60)
        except httpx.TransportError:
            if index == len(candidates) - 1:
                raise
            continue
        response.raise_for_status()
        body = response.json()
        return body["refused"], [i["tx_id"] for i in body["items"] if i["accepted"]]
    raise RuntimeError("no node to submit to")


async def _latency(client: httpx.AsyncClient, api: str, since: int) -> dict[str, Any]:
    response = await client.get(f"{api}/v1/metrics/finality", params={"since": since},
                                timeout=30)
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]


async def _wait_final(client: httpx.AsyncClient, api: str, since: int, expected: int,
                      timeout_s: float) -> dict[str, Any]:
    """Poll until ``expected`` transactions admitted at ``api`` since ``since`` are final
    (a node that went away reports what it had, or nothing)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            summary = await _latency(client, api, since)
        except httpx.TransportError:
            return {"count": 0, "samples_ms": []}
        if len(summary["samples_ms"]) >= expected or time.monotonic() > deadline:
            return summary
        await asyncio.sleep(0.05)


def _add_rejected(total: dict[str, int], summary: dict[str, Any]) -> None:
    for reason, count in summary.get("rejected", {}).items():
        total[reason] = total.get(reason, 0) + count


def continue_from_chain(work: Workload, apis: dict[str, str], seed: int) -> None:
    """Make this run's transactions new to a chain that earlier runs already used.

    Bank operators continue from the nonce the chain last consumed for them (read with the
    operator's own login). Deposit receipts, signed here in the custodian's name, take their
    ids and sequence numbers from a range derived from the run's seed (< 2^53, as the ledger
    requires), so they cannot collide with an earlier run's."""
    from api.sdk.client import BankClient

    for bank, api in apis.items():
        with BankClient(api) as client:
            client.login(work.keys.bank_operator[bank], f"bank:{bank}")
            work.banks[bank].next_nonce = int(client.operator()["nonce"]) + 1
    work.custodian_seq = (seed % 2**32) << 20


def compute_percentile(ordered: list[float], q: int) -> float | None:
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, (len(ordered) * q) // 100)], 2)


def _sign_fundings(work: Workload, accounts_per_bank: int, amount: int
                   ) -> dict[str, list[dict[str, Any]]]:
    per_bank: dict[str, list[dict[str, Any]]] = {b: [] for b in work.banks}
    for bank in work.banks:
        for _ in range(accounts_per_bank):
            holder, register = work.new_holder(bank, AccountKind.INDIVIDUAL)
            per_bank[bank].append(register)
            per_bank[bank].append(work.mint(holder, amount))
    return per_bank


async def _post_single(client: httpx.AsyncClient, apis: list[str],
                       envelopes: list[dict[str, Any]], concurrency: int = 16
                       ) -> tuple[int, list[str]]:
    """Submit one transaction per HTTP request, ``concurrency`` requests in flight."""
    gate = asyncio.Semaphore(concurrency)
    refused = 0
    ids: list[str] = []

    async def one(envelope: dict[str, Any]) -> None:
        nonlocal refused
        async with gate:
            for base in apis:
                try:
                    response = await client.post(f"{base}/v1/transactions", json=envelope,
                                                 timeout=60)
                    break
                except httpx.TransportError:
                    continue
            else:
                refused += 1
                return
            if response.status_code in (200, 202):
                ids.append(response.json()["tx_id"])
            else:
                refused += 1

    # A sender's transactions must arrive in nonce order: keep each sender on one lane.
    lanes: dict[str, list[dict[str, Any]]] = {}
    for envelope in envelopes:
        lanes.setdefault(envelope["signer"], []).append(envelope)

    async def lane(items: list[dict[str, Any]]) -> None:
        for envelope in items:
            await one(envelope)

    await asyncio.gather(*(lane(items) for items in lanes.values()))
    return refused, ids


async def run_load(directory: Path, transfers: int, accounts: int = 400, rate: float = 0.0,
                   seed: int = 42, transfers_started: Any = None,
                   single: bool = False, window: int = 8000) -> LoadResult:
    """Run the load; ``transfers_started`` (e.g. a threading.Event) is set when the timed
    transfer phase begins, so a test can inject faults under load. At most ``window``
    transactions are in flight (admitted, not yet final) over the whole network, as wallets
    that wait for their payments keep it; 0 means no limit."""
    genesis, keys = load_network(directory)
    work = Workload(genesis, keys, seed=seed)
    apis = {v.bank_id: v.api for v in genesis.validators}
    await asyncio.to_thread(continue_from_chain, work, apis, seed)
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=64)) as client:
        # Pre-fund: register and mint for every holder through its own bank's node.
        fundings = _sign_fundings(work, max(2, accounts // len(apis)), 10_000_000)
        for bank, envelopes in fundings.items():
            since = (await _latency(client, apis[bank], 0))["count"]
            admitted = 0
            for start in range(0, len(envelopes), BATCH):
                _, accepted = await _post_batch(client, apis[bank], envelopes[start:start + BATCH])
                admitted += len(accepted)
            if admitted < len(envelopes):
                raise RuntimeError(
                    f"{bank} refused {len(envelopes) - admitted} of {len(envelopes)} funding "
                    f"transactions (same --seed as an earlier load on this network?)")
            funded = await _wait_final(client, apis[bank], since, admitted, 120)
            if funded.get("rejected"):
                raise RuntimeError(f"the ledger rejected funding transactions at {bank}: "
                                   f"{funded['rejected']}")
        # Sign every transfer up front; a sender's transfers go to its own bank's node.
        by_bank: dict[str, list[dict[str, Any]]] = {b: [] for b in apis}
        holders: list[Holder] = work.holders
        for _ in range(transfers):
            sender, receiver = work.rng.sample(holders, 2)
            by_bank[sender.bank].append(work.transfer(sender, receiver, work.rng.randint(1, 500)))
        before = {b: (await _latency(client, api, 0))["count"] for b, api in apis.items()}
        started = time.monotonic()
        if transfers_started is not None:
            transfers_started.set()
        refused = 0
        accepted_ids: dict[str, list[str]] = {b: [] for b in apis}

        async def pump(bank: str) -> None:
            nonlocal refused
            envelopes = by_bank[bank]
            if single:
                order = [apis[bank]] + [a for b, a in apis.items() if b != bank]
                bad, ids = await _post_single(client, order, envelopes)
                refused += bad
                accepted_ids[bank].extend(ids)
                return
            per_node = max(BATCH, window // len(apis)) if window > 0 else 0
            final_seen = 0
            sent = 0
            while sent < len(envelopes):
                while per_node and len(accepted_ids[bank]) - final_seen > per_node:
                    try:
                        summary = await _latency(client, apis[bank], before[bank] + final_seen)
                    except httpx.TransportError:
                        break  # the node went away; its successor takes the rest
                    final_seen += len(summary["samples_ms"])
                    await asyncio.sleep(0.02)
                count = BATCH
                if rate > 0:
                    # Open loop: transfer i of this bank arrives at started + i·banks/rate, the
                    # way wallets pay one by one; send whatever has arrived (at most BATCH)
                    # instead of bursts that would queue behind each other.
                    due = min(len(envelopes),
                              int((time.monotonic() - started) * rate / len(apis)) + 1)
                    if due <= sent:
                        await asyncio.sleep(started + sent * len(apis) / rate - time.monotonic())
                        continue
                    count = min(BATCH, due - sent)
                order = [apis[bank]] + [a for b, a in apis.items() if b != bank]
                bad, ids = await _post_batch(client, order, envelopes[sent:sent + count])
                sent += count
                refused += bad
                accepted_ids[bank].extend(ids)

        await asyncio.gather(*(pump(b) for b in apis))
        summaries = await asyncio.gather(*(
            _wait_final(client, apis[b], before[b], len(accepted_ids[b]), 300) for b in apis))
        duration = time.monotonic() - started
        samples = sorted(x for s in summaries for x in s["samples_ms"])
        rejected: dict[str, int] = {}
        for summary in summaries:
            _add_rejected(rejected, summary)
        finalized = len(samples) - sum(rejected.values())
        await asyncio.sleep(0.5)  # let the observer verify the last blocks
        statuses = []
        for api in [*(v.api for v in genesis.validators), *(o.api for o in genesis.observers)]:
            try:
                body = (await client.get(f"{api}/v1/status")).json()
            except httpx.TransportError:
                continue  # a node that is down (e.g. killed by a test) has nothing to say
            statuses.append({**body, **body.get("details", {})})

    submitted = sum(len(v) for v in by_bank.values())
    return LoadResult(
        submitted=submitted, finalized=finalized, refused=refused, rejected=rejected,
        duration_s=round(duration, 3), tps=round(finalized / duration, 1),
        p50_ms=compute_percentile(samples, 50), p95_ms=compute_percentile(samples, 95),
        p99_ms=compute_percentile(samples, 99),
        heights={s["name"]: s["height"] for s in statuses},
        digests_agree=len({(s["height"], s["state_digest"]) for s in statuses}) == 1,
    )


def print_result(result: LoadResult, json_path: Path | None) -> str:
    text = (f"{result.finalized}/{result.submitted} transfers final in {result.duration_s:.2f} s: "
            f"{result.tps:.0f} tx/s; latency p50 {result.p50_ms} ms, p95 {result.p95_ms} ms, "
            f"p99 {result.p99_ms} ms; refused {result.refused}; "
            f"rejected {sum(result.rejected.values())}"
            f"{' ' + str(result.rejected) if result.rejected else ''}; "
            f"nodes agree: {result.digests_agree}")
    if json_path is not None:
        json_path.write_text(json.dumps(result.to_json(), indent=2))
    return text
