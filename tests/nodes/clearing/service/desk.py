"""A clearing desk for the margin-service tests: an in-process solo-orderer node serving the bank
and regulator APIs (``tests/api/node.py``), funded clearing members, the CCP's own account, and a
``MarginService`` that reaches the node over HTTP as the ccp role, exactly as in production."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from ledger.invariants import check_invariants
from ledger.types import AccountKind
from nodes.clearing.service import HttpChainGateway, MarginService, create_clearing_app
from nodes.clearing.service.histories import PriceHistories, compute_seeded_histories
from nodes.clearing.service.model import ChainOutcome
from nodes.clearing.service.transactor import compute_outcome
from nodes.workload import Holder
from tests.api.node import NodeHarness, make_node

DEADLINE_MS = 2_000
"""Margin call deadline on the test chain (block time), short so a default happens in-test."""
FUNDING = 1_000_000_000
"""NT$10 million for each member."""


@cache
def get_histories() -> PriceHistories:
    """The seeded HS-ES histories, built once per test session."""
    return compute_seeded_histories(1_252)


@dataclass
class Desk:
    node: NodeHarness
    http: TestClient
    gateway: HttpChainGateway
    service: MarginService
    clearing: TestClient
    """The margin service's own API."""
    alpha: Holder = field(init=False)
    """A clearing member at BANK-A."""
    beta: Holder = field(init=False)
    """An FCM at BANK-B."""
    ccp: Holder = field(init=False)
    """The CCP's own account (registered by BANK-D)."""

    def submit(self, *envelopes: dict[str, Any]) -> list[ChainOutcome]:
        """Submit envelopes signed by anyone (members, banks) and wait until final."""
        submissions = self.gateway.submit(list(envelopes))
        return [compute_outcome(e["kind"], e["body"], s)
                for e, s in zip(envelopes, submissions, strict=True)]

    def ok(self, *envelopes: dict[str, Any]) -> list[ChainOutcome]:
        outcomes = self.submit(*envelopes)
        for outcome in outcomes:
            assert outcome.applied, outcome.to_json()
        return outcomes

    def new_member(self, bank: str = "BANK-A", funding: int = FUNDING,
                   kind: AccountKind = AccountKind.CLEARING_MEMBER) -> Holder:
        work = self.node.work
        member, register = work.new_holder(bank, kind)
        self.ok(register, *([work.mint(member, funding)] if funding else []))
        return member

    def pledge(self, member: Holder, amount: int) -> ChainOutcome:
        (outcome,) = self.ok(self.node.work.pledge(member, amount))
        return outcome

    def report(self, member: Holder) -> dict[str, Any]:
        """The member's collateral as the chain holds it (node /v1/collateral/members)."""
        report = self.gateway.get_member(member.account)
        assert report is not None
        return report

    def balance(self, account: str) -> tuple[int, int]:
        """(available, pledged) on chain."""
        state = self.node.service.state
        acct = state.accounts[account]
        return acct.available, acct.pledged

    def check_invariants(self) -> None:
        assert check_invariants(self.node.service.state) == []


@contextmanager
def open_desk(tmp_path: Path, **params: Any) -> Iterator[Desk]:
    """A fresh chain (call deadline ``DEADLINE_MS``), two funded members and the CCP account."""
    node = make_node(tmp_path, collateral_call_deadline_ms=DEADLINE_MS, **params)
    ccp_key = node.keys.roles["ccp"]
    with TestClient(node.make_apps(), raise_server_exceptions=False) as http:
        gateway = HttpChainGateway("http://testserver/a", ccp_key, http=http, wait_s=10)
        service = MarginService(node.genesis, ccp_key, gateway, histories=get_histories())
        with TestClient(create_clearing_app(service), raise_server_exceptions=False) as clearing:
            desk = Desk(node, http, gateway, service, clearing)
            work = node.work
            desk.ccp, register_ccp = work.new_ccp_account("BANK-D")
            desk.ok(register_ccp)
            desk.alpha = desk.new_member("BANK-A")
            desk.beta = desk.new_member("BANK-B", kind=AccountKind.FCM)
            yield desk
            desk.check_invariants()
