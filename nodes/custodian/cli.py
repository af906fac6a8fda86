"""``ntdc custodian run``: the reserve custodian service against a node's HTTP API.

The books are read from and saved to a JSON file (before every signed transaction leaves the
process), so a restarted custodian never reuses a sequence number or pays a redemption twice.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from pathlib import Path
from typing import Any

import click

from ledger.crypto.keys import PrivateKey
from ledger.genesis import Genesis
from nodes.config import read_secret
from nodes.custodian.runner import CustodianRunner, HttpNode
from nodes.custodian.service import Custodian, CustodianBooks


def load_books(path: Path) -> CustodianBooks:
    """The books in ``path``, or empty books if the file does not exist yet."""
    if not path.exists():
        return CustodianBooks()
    return CustodianBooks.from_json(json.loads(path.read_text(encoding="utf-8")))


def save_books(path: Path, books: CustodianBooks) -> None:
    """Write the books atomically (a crash leaves the old or the new file, never half)."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(books.to_json(), handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


@click.command("custodian")
@click.option("--genesis", "genesis_file", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key-file", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The custodian's private key (as written by ntdc genesis: keys/custodian.key).")
@click.option("--api", "api_url", required=True, help="Base URL of a node's HTTP API.")
@click.option("--books", "books_file", required=True, type=click.Path(path_type=Path),
              help="JSON file of the custodian's books (created if missing).")
@click.option("--interval", type=float, default=5.0, show_default=True,
              help="Seconds between rounds.")
@click.option("--attest-every", type=float, default=60.0, show_default=True,
              help="Seconds between reserve attestations when nothing was paid.")
@click.option("--once", is_flag=True, help="Run one round and exit.")
@click.option("--port", type=int, default=0, show_default=True,
              help="Also serve the deposit desk (banks request signed receipts) on this port.")
@click.option("--host", default="127.0.0.1", show_default=True)
def custodian_command(genesis_file: Path, key_file: Path, api_url: str, books_file: Path,
                      interval: float, attest_every: float, once: bool, port: int,
                      host: str) -> None:
    """Pay pending redemptions and attest the reserve balance, signing from the custodian's
    own books."""
    genesis = Genesis.model_validate(json.loads(genesis_file.read_text(encoding="utf-8")))
    key = PrivateKey.parse(read_secret(key_file))
    custodian = Custodian.from_genesis(genesis, key, load_books(books_file))
    node = HttpNode(api_url, key)
    runner = CustodianRunner(custodian, node, attest_every_ms=int(attest_every * 1000),
                             on_books_changed=lambda c: save_books(books_file, c.books))
    try:
        if once:
            sent = runner.run_once()
            click.echo(f"submitted {len(sent)} transaction(s): "
                       f"{', '.join(e['kind'] for e in sent) or 'none'}")
            return
        lock = threading.Lock()
        unlocked_round = runner.run_once

        def locked_round() -> list[dict[str, Any]]:
            with lock:
                return unlocked_round()

        runner.run_once = locked_round  # type: ignore[method-assign]

        async def serve() -> None:
            stop = asyncio.Event()
            if port:
                import uvicorn

                from nodes.custodian.deposits import create_deposit_app

                desk = create_deposit_app(custodian, genesis, lock,
                                          lambda c: save_books(books_file, c.books))
                server = uvicorn.Server(uvicorn.Config(desk, host=host, port=port,
                                                       log_level="warning"))
                asyncio.get_running_loop().create_task(server.serve())
            await runner.run_forever(interval, stop)

        try:
            asyncio.run(serve())
        except KeyboardInterrupt:
            pass
    finally:
        node.close()
