"""``ntdc clearing measure``: how fast margin calls open and close on a real network.

Against a running network (``ntdc network up --dir DIR``), with the clearing house's margin
service in this process talking to a bank node over HTTP exactly as ``clearing serve`` does:

1. set-up: the CCP's own account (if not registered yet) and a fresh clearing member at the
   node's bank, onboarded and funded through the bank operations API (a bare node: signed
   here); the member holds 10 TX and pledges 2% more than its HS-ES requirement, which the
   service posts (no call);
2. each round: the clearing house posts a TX price ``shock_bps`` higher (``post_prices``, an
   intraday re-mark); the service recomputes HS-ES and posts the requirement; the round's first
   figure is the time from that price post to the final receipt that opened the call (compute
   included). The member then pledges exactly what covers the new requirement; the second figure
   is the time from submitting that pledge to its final receipt that met the call. If the
   network has an observer, the time until the observer's height reaches the call's block is
   recorded too.

Every transaction goes through consensus (4 validators) and is final (committed with a
certificate) on the node that answers. The machine is shared: figures vary from run to run.
"""

from __future__ import annotations

import statistics
import time
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import httpx

from api.sdk.client import ApiProblem, BankClient
from ledger.collateral.valuation import compute_required_pledge
from ledger.genesis import DEFAULT_PARAMS
from ledger.types import AccountKind
from nodes.clearing.margin import ContractCode
from nodes.clearing.service.gateway import API_MODE, HttpChainGateway
from nodes.clearing.service.model import ChainOutcome
from nodes.clearing.service.service import MarginService
from nodes.clearing.service.transactor import compute_outcome
from nodes.launcher.keys import load_network
from nodes.workload import Holder, Workload

TX = ContractCode("TX")
FUNDING = 10_000_000_000
"""NT$100 million of NTDC for the member: enough for every round's pledge."""


def _summary(samples: list[float]) -> dict[str, float | None]:
    if not samples:
        return {"n": 0, "median": None, "p90": None, "min": None, "max": None}
    ordered = sorted(samples)
    return {"n": len(ordered), "median": round(statistics.median(ordered), 3),
            "p90": round(ordered[min(len(ordered) - 1, (len(ordered) * 9) // 10)], 3),
            "min": round(ordered[0], 3), "max": round(ordered[-1], 3)}


def _submit_ok(gateway: HttpChainGateway, envelopes: list[dict[str, Any]],
               allow: tuple[str, ...] = ()) -> list[ChainOutcome]:
    outcomes = [compute_outcome(e["kind"], e["body"], s)
                for e, s in zip(envelopes, gateway.submit(envelopes), strict=True)]
    for outcome in outcomes:
        if not outcome.applied and outcome.reason not in allow:
            raise RuntimeError(f"set-up {outcome.kind} failed: {outcome.status} "
                               f"{outcome.reason} {outcome.message}")
    return outcomes


def _onboard_through_bank(node_url: str, work: Workload, bank: str, ccp: Holder,
                          member: Holder, status: dict[str, Any] | None) -> None:
    """Register the CCP account (if needed) and the member, and mint, via the bank API."""
    client = BankClient(node_url, timeout_s=60)
    client.login(work.keys.bank_operator[bank], f"bank:{bank}")
    try:
        if status is not None and not status["ccp_account_registered"]:
            _onboard(client, ccp, "ccp", "Clearing House", "CCP-0001")
        _onboard(client, member, "clearing_member", f"Measure Futures {work.seed}",
                 f"M{work.seed}")
        minted = client.mint(member.account, work.deposit_receipt(bank, FUNDING), wait_s=30)
        if minted["status"] != "final":
            raise RuntimeError(f"mint not final: {minted}")
    except ApiProblem as exc:
        raise RuntimeError(f"set-up through the bank API failed: {exc}") from None
    finally:
        client.close()


def _onboard(client: BankClient, holder: Holder, kind: str, name: str, national_id: str) -> None:
    dossier = {"name": name, "national_id": national_id[:32], "birth_date": "1998-01-01",
               "address": "100 Roosevelt Rd, Taipei"}
    result = client.onboard(str(holder.signer.key.public_key()), dossier, kind, wait_s=30)
    if result["status"] != "final":
        raise RuntimeError(f"onboarding {holder.account} not final: {result}")


def _wait_observer(http: httpx.Client, url: str, height: int, timeout_s: float = 30) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if int(http.get(f"{url}/v1/status").json().get("height", 0)) >= height:
                return True
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.01)
    return False


def run_measurement(network_dir: Path, node_url: str | None = None, rounds: int = 10,
                    shock_bps: int = 800, seed: int | None = None) -> dict[str, Any]:
    """Run the rounds and return the figures (seconds) with their context."""
    genesis, keys = load_network(network_dir)
    validator = next((v for v in genesis.validators if v.api == node_url),
                     genesis.validators[0])
    node_url = node_url or validator.api
    bank = validator.bank_id
    seed = seed if seed is not None else int(time.time())
    work = Workload(genesis, keys, seed=seed)
    # Custodian sequence numbers of this run: far from the custodian service's and other runs'.
    work.custodian_seq = 1_000_000_000 + (seed % 1_000_000) * 100
    ccp_key = keys.roles["ccp"]
    gateway = HttpChainGateway(node_url, ccp_key, wait_s=30)
    mode = gateway.connect()
    service = MarginService(genesis, ccp_key, gateway)
    haircut = int(genesis.params.get("collateral_default_haircut_bps",
                                     DEFAULT_PARAMS["collateral_default_haircut_bps"]))
    status = gateway.get_collateral_status()
    if status is not None:
        haircut = int(status["haircut_bps"])

    # Set-up: the CCP's account (once per network), a funded member with 10 TX.
    ccp_holder, register_ccp = work.new_ccp_account(bank)
    member, register = work.new_holder(bank, AccountKind.CLEARING_MEMBER,
                                       f"Measure Futures {seed}")
    if mode == API_MODE:
        _onboard_through_bank(node_url, work, bank, ccp_holder, member, status)
    else:
        # A bare node: the bank's transactions are signed here, from a genesis-fresh nonce.
        _submit_ok(gateway, [register_ccp], allow=("ACCOUNT_EXISTS",))
        _submit_ok(gateway, [register, work.mint(member, FUNDING)])
    service.set_positions(member.account, {TX: 10}, post=False)
    requirement = service.compute_requirement(member.account).requirement
    pledged = compute_required_pledge(requirement, haircut) * 102 // 100
    _submit_ok(gateway, [work.pledge(member, pledged)])
    opening = service.post_requirements([member.account])
    if opening.outcomes and not opening.outcomes[0].applied:
        raise RuntimeError(f"opening requirement refused: {opening.outcomes[0].message}")

    observer = genesis.observers[0].api if genesis.observers else None
    shock_to_call: list[float] = []
    compute_ms: list[float] = []
    call_to_observer: list[float] = []
    pledge_to_close: list[float] = []
    price = service.books.current_prices[TX]
    with httpx.Client(timeout=10) as http:
        for _ in range(rounds):
            price = (price * (10_000 + shock_bps) / 10_000).quantize(Decimal(1), ROUND_HALF_EVEN)
            started = time.perf_counter()
            run = service.post_prices({TX: price})
            called = time.perf_counter()
            posted = [o for o in run.outcomes if o.kind == "post_requirement"]
            calls = [e for o in posted for e in o.get_effects("margin_call")]
            if not calls:
                raise RuntimeError(f"no call at TX {price}: {[o.to_json() for o in posted]}")
            shock_to_call.append(called - started)
            compute_ms.append(run.compute_ms)
            if observer is not None and posted[0].height is not None:
                if _wait_observer(http, observer, posted[0].height):
                    call_to_observer.append(time.perf_counter() - started)
            requirement = int(posted[0].body["requirement"])
            cover = compute_required_pledge(requirement, haircut) - pledged
            envelope = work.pledge(member, cover)
            started = time.perf_counter()
            (outcome,) = _submit_ok(gateway, [envelope])
            closed = time.perf_counter()
            if not outcome.get_effects("margin_call_met"):
                raise RuntimeError(f"pledge did not meet the call: {outcome.to_json()}")
            pledged += cover
            pledge_to_close.append(closed - started)
    gateway.close()
    return {
        "network": str(network_dir), "node": node_url, "mode": mode,
        "reads": mode == API_MODE, "validators": len(genesis.validators),
        "observers": len(genesis.observers), "member": member.account, "rounds": rounds,
        "shock_bps": shock_bps, "method": "HS-ES", "history": service.histories.source,
        "haircut_bps": haircut, "final_tx_price": str(price),
        "seconds": {
            "price_shock_to_call_on_chain": _summary(shock_to_call),
            "price_shock_to_call_on_observer": _summary(call_to_observer),
            "covering_pledge_to_call_closed": _summary(pledge_to_close),
        },
        "margin_compute_ms": _summary(compute_ms),
        "samples": {"price_shock_to_call_on_chain": [round(x, 4) for x in shock_to_call],
                    "covering_pledge_to_call_closed": [round(x, 4) for x in pledge_to_close]},
    }
