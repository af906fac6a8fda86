"""Key material and genesis for a local network (used by ``ntdc genesis``, tests and the demo).

All keys come from one seed, so a test network is reproducible; ``ntdc genesis`` draws the seed
from the operating system unless told otherwise.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ledger.crypto.keys import Algorithm, PrivateKey
from ledger.crypto.sealing import SealingPrivateKey
from ledger.genesis import BankEntry, Genesis, Observer, Validator
from nodes.net.tls import make_node_certificate

ROLES = ("custodian", "regulator", "ccp", "police")


def derive_seed(master: bytes, label: str) -> bytes:
    """32-byte seed for ``label`` from the master seed."""
    return hashlib.sha256(b"NTDC/devnet/v1\x00" + master + b"\x00" + label.encode()).digest()


@dataclass
class DevnetKeys:
    """Every private key of a local network, by name."""

    node_keys: list[PrivateKey]
    observer_keys: list[PrivateKey]
    bank_operator: dict[str, PrivateKey]
    bank_sealing: dict[str, SealingPrivateKey]
    roles: dict[str, PrivateKey]
    regulator_sealing: SealingPrivateKey
    secrets: dict[str, str] = field(default_factory=dict)


def bank_ids(count: int) -> list[str]:
    return [f"BANK-{chr(ord('A') + i)}" for i in range(count)]


def make_devnet(
    master_seed: bytes, *, validators: int = 4, observers: int = 1, chain_id: str = "ntdc-local",
    genesis_time_ms: int = 1_767_225_600_000, host: str = "127.0.0.1", base_port: int = 7100,
    api_base_port: int = 8100, institutional_alg: Algorithm = Algorithm.ED25519,
    params: dict[str, object] | None = None,
) -> tuple[Genesis, DevnetKeys]:
    """A genesis for ``validators`` banks (one node each) plus observers, and all its keys."""
    if validators < 4:
        raise ValueError("PBFT needs n = 3f+1 >= 4 validators")
    banks = bank_ids(validators)
    node_keys = [PrivateKey.from_seed(derive_seed(master_seed, f"node:{i}"))
                 for i in range(validators)]
    observer_keys = [PrivateKey.from_seed(derive_seed(master_seed, f"observer:{i}"))
                     for i in range(observers)]
    operator = {b: PrivateKey.from_seed(derive_seed(master_seed, f"operator:{b}"),
                                        institutional_alg) for b in banks}
    sealing = {b: SealingPrivateKey.generate() for b in banks}
    roles = {r: PrivateKey.from_seed(derive_seed(master_seed, f"role:{r}"), institutional_alg)
             for r in ROLES}
    regulator_sealing = SealingPrivateKey.generate()
    genesis = Genesis(
        chain_id=chain_id,
        genesis_time_ms=genesis_time_ms,
        validators=[
            Validator(index=i, bank_id=banks[i], node_key=str(node_keys[i].public_key()),
                      endpoint=f"{host}:{base_port + i}", api=f"http://{host}:{api_base_port + i}",
                      tls_cert=make_node_certificate(node_keys[i], f"validator-{i}"))
            for i in range(validators)
        ],
        observers=[
            Observer(name="regulator" if i == 0 else f"observer-{i}",
                     node_key=str(observer_keys[i].public_key()),
                     endpoint=f"{host}:{base_port + 50 + i}",
                     api=f"http://{host}:{api_base_port + 50 + i}",
                     tls_cert=make_node_certificate(observer_keys[i], f"observer-{i}"))
            for i in range(observers)
        ],
        banks=[BankEntry(bank_id=b, operator_key=str(operator[b].public_key()),
                         sealing_key=str(sealing[b].public_key()),
                         reserve_account_ref=f"CBC-NTDC-RESERVE/{b}") for b in banks],
        roles={r: str(k.public_key()) for r, k in roles.items()},
        sealing_keys={"regulator": str(regulator_sealing.public_key())},
        params=dict(params or {}),
    )
    return genesis, DevnetKeys(node_keys, observer_keys, operator, sealing, roles,
                               regulator_sealing)
