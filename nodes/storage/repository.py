"""``Repository``: a node's durable store of blocks, receipts, history, state and consensus records.

One block is one database transaction: ``save_block`` writes the block and its certificate, its
receipts, the account-history index and the block's state diff (every row the ledger tables mark
``unsaved``, plus their next leaf indexes) and commits; it returns only after the commit is
durable (see ``nodes.storage.engine``). If anything fails, nothing of the block is stored and the
state's ``unsaved`` sets are left as they were, so the same call can be retried; a process killed
mid-write leaves the previous block's state, because the database never saw a commit.

``load_state`` rebuilds a ``LedgerState`` whose state root equals the one before the restart.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Self

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from ledger.block import Block, BlockHeader
from ledger.chain_state import LedgerState
from ledger.genesis import Genesis, create_genesis_state
from ledger.receipts import Receipt
from nodes.storage import schema
from nodes.storage.bulk import create_bulk_writer
from nodes.storage.engine import create_storage_engine, get_writer
from nodes.storage.errors import StorageConflict, StorageError
from nodes.storage.rows import (
    StateChanges,
    compute_block_row,
    compute_history_rows,
    compute_receipt_rows,
    compute_state_changes,
    decode_receipt,
    decode_state_row,
)

_INTERNAL_PREFIX = "storage/"
_KEY_SCHEMA = "storage/schema_version"
_KEY_GENESIS = "storage/genesis_hash"
_KEY_CHAIN = "storage/chain_id"
MAX_HISTORY_LIMIT = 1000
_LOAD_BATCH = 20_000


@dataclass(frozen=True, slots=True)
class StoredBlock:
    """A block as stored: header, the payload the consensus layer ordered, its certificate."""

    height: int
    hash: str
    header: BlockHeader
    payload: bytes
    certificate: bytes

    def decode(self) -> Block:
        """The block decoded from its payload."""
        return Block.decode(self.payload)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A stable checkpoint: the state root at ``height`` and the certificate that proves it."""

    height: int
    state_root: bytes
    certificate: bytes


class Repository:
    """Durable storage of one node, over SQLite or PostgreSQL (selected by URL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = get_writer(engine)
        self._bulk = create_bulk_writer(engine)
        insert_fn: Any = sqlite.insert if engine.dialect.name == "sqlite" else postgresql.insert
        upsert = insert_fn(schema.state_tables)
        self._upsert_next = upsert.on_conflict_do_update(
            index_elements=[schema.state_tables.c.table_name],
            set_={"next_index": upsert.excluded.next_index},
        )
        upsert = insert_fn(schema.records)
        self._upsert_record = upsert.on_conflict_do_update(
            index_elements=[schema.records.c.key], set_={"value": upsert.excluded.value})
        upsert = insert_fn(schema.checkpoints)
        self._upsert_checkpoint = upsert.on_conflict_do_update(
            index_elements=[schema.checkpoints.c.height],
            set_={"state_root": upsert.excluded.state_root,
                  "certificate": upsert.excluded.certificate},
        )
        rows = schema.state_rows
        self._delete_rows = delete(rows).where(
            rows.c.table_name == bindparam("b_table"), rows.c.key == bindparam("b_key"))

    @classmethod
    def open(cls, url: str) -> Repository:
        """Open (and create if needed) the store at ``url``: ``sqlite:///node.db`` or
        ``postgresql+psycopg://user@host:5432/db``."""
        engine = create_storage_engine(url)
        try:
            schema.metadata.create_all(engine)
            repo = cls(engine)
            repo._check_schema_version()
        except BaseException:
            engine.dispose()
            raise
        return repo

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _check_schema_version(self) -> None:
        with self._writer.begin() as conn:
            stored = self._read_record(conn, _KEY_SCHEMA)
            if stored is None:
                self._write_record(conn, _KEY_SCHEMA, str(schema.SCHEMA_VERSION).encode())
            elif stored != str(schema.SCHEMA_VERSION).encode():
                raise StorageError(
                    f"storage schema version {stored.decode()} is not the supported version "
                    f"{schema.SCHEMA_VERSION}: migrate the database or start a fresh one"
                )

    # --- state -------------------------------------------------------------------------------

    def has_state(self) -> bool:
        """A genesis state has been saved."""
        with self.engine.connect() as conn:
            return self._read_record(conn, _KEY_GENESIS) is not None

    def save_genesis(self, genesis: Genesis, state: LedgerState) -> None:
        """Persist the genesis state (its ``unsaved`` rows) and the genesis hash, atomically."""
        if state.height != 0:
            raise StorageError(f"save_genesis needs the height-0 state, got height {state.height}")
        genesis_hash = genesis.compute_hash()
        changes = compute_state_changes(state)
        with self._writer.begin() as conn:
            stored = self._read_record(conn, _KEY_GENESIS)
            if stored is not None:
                self._require_genesis(stored, genesis_hash)
                tip = self._read_tip(conn)
                if tip != 0:
                    raise StorageConflict(
                        f"storage already holds blocks up to height {tip}; "
                        "use load_state to continue from it")
                # Already stored by an earlier call whose result we never saw.
            else:
                self._write_record(conn, _KEY_GENESIS, genesis_hash)
                self._write_record(conn, _KEY_CHAIN, genesis.chain_id.encode())
                self._write_state(conn, changes)
        changes.mark_saved(state)

    def load_state(self, genesis: Genesis) -> LedgerState:
        """The ledger state as of the last saved block (or genesis)."""
        state = LedgerState(genesis.chain_id)
        tables = state.tables.tables
        with self._snapshot() as conn:
            stored = self._read_record(conn, _KEY_GENESIS)
            if stored is None:
                raise StorageError("storage holds no state: save_genesis first (or open_state)")
            self._require_genesis(stored, genesis.compute_hash())
            tip = self._read_tip(conn)
            next_indexes = dict(conn.execute(
                select(schema.state_tables.c.table_name, schema.state_tables.c.next_index)
            ).all())
            unknown = sorted(set(next_indexes) - set(tables))
            if unknown:
                raise StorageError(
                    f"storage has ledger tables this software does not know: {unknown}; "
                    "run the software version that wrote this database")
            rows_table = schema.state_rows
            for name, next_index in next_indexes.items():
                table = tables[name]
                # Streamed (a server-side cursor on PostgreSQL): a big table is never held
                # twice in memory, as raw rows and as values.
                result = conn.execution_options(yield_per=_LOAD_BATCH).execute(
                    select(rows_table.c.key, rows_table.c.leaf_index, rows_table.c.value)
                    .where(rows_table.c.table_name == name))
                rows = []
                for key_text, index, value_text in result:
                    key, value = decode_state_row(table, key_text, value_text)
                    rows.append((key, index, value))
                # Leaf-index order is the order rows were first inserted on every node.
                rows.sort(key=lambda row: row[1])
                table.load(rows, next_index)
        if state.height != tip:
            raise StorageError(
                f"stored state is at height {state.height} but the last block is {tip}: "
                "the database is inconsistent")
        return state

    def _snapshot(self) -> Connection:
        """A connection whose reads all see one committed state (a block is never half-read)."""
        conn = self.engine.connect()
        if self.engine.dialect.name == "postgresql":
            # READ COMMITTED would let each statement see a different last block.
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        return conn

    def open_state(self, genesis: Genesis) -> LedgerState:
        """``load_state``, or the genesis state (saved first) when storage is empty."""
        if self.has_state():
            return self.load_state(genesis)
        state = create_genesis_state(genesis)
        self.save_genesis(genesis, state)
        return state

    @staticmethod
    def _require_genesis(stored: bytes, genesis_hash: bytes) -> None:
        if stored != genesis_hash:
            raise StorageConflict(
                f"storage belongs to genesis {stored.hex()[:16]}…, not {genesis_hash.hex()[:16]}…: "
                "point the node at its own database or start a fresh one")

    def _write_state(self, conn: Connection, changes: StateChanges) -> None:
        self._bulk.upsert_state(conn, changes.upserts)
        if changes.deletes:
            conn.execute(self._delete_rows, changes.deletes)
        if changes.next_indexes:
            conn.execute(self._upsert_next, changes.next_indexes)

    # --- blocks ------------------------------------------------------------------------------

    def save_block(self, block: Block, certificate: bytes, receipts: Sequence[Receipt],
                   state: LedgerState) -> None:
        """Store a block, its receipts, history and the state after it, in one durable commit."""
        header = block.header
        if state.height != header.height:
            raise StorageError(
                f"state is at height {state.height}, block is {header.height}: "
                "save each block right after applying it")
        if len(receipts) != header.tx_count or any(r.height != header.height for r in receipts):
            raise StorageError(f"receipts do not belong to block {header.height}")
        # Never persist a state the block's certificate does not vouch for.
        if state.compute_state_root().hex() != header.state_root:
            raise StorageError(f"state root differs from block {header.height}'s header")
        block_row = compute_block_row(block, certificate)
        receipt_rows = compute_receipt_rows(receipts)
        history_rows = compute_history_rows(receipts)
        changes = compute_state_changes(state)
        with self._writer.begin() as conn:
            tip = self._read_tip(conn)
            if header.height < tip:
                raise StorageConflict(
                    f"storage is already at height {tip}, ahead of this state at "
                    f"{header.height}: reload the state with load_state")
            if header.height == tip and tip > 0:
                stored = conn.execute(select(schema.blocks.c.hash).where(
                    schema.blocks.c.height == header.height)).scalar_one()
                if stored != block_row["hash"]:
                    raise StorageConflict(
                        f"height {header.height} already holds block {stored[:16]}…")
                # The same block was committed by an earlier call whose result we never saw.
            elif header.height != tip + 1:
                raise StorageError(
                    f"block {header.height} does not follow the stored tip {tip}")
            else:
                conn.execute(insert(schema.blocks), [block_row])
                self._bulk.insert(conn, schema.receipts, receipt_rows)
                self._bulk.insert(conn, schema.account_history, history_rows)
                self._write_state(conn, changes)
        changes.mark_saved(state)

    def tip_height(self) -> int:
        """Height of the last stored block (0 when only genesis is stored)."""
        with self.engine.connect() as conn:
            return self._read_tip(conn)

    @staticmethod
    def _read_tip(conn: Connection) -> int:
        tip = conn.execute(select(func.max(schema.blocks.c.height))).scalar()
        return int(tip) if tip is not None else 0

    def get_block(self, height: int) -> StoredBlock | None:
        """The stored block at ``height``, if any."""
        blocks = self.get_blocks(height, height)
        return blocks[0] if blocks else None

    def get_blocks(self, first: int, last: int) -> list[StoredBlock]:
        """Stored blocks with ``first <= height <= last``, in height order."""
        b = schema.blocks
        query = (select(b.c.height, b.c.hash, b.c.header, b.c.payload, b.c.certificate)
                 .where(b.c.height >= first, b.c.height <= last).order_by(b.c.height))
        with self.engine.connect() as conn:
            return [
                StoredBlock(height, hash_, BlockHeader.from_json(json.loads(header)),
                            bytes(payload), bytes(certificate))
                for height, hash_, header, payload, certificate in conn.execute(query)
            ]

    # --- receipts and history ----------------------------------------------------------------

    def get_receipt(self, tx_id: str) -> Receipt | None:
        """The latest receipt of ``tx_id`` (an applied one if it was ever applied)."""
        r = schema.receipts
        query = (select(r.c.receipt).where(r.c.tx_id == tx_id)
                 .order_by(r.c.height.desc(), r.c.idx.desc()).limit(1))
        with self.engine.connect() as conn:
            text = conn.execute(query).scalar()
        return None if text is None else decode_receipt(text)

    def get_receipts(self, height: int) -> list[Receipt]:
        """Every receipt of the block at ``height``, in block order."""
        r = schema.receipts
        query = select(r.c.receipt).where(r.c.height == height).order_by(r.c.idx)
        with self.engine.connect() as conn:
            return [decode_receipt(text) for text in conn.execute(query).scalars()]

    def get_history(self, account: str, limit: int = 50,
                    before: tuple[int, int] | None = None) -> list[Receipt]:
        """Receipts touching ``account``, newest first; ``before`` = (height, index) pages on."""
        if not 1 <= limit <= MAX_HISTORY_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_HISTORY_LIMIT}, got {limit}")
        h, r = schema.account_history, schema.receipts
        query = (select(r.c.receipt).select_from(h)
                 .join(r, (r.c.height == h.c.height) & (r.c.idx == h.c.idx))
                 .where(h.c.account == account))
        if before is not None:
            query = query.where(tuple_(h.c.height, h.c.idx) < tuple_(*before))
        query = query.order_by(h.c.height.desc(), h.c.idx.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [decode_receipt(text) for text in conn.execute(query).scalars()]

    # --- consensus records and checkpoints ---------------------------------------------------

    def put_record(self, key: str, value: bytes) -> None:
        """Durably store an opaque record (e.g. a replica's view and log state)."""
        if key.startswith(_INTERNAL_PREFIX):
            raise ValueError(f"record keys starting with {_INTERNAL_PREFIX!r} are reserved")
        with self._writer.begin() as conn:
            self._write_record(conn, key, value)

    def get_record(self, key: str) -> bytes | None:
        """The record stored under ``key``, if any."""
        with self.engine.connect() as conn:
            return self._read_record(conn, key)

    def put_records(self, puts: dict[str, bytes], deletes: Sequence[str] = ()) -> None:
        """Store and delete several records in one durable transaction."""
        for key in [*puts, *deletes]:
            if key.startswith(_INTERNAL_PREFIX):
                raise ValueError(f"record keys starting with {_INTERNAL_PREFIX!r} are reserved")
        with self._writer.begin() as conn:
            if deletes:
                conn.execute(delete(schema.records).where(schema.records.c.key.in_(list(deletes))))
            if puts:
                conn.execute(self._upsert_record,
                             [{"key": k, "value": bytes(v)} for k, v in puts.items()])

    def delete_record(self, key: str) -> None:
        """Remove a record (no error if absent)."""
        if key.startswith(_INTERNAL_PREFIX):
            raise ValueError(f"record keys starting with {_INTERNAL_PREFIX!r} are reserved")
        with self._writer.begin() as conn:
            conn.execute(delete(schema.records).where(schema.records.c.key == key))

    def _write_record(self, conn: Connection, key: str, value: bytes) -> None:
        conn.execute(self._upsert_record, [{"key": key, "value": bytes(value)}])

    @staticmethod
    def _read_record(conn: Connection, key: str) -> bytes | None:
        value = conn.execute(
            select(schema.records.c.value).where(schema.records.c.key == key)).scalar()
        return None if value is None else bytes(value)

    def save_checkpoint(self, height: int, state_root: bytes, certificate: bytes) -> None:
        """Durably keep a checkpoint's state root and certificate (retained for proofs)."""
        row = {"height": height, "state_root": state_root.hex(), "certificate": bytes(certificate)}
        with self._writer.begin() as conn:
            conn.execute(self._upsert_checkpoint, [row])

    def get_checkpoint(self, height: int | None = None) -> Checkpoint | None:
        """The checkpoint at ``height``, or the latest one when ``height`` is None."""
        c = schema.checkpoints
        query = select(c.c.height, c.c.state_root, c.c.certificate)
        if height is None:
            query = query.order_by(c.c.height.desc()).limit(1)
        else:
            query = query.where(c.c.height == height)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return Checkpoint(int(row[0]), bytes.fromhex(row[1]), bytes(row[2]))
