"""Random histories of valid and invalid transactions, in random block sizes.

After every block the invariants hold; every rejected transaction left the state root and the
liabilities root exactly as they were; and re-executing the same blocks from genesis on a fresh
state reproduces every receipt and every state root (determinism).
"""

from __future__ import annotations

import copy
import functools
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.block import Block, BlockHeader, compute_list_root
from ledger.execution import (
    apply_block,
    apply_transaction,
    compute_block_mismatch,
    compute_tx_root,
    process_block_start,
)
from ledger.genesis import create_genesis_state
from ledger.invariants import check_invariants
from ledger.receipts import Receipt, compute_receipt_hash
from ledger.tx.envelope import build_transaction, encode_transaction
from ledger.types import MAX_AMOUNT
from nodes.workload import Holder
from tests.support.chain import Chain

BANKS = ("BANK-A", "BANK-B", "BANK-C", "BANK-D")

OPS = (
    "register", "register_again", "mint", "mint_reused_receipt", "mint_other_banks_customer",
    "mint_by_holder", "transfer", "transfer", "transfer", "overspend", "self_transfer",
    "redeem", "payout", "attest", "attest_stale", "replay", "bad_signature", "wrong_chain",
    "malformed",
)


class History:
    """The chain under test plus what the custodian and the test know about it."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self.registrations: dict[str, dict[str, Any]] = {}
        self.receipts: list[tuple[str, dict[str, Any]]] = []
        self.sent: list[dict[str, Any]] = []
        self.receipt_total = 0
        self.rejections: dict[str, int] = {}

    @property
    def work(self) -> Any:
        return self.chain.work

    def balance(self, holder: Holder) -> int:
        account = self.chain.state.accounts.get(holder.account)
        return 0 if account is None else account.available

    def honest_reserves(self) -> int:
        """NT$ in the reserve account: every deposit receipt issued, less payouts made (an
        over-statement while a payout in flight is pending, never an under-statement)."""
        paid = sum(r.amount for _, r in self.chain.state.redemptions.items() if r.paid)
        return self.receipt_total - paid

    def mint(self, holder: Holder, amount: int, bank: str | None = None) -> dict[str, Any]:
        receipt = self.work.deposit_receipt(holder.bank, amount)
        self.receipt_total += amount
        self.receipts.append((holder.bank, receipt))
        signer = self.work.banks[bank or holder.bank]
        return signer.sign("mint", {"to": holder.account, "receipt": receipt})

    def sync_nonces(self) -> None:
        """Rejected transactions do not consume nonces: restart each signer from the chain."""
        state = self.chain.state
        for holder in self.work.holders:
            account = state.accounts.get(holder.account)
            holder.signer.next_nonce = (account.nonce if account else 0) + 1
        for signer in [*self.work.banks.values(), self.work.custodian]:
            signer.next_nonce = state.roles[signer.signer].nonce + 1


def build_op(history: History, op: str, data: st.DataObject, time_ms: int) -> bytes:
    """One transaction of kind ``op`` for the chain as it is now; valid or not as it happens."""
    w, state = history.work, history.chain.state
    holders = w.holders
    pick = functools.partial(data.draw, st.sampled_from(holders))
    amount = data.draw(st.sampled_from([1, 7, 150, 10_000, 99_999, 1_000_000, MAX_AMOUNT]))
    envelope: dict[str, Any]
    if op == "register":
        holder, envelope = w.new_holder(data.draw(st.sampled_from(BANKS)))
        history.registrations[holder.account] = envelope
    elif op == "register_again":
        holder = pick()
        first = history.registrations[holder.account]
        envelope = w.banks[holder.bank].sign("register_account", first["body"])
    elif op == "mint":
        envelope = history.mint(pick(), amount)
    elif op == "mint_reused_receipt" and history.receipts:
        bank, receipt = data.draw(st.sampled_from(history.receipts))
        to = data.draw(st.sampled_from([h for h in holders if h.bank == bank] or holders))
        envelope = w.banks[bank].sign("mint", {"to": to.account, "receipt": receipt})
    elif op == "mint_other_banks_customer":
        holder = pick()
        other = data.draw(st.sampled_from([b for b in BANKS if b != holder.bank]))
        receipt = w.deposit_receipt(other, amount)
        history.receipt_total += amount
        envelope = w.banks[other].sign("mint", {"to": holder.account, "receipt": receipt})
    elif op == "mint_by_holder":
        holder = pick()
        receipt = w.deposit_receipt(holder.bank, amount)
        history.receipt_total += amount
        envelope = holder.signer.sign("mint", {"to": holder.account, "receipt": receipt})
    elif op in ("transfer", "overspend", "self_transfer"):
        sender, receiver = pick(), pick()
        if op == "overspend":
            amount = history.balance(sender) + 1
        if op == "self_transfer":
            receiver = sender
        envelope = w.transfer(sender, receiver, min(amount, MAX_AMOUNT))
    elif op == "redeem":
        holder = pick()
        amount = data.draw(st.sampled_from([amount, max(1, history.balance(holder) // 2),
                                            history.balance(holder) + 1]))
        envelope = w.redeem(holder, min(amount, MAX_AMOUNT))
    elif op == "payout":
        ids = sorted(key for key, _ in state.redemptions.items()) + ["ab" * 32]
        envelope = w.confirm_payout(data.draw(st.sampled_from(ids)), time_ms)
    elif op == "attest":
        envelope = w.attest(history.honest_reserves(), time_ms)
    elif op == "attest_stale":
        custodian = w.custodian
        envelope = custodian.sign("reserve_attestation", {
            "attestation_id": "ATT-STALE", "reserve_balance": str(history.honest_reserves()),
            "through_seq": max(0, state.get_meta_int("attested_through_seq") - 1),
            "as_of_ms": max(0, state.get_meta_int("attested_as_of_ms") - 1)})
    elif op == "replay" and history.sent:
        envelope = data.draw(st.sampled_from(history.sent))
    elif op == "bad_signature":
        sender, receiver = pick(), pick()
        envelope = w.transfer(sender, receiver, amount)
        impostor = data.draw(st.sampled_from([h for h in holders if h is not sender]))
        envelope["signature"] = build_transaction(
            impostor.signer.key, chain_id=envelope["chain_id"], kind="transfer",
            signer=sender.account, nonce=envelope["nonce"], body=envelope["body"])["signature"]
    elif op == "wrong_chain":
        sender, receiver = pick(), pick()
        envelope = build_transaction(sender.signer.key, chain_id="ntdc-elsewhere",
                                     kind="transfer", signer=sender.account,
                                     nonce=sender.signer.next_nonce,
                                     body={"to": receiver.account, "amount": str(amount)})
    elif op == "malformed":
        valid = encode_transaction(w.transfer(pick(), pick(), amount))
        return data.draw(st.sampled_from([
            valid[: len(valid) // 2], valid.replace(b'"v":1', b'"v":2'), b"\x00garbage", b"{}",
            valid.replace(b'"nonce":', b'"nonce":"') + b'"',
        ]))
    else:
        envelope = history.mint(pick(), amount)
    history.sent.append(envelope)
    return encode_transaction(envelope)


def run_block(history: History, raws: list[bytes]) -> list[Receipt]:
    """Execute one block the way a replica does, checking every rejected transaction changed
    nothing, and keep the block."""
    chain = history.chain
    state = chain.state
    chain.time_ms += 1000
    height = state.height + 1
    state.journal.begin()
    process_block_start(state, height, chain.time_ms, chain.parent)
    receipts = []
    for index, raw in enumerate(raws):
        root, liabilities = state.compute_state_root(), state.compute_liabilities()
        receipt = apply_transaction(state, raw, height, index, chain.time_ms)
        if not receipt.applied:
            assert receipt.reason is not None
            history.rejections[receipt.reason] = history.rejections.get(receipt.reason, 0) + 1
            assert state.compute_state_root() == root, receipt
            assert state.compute_liabilities() == liabilities, receipt
        receipts.append(receipt)
    state.journal.commit()
    header = BlockHeader(
        chain_id=state.chain_id, height=height, parent=chain.parent, time_ms=chain.time_ms,
        proposer=height % 4, tx_count=len(raws),
        tx_root=compute_tx_root([r.tx_id for r in receipts]),
        receipts_root=compute_list_root([compute_receipt_hash(r) for r in receipts]),
        state_root=state.compute_state_root().hex(),
    )
    block = Block(header, tuple(raws))
    chain.blocks.append(block)
    chain.parent = header.compute_hash().hex()
    return receipts


@functools.cache
def _template() -> Chain:
    """Four holders, one per bank, three of them funded; built once and copied per example."""
    chain = Chain.create(seed=11)
    w = chain.work
    regs = [w.new_holder(bank)[1] for bank in BANKS]
    assert all(r.applied for r in chain.block(*regs))
    assert all(r.applied for r in chain.block(*(w.mint(h, 5_000_000) for h in w.holders[:3])))
    return chain


@settings(deadline=None, max_examples=60,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_random_histories_keep_invariants_and_replay_deterministically(
    data: st.DataObject,
) -> None:
    chain = copy.deepcopy(_template())
    history = History(chain)
    history.receipt_total = chain.state.supply
    for holder in chain.work.holders:
        history.registrations[holder.account] = {"body": _registration_body(chain, holder)}
    all_receipts: list[list[Receipt]] = []
    for _ in range(data.draw(st.integers(1, 6), label="blocks")):
        size = data.draw(st.integers(0, 14), label="block size")
        ops = [data.draw(st.sampled_from(OPS)) for _ in range(size)]
        raws = [build_op(history, op, data, chain.time_ms + 1000) for op in ops]
        all_receipts.append(run_block(history, raws))
        assert check_invariants(chain.state) == []
        history.sync_nonces()

    replica = create_genesis_state(chain.genesis)
    for block in chain.blocks[:2]:  # the template's blocks
        apply_block(replica, block)
    for block, receipts in zip(chain.blocks[2:], all_receipts, strict=True):
        replayed = apply_block(replica, block)
        assert replayed == receipts
        assert compute_block_mismatch(replica, block, replayed) is None
        assert check_invariants(replica) == []
    assert replica.compute_state_root() == chain.state.compute_state_root()


def _registration_body(chain: Chain, holder: Holder) -> dict[str, Any]:
    """The register_account body the template used for ``holder`` (from its block)."""
    for block in chain.blocks:
        for raw in block.txs:
            envelope = json.loads(raw)
            body = envelope["body"]
            if envelope["kind"] == "register_account" and body["account_public_key"] == str(
                    holder.signer.key.public_key()):
                return dict(body)
    raise AssertionError("holder was never registered")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


@settings(deadline=None, max_examples=150)
@given(st.data())
def test_hostile_bytes_are_refused_without_crashing_or_changing_state(
    data: st.DataObject,
) -> None:
    """Whatever a Byzantine client or primary sends, apply_transaction returns a rejected
    receipt (never an exception) and the state root does not move."""
    chain = _template()
    state = chain.state
    a, b = chain.work.holders[:2]
    valid = build_transaction(a.signer.key, chain_id=state.chain_id, kind="transfer",
                              signer=a.account, nonce=a.signer.next_nonce,
                              body={"to": b.account, "amount": "10"})
    member = data.draw(st.sampled_from(sorted(valid)))
    hostile = data.draw(st.one_of(
        st.binary(max_size=200),
        _JSON,
        _JSON.map(lambda v: {**valid, member: v}),
        _JSON.map(lambda v: {**valid, "body": {**valid["body"], "amount": v}}),
    ))
    raw = hostile if isinstance(hostile, bytes) else json.dumps(hostile).encode()
    root = state.compute_state_root()
    state.journal.begin()
    receipt = apply_transaction(state, raw, state.height + 1, 0, chain.time_ms + 1000)
    state.journal.rollback()
    if hostile == valid:  # the mutation happened to rebuild the valid transfer
        return
    assert receipt.status == "rejected" and receipt.reason is not None
    assert state.compute_state_root() == root
