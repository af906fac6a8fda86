"""Mint against a custodian deposit receipt; redeem and the custodian's payout (SPEC §4)."""

from __future__ import annotations

from dataclasses import replace

from ledger.chain_state import LedgerState
from ledger.crypto.keys import KeyError_, PublicKey
from ledger.encoding import canonical_json
from ledger.errors import InvalidTransaction, Reason
from ledger.model import Redemption, SpentReceipt
from ledger.rules import balances, reserves
from ledger.rules.context import TxContext
from ledger.rules.enforcement_hooks import check_credit, check_parties, observe_movement
from ledger.tx.bodies import ConfirmPayout, DepositReceipt, Mint, Redeem
from ledger.types import MAX_SUPPLY

RECEIPT_DOMAIN = b"NTDC/deposit-receipt/v1\x00"


def compute_receipt_signing_bytes(receipt: DepositReceipt, chain_id: str) -> bytes:
    """Bytes the custodian signs for a deposit receipt."""
    return RECEIPT_DOMAIN + canonical_json(receipt.signed_fields(chain_id))


def is_custodian_receipt(state: LedgerState, receipt: DepositReceipt) -> bool:
    """The receipt carries a valid signature of the registered custodian key."""
    role = state.roles.get("custodian")
    if role is None:
        return False
    try:
        key = PublicKey.parse(role.public_key)
    except KeyError_:
        return False
    return key.verify(receipt.signature, compute_receipt_signing_bytes(receipt, state.chain_id))


def process_mint(state: LedgerState, ctx: TxContext, body: Mint) -> None:
    receipt = body.receipt
    # No receipt, no mint: every coin is backed 1:1 by NT$ in the reserve.
    if receipt is None:
        raise InvalidTransaction("mint needs a custodian deposit receipt",
                                 Reason.MINT_WITHOUT_RECEIPT)
    if not is_custodian_receipt(state, receipt):
        raise InvalidTransaction(
            f"deposit receipt {receipt.receipt_id} is not signed by the custodian",
            Reason.RECEIPT_NOT_CUSTODIAN,
        )
    # Each receipt is spent at most once.
    spent = state.spent_receipts.get(receipt.receipt_id)
    if spent is not None:
        raise InvalidTransaction(
            f"deposit receipt {receipt.receipt_id} was already used by mint {spent.mint_tx}",
            Reason.RECEIPT_REUSED,
        )
    holder = balances.get_account(state, body.to)
    # A bank mints only to its own customers.
    if f"bank:{holder.home_bank}" != ctx.tx.signer:
        raise InvalidTransaction(
            f"account {holder.id} is a customer of {holder.home_bank}, not of {ctx.tx.signer}",
            Reason.NOT_HOME_BANK,
        )
    balances.require_can_receive(holder)
    check_parties(state, None, holder)
    check_credit(state, holder, receipt.amount)
    # Supply stays within MAX_SUPPLY, so every total in state is a JSON safe integer.
    if state.supply + receipt.amount > MAX_SUPPLY:
        raise InvalidTransaction(
            f"mint of {receipt.amount} would lift supply above {MAX_SUPPLY} minor units",
            Reason.AMOUNT_OUT_OF_RANGE,
        )
    reserves.process_reserve_event(state, receipt.custodian_seq, receipt.amount)
    state.spent_receipts.set(
        receipt.receipt_id,
        SpentReceipt(receipt.receipt_id, receipt.bank, receipt.amount, receipt.custodian_seq,
                     ctx.tx.tx_id, ctx.height),
    )
    holder = balances.process_credit(state, holder, receipt.amount, ctx.time_ms)
    balances.process_supply_change(state, receipt.amount)
    reserves.require_reserves_cover_supply(state)
    bank_key = f"issued:{receipt.bank}"
    # A decimal string: cumulative issuance only grows and may pass 2**53 over the years.
    state.set_meta(bank_key, str(state.get_meta_int(bank_key) + receipt.amount))
    ctx.emit("mint", holder.id, receipt.amount, receipt.receipt_id)
    observe_movement(state, ctx, "mint", None, holder, receipt.amount)


def process_redeem(state: LedgerState, ctx: TxContext, body: Redeem) -> None:
    holder = balances.get_account(state, ctx.tx.signer)
    balances.require_can_send(holder)
    check_parties(state, holder, None)
    # Redemption is at par and burns at once; the payout is pending until confirmed.
    balances.require_available(holder, body.amount, Reason.REDEEM_EXCEEDS_BALANCE)
    holder = balances.process_debit(state, holder, body.amount, ctx.time_ms)
    balances.process_supply_change(state, -body.amount)
    state.redemptions.set(
        ctx.tx.tx_id,
        Redemption(ctx.tx.tx_id, holder.id, holder.home_bank, body.amount, ctx.height,
                   ctx.time_ms, paid=False, custodian_seq=0),
    )
    state.set_meta("pending_payouts", state.get_meta_int("pending_payouts") + body.amount)
    ctx.emit("redeem", holder.id, body.amount, ctx.tx.tx_id)
    observe_movement(state, ctx, "redeem", holder, None, body.amount)


def process_confirm_payout(state: LedgerState, ctx: TxContext, body: ConfirmPayout) -> None:
    redemption = state.redemptions.get(body.redemption_id)
    if redemption is None:
        raise InvalidTransaction(f"no redemption {body.redemption_id}", Reason.UNKNOWN_REDEMPTION)
    if redemption.paid:
        raise InvalidTransaction(
            f"redemption {body.redemption_id} was already paid out",
            Reason.REDEMPTION_ALREADY_PAID,
        )
    reserves.process_reserve_event(state, body.custodian_seq, -redemption.amount)
    state.redemptions.set(
        redemption.redemption_id,
        replace(redemption, paid=True, custodian_seq=body.custodian_seq),
    )
    state.set_meta("pending_payouts", state.get_meta_int("pending_payouts") - redemption.amount)
    ctx.emit("payout", redemption.account, redemption.amount, redemption.redemption_id)
