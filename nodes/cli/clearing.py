"""``ntdc clearing``: the clearing house's margin service and helpers around it.

* ``serve``: run the margin service (``nodes.clearing.service``) against a bank node.
* ``positions``: book a member's futures positions at a running service.
* ``shock``: post a new price for one contract (intraday re-mark, or ``--settle`` for a daily
  settlement with variation margin) at a running service.
* ``measure``: seconds from a price shock to the margin call on chain, and from a covering
  pledge to the call closed, on a running network.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import click
import httpx

from nodes.cli.wallet import echo_json

DEFAULT_SERVICE = "http://127.0.0.1:8200"
SERVICE = click.option("--clearing", "service_url", envvar="NTDC_CLEARING", default=DEFAULT_SERVICE,
                       show_default=True, help="Base URL of the margin service (or NTDC_CLEARING).")
TOKEN = click.option("--token", envvar="NTDC_CLEARING_TOKEN", default=None,
                     help="Operator token of the margin service (or NTDC_CLEARING_TOKEN).")


def _default_host() -> str:
    """Loopback, except inside a container, where the port is published from all interfaces."""
    return os.environ.get("NTDC_CLEARING_HOST") or (
        "0.0.0.0" if Path("/.dockerenv").exists() else "127.0.0.1")


def _call(method: str, url: str, token: str | None, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        response = httpx.request(method, url, json=body, headers=headers, timeout=120)
    except httpx.HTTPError as exc:
        raise click.ClickException(f"margin service unreachable at {url}: {exc}") from None
    payload = response.json() if response.content else {}
    if response.status_code >= 400:
        raise click.ClickException(f"{payload.get('code', response.status_code)}: "
                                   f"{payload.get('detail', response.text[:300])}")
    return payload


@click.group("clearing")
def clearing_group() -> None:
    """Clearing house (CCP): margin service, positions, price shocks, call latency."""


@clearing_group.command("serve")
@click.option("--network", "network_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Network directory written by `ntdc genesis` (genesis.json, keys/ccp.key).")
@click.option("--node", "node_url", required=True, help="Base URL of a bank node's API.")
@click.option("--host", default=None, help="Listen address (default 127.0.0.1; 0.0.0.0 in a "
              "container; or NTDC_CLEARING_HOST).")
@click.option("--port", default=8200, show_default=True, type=click.IntRange(1, 65535))
@click.option("--history", type=click.Choice(["seeded", "wti"]), default="seeded",
              show_default=True, help="HS-ES price history: generated seeded paths or the "
              "shipped WTI series.")
@click.option("--method", type=click.Choice(["HS-ES", "SPAN"]), default="HS-ES",
              show_default=True, help="Default initial-margin method.")
@click.option("--watch-interval", type=float, default=1.0, show_default=True,
              help="Seconds between margin-call checks.")
@click.option("--books", "books_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Books JSON file (default NETWORK/clearing/books.json).")
@click.option("--token-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, envvar="NTDC_CLEARING_TOKEN_FILE",
              help="File holding the operator token required for writes.")
def serve_command(network_dir: Path, node_url: str, host: str | None, port: int, history: str,
                  method: str, watch_interval: float, books_file: Path | None,
                  token_file: Path | None) -> None:
    """Run the margin service: positions in, margin posted on chain, calls watched."""
    from nodes.clearing.service.model import MarginMethod
    from nodes.clearing.service.runner import ServeOptions, serve
    from nodes.config import read_secret
    from nodes.logs import configure_logging

    configure_logging("clearing", "INFO")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per node request is noise
    serve(ServeOptions(network_dir=network_dir, node_url=node_url, host=host or _default_host(),
                       port=port, history=history, method=MarginMethod(method),
                       watch_interval_s=watch_interval, books_path=books_file,
                       token=read_secret(token_file) if token_file else None))


@clearing_group.command("positions")
@SERVICE
@TOKEN
@click.option("--member", required=True, help="The member's account id.")
@click.option("--set", "entries", multiple=True, required=True, metavar="CONTRACT=QTY",
              help="A position, e.g. --set TX=10 --set MTX=-4 (repeat).")
@click.option("--method", type=click.Choice(["HS-ES", "SPAN"]), default=None)
def positions_command(service_url: str, token: str | None, member: str,
                      entries: tuple[str, ...], method: str | None) -> None:
    """Book a member's positions; the service posts its requirement on chain."""
    positions: dict[str, int] = {}
    for entry in entries:
        code, _, qty = entry.partition("=")
        try:
            positions[code.strip().upper()] = int(qty)
        except ValueError:
            raise click.BadParameter(f"{entry!r}: use CONTRACT=QTY, e.g. TX=10") from None
    body: dict[str, Any] = {"positions": positions, "method": method}
    echo_json(_call("PUT", f"{service_url}/v1/members/{member}/positions", token, body))


@clearing_group.command("shock")
@SERVICE
@TOKEN
@click.option("--contract", required=True, type=click.Choice(["TX", "MTX", "BTCSQ"]))
@click.option("--price", required=True, help="New price (BTCSQ: the spot price in NT$/BTC).")
@click.option("--rate-bps", type=int, default=500, show_default=True,
              help="BTCSQ financing rate, basis points a year.")
@click.option("--days", type=int, default=90, show_default=True,
              help="BTCSQ calendar days to expiry.")
@click.option("--settle", is_flag=True, help="Daily settlement (variation margin) instead of an "
              "intraday re-mark.")
def shock_command(service_url: str, token: str | None, contract: str, price: str,
                  rate_bps: int, days: int, settle: bool) -> None:
    """Post a new price for one contract; prints the requirements posted and calls opened."""
    body: dict[str, Any] = (
        {"spot_quoted": {contract: {"spot": price, "annual_rate_bps": rate_bps,
                                    "days_to_expiry": days}}}
        if contract == "BTCSQ" else {"prices": {contract: price}})
    path = "/v1/settlement-prices" if settle else "/v1/prices"
    result = _call("POST", service_url + path, token, body)
    click.echo(f"posted {len(result['transactions'])} transaction(s) in "
               f"{result['chain_ms'] / 1000:.3f} s (margin computed in "
               f"{result['compute_ms']:.0f} ms); calls opened: "
               f"{', '.join(result['calls_opened']) or 'none'}; calls met: "
               f"{', '.join(result['calls_met']) or 'none'}")
    if result.get("settlement"):
        settlement = result["settlement"]
        click.echo(f"settlement {settlement.get('settlement_id', '-')}: {settlement['status']}")


@clearing_group.command("measure")
@click.option("--network", "network_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--node", "node_url", default=None,
              help="Bank node API (default: the first validator's).")
@click.option("--rounds", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--shock-bps", default=800, show_default=True, type=click.IntRange(300, 5000),
              help="TX price rise per round, basis points (above the member's 2% buffer).")
@click.option("--seed", default=None, type=int, help="Workload seed (default: the clock).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Also write the figures to this file.")
def measure_command(network_dir: Path, node_url: str | None, rounds: int, shock_bps: int,
                    seed: int | None, json_path: Path | None) -> None:
    """Seconds from a price shock to the call on chain, and from a covering pledge to the call
    closed, on a running network (`ntdc network up`)."""
    from nodes.clearing.service.measure import run_measurement

    try:
        result = run_measurement(network_dir, node_url, rounds, shock_bps, seed)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    if json_path is not None:
        json_path.write_text(json.dumps(result, indent=2))
    seconds = result["seconds"]
    for name, figures in seconds.items():
        if figures["n"]:
            click.echo(f"{name:<34} median {figures['median']:.3f} s  p90 {figures['p90']:.3f} s"
                       f"  min {figures['min']:.3f} s  max {figures['max']:.3f} s"
                       f"  (n={figures['n']})")
    click.echo(f"mode {result['mode']} via {result['node']}; {result['validators']} validators; "
               f"HS-ES computed in median {result['margin_compute_ms']['median']} ms")
