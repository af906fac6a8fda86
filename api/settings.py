"""API settings: one immutable object, made by a factory, injected as a dependency.

Nothing here is read at import time. ``get_settings`` reads ``NTDC_API_*`` environment variables
the first time it is called; tests replace it with ``app.dependency_overrides[get_settings]``.
"""

from __future__ import annotations

import functools
import os

from pydantic import BaseModel, ConfigDict, Field


class ApiSettings(BaseModel):
    """Limits and lifetimes of the HTTP APIs (never keys: those are passed to the app factories)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    token_ttl_s: int = Field(900, ge=1, le=86_400)
    """Lifetime of a bearer token (15 minutes)."""
    challenge_ttl_s: int = Field(120, ge=1, le=3600)
    """How long a login challenge may be answered."""
    max_challenges: int = Field(100_000, ge=1)
    """Outstanding challenges kept per process (oldest dropped first), so logins cannot exhaust
    memory."""
    max_wait_s: float = Field(30.0, ge=0, le=300)
    """Longest a request may wait for finality."""
    max_batch: int = Field(1000, ge=1, le=10_000)
    """Transactions per batch submission."""
    max_page: int = Field(200, ge=1, le=1000)
    """Items per page of history, blocks and search results."""
    max_scan_blocks: int = Field(1000, ge=1)
    """Blocks one regulator transaction search reads before it returns a cursor."""


@functools.cache
def _settings_from_environment() -> ApiSettings:
    prefix = "NTDC_API_"
    values = {name: os.environ[prefix + name.upper()]
              for name in ApiSettings.model_fields if prefix + name.upper() in os.environ}
    return ApiSettings.model_validate(values)


def get_settings() -> ApiSettings:
    """The process's API settings (dependency; override in tests)."""
    return _settings_from_environment()
