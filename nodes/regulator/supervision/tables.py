"""The supervision tables, kept in the observer's own database next to the chain (SQLAlchemy Core;
SQLite and PostgreSQL). They hold the regulator's workflow data, never ledger state: nothing in
them feeds back into verification.

supervision_alerts          seq -> alert id (unique), source, rule, category, detection height
                            and block time, implicated accounts, counterparties, evidence tx ids,
                            summary, details, case status (and who set it, when)
supervision_alert_accounts  (account, seq) -> role (subject or counterparty): the account filter
supervision_evidence        (seq, tx_id) -> height, index, block time, amount
supervision_case_events     id -> seq, wall time, actor, from/to status, note: the case history
supervision_progress        name -> integer: the last block whose alerts are stored, the last
                            analytics run (height and block time)

Amounts are decimal strings of minor units (a sum of evidence amounts may exceed 64 bits in
principle); lists and details are compact JSON.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

alerts = Table(
    "supervision_alerts",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", String(32), nullable=False, unique=True),
    Column("source", String(16), nullable=False),
    Column("rule", String(64), nullable=False),
    Column("category", String(16), nullable=False),
    Column("height", BigInteger, nullable=False),
    Column("time_ms", BigInteger, nullable=False),
    Column("start_ms", BigInteger, nullable=False),
    Column("end_ms", BigInteger, nullable=False),
    Column("amount", String(40), nullable=False),
    Column("accounts", Text, nullable=False),
    Column("counterparties", Text, nullable=False),
    Column("tx_ids", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("details", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("status_at_ms", BigInteger, nullable=False),
    Column("status_by", String(128), nullable=False),
    Column("created_at_ms", BigInteger, nullable=False),
    Index("ix_supervision_alerts_rule", "rule", "seq"),
    Index("ix_supervision_alerts_status", "status", "seq"),
    Index("ix_supervision_alerts_time", "time_ms"),
)

alert_accounts = Table(
    "supervision_alert_accounts",
    metadata,
    Column("account", String(128), primary_key=True),
    Column("seq", Integer, ForeignKey("supervision_alerts.seq"), primary_key=True),
    Column("role", String(16), nullable=False),
)

evidence = Table(
    "supervision_evidence",
    metadata,
    Column("seq", Integer, ForeignKey("supervision_alerts.seq"), primary_key=True),
    Column("tx_id", String(64), primary_key=True),
    Column("height", BigInteger, nullable=False),
    Column("idx", Integer, nullable=False),
    Column("time_ms", BigInteger, nullable=False),
    Column("amount", String(40), nullable=False),
    Index("ix_supervision_evidence_tx", "tx_id"),
)

case_events = Table(
    "supervision_case_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("seq", Integer, ForeignKey("supervision_alerts.seq"), nullable=False),
    Column("at_ms", BigInteger, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("from_status", String(16), nullable=True),
    Column("to_status", String(16), nullable=False),
    Column("note", Text, nullable=False),
    Index("ix_supervision_case_events_seq", "seq", "id"),
)

progress = Table(
    "supervision_progress",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)
