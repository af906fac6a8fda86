"""Transaction kinds and block-start hooks contributed by the enforcement, AML and collateral
modules. The core execution loop reads these two registries and nothing else."""

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
