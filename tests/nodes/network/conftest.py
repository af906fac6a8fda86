"""Fixtures that run a real network of node processes on loopback in a temporary directory."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from nodes.launcher.network import LocalNetwork


def free_port_base(count: int) -> int:
    """A base port such that base..base+count-1 are all free right now."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + count >= 65000:
            continue
        ok = True
        for port in range(base, base + count):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise RuntimeError("no free port block")


def start_network(directory: Path, validators: int = 4, seed: bytes = b"\x01" * 32,
                  **config_overrides: object) -> LocalNetwork:
    """Create and start a network; ``config_overrides`` go into every node's config.json."""
    import json

    base = free_port_base(120)
    network = LocalNetwork.create(directory, validators=validators, observers=1,
                                  base_port=base, api_base_port=base + 60, seed=seed)
    for node in network.nodes():
        config = json.loads(node.config_path.read_text())
        config.update(config_overrides)
        node.config_path.write_text(json.dumps(config, indent=2))
    network.start(timeout_s=90)
    return network


@pytest.fixture
def network(tmp_path: Path) -> Iterator[LocalNetwork]:
    net = start_network(tmp_path / "net")
    try:
        yield net
    finally:
        net.stop()
