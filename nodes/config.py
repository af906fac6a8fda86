"""Per-node configuration, written by ``ntdc genesis`` and read by ``ntdc node run``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ledger.genesis import Genesis


class NodeConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    role: Literal["validator", "observer"]
    index: int = Field(ge=0, description="validator index, or observer index")
    genesis_file: str
    node_key_file: str
    """File holding the node's transport/consensus private key (mode 0600)."""
    database_url: str
    api_host: str = "127.0.0.1"
    api_port: int
    listen_host: str = "127.0.0.1"
    listen_port: int
    bank_id: str = ""
    operator_key_file: str = ""
    sealing_key_file: str = ""
    batch_max: int = 1000
    batch_wait_ms: int = 10
    checkpoint_interval: int = 16
    log_window: int = 64
    view_timeout_ms: int = 4000
    log_level: str = "INFO"

    @classmethod
    def load(cls, path: str | Path) -> NodeConfig:
        config = cls.model_validate_json(Path(path).read_text())
        base = Path(path).resolve().parent
        updates = {}
        for name in ("genesis_file", "node_key_file", "operator_key_file", "sealing_key_file"):
            value = getattr(config, name)
            if value and not Path(value).is_absolute():
                updates[name] = str(base / value)
        return config.model_copy(update=updates)

    def load_genesis(self) -> Genesis:
        return Genesis.model_validate(json.loads(Path(self.genesis_file).read_text()))


def write_secret(path: Path, text: str) -> None:
    """Write a key file readable only by its owner."""
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")


def read_secret(path: str | Path) -> str:
    return Path(path).read_text().strip()
