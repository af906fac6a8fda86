"""Seeded workloads of signed transactions: onboarding, funding and random transfers.

Used by the tests, ``ntdc bench-ledger``, ``ntdc network load`` and the demo, so all of them
exercise the same, real transaction paths.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from api.sdk.builders import Dossier, Signer, register_account_body, sign_deposit_receipt
from ledger.crypto.keys import PrivateKey
from ledger.genesis import Genesis
from ledger.types import AccountKind
from nodes.devnet import DevnetKeys, derive_seed


@dataclass
class Holder:
    signer: Signer
    bank: str

    @property
    def account(self) -> str:
        return self.signer.signer


@dataclass
class Workload:
    """Builds signed transactions for a devnet, tracking nonces and custodian sequence numbers."""

    genesis: Genesis
    keys: DevnetKeys
    seed: int = 0
    holders: list[Holder] = field(default_factory=list)
    custodian_seq: int = 0
    banks: dict[str, Signer] = field(default_factory=dict)
    custodian: Signer | None = None
    now_ms: int = 0

    def __post_init__(self) -> None:
        chain = self.genesis.chain_id
        self.rng = random.Random(self.seed)
        self.banks = {b: Signer(k, f"bank:{b}", chain) for b, k in self.keys.bank_operator.items()}
        self.custodian = Signer(self.keys.roles["custodian"], "custodian", chain)
        self.now_ms = self.genesis.genesis_time_ms

    def role(self, name: str) -> Signer:
        """A signer for an institutional role (regulator, ccp, police) — one per role."""
        if not hasattr(self, "_roles"):
            self._roles: dict[str, Signer] = {}
        if name not in self._roles:
            self._roles[name] = Signer(self.keys.roles[name], name, self.genesis.chain_id)
        return self._roles[name]

    def new_holder(self, bank: str, kind: AccountKind = AccountKind.INDIVIDUAL,
                   name: str | None = None) -> tuple[Holder, dict[str, Any]]:
        """A fresh holder key and the register_account transaction its bank signs."""
        index = len(self.holders)
        key = PrivateKey.from_seed(derive_seed(self.seed.to_bytes(8, "big"), f"holder:{index}"))
        holder = Holder(Signer.for_account(key, self.genesis.chain_id), bank)
        self.holders.append(holder)
        dossier = Dossier(name=name or f"Holder {index}", national_id=f"A{index:09d}",
                          birth_date="1990-01-01", address=f"{index} Zhongxiao E. Rd, Taipei")
        body = register_account_body(
            account_key=str(key.public_key()), kind=kind, home_bank=bank, dossier=dossier,
            regulator_key=self.keys.regulator_sealing.public_key(),
            bank_key=self.keys.bank_sealing[bank].public_key(),
            identity_salt=self.rng.randbytes(16), leaf_salt=self.rng.randbytes(32),
        )
        return holder, self.banks[bank].sign("register_account", body)

    def deposit_receipt(self, bank: str, amount: int) -> dict[str, Any]:
        self.custodian_seq += 1
        return sign_deposit_receipt(
            self.keys.roles["custodian"], chain_id=self.genesis.chain_id,
            receipt_id=f"DR-{self.custodian_seq:08d}", bank=bank, amount=amount,
            issued_at_ms=self.now_ms, custodian_seq=self.custodian_seq,
        )

    def mint(self, holder: Holder, amount: int) -> dict[str, Any]:
        receipt = self.deposit_receipt(holder.bank, amount)
        return self.banks[holder.bank].sign("mint", {"to": holder.account, "receipt": receipt})

    def transfer(self, sender: Holder, receiver: Holder, amount: int,
                 memo: str = "") -> dict[str, Any]:
        return sender.signer.sign("transfer", {"to": receiver.account, "amount": str(amount),
                                               "memo": memo})

    def redeem(self, holder: Holder, amount: int) -> dict[str, Any]:
        return holder.signer.sign("redeem", {"amount": str(amount)})

    def confirm_payout(self, redemption_id: str, paid_at_ms: int) -> dict[str, Any]:
        assert self.custodian is not None
        self.custodian_seq += 1
        return self.custodian.sign("confirm_payout", {
            "redemption_id": redemption_id, "custodian_seq": self.custodian_seq,
            "paid_at_ms": paid_at_ms})

    def attest(self, balance: int, as_of_ms: int) -> dict[str, Any]:
        assert self.custodian is not None
        return self.custodian.sign("reserve_attestation", {
            "attestation_id": f"ATT-{self.custodian_seq:08d}-{as_of_ms}",
            "reserve_balance": str(balance), "through_seq": self.custodian_seq,
            "as_of_ms": as_of_ms})

    def random_transfers(self, count: int, max_amount: int = 10_000) -> list[dict[str, Any]]:
        """``count`` transfers between random distinct holders (amounts 1..max_amount)."""
        out = []
        for _ in range(count):
            a, b = self.rng.sample(self.holders, 2)
            out.append(self.transfer(a, b, self.rng.randint(1, max_amount)))
        return out
