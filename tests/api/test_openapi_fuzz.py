"""Schemathesis (its Python API) against each OpenAPI document (SPEC §10 "Bad input"): generated requests, valid
and invalid, with and without a token, never get a server error and every answer matches the
documented status codes, media types, headers and schemas. Bounded: 30 examples per operation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.apps import create_regulator_app, create_wallet_app
from api.auth import Principal, Role
from api.settings import ApiSettings, get_settings
from tests.api.helpers import ALICE, BOB, bank_client, onboard, wallet_client
from tests.api.node import make_node

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
FUZZ = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck))


def fuzz_settings() -> ApiSettings:
    """No waiting for finality (nothing generated is ever signed) and small pages."""
    return ApiSettings(max_wait_s=0, max_page=20, max_scan_blocks=2)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A node with a little history, and its three apps (built afresh for schemathesis)."""
    node = make_node(tmp_path_factory.mktemp("fuzz"))
    with TestClient(node.make_apps()) as client:
        alice_key, alice = onboard(client, node, "BANK-A", ALICE)
        _, bob = onboard(client, node, "BANK-B", BOB)
        bank_client(client, node, "BANK-A").mint(alice, node.work.deposit_receipt("BANK-A", 500))
        wallet = wallet_client(client, alice_key)
        wallet.send(wallet.build_transfer(wallet.signer(alice_key), bob, 100))
    # The orderer is stopped: admitted transactions would wait in its queue (none are: nothing
    # generated is validly signed).
    apps = {"wallet": create_wallet_app(node.service),
            "regulator": create_regulator_app(node.service, node.keys.regulator_sealing)}
    principals = {"wallet": Principal(alice, Role.HOLDER),
                  "regulator": Principal("regulator", Role.REGULATOR)}
    apps["bank"], principals["bank"] = node.bank_app("BANK-A"), Principal(
        "bank:BANK-A", Role.BANK, "BANK-A")
    tokens = {}
    for name, app in apps.items():
        app.dependency_overrides[get_settings] = fuzz_settings
        tokens[name] = app.state.auth.issue_token(principals[name], 3600)
    yield {"node": node, "apps": apps, "tokens": tokens}


def fuzz_app(fuzzed: dict[str, Any], name: str, path_regex: str = "") -> list[str]:
    """Run every operation of one app's document; returns the operations fuzzed."""
    app: FastAPI = fuzzed["apps"][name]
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    bearer = {"Authorization": f"Bearer {fuzzed['tokens'][name]}"}
    fuzzed_operations = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if path_regex and not re.match(path_regex, operation.path):
            continue
        fuzzed_operations.append(operation.label)
        for mode, examples in ((GenerationMode.POSITIVE, 20), (GenerationMode.NEGATIVE, 10)):

            @given(case=operation.as_strategy(generation_mode=mode), with_token=st.booleans())
            @settings(FUZZ, max_examples=examples)
            def run(case: Any, with_token: bool) -> None:
                case.call_and_validate(headers=bearer if with_token else {}, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                continue  # nothing to make invalid (no parameters and no body)
            except Exception as exc:
                raise AssertionError(f"{operation.label} ({mode.value}): {exc}") from exc
    return fuzzed_operations


def test_wallet_api(fuzzed: dict[str, Any]) -> None:
    operations = fuzz_app(fuzzed, "wallet")
    assert "POST /v1/transactions" in operations and len(operations) >= 9


def test_bank_operations_api(fuzzed: dict[str, Any]) -> None:
    operations = fuzz_app(fuzzed, "bank", path_regex="^/v1/bank/")
    assert "GET /v1/bank/operator" in operations and len(operations) == 7


def test_regulator_api(fuzzed: dict[str, Any]) -> None:
    operations = fuzz_app(fuzzed, "regulator")
    assert "GET /v1/regulator/identities" in operations and len(operations) >= 12


def test_every_document_declares_problem_responses(fuzzed: dict[str, Any]) -> None:
    for app in fuzzed["apps"].values():
        for path, item in app.openapi()["paths"].items():
            for method, operation in item.items():
                errors = [s for s in operation["responses"] if s.startswith(("4", "5"))]
                if operation.get("security") or operation.get("parameters"):
                    assert errors, f"{method.upper()} {path} documents no error response"
                for status in errors:
                    content = operation["responses"][status]["content"]
                    assert "application/problem+json" in content, (method, path, status)
