from __future__ import annotations

import pytest
from sqlalchemy import text

from nodes.storage import StorageError
from nodes.storage.engine import create_storage_engine, get_storage_url


def test_sqlite_runs_in_wal_mode_with_full_sync(sqlite_url: str) -> None:
    engine = create_storage_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    finally:
        engine.dispose()


def test_sqlite_reads_run_inside_the_transaction(sqlite_url: str) -> None:
    # sqlite3's legacy mode would begin only at the first write; we need BEGIN up front.
    engine = create_storage_engine(sqlite_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT 1"))
            assert conn.connection.driver_connection.in_transaction  # type: ignore[union-attr]
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgresql_commits_synchronously(postgres_url: str) -> None:
    engine = create_storage_engine(postgres_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW synchronous_commit")).scalar() == "on"
    finally:
        engine.dispose()


def test_storage_urls() -> None:
    assert get_storage_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert get_storage_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"
    assert get_storage_url("sqlite:///node.db").drivername == "sqlite"
    with pytest.raises(StorageError, match="unsupported storage backend"):
        get_storage_url("mysql://u@h/db")
