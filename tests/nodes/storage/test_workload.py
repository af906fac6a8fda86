"""Acceptance: a seeded 10,000-transaction workload stored on SQLite and on PostgreSQL.

The chain executes every block and saves it to SQLite. A second, independent state starts from
genesis and replays the blocks *as stored* (payloads decoded from the database, every header
checked); it is saved to PostgreSQL. After every block, the state reloaded from each database
has the root the executing node had, and at the end both databases hold identical rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from ledger.block import Block
from ledger.chain_state import LedgerState
from ledger.codec import to_jsonable
from ledger.genesis import Genesis, create_genesis_state
from ledger.invariants import check_invariants
from ledger.receipts import Receipt
from nodes.storage import Repository, schema
from nodes.storage.codec import encode_json, encode_state
from tests.nodes.storage.conftest import PostgresSchema, probe_postgres
from tests.nodes.storage.seeded_chain import SeededChain, apply_checked, build_seeded_chain
from tests.nodes.storage.test_repository import certificate

TOTAL_TXS = 10_000


@dataclass
class StoredWorkload:
    seeded: SeededChain
    sqlite: Repository
    replayed: LedgerState
    sqlite_roots: list[bytes] = field(default_factory=list)
    """Root of the state loaded from SQLite after each block (index = height)."""
    replayed_roots: list[bytes] = field(default_factory=list)
    postgres: Repository | None = None
    postgres_skip: str | None = None
    postgres_roots: list[bytes] = field(default_factory=list)


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoredWorkload]:
    sqlite = Repository.open(f"sqlite:///{tmp_path_factory.mktemp('workload') / 'node.db'}")
    sqlite_roots: list[bytes] = []
    genesis_box: list[Genesis] = []

    def on_genesis(genesis: Genesis, state: LedgerState) -> None:
        genesis_box.append(genesis)
        sqlite.save_genesis(genesis, state)
        sqlite_roots.append(sqlite.load_state(genesis).compute_state_root())

    def on_block(block: Block, receipts: list[Receipt], state: LedgerState) -> None:
        sqlite.save_block(block, certificate(block), receipts, state)
        sqlite_roots.append(sqlite.load_state(genesis_box[0]).compute_state_root())

    seeded = build_seeded_chain(total_txs=TOTAL_TXS, block_size=500,
                                on_block=on_block, on_genesis=on_genesis)
    genesis = seeded.genesis

    skip = probe_postgres()
    pg_schema = PostgresSchema() if skip is None else None
    postgres = Repository.open(pg_schema.url) if pg_schema is not None else None
    replayed = create_genesis_state(genesis)
    result = StoredWorkload(seeded, sqlite, replayed, sqlite_roots,
                            [replayed.compute_state_root()], postgres, skip)
    try:
        if postgres is not None:
            postgres.save_genesis(genesis, replayed)
            result.postgres_roots.append(postgres.load_state(genesis).compute_state_root())
        for stored_block in sqlite.get_blocks(1, sqlite.tip_height()):
            block = stored_block.decode()
            receipts = apply_checked(replayed, block)
            result.replayed_roots.append(replayed.compute_state_root())
            if postgres is not None:
                postgres.save_block(block, stored_block.certificate, receipts, replayed)
                result.postgres_roots.append(postgres.load_state(genesis).compute_state_root())
        yield result
    finally:
        sqlite.close()
        if postgres is not None:
            postgres.close()
        if pg_schema is not None:
            pg_schema.drop()


def _dump(repo: Repository) -> dict[str, list[tuple[object, ...]]]:
    tables = [schema.blocks, schema.receipts, schema.account_history, schema.state_rows,
              schema.state_tables, schema.checkpoints]
    with repo.engine.connect() as conn:
        return {t.name: sorted(tuple(row) for row in conn.execute(select(t))) for t in tables}


def test_workload_on_sqlite_reloads_and_replays_to_the_same_roots(
        stored: StoredWorkload) -> None:
    seeded = stored.seeded
    assert seeded.tx_count == TOTAL_TXS
    statuses = {(r.kind, r.status) for block in seeded.receipts for r in block}
    assert {("transfer", "applied"), ("transfer", "rejected"), ("redeem", "applied"),
            ("confirm_payout", "applied"), ("mint", "applied")} <= statuses
    assert stored.sqlite_roots == seeded.roots
    assert stored.replayed_roots == seeded.roots
    loaded = stored.sqlite.load_state(seeded.genesis)
    assert loaded.compute_state_root() == stored.replayed.compute_state_root()
    assert check_invariants(loaded) == []
    assert stored.sqlite.tip_height() == len(seeded.blocks)
    # The fast row codec writes exactly the ledger codec's JSON for every row.
    for table in loaded.tables.tables.values():
        for _key, value in table.items():
            assert encode_state(value) == encode_json(to_jsonable(value))
    for height, receipts in enumerate(seeded.receipts, start=1):
        assert stored.sqlite.get_receipts(height) == receipts


@pytest.mark.postgres
def test_workload_on_postgres_matches_sqlite_after_every_block(stored: StoredWorkload) -> None:
    if stored.postgres is None:
        pytest.skip(stored.postgres_skip or "PostgreSQL unavailable")
    seeded = stored.seeded
    assert stored.postgres_roots == seeded.roots
    loaded = stored.postgres.load_state(seeded.genesis)
    assert loaded.compute_state_root() == stored.replayed.compute_state_root()
    assert check_invariants(loaded) == []
    # Same blocks, certificates, receipts, history and state rows, byte for byte.
    assert _dump(stored.postgres) == _dump(stored.sqlite)
