"""Seeded workloads of signed transactions: onboarding, funding and random transfers.

Used by the tests, ``ntdc bench-ledger``, ``ntdc network load`` and the demo, so all of them
exercise the same, real transaction paths.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from api.sdk.builders import (
    Dossier,
    Signer,
    TravelRuleParty,
    register_account_body,
    seal_travel_rule,
    sign_deposit_receipt,
)
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
    dossiers: dict[str, Dossier] = field(default_factory=dict)
    """Account id -> the KYC dossier its bank sealed at registration (travel-rule data)."""
    kinds: dict[str, AccountKind] = field(default_factory=dict)
    order_seq: int = 0

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
        self.dossiers[holder.account], self.kinds[holder.account] = dossier, kind
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

    # Travel rule (SPEC §5) and enforcement orders (SPEC §6).

    def travel_party(self, holder: Holder) -> TravelRuleParty:
        """The holder's identity as its bank's KYC dossier records it."""
        dossier = self.dossiers[holder.account]
        company = self.kinds.get(holder.account) not in (None, AccountKind.INDIVIDUAL)
        return TravelRuleParty(name=dossier.name, account=holder.account, bank=holder.bank,
                               id_number=dossier.national_id,
                               id_type="company_no" if company else "national_id")

    def travel_rule(self, sender: Holder, receiver: Holder, amount: int) -> dict[str, Any]:
        """Travel-rule data for a transfer, sealed to both banks and the regulator."""
        return seal_travel_rule(
            originator=self.travel_party(sender), beneficiary=self.travel_party(receiver),
            amount=amount, regulator_key=self.keys.regulator_sealing.public_key(),
            beneficiary_bank_key=self.keys.bank_sealing[receiver.bank].public_key(),
            originator_bank_key=self.keys.bank_sealing[sender.bank].public_key(),
        )

    def transfer_with_travel_rule(self, sender: Holder, receiver: Holder, amount: int,
                                  memo: str = "") -> dict[str, Any]:
        """A transfer carrying sealed originator/beneficiary identities."""
        return sender.signer.sign("transfer", {
            "to": receiver.account, "amount": str(amount), "memo": memo,
            "travel_rule": self.travel_rule(sender, receiver, amount)})

    def next_order_id(self, prefix: str) -> str:
        self.order_seq += 1
        return f"{prefix}-{self.order_seq:06d}"

    def order(self, kind: str, role: str, legal_basis: str = "", order_id: str = "",
              **fields: Any) -> dict[str, Any]:
        """An enforcement order of ``kind`` signed by ``role`` (police or regulator)."""
        prefix = "CIB" if role == "police" else "FSC"
        body = {"order_id": order_id or self.next_order_id(prefix),
                "legal_basis": legal_basis or f"demo {kind} order", **fields}
        return self.role(role).sign(kind, body)

    def police_hold(self, holder: Holder, order_id: str = "",
                    legal_basis: str = "Fraud Crime Hazard Prevention Act") -> dict[str, Any]:
        return self.order("police_hold", "police", legal_basis, order_id,
                          account=holder.account)

    def confirm_hold(self, hold_order_id: str, order_id: str = "") -> dict[str, Any]:
        return self.order("confirm_hold", "regulator", "", order_id,
                          hold_order_id=hold_order_id)

    def freeze(self, holder: Holder, order_id: str = "") -> dict[str, Any]:
        return self.order("freeze", "regulator", "", order_id, account=holder.account)

    def unfreeze(self, holder: Holder, order_id: str = "") -> dict[str, Any]:
        return self.order("unfreeze", "regulator", "", order_id, account=holder.account)

    def seize(self, holder: Holder, order_id: str = "") -> dict[str, Any]:
        return self.order("seize", "regulator", "", order_id, account=holder.account)

    def set_holding_caps(self, caps: dict[AccountKind, int],
                         order_id: str = "") -> dict[str, Any]:
        return self.order("set_holding_caps", "regulator", "", order_id,
                          caps={k.value: str(v) for k, v in caps.items()})

    def update_sanctions(self, list_name: str, add: tuple[str, ...] = (),
                         remove: tuple[str, ...] = (), order_id: str = "") -> dict[str, Any]:
        return self.order("update_sanctions", "regulator", "", order_id,
                          list_name=list_name, add=list(add), remove=list(remove))

    # Tokenized margin collateral (SPEC §7): members pledge and release, the CCP signs the rest.

    def new_ccp_account(self, bank: str,
                        name: str = "Clearing House") -> tuple[Holder, dict[str, Any]]:
        """The CCP's own account (id derived from the ccp role key) and its registration."""
        key = self.keys.roles["ccp"]
        holder = Holder(Signer.for_account(key, self.genesis.chain_id), bank)
        dossier = Dossier(name=name, national_id="CCP-0001", birth_date="1998-01-01",
                          address="100 Roosevelt Rd, Taipei")
        self.dossiers[holder.account], self.kinds[holder.account] = dossier, AccountKind.CCP
        body = register_account_body(
            account_key=str(key.public_key()), kind=AccountKind.CCP, home_bank=bank,
            dossier=dossier, regulator_key=self.keys.regulator_sealing.public_key(),
            bank_key=self.keys.bank_sealing[bank].public_key(),
            identity_salt=self.rng.randbytes(16), leaf_salt=self.rng.randbytes(32),
        )
        return holder, self.banks[bank].sign("register_account", body)

    def pledge(self, member: Holder, amount: int) -> dict[str, Any]:
        return member.signer.sign("pledge", {"amount": str(amount)})

    def release(self, member: Holder, amount: int) -> dict[str, Any]:
        return member.signer.sign("release", {"amount": str(amount)})

    def set_haircut(self, haircut_bps: int, source: str, asset: str = "NTDC") -> dict[str, Any]:
        return self.role("ccp").sign("set_haircut", {
            "asset": asset, "haircut_bps": haircut_bps, "source": source})

    def post_requirement(self, member: Holder, requirement: int, method: str = "HS-ES",
                         reference: str = "demo margin run") -> dict[str, Any]:
        return self.role("ccp").sign("post_requirement", {
            "member": member.account, "requirement": str(requirement), "method": method,
            "reference": reference})

    def liquidate(self, call_id: str, reference: str = "") -> dict[str, Any]:
        return self.role("ccp").sign("liquidate", {"call_id": call_id, "reference": reference})

    def variation_settlement(self, settlement_id: str, legs: list[tuple[Holder, int]],
                             reference: str = "") -> dict[str, Any]:
        """Legs are (account, signed amount): positive receives, negative pays."""
        return self.role("ccp").sign("variation_settlement", {
            "settlement_id": settlement_id, "reference": reference,
            "legs": [{"account": h.account, "amount": str(a)} for h, a in legs]})
