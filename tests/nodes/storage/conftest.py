"""Storage test fixtures: a SQLite file per test, and a fresh PostgreSQL schema per test.

PostgreSQL tests use ``NTDC_TEST_POSTGRES_URL`` (default: the trust-auth server on
127.0.0.1:5432, database ``test``). Each test gets its own schema, created for it and dropped
after it; when the server cannot be reached the tests are skipped, saying why.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import URL, make_url

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def get_postgres_base_url() -> URL:
    return make_url(os.environ.get("NTDC_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))


def _libpq_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def probe_postgres() -> str | None:
    """None if the test server answers, else why not."""
    url = get_postgres_base_url()
    try:
        with psycopg.connect(_libpq_dsn(url), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (f"PostgreSQL unreachable at {url.render_as_string(hide_password=True)} "
                f"({reason}); set NTDC_TEST_POSTGRES_URL to a server to run these tests")
    return None


class PostgresSchema:
    """A freshly created schema; ``url`` points a Repository at it through search_path."""

    def __init__(self) -> None:
        base = get_postgres_base_url()
        self.name = f"ntdc_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self._dsn = _libpq_dsn(base)
        with psycopg.connect(self._dsn, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{self.name}"')
        url = base.update_query_dict({"options": f"-csearch_path={self.name}"})
        self.url = url.render_as_string(hide_password=False)

    def drop(self) -> None:
        with psycopg.connect(self._dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')


@pytest.fixture(scope="session")
def postgres_available() -> None:
    reason = probe_postgres()
    if reason is not None:
        pytest.skip(reason)


@pytest.fixture
def postgres_url(postgres_available: None) -> Iterator[str]:
    schema = PostgresSchema()
    try:
        yield schema.url
    finally:
        schema.drop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'node.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str:
    """A URL for an empty store, once per backend."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))
