"""The supervision tables: idempotent alerts, case transitions with history, filters and paging,
and how an analytics finding seen again in the window is merged."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from nodes.regulator.supervision.model import (
    AlertCandidate,
    CaseStatus,
    Category,
    Evidence,
    Source,
)
from nodes.regulator.supervision.store import (
    AlertFilter,
    CaseNotFound,
    InvalidCaseTransition,
    SupervisionStore,
)

S = CaseStatus


@pytest.fixture
def store(engine: Engine) -> SupervisionStore:
    return SupervisionStore.create(engine)


def flag(rule: str, tx: str, height: int, accounts: tuple[str, ...] = ("alice",),
         time_ms: int = 1_000) -> AlertCandidate:
    category = {"LARGE_VALUE": Category.REPORTING, "ORDER_FREEZE": Category.INFORMATION}.get(
        rule, Category.SUSPICION)
    source = Source.ENFORCEMENT if rule.startswith("ORDER_") else Source.RECEIPT_FLAG
    return AlertCandidate(source, rule, category, height, time_ms, accounts,
                          (Evidence(tx, height, 0, time_ms, 500),), f"{rule} {tx}")


def finding(tx_ids: list[str], height: int, accounts: tuple[str, ...] = ("a", "b", "c"),
            counterparties: tuple[str, ...] = ()) -> AlertCandidate:
    evidence = tuple(Evidence(tx, int(tx[1:]), 0, int(tx[1:]) * 10, 100) for tx in tx_ids)
    return AlertCandidate(Source.ANALYTICS, "CYCLE", Category.SUSPICION, height, height * 10,
                          accounts, evidence, f"cycle at {height}", counterparties)


def test_each_alert_is_stored_once(store: SupervisionStore) -> None:
    batch = [flag("LARGE_VALUE", "t1", 1), flag("PASS_THROUGH", "t1", 1)]
    assert store.save_block_alerts(1, batch, now_ms=10) == 2
    assert store.save_block_alerts(1, batch, now_ms=20) == 0
    records, cursor = store.list_alerts(AlertFilter(), 10)
    assert [r.rule for r in records] == ["PASS_THROUGH", "LARGE_VALUE"] and cursor is None
    assert records[0].created_at_ms == 10 and records[0].status is S.OPEN
    assert store.get_progress().flags_height == 1
    assert store.count_by_status() == {"open": 2}


def test_case_transitions_record_who_when_and_why(store: SupervisionStore) -> None:
    store.save_block_alerts(1, [flag("FAN_OUT", "t1", 1)], now_ms=10)
    case = store.list_alerts(AlertFilter(), 1)[0][0].alert_id
    reviewed = store.change_status(case, S.UNDER_REVIEW, "regulator", "looking", now_ms=20)
    assert (reviewed.status, reviewed.status_by, reviewed.status_at_ms) == (
        S.UNDER_REVIEW, "regulator", 20)
    store.change_status(case, S.REPORTED, "regulator", "filed STR-1", now_ms=30)
    history = store.get_histories([reviewed.seq])[reviewed.seq]
    assert [(e.actor, e.from_status, e.to_status, e.note, e.at_ms) for e in history[1:]] == [
        ("regulator", "open", "under_review", "looking", 20),
        ("regulator", "under_review", "reported", "filed STR-1", 30)]
    assert (history[0].actor, history[0].from_status, history[0].to_status) == (
        "observer", None, "open")


def test_invalid_transitions_are_refused_and_change_nothing(store: SupervisionStore) -> None:
    store.save_block_alerts(1, [flag("FAN_OUT", "t1", 1), flag("ORDER_FREEZE", "t2", 1)], 10)
    fan, order = (r.alert_id for r in reversed(store.list_alerts(AlertFilter(), 9)[0]))
    with pytest.raises(InvalidCaseTransition, match="is open and cannot become reported"):
        store.change_status(fan, S.REPORTED, "regulator", "", 20)
    with pytest.raises(InvalidCaseTransition, match="info is final"):
        store.change_status(order, S.UNDER_REVIEW, "regulator", "", 20)
    store.change_status(fan, S.UNDER_REVIEW, "regulator", "", 20)
    store.change_status(fan, S.DISMISSED, "regulator", "false positive", 30)
    with pytest.raises(InvalidCaseTransition, match="dismissed is final"):
        store.change_status(fan, S.UNDER_REVIEW, "regulator", "", 40)
    with pytest.raises(CaseNotFound):
        store.change_status("0" * 32, S.UNDER_REVIEW, "regulator", "", 40)
    record = store.get_alert(fan)
    assert record is not None and record.status is S.DISMISSED and record.status_at_ms == 30
    assert len(store.get_histories([record.seq])[record.seq]) == 3


def test_filters_and_paging(store: SupervisionStore) -> None:
    store.save_block_alerts(1, [flag("LARGE_VALUE", "t1", 1, ("alice",), 1_000)], 1)
    store.save_block_alerts(2, [flag("FAN_OUT", "t2", 2, ("bob",), 2_000)], 1)
    store.save_block_alerts(3, [flag("LARGE_VALUE", "t3", 3, ("bob", "carol"), 3_000)], 1)
    store.save_analytics_run(3, 3_000, [finding(["t1", "t2"], 3, ("dave",), ("alice",))], 1)

    def rules(**where: object) -> list[str]:
        return [r.rule for r in store.list_alerts(AlertFilter(**where), 100)[0]]  # type: ignore

    assert rules() == ["CYCLE", "LARGE_VALUE", "FAN_OUT", "LARGE_VALUE"]
    assert rules(rule="LARGE_VALUE") == ["LARGE_VALUE", "LARGE_VALUE"]
    assert rules(account="bob") == ["LARGE_VALUE", "FAN_OUT"]
    assert rules(account="alice") == ["CYCLE", "LARGE_VALUE"]  # a counterparty counts too
    assert rules(category="suspicion") == ["CYCLE", "FAN_OUT"]
    assert rules(source="analytics") == ["CYCLE"]
    assert rules(from_ms=2_000, to_ms=3_000) == ["FAN_OUT"]
    assert rules(status=S.UNDER_REVIEW) == []
    page, cursor = store.list_alerts(AlertFilter(), 3)
    assert len(page) == 3 and cursor == page[-1].seq
    rest, end = store.list_alerts(AlertFilter(), 3, before=cursor)
    assert [r.rule for r in rest] == ["LARGE_VALUE"] and end is None


def test_an_analytics_finding_seen_again_is_merged_not_duplicated(store: SupervisionStore) -> None:
    assert store.save_analytics_run(3, 30, [finding(["t1", "t2", "t3"], 3)], 1) == (1, 0)
    # The next run sees the same instance: nothing changes.
    assert store.save_analytics_run(4, 40, [finding(["t1", "t2", "t3"], 4)], 2) == (0, 0)
    # A run after the window slid sees only part of it: still known.
    assert store.save_analytics_run(5, 50, [finding(["t2", "t3"], 5)], 3) == (0, 0)
    # The typology grows while its case is open: the new transfers join the same alert.
    grown = finding(["t2", "t3", "t4", "t5", "t6"], 6)
    assert store.save_analytics_run(6, 60, [grown], 4) == (1, 0)
    (alert,) = store.list_alerts(AlertFilter(), 10)[0]
    assert alert.tx_ids == ("t1", "t2", "t3", "t4", "t5", "t6")
    assert alert.amount == 600 and (alert.start_ms, alert.end_ms) == (10, 60)
    assert store.get_histories([alert.seq])[alert.seq][-1].note.startswith("3 more transfer")
    assert store.get_progress().analytics_height == 6
    # Once the case is closed, new evidence makes a new alert (the closed case stays closed).
    store.change_status(alert.alert_id, S.UNDER_REVIEW, "regulator", "", 5)
    store.change_status(alert.alert_id, S.DISMISSED, "regulator", "", 6)
    assert store.save_analytics_run(7, 70, [finding(["t5", "t6", "t7"], 7)], 7) == (1, 0)
    newest, first = store.list_alerts(AlertFilter(), 10)[0]
    assert newest.tx_ids == ("t5", "t6", "t7") and newest.status is S.OPEN
    assert first.status is S.DISMISSED and len(first.tx_ids) == 6
    # A bounded run stores what changes first and says how many findings it left out.
    assert store.save_analytics_run(9, 90, [finding(["t5", "t6", "t7"], 9),
                                            finding(["t8", "t9", "t10"], 9),
                                            finding(["t11", "t12", "t13"], 9)],
                                    9, max_changes=1) == (1, 1)
    # The same accounts in another typology, or other accounts, are other alerts.
    assert store.save_analytics_run(10, 100, [finding(["t1", "t2", "t3"], 10, ("x", "y", "z"))],
                                    10) == (1, 0)
