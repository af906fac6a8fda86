"""The alert queue fed by verified blocks: alerts for flagged transactions and orders, periodic
analytics over the sliding window, and idempotence across observer restarts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from ledger.types import ntd
from nodes.regulator.supervision import AlertQueue, CaseStatus, InvalidCaseTransition
from nodes.regulator.supervision.store import SupervisionStore
from tests.nodes.regulator.supervision.helpers import (
    HOUR,
    FakeClock,
    FedChain,
    all_alerts,
    open_engine,
    quiet_config,
)


def test_every_flag_in_every_receipt_becomes_an_alert(tmp_path: Path) -> None:
    queue = AlertQueue.open(open_engine(tmp_path), quiet_config())
    fed = FedChain.create(queue)
    w = fed.work
    alice, bob = fed.holders(2)
    payees = fed.holders(10)
    fed.block(w.mint(alice, ntd(600_000)))                       # LARGE_VALUE
    fed.block(w.transfer(alice, bob, ntd(550_000)))              # LARGE_VALUE, PASS_THROUGH
    fed.block(*[w.transfer(bob, p, ntd(100)) for p in payees])   # FAN_OUT on the 10th payee
    fed.block(w.transfer(bob, alice, ntd(10**9)))                # rejected: no alert
    flagged = [(r.tx_id, flag) for receipts in fed.receipts for r in receipts for flag in r.flags]
    assert {flag for _, flag in flagged} >= {"LARGE_VALUE", "PASS_THROUGH", "FAN_OUT"}
    stored = all_alerts(queue, source="receipt_flag")
    assert sorted((a.tx_ids[0], a.rule) for a in stored) == sorted(flagged)
    fan = next(a for a in stored if a.rule == "FAN_OUT")
    assert bob.account in fan.accounts and fan.status is CaseStatus.OPEN
    large = [a for a in stored if a.rule == "LARGE_VALUE"]
    assert [a.accounts for a in large] == [(alice.account,), (alice.account, bob.account)]
    assert large[1].amount == ntd(550_000) and large[1].category == "reporting"
    assert queue.status()["flags_height"] == len(fed.chain.blocks)


def test_orders_are_information_without_a_workflow(tmp_path: Path) -> None:
    queue = AlertQueue.open(open_engine(tmp_path), quiet_config())
    fed = FedChain.create(queue)
    (alice,) = fed.holders(1)
    fed.block(fed.work.police_hold(alice, order_id="CIB-1"))
    (order,) = all_alerts(queue, category="information")
    assert (order.rule, order.status, order.details["order_id"]) == (
        "ORDER_POLICE_HOLD", CaseStatus.INFO, "CIB-1")
    with pytest.raises(InvalidCaseTransition):
        queue.change_case_status(order.alert_id, CaseStatus.UNDER_REVIEW, "regulator", "")


def test_analytics_find_a_cycle_with_its_evidence(tmp_path: Path) -> None:
    queue = AlertQueue.open(open_engine(tmp_path), quiet_config(analytics_every_blocks=3))
    fed = FedChain.create(queue)
    w = fed.work
    a, b, c = fed.holders(3, funds=ntd(10_000))
    legs = [fed.block(w.transfer(a, b, ntd(5_000)), advance_ms=HOUR)[0],
            fed.block(w.transfer(b, c, ntd(4_900)), advance_ms=HOUR)[0],
            fed.block(w.transfer(c, a, ntd(4_800)), advance_ms=HOUR)[0]]
    (cycle,) = all_alerts(queue, rule="CYCLE")
    assert cycle.source == "analytics" and cycle.status is CaseStatus.OPEN
    assert set(cycle.accounts) == {a.account, b.account, c.account}
    assert cycle.tx_ids == tuple(r.tx_id for r in legs)
    assert cycle.amount == ntd(5_000 + 4_900 + 4_800)
    _, _, evidence = queue.get_case(cycle.alert_id) or (None, None, [])
    assert [(e.height, e.index) for e in evidence] == [(r.height, r.index) for r in legs]
    # Runs happen every 3 blocks (or every hour of block time) once there are new transfers.
    assert queue.analytics_height == 5 == cycle.height


def test_analytics_wait_for_new_transfers_and_the_schedule(tmp_path: Path) -> None:
    queue = AlertQueue.open(open_engine(tmp_path), quiet_config(analytics_every_blocks=4,
                                                                analytics_every_ms=10 * HOUR))
    fed = FedChain.create(queue)
    (alice, bob) = fed.holders(2, funds=ntd(100))
    assert queue.analytics_runs == 0  # registrations and mints are not transfers
    fed.block(fed.work.transfer(alice, bob, ntd(1)))  # height 3
    assert queue.analytics_runs == 1 and queue.analytics_height == 3
    for _ in range(3):
        fed.block(fed.work.transfer(alice, bob, ntd(1)))  # heights 4..6: not due yet
    assert queue.analytics_height == 3
    fed.block(fed.work.transfer(alice, bob, ntd(1)))  # height 7: 4 blocks later
    assert queue.analytics_height == 7
    fed.block()
    fed.block(advance_ms=11 * HOUR)  # due by time, but no new transfer: nothing to run
    assert queue.analytics_runs == 2


def test_default_schedule_is_hourly_in_block_time(tmp_path: Path) -> None:
    queue = AlertQueue.open(open_engine(tmp_path))
    fed = FedChain.create(queue)
    alice, bob = fed.holders(2, funds=ntd(100))
    fed.block(fed.work.transfer(alice, bob, ntd(1)))  # the first transfer: a first run
    first = queue.analytics_height
    for _ in range(5):
        fed.block(fed.work.transfer(alice, bob, ntd(1)), advance_ms=10 * 60_000)
    assert queue.analytics_height == first  # 50 minutes later: not yet
    fed.block(fed.work.transfer(alice, bob, ntd(1)), advance_ms=10 * 60_000)
    assert queue.analytics_height == first + 6 and queue.analytics_runs == 2


def test_a_run_stores_a_bounded_number_of_findings(tmp_path: Path) -> None:
    queue = AlertQueue.open(open_engine(tmp_path),
                            quiet_config(analytics_every_blocks=4, max_alerts_per_run=1))
    fed = FedChain.create(queue)
    w = fed.work
    a, b, c, d, e, f = fed.holders(6, funds=ntd(10_000))
    fed.block(w.transfer(a, b, ntd(5_000)), w.transfer(d, e, ntd(5_000)))
    fed.block(w.transfer(b, c, ntd(5_000)), w.transfer(e, f, ntd(5_000)))
    fed.block(w.transfer(c, a, ntd(5_000)), w.transfer(f, d, ntd(5_000)))  # height 5
    fed.block()
    fed.block()  # height 7: four blocks after the first run (at the first transfer)
    assert len(all_alerts(queue, rule="CYCLE")) == 1 and queue.analytics_truncated == 1
    fed.block(w.transfer(a, d, ntd(1)))
    for _ in range(3):
        fed.block()
    assert len(all_alerts(queue, rule="CYCLE")) == 2  # the other one, at the next run


def build_history(fed: FedChain) -> None:
    """Flags, an order and two analytics findings spread over a few blocks."""
    w = fed.work
    a, b, c = fed.holders(3, funds=ntd(600_000))
    fed.block(w.transfer(a, b, ntd(500_000)), advance_ms=HOUR)
    fed.block(w.transfer(b, c, ntd(490_000)), advance_ms=HOUR)
    fed.block(w.transfer(c, a, ntd(480_000)), advance_ms=HOUR)
    fed.block(w.freeze(c))
    fed.block(w.transfer(a, b, ntd(10_000)), advance_ms=HOUR)
    fed.block(w.transfer(b, a, ntd(9_000)), advance_ms=HOUR)


def test_a_restarted_observer_replays_without_duplicates_and_keeps_cases(engine: Engine) -> None:
    clock = FakeClock()
    first = AlertQueue.open(engine, quiet_config(analytics_every_blocks=2), clock=clock)
    fed = FedChain.create(first)
    build_history(fed)
    before = all_alerts(first)
    assert {a.rule for a in before} >= {"LARGE_VALUE", "PASS_THROUGH", "CYCLE", "ORDER_FREEZE"}
    case = next(a for a in before if a.rule == "CYCLE").alert_id
    clock.now += 60
    first.change_case_status(case, CaseStatus.UNDER_REVIEW, "regulator", "checking")
    histories = first.store.get_histories([a.seq for a in before])

    # Restart: a new queue on the same database; re-verification replays every block.
    clock.now += 3600
    second = AlertQueue.open(engine, quiet_config(analytics_every_blocks=2), clock=clock)
    fed.replay(second)
    fed.replay(second)  # a block offered twice is taken once
    after = all_alerts(second)
    assert [(a.alert_id, a.tx_ids, a.created_at_ms) for a in after] == [
        (a.alert_id, a.tx_ids, a.created_at_ms) for a in before]
    assert next(a for a in after if a.alert_id == case).status is CaseStatus.UNDER_REVIEW
    assert second.store.get_histories([a.seq for a in after]) == histories
    assert second.analytics_runs == 0  # every run up to the tip was stored before

    # The chain goes on after the restart: new blocks raise new alerts as before.
    fed.queue = second
    w = fed.work
    (dave,) = fed.holders(1)
    fed.block(w.mint(dave, ntd(700_000)))
    assert len(all_alerts(second)) == len(after) + 1


def test_a_crash_before_storing_loses_nothing(tmp_path: Path) -> None:
    """Blocks the observer verified but whose alerts it never stored (killed in between) are
    stored on the next start, and the analytics find exactly what an uninterrupted observer
    finds."""
    reference = AlertQueue.open(open_engine(tmp_path, "reference.db"),
                                quiet_config(analytics_every_blocks=2))
    fed = FedChain.create(reference)
    build_history(fed)

    engine = open_engine(tmp_path, "crashed.db")
    crashed = AlertQueue.open(engine, quiet_config(analytics_every_blocks=2))
    for block, receipts in fed.blocks()[:-3]:
        crashed.on_block(block, receipts)
    restarted = AlertQueue.open(engine, quiet_config(analytics_every_blocks=2))
    fed.replay(restarted)
    assert [(a.alert_id, a.tx_ids, a.status) for a in all_alerts(restarted)] == [
        (a.alert_id, a.tx_ids, a.status) for a in all_alerts(reference)]


class FailingStore(SupervisionStore):
    def save_block_alerts(self, *_args: object, **_kwargs: object) -> int:
        raise OSError("disk full")


def test_a_storage_failure_never_stops_verification(tmp_path: Path) -> None:
    engine = open_engine(tmp_path)
    SupervisionStore.create(engine)
    broken = AlertQueue(FailingStore(engine), quiet_config())
    fed = FedChain.create(broken)
    (alice,) = fed.holders(1)
    fed.block(fed.work.mint(alice, ntd(600_000)))  # must not raise into the follower
    assert "failed at block 2" in broken.status()["degraded"]
    assert all_alerts(broken) == []
    recovered = AlertQueue.open(engine, quiet_config())
    fed.replay(recovered)
    assert [a.rule for a in all_alerts(recovered)] == ["LARGE_VALUE"]


def test_background_analytics_finish_before_close(tmp_path: Path) -> None:
    queue = AlertQueue.open(open_engine(tmp_path), quiet_config(), background=True)
    fed = FedChain.create(queue)
    w = fed.work
    a, b, c = fed.holders(3, funds=ntd(10_000))
    fed.block(w.transfer(a, b, ntd(5_000)))
    fed.block(w.transfer(b, c, ntd(5_000)))
    fed.block(w.transfer(c, a, ntd(5_000)))
    queue.close()
    assert [a.rule for a in all_alerts(queue, source="analytics")] == ["CYCLE"]
