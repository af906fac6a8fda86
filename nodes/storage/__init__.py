"""Durable node storage: blocks, receipts, account history, ledger state and consensus records.

SQLite by default (``sqlite:///node.db``), PostgreSQL by URL (``postgresql+psycopg://...``).
"""

from nodes.storage.errors import StorageConflict, StorageError
from nodes.storage.repository import Checkpoint, Repository, StoredBlock

__all__ = ["Checkpoint", "Repository", "StorageConflict", "StorageError", "StoredBlock"]
