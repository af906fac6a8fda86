"""Load a local network's genesis and private keys from its directory (for tools and the demo)."""

from __future__ import annotations

import json
from pathlib import Path

from ledger.crypto.keys import PrivateKey
from ledger.crypto.sealing import SealingPrivateKey
from ledger.genesis import Genesis
from nodes.config import read_secret
from nodes.devnet import ROLES, DevnetKeys


def load_network(directory: Path) -> tuple[Genesis, DevnetKeys]:
    genesis = Genesis.model_validate(json.loads((directory / "genesis.json").read_text()))
    keys = directory / "keys"
    banks = [b.bank_id for b in genesis.banks]
    return genesis, DevnetKeys(
        node_keys=[PrivateKey.parse(read_secret(keys / f"validator-{i}.node.key"))
                   for i in range(len(genesis.validators))],
        observer_keys=[PrivateKey.parse(read_secret(keys / f"observer-{i}.node.key"))
                       for i in range(len(genesis.observers))],
        bank_operator={b: PrivateKey.parse(read_secret(keys / f"{b}.operator.key"))
                       for b in banks},
        bank_sealing={b: SealingPrivateKey.parse(read_secret(keys / f"{b}.sealing.key"))
                      for b in banks},
        roles={r: PrivateKey.parse(read_secret(keys / f"{r}.key")) for r in ROLES},
        regulator_sealing=SealingPrivateKey.parse(read_secret(keys / "regulator.sealing.key")),
    )
