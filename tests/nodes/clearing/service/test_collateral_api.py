"""The node's ``/v1/collateral`` router (api/routers/collateral.py), which the margin service
reads: only the ccp role and the regulator may read it; reports in JSON and CSV."""

from __future__ import annotations

from decimal import Decimal

import pytest

from api.sdk.client import ApiProblem, WalletClient
from ledger.crypto.keys import PrivateKey, compute_account_id
from tests.api.helpers import assert_problem, bank_client, regulator_client
from tests.nodes.clearing.service.desk import Desk


def ccp_client(desk: Desk, prefix: str = "/a") -> WalletClient:
    client = WalletClient(f"http://testserver{prefix}", http=desk.http)
    client.login(desk.node.keys.roles["ccp"], "ccp")
    return client


def test_only_the_ccp_and_the_regulator_read_collateral(desk: Desk) -> None:
    url = f"/v1/collateral/members/{desk.alpha.account}"
    assert_problem(desk.http.get("/a" + url), 401, "UNAUTHENTICATED")
    holder = WalletClient("http://testserver/a", http=desk.http)
    holder.login(desk.alpha.signer.key)
    bank = bank_client(desk.http, desk.node, "BANK-A")
    for refused in (holder, bank):
        with pytest.raises(ApiProblem) as denied:
            refused.request("GET", url)
        assert (denied.value.status, denied.value.code) == (403, "FORBIDDEN")
    assert ccp_client(desk).request("GET", url)["account"] == desk.alpha.account
    regulator = regulator_client(desk.http, desk.node)
    assert regulator.request("GET", url)["status"] == "good"
    assert regulator.request("GET", "/v1/collateral/report")["members"] == []
    with pytest.raises(ApiProblem) as observer:
        ccp_client(desk, "/reg")  # the observer serves the regulator only
    assert (observer.value.status, observer.value.code) == (403, "FORBIDDEN")


def test_member_lookups_and_settlements(desk: Desk) -> None:
    ccp = ccp_client(desk)
    for account, status, code in (
            ("not-an-account", 422, "MALFORMED_REQUEST"),
            (desk.ccp.account, 404, "UNKNOWN_MEMBER"),
            (compute_account_id(PrivateKey.generate().public_key()), 404, "UNKNOWN_ACCOUNT")):
        with pytest.raises(ApiProblem) as refused:
            ccp.request("GET", f"/v1/collateral/members/{account}")
        assert (refused.value.status, refused.value.code) == (status, code)
    with pytest.raises(ApiProblem) as unknown:
        ccp.request("GET", "/v1/collateral/settlements/VM-1")
    assert unknown.value.code == "UNKNOWN_SETTLEMENT"

    desk.pledge(desk.alpha, 10_000_000)
    desk.pledge(desk.beta, 10_000_000)
    desk.service.set_positions(desk.alpha.account, {"TX": 1}, post=False)
    desk.service.set_positions(desk.beta.account, {"TX": -1}, post=False)
    desk.service.post_settlement_prices({"TX": Decimal(17_010)}, settlement_id="VM-1")
    record = ccp.request("GET", "/v1/collateral/settlements/VM-1")
    assert (record["legs"], record["paid"]) == (2, "200000")
    status = ccp.request("GET", "/v1/collateral/status")
    assert status["ccp_nonce"] == desk.node.service.state.roles["ccp"].nonce > 0
    assert status["members"] == 2 and status["haircut_bps"] == 200


def test_csv_reports(desk: Desk) -> None:
    desk.pledge(desk.alpha, 1_000)
    regulator = regulator_client(desk.http, desk.node)
    headers = {"Authorization": f"Bearer {regulator._token}"}
    report = desk.http.get("/reg/v1/collateral/report", params={"format": "csv"},
                           headers=headers)
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/csv")
    assert report.text.splitlines()[1].startswith(desk.alpha.account)
    weekly = desk.http.get("/reg/v1/collateral/weekly",
                           params={"format": "csv", "week_start_ms": 1_767_225_600_000},
                           headers=headers)
    assert weekly.status_code == 200 and weekly.text.startswith("section,id,account")
    # 2026-01-01 08:00 Taipei is a Thursday: its week starts Monday 2025-12-29 00:00 Taipei.
    assert "collateral-weekly-2025-12-29.csv" in weekly.headers["content-disposition"]
