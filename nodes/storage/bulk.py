"""Bulk writes of many rows per table in one round trip, the fastest way each backend offers.

A block of 2,000 transfers writes ~2,000 receipts, ~4,000 history rows and ~4,000 state rows,
so per-row overhead decides how long a block waits for its commit. Rows are tuples in the
table's column order.

SQLite: the Core statements compiled once, then one ``executemany`` each (SQLAlchemy's per-row
parameter processing would double the cost; sqlite3's executemany loops in C).
PostgreSQL: ``COPY ... FROM STDIN`` (one round trip, no per-row statement on the server); the
state upsert copies into a session-local staging table and merges with one
``INSERT ... SELECT ... ON CONFLICT DO UPDATE``. Everything runs on the caller's connection, inside
its transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import Connection, Dialect, Engine, Table, insert
from sqlalchemy.dialects import sqlite

from nodes.storage import schema

Row = tuple[Any, ...]

_STAGE = "ntdc_stage_state_rows"


class BulkWriter(Protocol):
    """Writes rows of one table in one round trip on the caller's transaction."""

    def insert(self, conn: Connection, table: Table, rows: Sequence[Row]) -> None:
        """Insert new rows (tuples in column order)."""

    def upsert_state(self, conn: Connection, rows: Sequence[Row]) -> None:
        """Insert or replace ``state_rows`` rows keyed by (table_name, key)."""


def create_bulk_writer(engine: Engine) -> BulkWriter:
    """The bulk writer for ``engine``'s backend."""
    if engine.dialect.name == "sqlite":
        return SqliteBulkWriter(engine.dialect)
    return PostgresBulkWriter(engine.dialect)


def _column_names(table: Table) -> list[str]:
    return [column.name for column in table.columns]


class SqliteBulkWriter:
    """``executemany`` of statements compiled once from the Core schema."""

    def __init__(self, dialect: Dialect) -> None:
        self._insert_sql = {
            table.name: self._compile(insert(table), dialect, table)
            for table in (schema.receipts, schema.account_history)
        }
        rows = schema.state_rows
        upsert = sqlite.insert(rows)
        upsert = upsert.on_conflict_do_update(
            index_elements=[rows.c.table_name, rows.c.key],
            set_={"leaf_index": upsert.excluded.leaf_index, "value": upsert.excluded.value},
        )
        self._upsert_sql = self._compile(upsert, dialect, rows)

    @staticmethod
    def _compile(statement: Any, dialect: Dialect, table: Table) -> str:
        compiled = statement.compile(dialect=dialect)
        # Rows are passed positionally: the parameters must be the columns, in table order.
        if list(compiled.positiontup or ()) != _column_names(table):
            raise RuntimeError(f"unexpected parameter order for {table.name}")
        return str(compiled)

    def insert(self, conn: Connection, table: Table, rows: Sequence[Row]) -> None:
        """Insert new rows (tuples in column order)."""
        if rows:
            conn.exec_driver_sql(self._insert_sql[table.name], list(rows))

    def upsert_state(self, conn: Connection, rows: Sequence[Row]) -> None:
        """Insert or replace ``state_rows`` rows keyed by (table_name, key)."""
        if rows:
            conn.exec_driver_sql(self._upsert_sql, list(rows))


def prepare_postgres_session(dbapi_connection: Any) -> None:
    """Create the session's staging table (called for every new PostgreSQL connection)."""
    # Session-local and emptied at every commit or rollback, so each block starts clean and a
    # failed block leaves nothing behind.
    with dbapi_connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} (table_name text, key text, "
            "leaf_index bigint, value text) ON COMMIT DELETE ROWS")


class PostgresBulkWriter:
    """``COPY FROM STDIN`` into the table, or into a staging table merged by one upsert."""

    def __init__(self, dialect: Dialect) -> None:
        preparer = dialect.identifier_preparer
        self._copy_sql = {
            table.name: "COPY {} ({}) FROM STDIN".format(
                preparer.format_table(table),
                ", ".join(preparer.quote(name) for name in _column_names(table)))
            for table in (schema.receipts, schema.account_history)
        }
        self._stage_copy_sql = f"COPY {_STAGE} FROM STDIN"
        columns = ", ".join(preparer.quote(name) for name in _column_names(schema.state_rows))
        self._merge_sql = (
            f"INSERT INTO {preparer.format_table(schema.state_rows)} ({columns}) "
            f"SELECT {columns} FROM {_STAGE} ON CONFLICT (table_name, {preparer.quote('key')}) "
            "DO UPDATE SET leaf_index = EXCLUDED.leaf_index, value = EXCLUDED.value"
        )

    @staticmethod
    def _copy(conn: Connection, sql: str, rows: Sequence[Row]) -> None:
        driver_connection: Any = conn.connection.driver_connection
        with driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    def insert(self, conn: Connection, table: Table, rows: Sequence[Row]) -> None:
        """Insert new rows (tuples in column order)."""
        if rows:
            self._copy(conn, self._copy_sql[table.name], rows)

    def upsert_state(self, conn: Connection, rows: Sequence[Row]) -> None:
        """Insert or replace ``state_rows`` rows keyed by (table_name, key)."""
        if rows:
            self._copy(conn, self._stage_copy_sql, rows)
            conn.exec_driver_sql(self._merge_sql)
