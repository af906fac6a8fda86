"""Schemathesis against ``/v1/collateral`` on a bank node with real collateral in the state (a
call met, a default liquidated, a settlement): no server error, and every answer matches the
documented schemas (so the response models mirror ledger/collateral/reports.py exactly)."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.auth import Principal, Role
from ledger.collateral.valuation import compute_required_pledge
from tests.nodes.clearing.service.desk import Desk

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
FUZZ = settings(max_examples=15, deadline=None, derandomize=True, database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck))


def make_history(desk: Desk) -> None:
    """alpha: a call met by a pledge; beta: a call defaulted and liquidated; one settlement."""
    service = desk.service
    for member in (desk.alpha, desk.beta):
        service.set_positions(member.account, {"TX": 10}, post=False)
        requirement = service.compute_requirement(member.account).requirement
        desk.pledge(member, compute_required_pledge(requirement, 200) * 101 // 100)
    service.set_positions(desk.beta.account, {"TX": -10}, post=False)
    service.post_settlement_prices({"TX": Decimal(17_000)})
    service.post_prices({"TX": Decimal(18_700)})
    alpha = desk.report(desk.alpha)
    if alpha["open_call"]:
        desk.pledge(desk.alpha, int(alpha["pledge_to_cover"]))
    deadline = max(c.deadline_ms for c in service.calls.values())
    time.sleep(max(0.0, (deadline + service.liquidation_grace_ms) / 1000 - time.time()) + 0.05)
    service.watch_once()
    service.post_settlement_prices({"TX": Decimal(18_000)}, settlement_id="VM-FUZZ")


def test_collateral_router(desk: Desk) -> None:
    make_history(desk)
    app = desk.node.bank_app("BANK-A")
    token = app.state.auth.issue_token(Principal("ccp", Role.CCP), 3600)
    bearer = {"Authorization": f"Bearer {token}"}
    report = desk.gateway.get_collateral_report()
    assert report is not None and any(m["defaults"] for m in report["members"])
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    fuzzed: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]
        if not operation.path.startswith("/v1/collateral"):
            continue
        fuzzed.append(operation.label)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode), with_token=st.booleans())
            @FUZZ
            def run(case: Any, with_token: bool) -> None:
                case.call_and_validate(headers=bearer if with_token else {}, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                continue
    assert len(fuzzed) == 5
    # The populated documents themselves validate against the response models.
    for path, parameters in (
            ("/v1/collateral/report", {}), ("/v1/collateral/weekly", {}),
            ("/v1/collateral/members/{account_id}", {"account_id": desk.beta.account}),
            ("/v1/collateral/members/{account_id}", {"account_id": desk.alpha.account}),
            ("/v1/collateral/settlements/{settlement_id}", {"settlement_id": "VM-FUZZ"})):
        case = schema[path]["GET"].Case(headers=bearer, path_parameters=parameters)
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code == 200, response.text
