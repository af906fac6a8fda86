"""``LedgerState``: the typed tables of the NTDC ledger and the scalars kept beside them.

All mutable ledger state is here, in tables (see ``ledger.state``). Rules read and write it only
through the ``process_*`` functions in ``ledger.rules``.
"""

from __future__ import annotations

from typing import Any

from ledger.aml.profile import AmlProfile, compute_aml_profile_leaf
from ledger.codec import to_jsonable
from ledger.collateral.model import (
    HaircutRecord,
    MarginCall,
    MarginMember,
    VariationSettlementRecord,
)
from ledger.encoding import canonical_json_of_record, tagged_hash
from ledger.enforcement.model import EnforcementOrder, PoliceHold
from ledger.model import (
    Account,
    Bank,
    Redemption,
    ReserveEvent,
    RoleKey,
    SanctionEntry,
    SpentReceipt,
)
from ledger.state import Journal, Table, TableSet

_RECORD_TAG = b"NTDC/account-record/v1"
_LEAF_TAG = b"NTDC/account-leaf/v1\x00"
_BALANCE_FIELDS = ("available", "pledged", "held")


def compute_account_record_hash(account: Account) -> bytes:
    """Hash of everything in the account record except its balances."""
    record = to_jsonable(account)
    for name in _BALANCE_FIELDS:
        record.pop(name)
    return tagged_hash(_RECORD_TAG, canonical_json_of_record(record))


def compute_account_leaf(account: Account) -> bytes:
    """Liabilities leaf (byte layout in docs/protocol.md §Liabilities tree)."""
    import hashlib

    ident = account.id.encode()
    return hashlib.sha256(
        _LEAF_TAG
        + bytes.fromhex(account.leaf_salt)
        + len(ident).to_bytes(1, "big") + ident
        + account.available.to_bytes(8, "big")
        + account.pledged.to_bytes(8, "big")
        + account.held.to_bytes(8, "big")
        + compute_account_record_hash(account)
    ).digest()


def _account_leaf(_key: Any, account: Account) -> tuple[bytes, int]:
    return compute_account_leaf(account), account.total


class LedgerState:
    """Every table of the ledger. Construct with ``ledger.genesis.create_genesis_state``."""

    def __init__(self, chain_id: str) -> None:
        self.chain_id = chain_id
        self.tables = TableSet()
        add = self.tables.add
        self.accounts: Table[str, Account] = add("accounts", Account, leaf=_account_leaf)
        self.banks: Table[str, Bank] = add("banks", Bank)
        self.roles: Table[str, RoleKey] = add("roles", RoleKey)
        self.spent_receipts: Table[str, SpentReceipt] = add("spent_receipts", SpentReceipt)
        self.redemptions: Table[str, Redemption] = add("redemptions", Redemption)
        self.reserve_events: Table[int, ReserveEvent] = add(
            "reserve_events", ReserveEvent, key_type=int)
        self.params: Table[str, Any] = add("params")
        self.meta: Table[str, int | str] = add("meta")
        self.sanctions: Table[str, SanctionEntry] = add("sanctions", SanctionEntry)
        # Tables owned by the AML, enforcement and collateral modules go below, one line each.
        self.aml_profiles: Table[str, AmlProfile] = add(
            "aml_profiles", AmlProfile, leaf=compute_aml_profile_leaf)
        self.enforcement_orders: Table[str, EnforcementOrder] = add(
            "enforcement_orders", EnforcementOrder)
        self.police_holds: Table[str, PoliceHold] = add("police_holds", PoliceHold)
        self.active_holds: Table[str, int] = add("active_holds", int)  # hold id -> expires_at_ms
        self.collateral_haircuts: Table[str, HaircutRecord] = add(
            "collateral_haircuts", HaircutRecord)  # asset -> haircut in force
        self.collateral_haircut_log: Table[int, HaircutRecord] = add(
            "collateral_haircut_log", HaircutRecord, key_type=int)  # seq -> every haircut set
        self.collateral_members: Table[str, MarginMember] = add(
            "collateral_members", MarginMember)
        self.collateral_calls: Table[str, MarginCall] = add("collateral_calls", MarginCall)
        self.collateral_open_calls: Table[str, int] = add(
            "collateral_open_calls", int)  # call id -> deadline_ms
        self.collateral_settlements: Table[str, VariationSettlementRecord] = add(
            "collateral_settlements", VariationSettlementRecord)

    @property
    def journal(self) -> Journal:
        return self.tables.journal

    def get_meta_int(self, key: str) -> int:
        value = self.meta.get(key)
        return int(value) if value is not None else 0

    def set_meta(self, key: str, value: int | str) -> None:
        if self.meta.get(key) != value:
            self.meta.set(key, value)

    def get_param(self, key: str) -> Any:
        value = self.params.get(key)
        if value is None:
            raise KeyError(f"parameter {key!r} missing from genesis")
        return value

    @property
    def height(self) -> int:
        return self.get_meta_int("height")

    @property
    def supply(self) -> int:
        return self.get_meta_int("supply")

    def compute_state_root(self) -> bytes:
        """Root committing to every table (incremental; see ``ledger.state``)."""
        return self.tables.compute_root()

    def compute_liabilities(self) -> tuple[bytes, int]:
        """Root hash and total of the liabilities (accounts) tree."""
        self.tables.compute_root()
        return self.accounts.tree.root()
