"""Database engines for node storage, configured so that a committed block survives a crash.

SQLite (the default, zero set-up): write-ahead log, ``synchronous=FULL`` (the WAL is fsynced at
every commit), and SQLAlchemy emits ``BEGIN`` itself so that every statement, reads included,
runs inside the transaction (the ``sqlite3`` module's legacy mode would not); writers begin with
``BEGIN IMMEDIATE``. PostgreSQL through
psycopg 3 (``postgresql+psycopg://``; a bare ``postgresql://`` is taken to mean psycopg):
``synchronous_commit`` is forced on for the session, whatever the server default, and the
session gets the staging table that bulk state writes go through (``nodes.storage.bulk``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from nodes.storage.bulk import prepare_postgres_session
from nodes.storage.errors import StorageError

WRITE_OPTION = "ntdc_storage_write"
"""Execution option marking a transaction that will write (see ``get_writer``)."""

_SQLITE_BUSY_TIMEOUT_MS = 10_000
_SQLITE_CACHE_KIB = 32 * 1024
"""Page cache per connection: a block's upserts touch thousands of b-tree pages."""


def get_storage_url(url: str | URL) -> URL:
    """Parse a storage URL, choosing psycopg 3 for a bare ``postgresql://``."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend not in ("sqlite", "postgresql"):
        raise StorageError(
            f"unsupported storage backend {backend!r}: use sqlite:///path/to/node.db "
            "or postgresql+psycopg://user@host:port/database"
        )
    return parsed


def create_storage_engine(url: str | URL) -> Engine:
    """An engine for ``url`` with the durability settings of its backend applied."""
    parsed = get_storage_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _create_sqlite_engine(parsed)
    return _create_postgresql_engine(parsed)


def get_writer(engine: Engine) -> Engine:
    """The same engine (and pool) for transactions that write."""
    return engine.execution_options(**{WRITE_OPTION: True})


def _create_sqlite_engine(url: URL) -> Engine:
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN away from the sqlite3 module (it skips it before SELECT and DDL).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: the WAL is fsynced on every commit, so an acknowledged block survives
            # power loss, not only a process crash.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute(f"PRAGMA cache_size=-{_SQLITE_CACHE_KIB}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writer takes the write lock up front: a deferred transaction that read first could
        # not upgrade (SQLITE_BUSY_SNAPSHOT, no retry) once another connection had committed.
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _create_postgresql_engine(url: URL) -> Engine:
    engine = create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # A commit returns only after the WAL record is flushed to disk on the server.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO on")
        prepare_postgres_session(dbapi_connection)
        dbapi_connection.commit()

    return engine
