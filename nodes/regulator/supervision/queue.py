"""``AlertQueue``: the regulator's alert queue on the observer, fed by every verified block.

The observer's follower calls ``on_block(block, receipts, certificate)`` for every block it has
verified, in height order — on start too, while it re-verifies its stored chain from genesis —
so the queue sees the whole chain on every run. For each block it

1. stores an alert per AML flag in the receipts and per enforcement order (each once: the alert
   id is derived from the rule and the transaction; blocks at or below the stored
   ``flags_height`` were done before a restart and are skipped without touching the database);
2. adds the block's transfers to the sliding window (``window.TransferWindow``);
3. when the analytics are due, runs ``nodes.regulator.analytics.compute_alerts`` over a copy of
   the window and stores the findings with their evidence transfers.

Analytics are due when the window holds transfers newer than the last run and either
``analytics_every_blocks`` blocks or ``analytics_every_ms`` of block time have passed since it.
That schedule depends only on the chain and on the last stored run, so a restarted observer runs
the analytics at the same heights over the same windows and finds the same alerts. With
``background=True`` (the observer process) runs go to one worker thread, in order, so a long
run never stalls block verification; a run that did not finish before a crash is redone after
the restart, because its progress is stored only with its results.

A failure to store never reaches the follower (verification goes on); the queue stops storing
and says so in ``status()``, and a restart replays everything after the last stored block.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Engine

from ledger.block import Block
from ledger.receipts import Receipt
from nodes.regulator.analytics import AnalyticsParams, compute_alerts
from nodes.regulator.analytics.model import Alert
from nodes.regulator.supervision.calendar import TAIWAN_CALENDAR, BusinessCalendar
from nodes.regulator.supervision.model import (
    AlertCandidate,
    CaseStatus,
    Evidence,
    Source,
)
from nodes.regulator.supervision.sources import (
    WindowTransfer,
    compute_block_alerts,
    compute_window_transfers,
    get_category,
)
from nodes.regulator.supervision.store import (
    AlertFilter,
    AlertRecord,
    CaseEvent,
    Progress,
    SupervisionStore,
)
from nodes.regulator.supervision.window import TransferWindow

log = logging.getLogger("ntdc.supervision")

_MAX_EXAMINED = 200_000


def _default_window_ms(params: AnalyticsParams) -> int:
    return max(params.cycle_window_ms, params.scatter_window_ms, params.gather_window_ms,
               params.fan_window_ms)


@dataclass(frozen=True)
class SupervisionConfig:
    """How the queue runs the analytics (the reasoning for each default is in
    docs/supervision.md)."""

    analytics: AnalyticsParams = field(default_factory=AnalyticsParams)
    window_ms: int = 0
    """How far back the window reaches in block time (0: the longest analytics window)."""
    max_window_transfers: int = 50_000
    analytics_every_ms: int = 3_600_000
    """Run at most about hourly (block time): a run over a full window costs seconds of CPU."""
    analytics_every_blocks: int = 10_000
    """…or after this many blocks, whichever comes first (bursts of block production)."""
    max_alerts_per_run: int = 1_000
    """New or grown alerts stored per run (findings in ``compute_alerts`` order); the rest
    wait for the next run, so a pathological graph cannot flood the case queue at once."""
    calendar: BusinessCalendar = TAIWAN_CALENDAR

    def get_window_ms(self) -> int:
        return self.window_ms or _default_window_ms(self.analytics)


class BlockSource(Protocol):
    """What ``catch_up`` reads (``nodes.storage.Repository`` provides it)."""

    def tip_height(self) -> int: ...
    def get_blocks(self, first: int, last: int) -> list[Any]: ...
    def get_receipts(self, height: int) -> list[Receipt]: ...


class AlertQueue:
    def __init__(self, store: SupervisionStore, config: SupervisionConfig | None = None, *,
                 clock: Callable[[], float] = time.time, background: bool = False) -> None:
        self.store = store
        self.config = config or SupervisionConfig()
        self.clock = clock
        """Wall clock for case history and ``created_at`` (workflow data, never ledger state)."""
        self.window = TransferWindow(self.config.get_window_ms(),
                                     self.config.max_window_transfers)
        self.stored: Progress = store.get_progress()
        """What was stored before this queue started: the blocks it need not store again."""
        self.seen_height = 0
        """The last block fed to this queue object (blocks at or below it are ignored)."""
        self.flags_height = self.stored.flags_height
        """The last block whose flag and order alerts are stored."""
        self.analytics_height = self.stored.analytics_height
        """The block of the last stored analytics run (written by the analytics thread)."""
        self._last_run = (self.stored.analytics_height, self.stored.analytics_time_ms)
        self.degraded = ""
        """Why the queue stopped storing (empty while healthy)."""
        self.analytics_runs = 0
        self.analytics_truncated = 0
        """Findings left out of runs by ``max_alerts_per_run`` since this process started."""
        self._examined: set[str] = set()
        """Ids of findings already examined by the store (touched by the analytics thread)."""
        self._executor = (ThreadPoolExecutor(1, thread_name_prefix="ntdc-analytics")
                          if background else None)

    @classmethod
    def open(cls, engine: Engine, config: SupervisionConfig | None = None, *,
             clock: Callable[[], float] = time.time, background: bool = False) -> AlertQueue:
        """A queue over ``engine`` (the observer's database), creating its tables if needed."""
        return cls(SupervisionStore.create(engine), config, clock=clock, background=background)

    def close(self) -> None:
        """Finish a running analytics run and stop the worker thread."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=False)

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    # --- feeding ----------------------------------------------------------------------------

    def on_block(self, block: Block, receipts: list[Receipt], certificate: bytes = b"") -> None:
        """Follower listener: take one verified block (never raises)."""
        height = block.header.height
        if height <= self.seen_height:
            return
        self.seen_height = height
        time_ms = block.header.time_ms
        self.window.add(compute_window_transfers(height, time_ms, receipts), time_ms)
        if self.degraded:
            return
        try:
            if height > self.stored.flags_height:
                candidates = compute_block_alerts(block, receipts)
                if candidates:
                    self.store.save_block_alerts(height, candidates, self.now_ms())
                self.flags_height = height
            if self.is_analytics_due(height, time_ms):
                self._schedule_analytics(height, time_ms)
        except Exception as exc:  # a database failure must not stop verification
            self._degrade(height, exc)

    def catch_up(self, source: BlockSource, batch: int = 256) -> int:
        """Feed every stored block after the last one fed; returns how many were fed."""
        tip, height, fed = source.tip_height(), self.seen_height + 1, 0
        while height <= tip:
            last = min(tip, height + batch - 1)
            for stored in source.get_blocks(height, last):
                self.on_block(stored.decode(), source.get_receipts(stored.height))
                fed += 1
            height = last + 1
        return fed

    def _degrade(self, height: int, exc: BaseException) -> None:
        self.degraded = (f"storing supervision alerts failed at block {height} "
                         f"({type(exc).__name__}); restart the observer to replay")
        log.error("supervision queue stopped at block %d: %s", height, type(exc).__name__)

    # --- analytics --------------------------------------------------------------------------

    def is_analytics_due(self, height: int, time_ms: int) -> bool:
        """New transfers since the last run, and enough blocks or block time passed."""
        last_height, last_time = self._last_run
        if height <= self.stored.analytics_height or self.window.last_height <= last_height:
            return False
        return (height - last_height >= self.config.analytics_every_blocks
                or time_ms - last_time >= self.config.analytics_every_ms)

    def _schedule_analytics(self, height: int, time_ms: int) -> None:
        self._last_run = (height, time_ms)
        window = self.window.snapshot()
        if self._executor is None:
            self._run_analytics(height, time_ms, window)
        else:
            self._executor.submit(self._run_analytics_logged, height, time_ms, window)

    def _run_analytics_logged(self, height: int, time_ms: int,
                              window: Sequence[WindowTransfer]) -> None:
        try:
            self._run_analytics(height, time_ms, window)
        except Exception as exc:
            self._degrade(height, exc)

    def _run_analytics(self, height: int, time_ms: int,
                       window: Sequence[WindowTransfer]) -> None:
        by_tx = {w.transfer.tx_id: w for w in window}
        found = compute_alerts([w.transfer for w in window], self.config.analytics)
        candidates = [compute_analytics_candidate(a, height, time_ms, by_tx) for a in found]
        # A finding this process already stored or matched is found again at every run while
        # its transfers stay in the window; storing it again would change nothing.
        fresh = [c for c in candidates if c.alert_id not in self._examined]
        limit = self.config.max_alerts_per_run
        _, left = self.store.save_analytics_run(height, time_ms, fresh, self.now_ms(),
                                                max_changes=limit)
        if len(self._examined) > _MAX_EXAMINED:
            self._examined.clear()  # bounded memory; the store still deduplicates
        self._examined.update(c.alert_id for c in fresh[:len(fresh) - left])
        if left:
            self.analytics_truncated += left
            log.warning("analytics at block %d: %d new findings stored, %d left for the next "
                        "run", height, limit, left)
        self.analytics_runs += 1
        self.analytics_height = height

    # --- what the API reads -----------------------------------------------------------------

    def list_alerts(self, where: AlertFilter, limit: int,
                    before: int | None = None) -> tuple[list[AlertRecord], int | None]:
        """Alerts matching ``where``, newest first, and the cursor to continue."""
        return self.store.list_alerts(where, limit, before)

    def get_case(self, case_id: str) -> tuple[AlertRecord, list[CaseEvent],
                                              list[Evidence]] | None:
        """A case with its history and evidence, or None."""
        record = self.store.get_alert(case_id)
        if record is None:
            return None
        history = self.store.get_histories([record.seq]).get(record.seq, [])
        return record, history, self.store.get_evidence([record.seq]).get(record.seq, [])

    def change_case_status(self, case_id: str, status: CaseStatus, actor: str,
                           note: str) -> AlertRecord:
        """Move a case along the workflow; raises CaseNotFound or InvalidCaseTransition."""
        return self.store.change_status(case_id, status, actor, note, self.now_ms())

    def status(self) -> dict[str, Any]:
        """How far the queue is, and how many cases are in each status."""
        return {
            "seen_height": self.seen_height, "flags_height": self.flags_height,
            "analytics_height": self.analytics_height, "analytics_runs": self.analytics_runs,
            "analytics_truncated": self.analytics_truncated,
            "window_transfers": len(self.window), "window_ms": self.window.window_ms,
            "max_window_transfers": self.window.max_transfers,
            "degraded": self.degraded, "cases": self.store.count_by_status(),
        }


def compute_analytics_candidate(alert: Alert, height: int, time_ms: int,
                                by_tx: dict[str, WindowTransfer]) -> AlertCandidate:
    """An analytics finding as an alert candidate, with each evidence transfer's position."""
    evidence = []
    for tx_id in alert.tx_ids:
        w = by_tx[tx_id]
        evidence.append(Evidence(tx_id, w.height, w.index, w.transfer.time_ms,
                                 w.transfer.amount))
    return AlertCandidate(
        source=Source.ANALYTICS, rule=alert.kind, category=get_category(alert.kind),
        height=height, time_ms=time_ms, accounts=alert.accounts, evidence=tuple(evidence),
        summary=alert.summary, counterparties=alert.counterparties,
        details={"start_ms": alert.start_ms, "end_ms": alert.end_ms})
