"""Turning ledger records into API response data (amounts become decimal strings)."""

from __future__ import annotations

from typing import Any, Protocol

from ledger.chain_state import LedgerState
from ledger.genesis import Genesis
from ledger.model import Account, Redemption


class ReadableNode(Protocol):
    """What the read-only APIs need of a node: a validator's ``NodeService`` or the observer."""

    genesis: Genesis
    state: LedgerState
    store: Any

    def status(self) -> dict[str, Any]: ...


def is_state_committed(node: ReadableNode) -> bool:
    """False while a validator holds an executed but uncommitted (speculative) block."""
    app = getattr(node, "app", None)
    return app is None or app.committed_height() == node.state.height


def get_node_name(node: ReadableNode) -> str:
    name = getattr(node, "name", None)
    return str(name) if name else str(node.status().get("name", "node"))


def account_view(account: Account, height: int) -> dict[str, Any]:
    return {
        "account": account.id, "public_key": account.public_key, "kind": account.kind.value,
        "home_bank": account.home_bank, "status": account.status.value,
        "status_order": account.status_order, "risk_tier": account.risk_tier.value,
        "nonce": account.nonce,
        "balance": {"available": str(account.available), "pledged": str(account.pledged),
                    "held": str(account.held), "total": str(account.total)},
        "registered_height": account.registered_height, "height": height,
    }


def redemption_view(redemption: Redemption) -> dict[str, Any]:
    return {
        "redemption_id": redemption.redemption_id, "account": redemption.account,
        "amount": str(redemption.amount), "requested_height": redemption.requested_height,
        "requested_ms": redemption.requested_ms, "paid": redemption.paid,
    }


def parse_cursor(text: str | None) -> tuple[int, int] | None:
    """A history cursor "height:index" (validated by the route's pattern)."""
    if not text:
        return None
    height, _, index = text.partition(":")
    return int(height), int(index)
