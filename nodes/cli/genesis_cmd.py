"""``ntdc genesis``: keys, genesis and per-node configs for a local network."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from nodes.config import NodeConfig, write_secret
from nodes.devnet import make_devnet

COMPOSE_PORT = 7000
COMPOSE_API_PORT = 8000
COMPOSE_DATABASE = "postgresql+psycopg://ntdc:ntdc@postgres-{index}:5432/ntdc"


def write_network(directory: Path, validators: int, observers: int, base_port: int,
                  api_base_port: int, seed: bytes, chain_id: str,
                  database: str = "sqlite", compose: bool = False,
                  params: dict[str, object] | None = None) -> list[Path]:
    """Write genesis.json, keys/ and one config per node; returns the config paths.

    ``compose``: endpoints are the docker-compose service names (validator-<i>, observer-<i>)
    on fixed ports, and each validator uses its own PostgreSQL service postgres-<i>.
    """
    genesis, keys = make_devnet(seed, validators=validators, observers=observers,
                                chain_id=chain_id, base_port=base_port,
                                api_base_port=api_base_port, params=params)
    if compose:
        for v in genesis.validators:
            v.endpoint = f"validator-{v.index}:{COMPOSE_PORT}"
            v.api = f"http://validator-{v.index}:{COMPOSE_API_PORT}"
        for i, o in enumerate(genesis.observers):
            o.endpoint = f"observer-{i}:{COMPOSE_PORT}"
            o.api = f"http://observer-{i}:{COMPOSE_API_PORT}"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "genesis.json").write_text(json.dumps(genesis.model_dump(mode="json"), indent=2))
    secrets = directory / "keys"
    for i, key in enumerate(keys.node_keys):
        write_secret(secrets / f"validator-{i}.node.key", key.export())
    for i, key in enumerate(keys.observer_keys):
        write_secret(secrets / f"observer-{i}.node.key", key.export())
    for bank, key in keys.bank_operator.items():
        write_secret(secrets / f"{bank}.operator.key", key.export())
        write_secret(secrets / f"{bank}.sealing.key", keys.bank_sealing[bank].export())
    for role, key in keys.roles.items():
        write_secret(secrets / f"{role}.key", key.export())
    write_secret(secrets / "regulator.sealing.key", keys.regulator_sealing.export())
    configs = []
    for v in genesis.validators:
        name = f"validator-{v.index}"
        db = (f"sqlite:///{(directory / name / 'ledger.db').resolve()}" if database == "sqlite"
              else database.replace("{name}", name.replace("-", "_")))
        if compose:
            db = COMPOSE_DATABASE.format(index=v.index)
        host, port = v.endpoint.rsplit(":", 1)
        config = NodeConfig(
            name=name, role="validator", index=v.index, genesis_file="../genesis.json",
            node_key_file=f"../keys/{name}.node.key", database_url=db,
            api_host="0.0.0.0" if compose else "127.0.0.1",
            api_port=int(v.api.rsplit(":", 1)[1]),
            listen_host="0.0.0.0" if compose else host, listen_port=int(port),
            bank_id=v.bank_id, operator_key_file=f"../keys/{v.bank_id}.operator.key",
            sealing_key_file=f"../keys/{v.bank_id}.sealing.key")
        configs.append(_write_config(directory / name, config))
    for i, o in enumerate(genesis.observers):
        name = f"observer-{i}"
        db = (f"sqlite:///{(directory / name / 'ledger.db').resolve()}" if database == "sqlite"
              else database.replace("{name}", name.replace("-", "_")))
        host, port = o.endpoint.rsplit(":", 1)
        config = NodeConfig(
            name=name, role="observer", index=i, genesis_file="../genesis.json",
            node_key_file=f"../keys/{name}.node.key", database_url=db,
            api_host="0.0.0.0" if compose else "127.0.0.1",
            api_port=int(o.api.rsplit(":", 1)[1]),
            listen_host="0.0.0.0" if compose else host, listen_port=int(port),
            sealing_key_file="../keys/regulator.sealing.key")
        configs.append(_write_config(directory / name, config))
    return configs


def _write_config(node_dir: Path, config: NodeConfig) -> Path:
    node_dir.mkdir(parents=True, exist_ok=True)
    path = node_dir / "config.json"
    path.write_text(config.model_dump_json(indent=2))
    return path


@click.command("genesis")
@click.option("--dir", "directory", type=click.Path(path_type=Path), required=True,
              help="Where to write genesis.json, keys/ and one folder per node.")
@click.option("--validators", default=4, show_default=True, help="n = 3f+1 >= 4 bank nodes.")
@click.option("--observers", default=1, show_default=True, help="Regulator observer nodes.")
@click.option("--base-port", default=7100, show_default=True)
@click.option("--api-base-port", default=8100, show_default=True)
@click.option("--chain-id", default="ntdc-local", show_default=True)
@click.option("--seed", default=None, help="Hex master seed (reproducible keys); random if absent.")
@click.option("--compose", is_flag=True,
              help="Endpoints and databases for docker-compose.yml service names.")
@click.option("--param", "param_items", multiple=True, metavar="NAME=INT",
              help="Override an integer genesis parameter (repeatable), e.g. "
                   "collateral_call_deadline_ms=12000.")
def genesis_command(directory: Path, validators: int, observers: int, base_port: int,
                    api_base_port: int, chain_id: str, seed: str | None, compose: bool,
                    param_items: tuple[str, ...]) -> None:
    """Generate keys, genesis and per-node configs for a local network."""
    master = bytes.fromhex(seed) if seed else os.urandom(32)
    if compose and (directory / "genesis.json").exists():
        click.echo(f"{directory / 'genesis.json'} exists; keeping it")
        return
    params: dict[str, object] = {}
    for item in param_items:
        name, _, value = item.partition("=")
        if not name or not value.lstrip("-").isdigit():
            raise click.BadParameter(f"expected NAME=INTEGER, got {item!r}", param_hint="--param")
        params[name] = int(value)
    configs = write_network(directory, validators, observers, base_port, api_base_port,
                            master, chain_id, compose=compose, params=params)
    click.echo(f"wrote {directory / 'genesis.json'} and {len(configs)} node configs")
