from __future__ import annotations

import pytest
from sqlalchemy import select

from nodes.storage import Repository, schema
from nodes.storage.bulk import create_bulk_writer


class Abort(Exception):
    pass


def _state_rows(repo: Repository) -> list[tuple[object, ...]]:
    with repo.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(schema.state_rows)))


def test_upserts_replace_rows_and_a_rolled_back_batch_leaves_nothing(store_url: str) -> None:
    with Repository.open(store_url) as repo:
        writer = create_bulk_writer(repo.engine)
        with repo.engine.begin() as conn:
            writer.upsert_state(conn, [("t", '"a"', 0, "1"), ("t", '"b"', 1, "2")])
        with pytest.raises(Abort), repo.engine.begin() as conn:
            writer.upsert_state(conn, [("t", '"z"', 9, "lost")])
            raise Abort
        with repo.engine.begin() as conn:
            # Text with tabs, newlines, backslashes and non-ASCII survives COPY unchanged.
            writer.upsert_state(conn, [("t", '"b"', 1, '"\\t\t\n\\\\ 新台幣"')])
        assert _state_rows(repo) == [("t", '"a"', 0, "1"), ("t", '"b"', 1, '"\\t\t\n\\\\ 新台幣"')]


def test_inserts_write_every_row(store_url: str) -> None:
    rows = [(1, i, f"{i:064x}", "{}") for i in range(2_500)]
    with Repository.open(store_url) as repo:
        writer = create_bulk_writer(repo.engine)
        with repo.engine.begin() as conn:
            writer.insert(conn, schema.receipts, rows)
        with repo.engine.connect() as conn:
            stored = sorted(tuple(r) for r in conn.execute(select(schema.receipts)))
        assert stored == rows
