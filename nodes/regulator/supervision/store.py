"""``SupervisionStore``: alerts, evidence, cases and their history in the observer's database.

Writes are idempotent: an alert is stored once per alert id (``model.compute_alert_id``), so
replaying blocks after a restart adds nothing twice and keeps every case status. An analytics
finding that overlaps an alert already stored for the same rule and accounts is the same
typology seen again in the sliding window: if its evidence is already known nothing changes; if
it brings new transfers they are added to the alert while its case is still open or under
review (and a history entry says so); a closed case is never reopened — new evidence then makes
a new alert. Case status changes run in one transaction that re-reads the status first, so two
regulators cannot both move a case from the same state.

Methods block on the database: the API calls them through ``run_in_threadpool``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from nodes.regulator.supervision import tables as t
from nodes.regulator.supervision.model import (
    OBSERVER_ACTOR,
    TERMINAL,
    AlertCandidate,
    CaseStatus,
    Evidence,
    get_initial_status,
    is_allowed_transition,
)
from nodes.storage.engine import get_writer

FLAGS_HEIGHT = "flags_height"
ANALYTICS_HEIGHT = "analytics_height"
ANALYTICS_TIME_MS = "analytics_time_ms"
_IN_CHUNK = 500
"""Bound parameters per IN (...) list."""


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


class CaseNotFound(LookupError):
    """No alert (case) with this id."""


class InvalidCaseTransition(ValueError):
    """The requested status change is not allowed from the case's current status."""

    def __init__(self, case_id: str, current: CaseStatus, requested: CaseStatus) -> None:
        self.case_id, self.current, self.requested = case_id, current, requested
        allowed = sorted(s.value for s in _allowed(current))
        then = (f"allowed from {current.value}: {', '.join(allowed)}" if allowed
                else f"{current.value} is final")
        super().__init__(f"case {case_id} is {current.value} and cannot become "
                         f"{requested.value} ({then})")


def _allowed(current: CaseStatus) -> list[CaseStatus]:
    return [s for s in CaseStatus if is_allowed_transition(current, s)]


@dataclass(frozen=True, slots=True)
class Progress:
    """How far the queue has stored its work."""

    flags_height: int = 0
    """Last block whose receipt-flag and order alerts are stored."""
    analytics_height: int = 0
    """Block at which the last stored analytics run looked at the window."""
    analytics_time_ms: int = 0
    """That block's time."""


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """One entry of a case's history (wall-clock time: this is workflow, not ledger state)."""

    at_ms: int
    actor: str
    from_status: str | None
    to_status: str
    note: str

    def to_json(self) -> dict[str, Any]:
        return {"at_ms": self.at_ms, "actor": self.actor, "from_status": self.from_status,
                "to_status": self.to_status, "note": self.note}


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """A stored alert and its case status."""

    seq: int
    alert_id: str
    source: str
    rule: str
    category: str
    height: int
    time_ms: int
    start_ms: int
    end_ms: int
    amount: int
    accounts: tuple[str, ...]
    counterparties: tuple[str, ...]
    tx_ids: tuple[str, ...]
    summary: str
    details: dict[str, Any]
    status: CaseStatus
    status_at_ms: int
    status_by: str
    created_at_ms: int


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """Which alerts to list (every given criterion must hold; times are block times)."""

    rule: str | None = None
    account: str | None = None
    status: CaseStatus | None = None
    category: str | None = None
    source: str | None = None
    from_ms: int | None = None
    """Inclusive."""
    to_ms: int | None = None
    """Exclusive."""


def _record(row: Any) -> AlertRecord:
    return AlertRecord(
        seq=row.seq, alert_id=row.alert_id, source=row.source, rule=row.rule,
        category=row.category, height=row.height, time_ms=row.time_ms, start_ms=row.start_ms,
        end_ms=row.end_ms, amount=int(row.amount), accounts=tuple(json.loads(row.accounts)),
        counterparties=tuple(json.loads(row.counterparties)),
        tx_ids=tuple(json.loads(row.tx_ids)), summary=row.summary,
        details=json.loads(row.details), status=CaseStatus(row.status),
        status_at_ms=row.status_at_ms, status_by=row.status_by,
        created_at_ms=row.created_at_ms)


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _IN_CHUNK):
        yield items[start:start + _IN_CHUNK]


class SupervisionStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = get_writer(engine)
        insert_fn: Any = sqlite.insert if engine.dialect.name == "sqlite" else postgresql.insert
        upsert = insert_fn(t.progress)
        self._upsert_progress = upsert.on_conflict_do_update(
            index_elements=[t.progress.c.name], set_={"value": upsert.excluded.value})

    @classmethod
    def create(cls, engine: Engine) -> SupervisionStore:
        """The store over ``engine``, creating its tables if they are missing."""
        t.metadata.create_all(engine)
        return cls(engine)

    # --- progress ---------------------------------------------------------------------------

    def get_progress(self) -> Progress:
        """What is already stored (all zero on a fresh database)."""
        with self.engine.connect() as conn:
            values = dict(conn.execute(select(t.progress.c.name, t.progress.c.value)).all())
        return Progress(int(values.get(FLAGS_HEIGHT, 0)), int(values.get(ANALYTICS_HEIGHT, 0)),
                        int(values.get(ANALYTICS_TIME_MS, 0)))

    def _set_progress(self, conn: Connection, **values: int) -> None:
        conn.execute(self._upsert_progress, [{"name": k, "value": v} for k, v in values.items()])

    # --- writing alerts ---------------------------------------------------------------------

    def save_block_alerts(self, height: int, candidates: Sequence[AlertCandidate],
                          now_ms: int) -> int:
        """Store a block's flag and order alerts (each once) and mark the block done; returns
        how many alerts are new."""
        with self._writer.begin() as conn:
            new = self._insert(conn, candidates, now_ms)
            self._set_progress(conn, **{FLAGS_HEIGHT: height})
        return new

    def save_analytics_run(self, height: int, time_ms: int,
                           candidates: Sequence[AlertCandidate], now_ms: int,
                           max_changes: int | None = None) -> tuple[int, int]:
        """Store an analytics run's findings in order (new alerts, or new evidence for open
        ones), at most ``max_changes`` of them, and mark the run done; returns how many alerts
        are new or grew, and how many findings were left for a later run."""
        changed = examined = 0
        with self._writer.begin() as conn:
            for candidate in candidates:
                if max_changes is not None and changed >= max_changes:
                    break
                changed += self._merge_or_insert(conn, candidate, now_ms)
                examined += 1
            self._set_progress(conn, **{ANALYTICS_HEIGHT: height, ANALYTICS_TIME_MS: time_ms})
        return changed, len(candidates) - examined

    def _insert(self, conn: Connection, candidates: Sequence[AlertCandidate],
                now_ms: int) -> int:
        """Insert the candidates not stored yet, a few statements for the whole batch (a busy
        block raises hundreds of flags)."""
        a = t.alerts
        wanted = {c.alert_id: c for c in candidates}
        for chunk in _chunks(list(wanted)):
            for known in conn.execute(select(a.c.alert_id).where(a.c.alert_id.in_(chunk))):
                del wanted[known[0]]
        if not wanted:
            return 0
        rows, evidence_of = [], {}
        for alert_id, c in wanted.items():
            evidence = sorted({e.tx_id: e for e in c.evidence}.values(),
                              key=lambda e: (e.height, e.index))
            evidence_of[alert_id] = evidence
            rows.append({
                "alert_id": alert_id, "source": c.source.value, "rule": c.rule,
                "category": c.category.value, "height": c.height, "time_ms": c.time_ms,
                "start_ms": evidence[0].time_ms, "end_ms": evidence[-1].time_ms,
                "amount": str(sum(e.amount for e in evidence)),
                "accounts": _dumps(list(c.accounts)),
                "counterparties": _dumps(list(c.counterparties)),
                "tx_ids": _dumps([e.tx_id for e in evidence]), "summary": c.summary,
                "details": _dumps(c.details), "status": get_initial_status(c.category).value,
                "status_at_ms": now_ms, "status_by": OBSERVER_ACTOR, "created_at_ms": now_ms})
        conn.execute(insert(a), rows)
        seqs: dict[str, int] = {}
        for chunk in _chunks(list(wanted)):
            for alert_id, seq in conn.execute(select(a.c.alert_id, a.c.seq)
                                              .where(a.c.alert_id.in_(chunk))):
                seqs[alert_id] = int(seq)
        accounts, evidence_rows, events = [], [], []
        for alert_id, c in wanted.items():
            seq = seqs[alert_id]
            accounts += self._account_rows(seq, c.accounts, c.counterparties)
            evidence_rows += self._evidence_rows(seq, evidence_of[alert_id])
            events.append({"seq": seq, "at_ms": now_ms, "actor": OBSERVER_ACTOR,
                           "from_status": None,
                           "to_status": get_initial_status(c.category).value,
                           "note": f"alert raised at block {c.height}: {c.summary}"})
        if accounts:
            conn.execute(insert(t.alert_accounts), accounts)
        conn.execute(insert(t.evidence), evidence_rows)
        conn.execute(insert(t.case_events), events)
        return len(rows)

    @staticmethod
    def _account_rows(seq: int, accounts: Sequence[str],
                      counterparties: Sequence[str]) -> list[dict[str, Any]]:
        roles = dict.fromkeys(counterparties, "counterparty")
        roles.update(dict.fromkeys(accounts, "subject"))  # a subject is never a counterparty
        return [{"seq": seq, "account": a, "role": r} for a, r in roles.items()]

    @staticmethod
    def _evidence_rows(seq: int, evidence: Sequence[Evidence]) -> list[dict[str, Any]]:
        return [{"seq": seq, "tx_id": e.tx_id, "height": e.height, "idx": e.index,
                 "time_ms": e.time_ms, "amount": str(e.amount)} for e in evidence]

    def _merge_or_insert(self, conn: Connection, c: AlertCandidate, now_ms: int) -> int:
        tx_ids = sorted({e.tx_id for e in c.evidence})
        accounts = _dumps(list(c.accounts))
        overlap: dict[int, int] = defaultdict(int)
        for chunk in _chunks(tx_ids):
            query = (select(t.evidence.c.seq, func.count())
                     .join(t.alerts, t.alerts.c.seq == t.evidence.c.seq)
                     .where(t.evidence.c.tx_id.in_(chunk), t.alerts.c.rule == c.rule,
                            t.alerts.c.accounts == accounts)
                     .group_by(t.evidence.c.seq))
            for seq, count in conn.execute(query):
                overlap[int(seq)] += int(count)
        if any(count == len(tx_ids) for count in overlap.values()):
            return 0  # the same finding, already stored with all of this evidence
        if overlap:
            rows = conn.execute(select(t.alerts).where(t.alerts.c.seq.in_(sorted(overlap)))
                                .order_by(t.alerts.c.seq)).all()
            for row in rows:
                if CaseStatus(row.status) not in TERMINAL:
                    self._grow(conn, _record(row), c, now_ms)
                    return 1
        return self._insert(conn, [c], now_ms)

    def _grow(self, conn: Connection, alert: AlertRecord, c: AlertCandidate, now_ms: int) -> None:
        """Add a finding's new transfers (and counterparties) to an open alert."""
        known = set(conn.execute(select(t.evidence.c.tx_id)
                                 .where(t.evidence.c.seq == alert.seq)).scalars())
        fresh = sorted({e.tx_id: e for e in c.evidence if e.tx_id not in known}.values(),
                       key=lambda e: (e.height, e.index))
        if fresh:
            conn.execute(insert(t.evidence), self._evidence_rows(alert.seq, fresh))
        rows = conn.execute(select(t.evidence.c.tx_id, t.evidence.c.time_ms,
                                   t.evidence.c.amount)
                            .where(t.evidence.c.seq == alert.seq)
                            .order_by(t.evidence.c.height, t.evidence.c.idx)).all()
        counterparties = list(dict.fromkeys([*alert.counterparties, *c.counterparties]))
        known_accounts = set(alert.accounts) | set(alert.counterparties)
        joined = self._account_rows(alert.seq, (), [a for a in counterparties
                                                    if a not in known_accounts])
        if joined:
            conn.execute(insert(t.alert_accounts), joined)
        conn.execute(update(t.alerts).where(t.alerts.c.seq == alert.seq).values(
            tx_ids=_dumps([r.tx_id for r in rows]), start_ms=rows[0].time_ms,
            end_ms=rows[-1].time_ms, amount=str(sum(int(r.amount) for r in rows)),
            counterparties=_dumps(counterparties), summary=c.summary))
        conn.execute(insert(t.case_events).values(
            seq=alert.seq, at_ms=now_ms, actor=OBSERVER_ACTOR, from_status=alert.status.value,
            to_status=alert.status.value,
            note=f"{len(fresh)} more transfer(s) added as evidence at block {c.height}"))

    # --- case workflow ----------------------------------------------------------------------

    def change_status(self, case_id: str, new: CaseStatus, actor: str, note: str,
                      now_ms: int) -> AlertRecord:
        """Move a case to ``new`` and record who did it, when and why."""
        with self._writer.begin() as conn:
            row = conn.execute(select(t.alerts).where(t.alerts.c.alert_id == case_id)
                               .with_for_update()).first()
            if row is None:
                raise CaseNotFound(case_id)
            current = CaseStatus(row.status)
            # A case moves only along the workflow: open → under_review → reported | dismissed
            if not is_allowed_transition(current, new):
                raise InvalidCaseTransition(case_id, current, new)
            conn.execute(update(t.alerts).where(t.alerts.c.seq == row.seq).values(
                status=new.value, status_at_ms=now_ms, status_by=actor))
            conn.execute(insert(t.case_events).values(
                seq=row.seq, at_ms=now_ms, actor=actor, from_status=current.value,
                to_status=new.value, note=note))
            updated = conn.execute(select(t.alerts).where(t.alerts.c.seq == row.seq)).one()
        return _record(updated)

    # --- reading ----------------------------------------------------------------------------

    def get_alert(self, alert_id: str) -> AlertRecord | None:
        """One alert by id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.alerts).where(t.alerts.c.alert_id == alert_id)).first()
        return None if row is None else _record(row)

    def list_alerts(self, where: AlertFilter, limit: int,
                    before: int | None = None) -> tuple[list[AlertRecord], int | None]:
        """Alerts matching ``where``, newest first; the second value continues the listing
        (pass it as ``before``) or is None at the end."""
        a = t.alerts
        query = select(a)
        if where.account is not None:
            query = query.where(a.c.seq.in_(select(t.alert_accounts.c.seq).where(
                t.alert_accounts.c.account == where.account)))
        for column, value in ((a.c.rule, where.rule), (a.c.category, where.category),
                              (a.c.source, where.source),
                              (a.c.status, where.status.value if where.status else None)):
            if value is not None:
                query = query.where(column == value)
        if where.from_ms is not None:
            query = query.where(a.c.time_ms >= where.from_ms)
        if where.to_ms is not None:
            query = query.where(a.c.time_ms < where.to_ms)
        if before is not None:
            query = query.where(a.c.seq < before)
        query = query.order_by(a.c.seq.desc()).limit(limit + 1)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        records = [_record(r) for r in rows[:limit]]
        return records, (records[-1].seq if len(rows) > limit else None)

    def get_period_alerts(self, *, from_ms: int, to_ms: int, rule: str | None = None,
                          category: str | None = None,
                          statuses: Sequence[CaseStatus] | None = None,
                          limit: int) -> list[AlertRecord]:
        """Alerts detected in [from_ms, to_ms) in detection order (at most ``limit`` + 1, so
        the caller can tell that the period holds more)."""
        a = t.alerts
        query = select(a).where(a.c.time_ms >= from_ms, a.c.time_ms < to_ms)
        if rule is not None:
            query = query.where(a.c.rule == rule)
        if category is not None:
            query = query.where(a.c.category == category)
        if statuses is not None:
            query = query.where(a.c.status.in_([s.value for s in statuses]))
        query = query.order_by(a.c.time_ms, a.c.seq).limit(limit + 1)
        with self.engine.connect() as conn:
            return [_record(r) for r in conn.execute(query)]

    def get_evidence(self, seqs: Sequence[int]) -> dict[int, list[Evidence]]:
        """Evidence transactions per alert, in chain order."""
        out: dict[int, list[Evidence]] = defaultdict(list)
        e = t.evidence
        with self.engine.connect() as conn:
            for chunk in _chunks(list(seqs)):
                query = (select(e).where(e.c.seq.in_(chunk))
                         .order_by(e.c.seq, e.c.height, e.c.idx))
                for row in conn.execute(query):
                    out[row.seq].append(Evidence(row.tx_id, row.height, row.idx, row.time_ms,
                                                 int(row.amount)))
        return dict(out)

    def get_histories(self, seqs: Sequence[int]) -> dict[int, list[CaseEvent]]:
        """Case history per alert, oldest first."""
        out: dict[int, list[CaseEvent]] = defaultdict(list)
        ev = t.case_events
        with self.engine.connect() as conn:
            for chunk in _chunks(list(seqs)):
                query = select(ev).where(ev.c.seq.in_(chunk)).order_by(ev.c.seq, ev.c.id)
                for row in conn.execute(query):
                    out[row.seq].append(CaseEvent(row.at_ms, row.actor, row.from_status,
                                                  row.to_status, row.note))
        return dict(out)

    def count_by_status(self) -> dict[str, int]:
        """How many alerts are in each case status."""
        a = t.alerts
        with self.engine.connect() as conn:
            rows = conn.execute(select(a.c.status, func.count()).group_by(a.c.status)).all()
        return {str(status): int(count) for status, count in rows}
