"""Transaction kinds and block-start hooks contributed by the enforcement, AML and collateral
modules. The core execution loop reads these two registries and nothing else; genesis also runs
``GENESIS_HOOKS``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

EXTRA_PROCESSORS: dict[str, Callable[[Any, Any, Any], None]] = {}
"""kind -> process_* function for kinds beyond the core six."""

BLOCK_START_HOOKS: list[Callable[[Any, int, int], None]] = []
"""Time-driven rules run at the start of every block, in this order."""


def run_block_start_hooks(state: Any, height: int, time_ms: int) -> None:
    for hook in BLOCK_START_HOOKS:
        hook(state, height, time_ms)


GENESIS_HOOKS: list[Callable[[Any], None]] = []
"""Rows every genesis state gets after the core ones (e.g. the court-custody account)."""


def run_genesis_hooks(state: Any) -> None:
    for hook in GENESIS_HOOKS:
        hook(state)


def _register_enforcement() -> None:
    from ledger.enforcement import registry

    EXTRA_PROCESSORS.update(registry.PROCESSORS)
    BLOCK_START_HOOKS.extend(registry.BLOCK_START_HOOKS)
    GENESIS_HOOKS.extend(registry.GENESIS_HOOKS)


_register_enforcement()


def _register_collateral() -> None:
    from ledger.collateral import registry

    EXTRA_PROCESSORS.update(registry.PROCESSORS)
    BLOCK_START_HOOKS.extend(registry.BLOCK_START_HOOKS)


_register_collateral()


def _register_aml() -> None:
    from ledger.aml.governance import process_set_aml_params

    EXTRA_PROCESSORS["set_aml_params"] = process_set_aml_params


_register_aml()
