"""A local network directory: create it, start/stop its processes, report their status."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from nodes.cli.genesis_cmd import write_network
from nodes.launcher.processes import (
    NodeProcess,
    get_status,
    is_alive,
    kill_node,
    node_dirs,
    read_pids,
    start_node,
    wait_ready,
    write_pids,
)


class LocalNetwork:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @classmethod
    def create(cls, directory: Path, validators: int = 4, observers: int = 1,
               base_port: int = 7100, api_base_port: int = 8100, seed: bytes | None = None,
               chain_id: str = "ntdc-local", params: dict[str, object] | None = None,
               **config_overrides: object) -> LocalNetwork:
        """Write genesis, keys and configs unless present; ``config_overrides`` go into every
        node's config.json (e.g. a shorter checkpoint interval)."""
        if not (directory / "genesis.json").exists():
            write_network(directory, validators, observers, base_port, api_base_port,
                          seed or os.urandom(32), chain_id, params=params)
            import json

            for node in cls(directory).nodes():
                config = json.loads(node.config_path.read_text())
                config.update(config_overrides)
                node.config_path.write_text(json.dumps(config, indent=2))
        return cls(directory)

    def nodes(self) -> list[NodeProcess]:
        pids = read_pids(self.directory)
        return [NodeProcess(d.name, d / "config.json", pids.get(d.name, 0))
                for d in node_dirs(self.directory)]

    def node(self, name: str) -> NodeProcess:
        for node in self.nodes():
            if node.name == name:
                return node
        raise KeyError(name)

    def start(self, names: list[str] | None = None, wait: bool = True,
              timeout_s: float = 60.0) -> None:
        pids = read_pids(self.directory)
        started = []
        for node in self.nodes():
            if names is not None and node.name not in names:
                continue
            if node.pid and is_alive(node.pid):
                continue
            pids[node.name] = start_node(node.config_path)
            started.append(node.name)
        write_pids(self.directory, pids)
        if wait:
            for node in self.nodes():
                if node.name in started and not wait_ready(node.api, timeout_s):
                    log_tail = (node.config_path.parent / "node.log").read_text()[-3000:]
                    raise RuntimeError(f"{node.name} did not become ready:\n{log_tail}")

    def kill(self, name: str, hard: bool = True) -> None:
        node = self.node(name)
        if node.pid:
            kill_node(node.pid, hard=hard)

    def stop(self) -> None:
        for node in self.nodes():
            if node.pid and is_alive(node.pid):
                kill_node(node.pid, hard=False)
        for node in self.nodes():
            if node.pid and is_alive(node.pid):
                kill_node(node.pid, hard=True)
        write_pids(self.directory, {})

    def status(self) -> list[dict[str, Any]]:
        out = []
        for node in self.nodes():
            alive = bool(node.pid) and is_alive(node.pid)
            status = get_status(node.api) if alive else None
            out.append({"name": node.name, "pid": node.pid, "alive": alive,
                        "api": node.api, **(status or {})})
        return out

    def wait_for(self, predicate: Any, timeout_s: float = 60.0, poll_s: float = 0.2) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if predicate(self.status()):
                return True
            time.sleep(poll_s)
        return False

    def agree(self) -> tuple[bool, list[dict[str, Any]]]:
        """All live nodes report the same height and state digest."""
        statuses = [s for s in self.status() if s["alive"]]
        pairs = {(s.get("height"), s.get("state_digest")) for s in statuses}
        return len(pairs) == 1 and None not in next(iter(pairs)), statuses
