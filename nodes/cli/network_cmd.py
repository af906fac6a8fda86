"""``ntdc network``: a local network of real node processes on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import click

from nodes.launcher.network import LocalNetwork

DEFAULT_DIR = Path("var/network")


@click.group("network")
def network_group() -> None:
    """Start, inspect, load and stop a local network (validators + regulator observer)."""


@network_group.command("up")
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=DEFAULT_DIR,
              show_default=True, help="State directory (created with a fresh genesis if empty).")
@click.option("--validators", default=4, show_default=True)
@click.option("--observer/--no-observer", default=True, show_default=True)
@click.option("--base-port", default=7100, show_default=True)
@click.option("--api-base-port", default=8100, show_default=True)
def up_command(directory: Path, validators: int, observer: bool, base_port: int,
               api_base_port: int) -> None:
    """Start the network's processes (creating keys and genesis first if needed)."""
    network = LocalNetwork.create(directory, validators, 1 if observer else 0, base_port,
                                  api_base_port)
    network.start()
    for node in network.status():
        click.echo(f"{node['name']:<12} pid {node['pid']:<8} {node['api']}  height "
                   f"{node.get('height')}")


@network_group.command("status")
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=DEFAULT_DIR,
              show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def status_command(directory: Path, as_json: bool) -> None:
    """Per node: role, height, view, state digest; for the observer, blocks verified."""
    statuses = LocalNetwork(directory).status()
    if as_json:
        click.echo(json.dumps(statuses, indent=2))
        return
    for s in statuses:
        digest = (s.get("state_digest") or "")[:16]
        extra = (f" verified {s.get('blocks_verified')} mismatches {s.get('mismatches')}"
                 if s.get("role") == "observer" else f" view {s.get('view')}")
        click.echo(f"{s['name']:<12} {'up' if s['alive'] else 'DOWN':<5} {s.get('role', '?'):<9}"
                   f" height {s.get('height')} digest {digest}{extra}")


@network_group.command("down")
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=DEFAULT_DIR,
              show_default=True)
def down_command(directory: Path) -> None:
    """Stop every process of the network (state stays on disk)."""
    LocalNetwork(directory).stop()
    click.echo("network stopped")


@network_group.command("load")
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=DEFAULT_DIR,
              show_default=True)
@click.option("--transfers", default=20_000, show_default=True)
@click.option("--accounts", default=400, show_default=True, help="Pre-funded holders.")
@click.option("--rate", default=0.0, show_default=True,
              help="Open loop: transfers arrive on schedule at this many tx/s over all nodes "
                   "and are sent as they arrive; use it to measure latency (0 = closed loop, "
                   "as fast as the window allows).")
@click.option("--seed", type=int, default=None,
              help="Seed for holders and transfers; fresh each run by default, so a second "
                   "load on the same network registers new holders instead of replaying.")
@click.option("--json", "json_path", type=click.Path(path_type=Path), default=None)
@click.option("--single", is_flag=True,
              help="One HTTP request per transaction (default: batches of 250).")
@click.option("--window", default=8000, show_default=True,
              help="Most transactions in flight (admitted, not yet final); 0 = no limit.")
def load_command(directory: Path, transfers: int, accounts: int, rate: float,
                 seed: int | None, json_path: Path | None, single: bool, window: int) -> None:
    """Pre-fund accounts, submit signed transfers over all validators, report tx/s and latency."""
    import asyncio
    import secrets

    from nodes.launcher.load import print_result, run_load

    if seed is None:
        seed = secrets.randbits(48)
    click.echo(f"load seed {seed}")

    result = asyncio.run(run_load(directory, transfers, accounts, rate, seed, single=single,
                                  window=window))
    click.echo(print_result(result, json_path))


@network_group.command("failover")
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=DEFAULT_DIR,
              show_default=True)
@click.option("--restart/--no-restart", default=True, show_default=True,
              help="Restart the killed primary afterwards and wait until it catches up.")
def failover_command(directory: Path, restart: bool) -> None:
    """kill -9 the current primary and time the first block committed in the new view."""
    import time

    import httpx

    from nodes.launcher.keys import load_network
    from nodes.launcher.load import continue_from_chain
    from nodes.workload import Workload

    network = LocalNetwork(directory)
    live = {s["name"]: s for s in network.status() if s["alive"]}
    validators = sorted(n for n in live if n.startswith("validator"))
    view = max(int(live[n].get("view") or 0) for n in validators)
    primary = f"validator-{view % len(validators)}"
    survivor = next(n for n in validators if n != primary)
    before = int(live[survivor]["height"])
    genesis, keys = load_network(directory)
    work = Workload(genesis, keys, seed=int(time.time()))
    bank = genesis.validators[int(survivor.split("-")[1])].bank_id
    continue_from_chain(work, {bank: live[survivor]["api"]}, work.seed)
    holder, register = work.new_holder(bank)
    network.kill(primary)
    killed = time.monotonic()
    answer = httpx.post(f"{live[survivor]['api']}/v1/transactions", json=register, timeout=30)
    if answer.status_code not in (200, 202):
        raise click.ClickException(f"{survivor} refused the probe transaction: {answer.text}")
    first_block = None
    while time.monotonic() - killed < 120:
        status = next((s for s in network.status() if s["name"] == survivor), {})
        if int(status.get("view") or 0) > view and int(status.get("height") or 0) > before:
            first_block = time.monotonic() - killed
            break
        time.sleep(0.02)
    if first_block is None:
        raise click.ClickException("no block in a new view within 120 s")
    click.echo(f"killed {primary} (primary of view {view}); first block of view "
               f"{status.get('view')} committed {first_block:.2f} s later (height {status['height']})")
    del holder
    if restart:
        network.start([primary])
        ok = network.wait_for(lambda s: len({(x.get("height"), x.get("state_digest"))
                                             for x in s if x["alive"]}) == 1, timeout_s=90)
        click.echo(f"{primary} restarted; all nodes agree: {ok}")
