"""Errors raised by node storage."""

from __future__ import annotations


class StorageError(Exception):
    """Storage cannot do what was asked; the message says why and what to do."""


class StorageConflict(StorageError):
    """A write contradicts what is already stored (another block at a height, another chain)."""
