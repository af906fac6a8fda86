"""The storage schema: the tables a node keeps on disk (SQLAlchemy Core, SQLite and PostgreSQL).

blocks           height -> header hash, header JSON, payload, commit certificate (opaque bytes)
receipts         (height, idx) -> tx_id, receipt JSON; tx_id is indexed, and may repeat only when
                 an earlier inclusion was rejected (a rejected transaction does not use its nonce)
account_history  (account, height, idx) -> tx_id, for every account a receipt's effects touch
                 and for its signer
state_rows       (table_name, key JSON) -> leaf index, value JSON: every row of every ledger table
state_tables     table_name -> next leaf index
records          key -> bytes: node metadata and the consensus layer's persisted records
checkpoints      height -> state root, checkpoint certificate (kept for proofs)

Rows are written in ``ledger.codec.to_jsonable`` form as compact JSON with sorted keys, so the
same state gives byte-identical rows on every backend.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

SCHEMA_VERSION = 1

metadata = MetaData()

# SQLite makes an INTEGER PRIMARY KEY the rowid itself (one b-tree instead of two).
_Height = BigInteger().with_variant(Integer(), "sqlite")

blocks = Table(
    "blocks",
    metadata,
    Column("height", _Height, primary_key=True, autoincrement=False),
    Column("hash", String(64), nullable=False, unique=True),
    Column("header", Text, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("certificate", LargeBinary, nullable=False),
)

receipts = Table(
    "receipts",
    metadata,
    Column("height", BigInteger, primary_key=True, autoincrement=False),
    Column("idx", Integer, primary_key=True, autoincrement=False),
    Column("tx_id", String(64), nullable=False),
    Column("receipt", Text, nullable=False),
    Index("ix_receipts_tx_id", "tx_id"),
    sqlite_with_rowid=False,
)

account_history = Table(
    "account_history",
    metadata,
    Column("account", String(128), primary_key=True),
    Column("height", BigInteger, primary_key=True, autoincrement=False),
    Column("idx", Integer, primary_key=True, autoincrement=False),
    Column("tx_id", String(64), nullable=False),
    sqlite_with_rowid=False,
)

state_rows = Table(
    "state_rows",
    metadata,
    Column("table_name", String(64), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("leaf_index", BigInteger, nullable=False),
    Column("value", Text, nullable=False),
    sqlite_with_rowid=False,
)

state_tables = Table(
    "state_tables",
    metadata,
    Column("table_name", String(64), primary_key=True),
    Column("next_index", BigInteger, nullable=False),
)

records = Table(
    "records",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("value", LargeBinary, nullable=False),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("height", _Height, primary_key=True, autoincrement=False),
    Column("state_root", String(64), nullable=False),
    Column("certificate", LargeBinary, nullable=False),
)
