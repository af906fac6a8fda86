"""The gateway and the ccp transactor on a node without the wallet API (raw mode): nonces are
learnt from the chain's NONCE_* answers, calls from the service's own receipts, and the chain's
refusal tells a met call from one to liquidate."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from starlette.routing import Mount

from ledger.collateral.valuation import compute_required_pledge
from nodes.clearing.service import HttpChainGateway, MarginService
from nodes.clearing.service.gateway import API_MODE, RAW_MODE
from nodes.clearing.service.transactor import get_next_nonce_hint
from nodes.metrics import NodeMetrics
from nodes.node_main import make_status_app
from tests.nodes.clearing.service.desk import Desk, get_histories


@pytest.fixture
def raw(desk: Desk) -> MarginService:
    """A margin service reaching the same node through the bare node app under /raw."""
    bare = make_status_app(desk.node.service.status, NodeMetrics(), desk.node.service)
    desk.http.app.router.routes.append(Mount("/raw", bare))  # type: ignore[attr-defined]
    key = desk.node.keys.roles["ccp"]
    gateway = HttpChainGateway("http://testserver/raw", key, http=desk.http, wait_s=10)
    return MarginService(desk.node.genesis, key, gateway, histories=get_histories())


def test_modes(desk: Desk, raw: MarginService) -> None:
    assert desk.gateway.connect() == API_MODE
    assert raw.gateway.connect() == RAW_MODE
    assert raw.gateway.get_collateral_report() is None
    assert raw.gateway.get_settlement("VM-1") == (False, None)
    status = desk.gateway.get_collateral_status()
    assert status is not None and status["ccp_account"] == desk.ccp.account
    assert status["ccp_account_registered"] and status["call_deadline_ms"] == 2_000


def test_next_nonce_hint() -> None:
    assert get_next_nonce_hint("nonce 1 already used by ccp; next nonce is 3") == 3
    assert get_next_nonce_hint("something else") is None


def test_stale_nonce_is_resynchronised_from_the_chain(desk: Desk, raw: MarginService) -> None:
    ccp = desk.node.work.role("ccp")
    desk.ok(desk.node.work.set_haircut(200, "CCP risk committee 2026-11"),
            desk.node.work.set_haircut(200, "CCP risk committee 2026-11 (confirmed)"))
    assert ccp.next_nonce == 3
    desk.pledge(desk.alpha, 400_000_000)
    run = raw.set_positions(desk.alpha.account, {"TX": 10})
    (outcome,) = run.outcomes
    assert outcome.applied, outcome.to_json()  # first try NONCE_REUSED, then nonce 3
    assert raw.transactor.next_nonce == 4
    assert desk.node.service.state.roles["ccp"].nonce == 3


def test_raw_mode_liquidates_the_unmet_call_and_learns_the_met_one(
        desk: Desk, raw: MarginService) -> None:
    for member in (desk.alpha, desk.beta):
        raw.set_positions(member.account, {"TX": 10}, post=False)
        requirement = raw.compute_requirement(member.account).requirement
        desk.pledge(member, compute_required_pledge(requirement, 200) * 101 // 100)
    raw.post_requirements()
    shock = raw.post_prices({"TX": Decimal(18_700)})
    calls = {e["account"]: e for o in shock.outcomes for e in o.get_effects("margin_call")}
    assert set(calls) == {desk.alpha.account, desk.beta.account}
    desk.pledge(desk.alpha, int(desk.report(desk.alpha)["pledge_to_cover"]))  # alpha covers

    deadline = max(c.deadline_ms for c in raw.calls.values())
    time.sleep(max(0.0, (deadline + raw.liquidation_grace_ms) / 1000 - time.time()) + 0.05)
    outcomes = raw.watch_once()
    by_call = {o.body["call_id"]: o for o in outcomes}
    met = by_call[calls[desk.alpha.account]["ref"]]
    taken = by_call[calls[desk.beta.account]["ref"]]
    assert (met.status, met.reason) == ("rejected", "INVALID_STATE")
    assert taken.applied and taken.get_effects("liquidate")[0]["amount"] == \
        calls[desk.beta.account]["amount"]
    assert raw.calls[met.body["call_id"]].status == "met"
    assert raw.calls[taken.body["call_id"]].status == "liquidated"
    assert raw.watch_once() == []
