"""A ledger chain with a proof archive that certifies its checkpoints like a PBFT quorum would."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from consensus.messages import CheckpointProof
from ledger.por.archive import ProofArchive
from ledger.por.certificate import sign_checkpoint
from ledger.por.documents import build_inclusion_proof
from ledger.receipts import Receipt
from nodes.workload import Holder
from tests.support.chain import Chain


@dataclass
class PorChain:
    chain: Chain
    archive: ProofArchive
    holders: list[Holder] = field(default_factory=list)
    signers: tuple[int, ...] = (0, 1, 2)
    """Validators that endorse each checkpoint (a quorum of n=4 by default)."""

    @property
    def genesis(self) -> Any:
        return self.chain.genesis

    def block(self, *envelopes: dict[str, Any]) -> list[Receipt]:
        """Execute a block; certify it if it is a checkpoint."""
        receipts = self.chain.block(*envelopes)
        assert all(r.applied for r in receipts), [r.message for r in receipts]
        record = self.archive.process_block(self.chain.blocks[-1], receipts)
        if record is not None:
            self.archive.attach_certificate(self.certify(record.height, record.state_root))
        return receipts

    def certify(self, height: int, state_root: bytes,
                signers: tuple[int, ...] | None = None) -> CheckpointProof:
        keys = self.chain.keys.node_keys
        return CheckpointProof(height, state_root, tuple(
            sign_checkpoint(keys[i], height, state_root, i) for i in (signers or self.signers)))

    def until_checkpoint(self) -> int:
        """Add empty blocks until the next checkpoint; returns its height."""
        while True:
            self.block()
            if self.chain.state.height % self.archive.checkpoint_interval == 0:
                return self.chain.state.height

    def bundle(self, holder: Holder, height: int | None = None) -> dict[str, Any]:
        return build_inclusion_proof(self.archive, holder.account, height)


def make_por_chain(holders: int = 5, *, interval: int = 2, retain: int = 4, seed: int = 1,
                   attest_surplus: int = 0) -> PorChain:
    """Holders registered and funded, the reserve attested, and a certified checkpoint."""
    chain = Chain.create(seed=seed)
    por = PorChain(chain, ProofArchive(chain.state, checkpoint_interval=interval, retain=retain))
    work = chain.work
    registrations = []
    for i in range(holders):
        holder, envelope = work.new_holder("BANK-A" if i % 2 == 0 else "BANK-B")
        por.holders.append(holder)
        registrations.append(envelope)
    por.block(*registrations)
    por.block(*[work.mint(h, 10_000 * (i + 1)) for i, h in enumerate(por.holders)])
    supply = chain.state.supply
    por.block(work.attest(supply + attest_surplus, chain.time_ms))
    por.until_checkpoint()
    return por
