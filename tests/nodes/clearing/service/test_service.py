"""The margin service end to end against an in-process node: positions → requirement on chain;
a price shock → call; a covering pledge → call met; an unmet call → default → liquidation of
exactly the shortfall → close-out; one atomic variation settlement (and a refused one carried
into the next)."""

from __future__ import annotations

import time
from decimal import Decimal

from ledger.collateral.valuation import compute_required_pledge
from nodes.clearing.margin import (
    BTCSQ,
    MTX,
    TX,
    compute_spot_quoted_settlement_price,
)
from nodes.clearing.service import SpotQuote
from nodes.clearing.service.model import MarginMethod
from tests.nodes.clearing.service.desk import DEADLINE_MS, Desk

HAIRCUT_BPS = 200


def book_covered(desk: Desk, positions: dict[str, int], buffer_pct: int = 2) -> int:
    """Book alpha's positions without posting, pledge buffer_pct above the requirement, then
    post; returns the posted requirement."""
    member = desk.alpha
    desk.service.set_positions(member.account, positions, post=False)
    requirement = desk.service.compute_requirement(member.account).requirement
    desk.pledge(member, compute_required_pledge(requirement, HAIRCUT_BPS) * (100 + buffer_pct)
                // 100)
    run = desk.service.post_requirements([member.account])
    assert [o.status for o in run.outcomes] == ["applied"]
    return requirement


def test_positions_put_posts_the_hs_es_requirement_on_chain(desk: Desk) -> None:
    member = desk.alpha.account
    desk.pledge(desk.alpha, 500_000_000)
    response = desk.clearing.put(f"/v1/members/{member}/positions",
                                 json={"positions": {"TX": 10, "MTX": -4, "BTCSQ": 2}})
    assert response.status_code == 200, response.text
    body = response.json()
    (computed,) = body["requirements"]
    (tx,) = body["transactions"]
    assert computed["method"] == "HS-ES" and int(computed["requirement"]) > 0
    assert tx["kind"] == "post_requirement" and tx["status"] == "applied"
    assert body["calls_opened"] == []

    on_chain = desk.report(desk.alpha)
    assert on_chain["requirement"] == computed["requirement"]
    assert on_chain["method"] == "HS-ES" and on_chain["reference"].startswith("HS-ES run MR-")
    assert on_chain["status"] == "good" and on_chain["open_call"] is None

    # Unchanged positions post nothing; SPAN is computed on request, not posted.
    again = desk.clearing.put(f"/v1/members/{member}/positions",
                              json={"positions": {"TX": 10, "MTX": -4, "BTCSQ": 2}}).json()
    assert again["transactions"] == []
    span = desk.clearing.get(f"/v1/members/{member}/requirement", params={"method": "SPAN"})
    assert span.status_code == 200 and span.json()["method"] == "SPAN"
    assert span.json()["requirement"] != computed["requirement"]
    assert desk.report(desk.alpha)["method"] == "HS-ES"


def test_price_shock_opens_a_call_and_a_covering_pledge_closes_it(desk: Desk) -> None:
    before = book_covered(desk, {"TX": 10})
    shock = desk.clearing.post("/v1/prices", json={"prices": {"TX": "18700"}})  # +10%
    assert shock.status_code == 200, shock.text
    result = shock.json()
    (call_id,) = result["calls_opened"]
    requirement = int(result["requirements"][0]["requirement"])
    assert requirement > before

    called = desk.report(desk.alpha)
    assert called["status"] == "called" and called["open_call"]["call_id"] == call_id
    assert int(called["open_call"]["shortfall"]) == requirement - int(called["collateral_value"])
    assert called["open_call"]["deadline_ms"] - called["open_call"]["opened_ms"] == DEADLINE_MS

    cover = desk.pledge(desk.alpha, int(called["pledge_to_cover"]))
    assert [e["ref"] for e in cover.get_effects("margin_call_met")] == [call_id]
    met = desk.report(desk.alpha)
    assert met["status"] == "good" and met["calls"][0]["status"] == "met"
    assert met["calls"][0]["closed_by"] == "pledge"

    # The watcher sees the call met and liquidates nothing.
    assert desk.service.watch_once() == []
    kinds = [e["kind"] for e in desk.service.events]
    assert "call_opened" in kinds and "call_met" in kinds


def test_unmet_call_defaults_and_the_service_liquidates_exactly_the_shortfall(desk: Desk) -> None:
    book_covered(desk, {"TX": 10})
    result = desk.service.post_prices({"TX": Decimal(18_700)})
    (call_id,) = result.to_json()["calls_opened"]
    opened = desk.report(desk.alpha)["open_call"]
    assert desk.service.watch_once() == []  # before the deadline: nothing to do

    time.sleep(max(0.0, (opened["deadline_ms"] + desk.service.liquidation_grace_ms) / 1000
                   - time.time()) + 0.05)
    _, pledged_before = desk.balance(desk.alpha.account)
    ccp_before, _ = desk.balance(desk.ccp.account)
    (liquidation,) = desk.service.watch_once()
    assert liquidation.kind == "liquidate" and liquidation.applied, liquidation.to_json()

    report = desk.report(desk.alpha)
    (call,) = report["defaults"]
    shortfall = int(call["shortfall_at_default"])
    assert call["call_id"] == call_id and report["status"] == "default"
    assert shortfall == int(opened["shortfall"]) > 0
    assert int(call["liquidated"]) == shortfall and call["liquidation_tx"] == liquidation.tx_id
    assert desk.balance(desk.alpha.account)[1] == pledged_before - shortfall
    assert desk.balance(desk.ccp.account)[0] == ccp_before + shortfall
    assert desk.service.watch_once() == []  # one liquidation per default

    closed = desk.service.close_out(desk.alpha.account)
    assert [o.status for o in closed.outcomes] == ["applied"]
    assert closed.outcomes[0].get_effects("default_ended")
    after = desk.report(desk.alpha)
    assert after["status"] == "good" and after["requirement"] == "0"
    assert after["method"] == "CLOSE-OUT"


def test_variation_settlement_moves_every_leg_in_one_transaction(desk: Desk) -> None:
    gamma = desk.new_member("BANK-C")
    service, work = desk.service, desk.node.work
    desk.ok(work.mint(desk.ccp, 100_000_000))  # the CCP pays what its own leg owes
    for member in (desk.alpha, desk.beta, gamma):
        desk.pledge(member, 400_000_000)
    service.set_positions(desk.alpha.account, {"TX": 10, "BTCSQ": 4})
    service.set_positions(desk.beta.account, {"TX": -6, "MTX": -16, "BTCSQ": -4})
    service.set_positions(gamma.account, {"MTX": 1})  # unmatched: the CCP carries the other side
    before = {a: sum(desk.balance(a)) for a in
              (desk.alpha.account, desk.beta.account, gamma.account, desk.ccp.account)}

    response = desk.clearing.post("/v1/settlement-prices", json={
        "prices": {"TX": "17100", "MTX": "17100"},
        "spot_quoted": {"BTCSQ": {"spot": "3100000", "annual_rate_bps": 500,
                                  "days_to_expiry": 90}},
        "settlement_id": "VM-2026-11-20"})
    assert response.status_code == 200, response.text
    result = response.json()
    settlement = result["transactions"][0]
    assert settlement["kind"] == "variation_settlement" and settlement["status"] == "applied"

    btc = compute_spot_quoted_settlement_price(Decimal(3_100_000), 500, 90, Decimal(1))
    assert btc == Decimal(3_138_219)  # spot + 38,219 financing adjustment
    btc_move = 4 * BTCSQ.multiplier_minor_per_point * int(btc - 3_000_000)
    expected = {
        desk.alpha.account: 10 * TX.multiplier_minor_per_point * 100 + btc_move,
        desk.beta.account: -6 * TX.multiplier_minor_per_point * 100
        - 16 * MTX.multiplier_minor_per_point * 100 - btc_move,
        gamma.account: MTX.multiplier_minor_per_point * 100,
        desk.ccp.account: -MTX.multiplier_minor_per_point * 100,
    }
    legs = {leg["account"]: int(leg["amount"]) for leg in result["settlement"]["legs"]}
    assert legs == expected and sum(legs.values()) == 0
    for account, amount in expected.items():
        assert sum(desk.balance(account)) == before[account] + amount, account
    assert all(s["settlement_id"] == "VM-2026-11-20" for s in service.books.settlements)
    assert service.books.settled_marks[BTCSQ.code] == btc
    # Requirements follow the new prices in the same run.
    assert {o["kind"] for o in result["transactions"][1:]} == {"post_requirement"}


def test_refused_settlement_moves_nothing_and_is_carried_into_the_next(desk: Desk) -> None:
    service, work = desk.service, desk.node.work
    poor = desk.new_member("BANK-C", funding=1_000)  # cannot pay its loss
    service.set_positions(desk.alpha.account, {"TX": 1}, post=False)
    service.set_positions(poor.account, {"TX": -1}, post=False)
    before = {a: desk.balance(a) for a in (desk.alpha.account, poor.account)}

    first = service.post_settlement_prices({"TX": Decimal(17_050)}, settlement_id="VM-1")
    assert first.settlement is not None
    assert (first.settlement["status"], first.settlement["reason"]) == (
        "rejected", "SETTLEMENT_UNFUNDED")
    assert {a: desk.balance(a) for a in before} == before  # all or nothing: nothing
    assert service.books.settled_marks[TX.code] == Decimal(17_000)
    assert service.incidents[-1].category == "settlement_refused"
    # The requirements after the refused settlement were still posted (re-signed after the
    # nonce gap the rejection left).
    assert all(o.applied for o in first.outcomes[1:]) and len(first.outcomes) == 3

    desk.ok(work.mint(poor, 10_000_000))
    second = service.post_settlement_prices({"TX": Decimal(17_080)}, settlement_id="VM-2")
    assert second.settlement is not None and second.settlement["status"] == "applied"
    move = 80 * TX.multiplier_minor_per_point  # 17,000 → 17,080: both days in one settlement
    assert sum(desk.balance(desk.alpha.account)) == sum(before[desk.alpha.account]) + move
    assert sum(desk.balance(poor.account)) == sum(before[poor.account]) + 10_000_000 - move
    weekly = service.get_weekly_report(None)
    assert weekly is not None
    assert any(i["category"] == "settlement_refused" for i in weekly["incidents"])
    assert weekly["variation_settlements"]["count"] == 1


def test_span_member_and_spot_quoted_shock(desk: Desk) -> None:
    desk.pledge(desk.beta, 900_000_000)
    run = desk.service.set_positions(desk.beta.account, {"BTCSQ": -10}, MarginMethod.SPAN)
    (posted,) = run.outcomes
    assert posted.applied and posted.body["method"] == "SPAN"
    run = desk.service.post_prices({}, {"BTCSQ": SpotQuote(Decimal(3_600_000), 500, 90)})
    (requirement,) = run.requirements
    assert requirement.method is MarginMethod.SPAN
    assert requirement.prices[BTCSQ.code] == compute_spot_quoted_settlement_price(
        Decimal(3_600_000), 500, 90, Decimal(1))
    assert desk.report(desk.beta)["requirement"] == str(requirement.requirement)
