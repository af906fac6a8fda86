"""Start, find, stop and kill node processes of a local network directory.

Each node runs as ``python -m nodes.node_main --config DIR/<node>/config.json`` in its own
session, logging to DIR/<node>/node.log; pids are kept in DIR/pids.json.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from nodes.config import NodeConfig


@dataclass
class NodeProcess:
    name: str
    config_path: Path
    pid: int

    @property
    def config(self) -> NodeConfig:
        return NodeConfig.load(self.config_path)

    @property
    def api(self) -> str:
        config = self.config
        return f"http://{config.api_host}:{config.api_port}"


def node_dirs(directory: Path) -> list[Path]:
    """Node folders in a stable order: validators by index, then observers."""
    found = [p.parent for p in directory.glob("*/config.json")]
    return sorted(found, key=lambda p: (p.name.startswith("observer"), int(p.name.split("-")[1])))


def start_node(config_path: Path, extra_env: dict[str, str] | None = None) -> int:
    """Start one node process in its own session; returns its pid."""
    log_path = config_path.parent / "node.log"
    env = {**os.environ, **(extra_env or {}), "PYTHONUNBUFFERED": "1"}
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "nodes.node_main", "--config", str(config_path)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, env=env,
        )
    return process.pid


def read_pids(directory: Path) -> dict[str, int]:
    path = directory / "pids.json"
    return json.loads(path.read_text()) if path.exists() else {}


def write_pids(directory: Path, pids: dict[str, int]) -> None:
    (directory / "pids.json").write_text(json.dumps(pids, indent=2))


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child counts as dead
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except OSError:
        return True


def kill_node(pid: int, hard: bool = True) -> None:
    """kill -9 (hard) or SIGTERM the node's whole process group."""
    try:
        os.killpg(pid, signal.SIGKILL if hard else signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 10
    while is_alive(pid) and time.monotonic() < deadline:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.05)


def wait_ready(api: str, timeout_s: float = 60.0) -> bool:
    """Wait until a node answers /v1/status."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{api}/v1/status", timeout=1.0).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    return False


def get_status(api: str) -> dict[str, object] | None:
    """A node's public status, flattened (its ``details`` merged into the top level)."""
    try:
        response = httpx.get(f"{api}/v1/status", timeout=2.0)
        if response.status_code != 200:
            return None
        body = response.json()
    except (httpx.HTTPError, ValueError):
        return None
    details = body.pop("details", None) if isinstance(body, dict) else None
    return {**body, **details} if isinstance(details, dict) else body
