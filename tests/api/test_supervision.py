"""``/v1/regulator/supervision`` through the regulator app, in process: alerts for flagged
transactions, the case workflow (the one write the observer accepts), report exports with real
names, and who may do what."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.apps import create_regulator_app
from api.auth import Principal, Role
from api.sdk.client import ApiProblem, WalletClient
from ledger.types import ntd
from nodes.regulator.supervision import AlertQueue
from nodes.regulator.supervision.calendar import compute_due_date, get_taipei_date
from tests.api.helpers import (
    ALICE,
    BOB,
    assert_problem,
    bank_client,
    onboard,
    regulator_client,
    wallet_client,
)
from tests.api.node import NodeHarness, make_node
from tests.nodes.regulator.supervision.helpers import FakeClock

BASE = "/reg/v1/regulator/supervision"
SUP = "/v1/regulator/supervision"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Alice (bank A) is minted NT$600,000 and passes NT$550,000 to Bob (bank A); the
    regulator then freezes Bob. The observer's queue takes every block of the node's store.
    Tests run in file order: the PASS_THROUGH case stays open until the report test."""
    node = make_node(tmp_path_factory.mktemp("supervision"))
    apps = node.make_apps()
    clock = FakeClock()
    queue = AlertQueue.open(node.store.engine, clock=clock)
    node.regulator.state.supervision = queue
    with TestClient(apps, raise_server_exceptions=False) as client:
        alice_key, alice = onboard(client, node, "BANK-A", ALICE)
        bob_key, bob = onboard(client, node, "BANK-A", BOB)
        bank_client(client, node, "BANK-A").mint(
            alice, node.work.deposit_receipt("BANK-A", ntd(600_000)))
        wallet = wallet_client(client, alice_key)
        transfer = wallet.send(wallet.build_transfer(wallet.signer(alice_key), bob,
                                                     ntd(550_000)))
        freeze = node.work.role("regulator").sign("freeze", {
            "order_id": "FSC-2026-0042", "legal_basis": "洗錢防制法第15條", "account": bob})
        assert wallet.submit(freeze, wait_s=10)["receipt"]["status"] == "applied"
        queue.catch_up(node.store)
        yield {"client": client, "node": node, "queue": queue, "clock": clock,
               "alice": alice, "alice_key": alice_key, "bob": bob, "bob_key": bob_key,
               "transfer": transfer, "regulator": regulator_client(client, node)}


def alerts(world: dict[str, Any], **params: Any) -> dict[str, Any]:
    return dict(world["regulator"].request("GET", f"{SUP}/alerts", params=params))


def find(world: dict[str, Any], rule: str) -> dict[str, Any]:
    return next(a for a in alerts(world)["items"] if a["rule"] == rule)


def test_flagged_transactions_and_orders_appear_as_alerts(world: dict[str, Any]) -> None:
    items = alerts(world)["items"]
    assert sorted(a["rule"] for a in items) == [
        "LARGE_VALUE", "LARGE_VALUE", "ORDER_FREEZE", "PASS_THROUGH"]
    transfer = world["transfer"]
    large = [a for a in items if a["rule"] == "LARGE_VALUE"]
    assert transfer.tx_id in {a["tx_ids"][0] for a in large}
    passed = find(world, "PASS_THROUGH")
    assert passed["tx_ids"] == [transfer.tx_id] and passed["height"] == transfer.height
    assert passed["accounts"] == [world["alice"], world["bob"]]
    assert (passed["category"], passed["status"], passed["source"]) == (
        "suspicion", "open", "receipt_flag")
    order = find(world, "ORDER_FREEZE")
    assert (order["status"], order["details"]["order_id"], order["details"]["legal_basis"]) == (
        "info", "FSC-2026-0042", "洗錢防制法第15條")


def test_alert_filters_and_paging(world: dict[str, Any]) -> None:
    assert [a["rule"] for a in alerts(world, rule="LARGE_VALUE")["items"]] == ["LARGE_VALUE"] * 2
    assert {a["rule"] for a in alerts(world, account=world["bob"])["items"]} == {
        "LARGE_VALUE", "PASS_THROUGH", "ORDER_FREEZE"}
    assert [a["rule"] for a in alerts(world, status="info")["items"]] == ["ORDER_FREEZE"]
    assert [a["rule"] for a in alerts(world, category="suspicion")["items"]] == ["PASS_THROUGH"]
    t = find(world, "PASS_THROUGH")["time_ms"]
    assert {a["rule"] for a in alerts(world, from_ms=t, to_ms=t + 1)["items"]} == {
        "LARGE_VALUE", "PASS_THROUGH"}
    assert alerts(world, to_ms=0)["items"] == []
    seen, before = [], None
    while True:
        page = alerts(world, limit=1, **({"before": before} if before else {}))
        seen += [a["alert_id"] for a in page["items"]]
        before = page["next_before"]
        if before is None:
            break
    assert seen == [a["alert_id"] for a in alerts(world)["items"]] and len(seen) == 4
    with pytest.raises(ApiProblem) as bad:
        alerts(world, from_ms=10, to_ms=5)
    assert bad.value.code == "MALFORMED_REQUEST"


def test_case_workflow_records_who_and_when(world: dict[str, Any]) -> None:
    client, clock = world["client"], world["clock"]
    token = {"Authorization": f"Bearer {world['regulator']._token}"}
    case = find(world, "LARGE_VALUE")["alert_id"]
    clock.now = 1_790_000_000.0
    response = client.patch(f"{BASE}/cases/{case}", headers=token,
                            json={"status": "under_review", "note": "checking the deposit"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["case"]["status"] == "under_review"
    assert (body["case"]["status_by"], body["case"]["status_at_ms"]) == (
        "regulator", 1_790_000_000_000)
    assert body["allowed_transitions"] == ["reported", "dismissed"]
    clock.now += 120
    client.patch(f"{BASE}/cases/{case}", headers=token, json={"status": "reported"})
    read = world["regulator"].request("GET", f"{SUP}/cases/{case}")
    assert read["case"]["status"] == "reported" and read["allowed_transitions"] == []
    assert [(e["actor"], e["from_status"], e["to_status"], e["note"], e["at_ms"])
            for e in read["history"][1:]] == [
        ("regulator", "open", "under_review", "checking the deposit", 1_790_000_000_000),
        ("regulator", "under_review", "reported", "", 1_790_000_120_000)]
    assert read["history"][0]["actor"] == "observer"
    assert [e["tx_id"] for e in read["evidence"]] == read["case"]["tx_ids"]


def test_invalid_transitions_are_refused_with_problem_json(world: dict[str, Any]) -> None:
    client = world["client"]
    token = {"Authorization": f"Bearer {world['regulator']._token}"}
    passed = find(world, "PASS_THROUGH")["alert_id"]
    problem = assert_problem(client.patch(f"{BASE}/cases/{passed}", headers=token,
                                          json={"status": "reported"}),
                             409, "INVALID_CASE_TRANSITION")
    assert (problem["current_status"], problem["requested_status"]) == ("open", "reported")
    assert "under_review" in problem["detail"]
    order = find(world, "ORDER_FREEZE")["alert_id"]
    assert_problem(client.patch(f"{BASE}/cases/{order}", headers=token,
                                json={"status": "under_review"}), 409, "INVALID_CASE_TRANSITION")
    assert_problem(client.patch(f"{BASE}/cases/{'0' * 32}", headers=token,
                                json={"status": "under_review"}), 404, "UNKNOWN_CASE")
    assert_problem(client.get(f"{BASE}/cases/{'0' * 32}", headers=token), 404, "UNKNOWN_CASE")
    assert_problem(client.patch(f"{BASE}/cases/{passed}", headers=token,
                                json={"status": "open"}), 422, "MALFORMED_REQUEST")
    assert_problem(client.patch(f"{BASE}/cases/{passed}", headers=token,
                                json={"status": "under_review", "extra": 1}),
                   422, "MALFORMED_REQUEST")
    assert find(world, "PASS_THROUGH")["status"] == "open"  # nothing changed


def test_ledger_writes_are_still_refused(world: dict[str, Any]) -> None:
    client = world["client"]
    token = {"Authorization": f"Bearer {world['regulator']._token}"}
    case = find(world, "PASS_THROUGH")["alert_id"]
    for method, path in (("POST", "/reg/v1/transactions"), ("POST", f"{BASE}/cases/{case}"),
                         ("PUT", f"{BASE}/cases/{case}"), ("DELETE", f"{BASE}/cases/{case}"),
                         ("PATCH", f"{BASE}/alerts"), ("PATCH", f"{BASE}/cases/{case}/x"),
                         ("PATCH", "/reg/v1/regulator/accounts/x")):
        response = client.request(method, path, headers=token, json={"status": "under_review"})
        assert_problem(response, 405, "READ_ONLY_NODE")


def test_only_the_regulator_reads_or_changes_cases(world: dict[str, Any]) -> None:
    client, node = world["client"], world["node"]
    case = find(world, "PASS_THROUGH")["alert_id"]
    paths = [f"{BASE}/alerts", f"{BASE}/status", f"{BASE}/cases/{case}",
             f"{BASE}/reports/large-value?period=2026-01",
             f"{BASE}/reports/suspicious-transactions?period=2026-01&format=csv"]
    for path in paths:
        assert_problem(client.get(path), 401, "UNAUTHENTICATED")
    assert_problem(client.patch(f"{BASE}/cases/{case}", json={"status": "under_review"}),
                   401, "UNAUTHENTICATED")
    # Tokens from the bank node (a bank operator, a holder) are not this node's tokens.
    bank = bank_client(client, node, "BANK-A")
    holder = wallet_client(client, world["alice_key"])
    for foreign in (bank._token, holder._token):
        headers = {"Authorization": f"Bearer {foreign}"}
        assert_problem(client.get(paths[0], headers=headers), 401, "UNAUTHENTICATED")
    # A bank or a holder cannot even log in to the regulator app ...
    with pytest.raises(ApiProblem) as refused:
        WalletClient("http://testserver/reg", http=client).login(
            node.keys.bank_operator["BANK-A"], "bank:BANK-A")
    assert refused.value.code == "FORBIDDEN"
    # ... and a token of the regulator app in any other role is refused.
    auth = node.regulator.state.auth
    for principal in (Principal("bank:BANK-A", Role.BANK, "BANK-A"),
                      Principal(world["alice"], Role.HOLDER)):
        headers = {"Authorization": f"Bearer {auth.issue_token(principal, 60)}"}
        for path in paths:
            assert_problem(client.get(path, headers=headers), 403, "FORBIDDEN")
        assert_problem(client.patch(f"{BASE}/cases/{case}", headers=headers,
                                    json={"status": "under_review"}), 403, "FORBIDDEN")
    assert find(world, "PASS_THROUGH")["status"] == "open"


def _period(world: dict[str, Any]) -> str:
    return get_taipei_date(find(world, "PASS_THROUGH")["time_ms"]).strftime("%Y-%m")


def test_large_value_report_with_real_names(world: dict[str, Any]) -> None:
    regulator = world["regulator"]
    report = regulator.request("GET", f"{SUP}/reports/large-value",
                               params={"period": _period(world)})
    assert len(report["items"]) == 2
    moved = next(i for i in report["items"] if i["kind"] == "transfer")
    assert (moved["tx_id"], moved["amount"], moved["amount_ntd"]) == (
        world["transfer"].tx_id, "55000000", "550000.00")
    tx_date = get_taipei_date(moved["time_ms"])
    assert moved["transaction_date"] == tx_date.isoformat()
    assert moved["due_date"] == compute_due_date(tx_date, 5).isoformat()
    payer, payee = moved["parties"]
    assert (payer["role"], payer["identity"]["name"], payer["identity"]["national_id"]) == (
        "payer", ALICE["name"], ALICE["national_id"])
    assert (payee["role"], payee["identity"]["name"], payee["identity"]["address"]) == (
        "payee", BOB["name"], BOB["address"])

    response = world["client"].get(
        f"{BASE}/reports/large-value", params={"period": _period(world), "format": "csv"},
        headers={"Authorization": f"Bearer {regulator._token}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["party_role"], r["name"]) for r in rows] == [
        ("recipient", ALICE["name"]), ("payer", ALICE["name"]), ("payee", BOB["name"])]
    assert rows[2]["national_id"] == BOB["national_id"] and rows[2]["amount"] == "55000000"
    assert rows[2]["due_date"] == moved["due_date"]
    empty = regulator.request("GET", f"{SUP}/reports/large-value", params={"period": "2025-06"})
    assert empty["items"] == []


def test_suspicious_transaction_report(world: dict[str, Any]) -> None:
    regulator, clock = world["regulator"], world["clock"]
    case = find(world, "PASS_THROUGH")
    report = regulator.request("GET", f"{SUP}/reports/suspicious-transactions",
                               params={"period": _period(world)})
    (item,) = report["items"]
    detected = get_taipei_date(case["time_ms"])
    assert (item["case_id"], item["detection_date"], item["due_date"]) == (
        case["alert_id"], detected.isoformat(), compute_due_date(detected, 2).isoformat())
    assert [s["identity"]["name"] for s in item["subjects"]] == [ALICE["name"], BOB["name"]]
    assert [e["tx_id"] for e in item["evidence"]] == [world["transfer"].tx_id]
    assert regulator.request("GET", f"{SUP}/reports/suspicious-transactions",
                             params={"period": _period(world), "status": "reported"}
                             )["items"] == []
    # The regulator reviews and reports it; the export says who, when and whether on time.
    clock.now = case["time_ms"] / 1000 + 3600
    for status, note in (("under_review", "mule pattern"), ("reported", "STR filed")):
        regulator.request("PATCH", f"{SUP}/cases/{case['alert_id']}",
                          json={"status": status, "note": note})
    (item,) = regulator.request("GET", f"{SUP}/reports/suspicious-transactions",
                                params={"period": _period(world), "status": "reported"})["items"]
    assert (item["reported_by"], item["reported_on_time"], item["overdue"]) == (
        "regulator", True, False)
    assert [n["note"] for n in item["notes"]] == ["mule pattern", "STR filed"]
    response = world["client"].get(
        f"{BASE}/reports/suspicious-transactions",
        params={"period": _period(world), "format": "csv"},
        headers={"Authorization": f"Bearer {regulator._token}"})
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["account"], r["name"], r["status"]) for r in rows] == [
        (world["alice"], ALICE["name"], "reported"), (world["bob"], BOB["name"], "reported")]
    assert rows[0]["notes"] == "regulator: mule pattern | regulator: STR filed"


def test_bad_report_requests(world: dict[str, Any]) -> None:
    client = world["client"]
    headers = {"Authorization": f"Bearer {world['regulator']._token}"}
    for params in ({}, {"period": "2026-13"}, {"period": "2026-02-01..2026-01-01"},
                   {"period": "2026-01", "format": "xml"}):
        assert_problem(client.get(f"{BASE}/reports/large-value", params=params,
                                  headers=headers), 422, "MALFORMED_REQUEST")


def test_queue_status(world: dict[str, Any]) -> None:
    status = world["regulator"].request("GET", f"{SUP}/status")
    tip = world["node"].store.tip_height()
    assert status["seen_height"] == status["flags_height"] == tip
    assert status["degraded"] == "" and sum(status["cases"].values()) == 4


def test_a_node_without_a_queue_says_so(tmp_path: Path) -> None:
    node: NodeHarness = make_node(tmp_path)
    app = create_regulator_app(node.service, node.keys.regulator_sealing)
    with TestClient(app, raise_server_exceptions=False) as client:
        regulator = WalletClient("http://testserver", http=client)
        regulator.login(node.keys.roles["regulator"], "regulator")
        with pytest.raises(ApiProblem) as missing:
            regulator.request("GET", f"{SUP}/alerts")
        assert missing.value.code == "NOT_FOUND" and "observer" in missing.value.detail


def test_fuzzed_supervision_requests_get_documented_answers(world: dict[str, Any]) -> None:
    """Schemathesis over the supervision operations with a real queue behind them."""
    from api.settings import get_settings
    from tests.api.test_openapi_fuzz import fuzz_app, fuzz_settings

    node, queue = world["node"], world["queue"]
    app = create_regulator_app(node.service, node.keys.regulator_sealing)
    app.state.supervision = queue
    app.dependency_overrides[get_settings] = fuzz_settings
    token = app.state.auth.issue_token(Principal("regulator", Role.REGULATOR), 3600)
    operations = fuzz_app({"apps": {"regulator": app}, "tokens": {"regulator": token}},
                          "regulator", path_regex=f"^{SUP}/")
    assert len(operations) == 6 and f"PATCH {SUP}/cases/{{case_id}}" in operations
