"""An observer database per test, on SQLite and (marked ``postgres``) on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from nodes.storage.engine import create_storage_engine
from tests.nodes.storage.conftest import PostgresSchema, probe_postgres


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database with the node's durability settings, once per backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'observer.db'}"
        schema = None
    else:
        reason = probe_postgres()
        if reason is not None:
            pytest.skip(reason)
        schema = PostgresSchema()
        url = schema.url
    engine = create_storage_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        if schema is not None:
            schema.drop()
