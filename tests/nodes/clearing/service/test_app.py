"""The margin service's HTTP API: validation as problem+json, the operator token, reports in
JSON and CSV, events."""

from __future__ import annotations

from fastapi.testclient import TestClient

from nodes.clearing.service import create_clearing_app
from tests.api.helpers import assert_problem
from tests.nodes.clearing.service.desk import Desk


def test_bad_requests_are_problems(desk: Desk) -> None:
    member = desk.alpha.account
    url = f"/v1/members/{member}/positions"
    assert_problem(desk.clearing.put(url, json={"positions": {"ES": 1}}), 422,
                   "INVALID_MARGIN_INPUT")
    assert_problem(desk.clearing.put(url, json={"positions": {"TX": 1.5}}), 422,
                   "MALFORMED_REQUEST")
    assert_problem(desk.clearing.put("/v1/members/nobody/positions",
                                     json={"positions": {"TX": 1}}), 422, "MALFORMED_REQUEST")
    assert_problem(desk.clearing.post("/v1/prices", json={"prices": {"TX": 17250.5}}), 422,
                   "MALFORMED_REQUEST")  # a float price never gets in
    assert_problem(desk.clearing.post("/v1/prices", json={"prices": {"TX": "17250.5"}}), 422,
                   "INVALID_MARGIN_INPUT")  # off the 1-point tick
    problem = assert_problem(desk.clearing.post("/v1/prices", json={"prices": {
        "BTCSQ": "3000000"}}), 422, "INVALID_MARGIN_INPUT")
    assert "financing" in problem["detail"]
    assert_problem(desk.clearing.get(f"/v1/members/{member}/requirement"), 404, "UNKNOWN_MEMBER")
    assert desk.service.books.members == {}  # nothing booked by any refusal


def test_operator_token_guards_writes(desk: Desk) -> None:
    app = create_clearing_app(desk.service, token="s3cret")
    with TestClient(app, raise_server_exceptions=False) as client:
        body = {"positions": {"TX": 1}, "post": False}
        url = f"/v1/members/{desk.alpha.account}/positions"
        assert_problem(client.put(url, json=body), 401, "UNAUTHENTICATED")
        assert_problem(client.put(url, json=body, headers={"Authorization": "Bearer nope"}),
                       401, "UNAUTHENTICATED")
        ok = client.put(url, json=body, headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200 and ok.json()["transactions"] == []
        assert client.get("/v1/status").status_code == 200  # reads stay open


def test_reports_and_events(desk: Desk) -> None:
    desk.pledge(desk.alpha, 50_000_000)
    desk.clearing.put(f"/v1/members/{desk.alpha.account}/positions",
                      json={"positions": {"TX": 10}})  # under-collateralised: a call opens
    report = desk.clearing.get("/v1/reports/collateral").json()
    (member,) = report["members"]
    assert member["account"] == desk.alpha.account and member["status"] == "called"
    csv = desk.clearing.get("/v1/reports/collateral", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    header, row = csv.text.splitlines()
    assert header.startswith("account,account_kind,home_bank,status") and "called" in row
    weekly = desk.clearing.get("/v1/reports/weekly").json()
    assert weekly["calls"]["opened"] == 1 and weekly["report"] == "ntdc-collateral-weekly"
    weekly_csv = desk.clearing.get("/v1/reports/weekly", params={"format": "csv"}).text
    assert weekly_csv.startswith("section,") and "\ncall," in weekly_csv
    margin = desk.clearing.get("/v1/reports/margin").json()
    (figures,) = margin["members"]
    assert set(figures["computed"]) == {"HS-ES", "SPAN"}
    assert figures["posted_requirement"] == figures["computed"]["HS-ES"]
    events = desk.clearing.get("/v1/events").json()["events"]
    assert [e["kind"] for e in events] == ["call_opened"]
    assert desk.clearing.get("/v1/events", params={"since": events[-1]["seq"]}).json() == {
        "events": []}
    status = desk.clearing.get("/v1/status").json()
    assert status["mode"] == "api" and status["ccp_account"] == desk.ccp.account
    assert status["history"]["source"] == "seeded" and status["history"]["days"] == 1_252
    assert status["open_calls"] == [member["open_call"]["call_id"]]
