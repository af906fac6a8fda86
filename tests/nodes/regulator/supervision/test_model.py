"""Case workflow rules and alert ids."""

from __future__ import annotations

import pytest

from nodes.regulator.supervision.model import (
    AlertCandidate,
    CaseStatus,
    Category,
    Evidence,
    Source,
    format_ntd,
    get_initial_status,
    is_allowed_transition,
)

S = CaseStatus


@pytest.mark.parametrize(("current", "new", "allowed"), [
    (S.OPEN, S.UNDER_REVIEW, True),
    (S.UNDER_REVIEW, S.REPORTED, True),
    (S.UNDER_REVIEW, S.DISMISSED, True),
    (S.OPEN, S.REPORTED, False),        # a case is reviewed before it is closed
    (S.OPEN, S.DISMISSED, False),
    (S.OPEN, S.OPEN, False),
    (S.UNDER_REVIEW, S.OPEN, False),
    (S.REPORTED, S.DISMISSED, False),   # closed stays closed
    (S.DISMISSED, S.UNDER_REVIEW, False),
    (S.INFO, S.UNDER_REVIEW, False),    # enforcement orders have no workflow
])
def test_transitions(current: CaseStatus, new: CaseStatus, allowed: bool) -> None:
    assert is_allowed_transition(current, new) is allowed


def test_informational_alerts_start_as_info() -> None:
    assert get_initial_status(Category.INFORMATION) is S.INFO
    assert get_initial_status(Category.SUSPICION) is S.OPEN
    assert get_initial_status(Category.REPORTING) is S.OPEN


def _candidate(source: Source, rule: str, tx_ids: list[str], accounts: tuple[str, ...] = ("a",),
               height: int = 1) -> AlertCandidate:
    evidence = tuple(Evidence(tx, height, i, 0, 10) for i, tx in enumerate(tx_ids))
    return AlertCandidate(source, rule, Category.SUSPICION, height, 0, accounts, evidence, "s")


def test_alert_ids_name_the_rule_and_the_evidence() -> None:
    flag = _candidate(Source.RECEIPT_FLAG, "FAN_OUT", ["t1"])
    assert len(flag.alert_id) == 32 and int(flag.alert_id, 16) >= 0
    # Same rule and transaction: same id, wherever and whenever it is computed.
    assert _candidate(Source.RECEIPT_FLAG, "FAN_OUT", ["t1"], height=9).alert_id == flag.alert_id
    assert _candidate(Source.RECEIPT_FLAG, "VELOCITY", ["t1"]).alert_id != flag.alert_id
    cycle = _candidate(Source.ANALYTICS, "CYCLE", ["t1", "t2", "t3"], ("a", "b", "c"))
    # Analytics: the evidence set (in any order) and the implicated accounts.
    assert _candidate(Source.ANALYTICS, "CYCLE", ["t3", "t1", "t2"],
                      ("a", "b", "c")).alert_id == cycle.alert_id
    assert _candidate(Source.ANALYTICS, "CYCLE", ["t1", "t2", "t3", "t4"],
                      ("a", "b", "c")).alert_id != cycle.alert_id
    assert cycle.amount == 30


def test_format_ntd() -> None:
    assert format_ntd(50_000_000) == "500000.00"
    assert format_ntd(1) == "0.01"
    assert format_ntd(0) == "0.00"
