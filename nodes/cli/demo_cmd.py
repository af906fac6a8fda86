"""``ntdc demo``: start a local network and tell the whole story live."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("demo")
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=Path("var/demo"),
              show_default=True, help="Network directory (recreated on every run).")
@click.option("--base-port", default=7300, show_default=True)
@click.option("--attach", "attach_dir", type=click.Path(path_type=Path), default=None,
              help="Tell the story on an already running network (e.g. docker compose's "
                   "/network) instead of starting one.")
@click.option("--custodian", "custodian_url", default=None,
              help="With --attach: the custodian's deposit desk URL (e.g. http://custodian:8300).")
@click.option("--clearing", "clearing_url", default=None,
              help="With --attach: the clearing house's margin service URL.")
def demo_command(directory: Path, base_port: int, attach_dir: Path | None,
                 custodian_url: str | None, clearing_url: str | None) -> None:
    """Run the NTDC story on a fresh local network; exit 0 only if every check held."""
    from nodes.demo.story import run_demo

    if attach_dir is not None:
        sys.exit(run_demo(attach_dir, base_port, attach=True, custodian_url=custodian_url,
                         clearing_url=clearing_url))
    sys.exit(run_demo(directory, base_port))
