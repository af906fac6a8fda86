"""``/v1/status`` and ``/v1/genesis``: public facts about the node and its chain."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import NodeDep
from api.schemas.regulator import NodeStatusResponse
from api.views import get_node_name

router = APIRouter(prefix="/v1", tags=["node"])

PUBLIC_STATUS_KEYS = ("height", "view", "phase", "primary", "orderer", "state_digest", "supply",
                      "mempool", "pending_requests", "stable_checkpoint", "blocks_committed",
                      "blocks_verified", "mismatches", "bad_certificates", "invariant_violations",
                      "halted")


def compute_status(node: Any, public: bool) -> NodeStatusResponse:
    status = node.status()
    details = status if not public else {k: status[k] for k in PUBLIC_STATUS_KEYS if k in status}
    return NodeStatusResponse(name=get_node_name(node), role=str(status.get("role", "")),
                              chain_id=node.genesis.chain_id, height=int(status.get("height", 0)),
                              details=details)


@router.get("/status", response_model=NodeStatusResponse)
async def get_status(node: NodeDep) -> NodeStatusResponse:
    """Height, state digest, consensus view and queue depth of this node."""
    return compute_status(node, public=True)


@router.get("/genesis", response_model=dict[str, Any])
async def get_genesis(node: NodeDep) -> dict[str, Any]:
    """The genesis document this node runs (compare its hash with one you trust before relying
    on it to verify receipts)."""
    return node.genesis.model_dump(mode="json")
