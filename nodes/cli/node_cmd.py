"""``ntdc node run --config FILE``: run one node (validator or observer) in the foreground."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click


@click.group("node")
def node_group() -> None:
    """Run a single node."""


@node_group.command("run")
@click.option("--config", "config_path", type=click.Path(exists=True, path_type=Path),
              required=True, help="The node's config.json, as written by `ntdc genesis`.")
def run_command(config_path: Path) -> None:
    """Run a validator or observer until SIGTERM/SIGINT (kill -9 is survivable)."""
    from nodes.config import NodeConfig
    from nodes.logs import configure_logging
    from nodes.node_main import run_node

    config = NodeConfig.load(config_path)
    configure_logging(config.name, config.log_level)
    asyncio.run(run_node(config))
