"""Travel rule: identity travels with large transfers between banks (SPEC §5).

A transfer between customers of different banks of at least ``travel_rule_threshold`` (default
NT$30,000, inclusive) must carry ``travel_rule``: the originator's and beneficiary's identity
(name, account, national id or company number) sealed with HPKE (``ledger.crypto.sealing``,
purpose ``travel-rule``) to the beneficiary's bank and the regulator, and usually also to the
originator's bank. Build it with ``api.sdk.builders.seal_travel_rule``.

The ledger cannot open the ciphertexts; it checks what it can see: the record is present, of the
supported suite and purpose, addressed to every party that must read it and to no party outside
the transfer (a record on chain is visible to every node, so a ciphertext addressed to an
unrelated bank would hand that bank the identities), and each ciphertext is long enough to be an
HPKE ciphertext of that suite.
"""

from __future__ import annotations

from ledger.chain_state import LedgerState
from ledger.crypto.sealing import SUITE_NAME
from ledger.encoding import unb64u
from ledger.errors import InvalidTransaction, Reason
from ledger.model import Account
from ledger.tx.bodies import SealedRecord, Transfer
from ledger.types import format_ntd

TRAVEL_RULE_PURPOSE = "travel-rule"
MIN_CIPHERTEXT_BYTES = 1120 + 16
"""Hybrid ML-KEM-768 + X25519 encapsulated key (1,088 + 32 bytes) plus the AES-GCM tag."""


def is_travel_rule_transfer(state: LedgerState, sender: Account, receiver: Account,
                            amount: int) -> bool:
    """Cross-bank and at or above the travel-rule threshold."""
    threshold = int(state.get_param("travel_rule_threshold"))
    return sender.home_bank != receiver.home_bank and amount >= threshold


def compute_travel_rule_recipients(sender: Account, receiver: Account) -> tuple[set[str], set[str]]:
    """(who must be able to open the record, who may): regulator and beneficiary bank must;
    the originator's bank may."""
    required = {"regulator", f"bank:{receiver.home_bank}"}
    return required, required | {f"bank:{sender.home_bank}"}


def check_travel_rule(state: LedgerState, sender: Account, receiver: Account,
                      body: Transfer) -> None:
    """Above the threshold, originator/beneficiary data must be sealed to the right parties;
    any record attached (required or not) must not be addressed outside the transfer."""
    record = body.travel_rule
    required, allowed = compute_travel_rule_recipients(sender, receiver)
    if is_travel_rule_transfer(state, sender, receiver, body.amount):
        threshold = int(state.get_param("travel_rule_threshold"))
        what = (f"a transfer of {format_ntd(threshold)} or more to a customer of "
                f"{receiver.home_bank} needs travel-rule data (originator and beneficiary "
                f"identity) sealed to {sorted(required)}; build it with seal_travel_rule")
        # A travel-rule transfer carries the record, of the supported suite and purpose.
        if record is None:
            raise InvalidTransaction(f"{what}: none attached", Reason.TRAVEL_RULE_MISSING)
        if record.purpose != TRAVEL_RULE_PURPOSE or record.suite != SUITE_NAME:
            raise InvalidTransaction(
                f"{what}: the attached record has purpose {record.purpose!r} and suite "
                f"{record.suite!r}, expected {TRAVEL_RULE_PURPOSE!r} and {SUITE_NAME!r}",
                Reason.TRAVEL_RULE_MISSING,
            )
        # The regulator and the beneficiary's bank must both be able to read it.
        missing = required - set(record.recipients)
        if missing:
            raise InvalidTransaction(f"{what}: not sealed to {sorted(missing)}",
                                     Reason.TRAVEL_RULE_MISSING)
    if record is not None:
        check_travel_rule_addressing(record, allowed)


def check_travel_rule_addressing(record: SealedRecord, allowed: set[str]) -> None:
    """Identity data is sealed to no one outside the transfer, and each entry looks like an
    HPKE ciphertext of the supported suite."""
    # Real-name data must not reach a bank that is party to neither side of the transfer.
    strangers = set(record.recipients) - allowed
    if strangers:
        raise InvalidTransaction(
            f"travel-rule data is sealed to {sorted(strangers)}, who are not party to this "
            f"transfer; seal it only to {sorted(allowed)}",
            Reason.TRAVEL_RULE_MISADDRESSED,
        )
    for name, ciphertext in sorted(record.recipients.items()):
        try:
            size = len(unb64u(ciphertext))
        except ValueError:
            size = 0
        if size < MIN_CIPHERTEXT_BYTES:
            raise InvalidTransaction(
                f"travel-rule ciphertext for {name} is not an HPKE ciphertext of {SUITE_NAME}",
                Reason.TRAVEL_RULE_MISSING,
            )
