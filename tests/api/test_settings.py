"""api/settings.py: read from NTDC_API_* once, validated."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api import settings


def test_environment_and_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    settings._settings_from_environment.cache_clear()
    monkeypatch.setenv("NTDC_API_TOKEN_TTL_S", "60")
    monkeypatch.setenv("NTDC_API_MAX_BATCH", "5")
    try:
        loaded = settings.get_settings()
        assert (loaded.token_ttl_s, loaded.max_batch, loaded.max_wait_s) == (60, 5, 30.0)
        monkeypatch.setenv("NTDC_API_TOKEN_TTL_S", "0")
        settings._settings_from_environment.cache_clear()
        with pytest.raises(ValidationError):
            settings.get_settings()
    finally:
        settings._settings_from_environment.cache_clear()
