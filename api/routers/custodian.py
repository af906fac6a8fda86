"""``/v1/custodian``: what the reserve custodian needs to pay redemptions (custodian only).

The custodian signs its transactions itself and submits them to ``POST /v1/transactions``; here
it reads the last nonce the chain consumed for it and the redemptions awaiting payout.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import CustodianPrincipalDep, NodeDep
from api.schemas.bank import RedemptionList
from api.schemas.common import problem_responses
from api.schemas.custodian import CustodianStatus
from api.views import redemption_view
from ledger.rules.reserves import compute_reserves

router = APIRouter(prefix="/v1/custodian", tags=["custodian"])


@router.get("/status", response_model=CustodianStatus, responses=problem_responses(401, 403))
async def get_custodian_status(node: NodeDep, _custodian: CustodianPrincipalDep) -> dict[str, Any]:
    """The custodian's last used nonce and the reserve figures the chain holds."""
    state = node.state
    role = state.roles.get("custodian")
    return {"nonce": role.nonce if role is not None else 0, "height": state.height,
            "reserves": str(compute_reserves(state)),
            "attested_through_seq": state.get_meta_int("attested_through_seq"),
            "pending_payouts": str(state.get_meta_int("pending_payouts"))}


@router.get("/redemptions", response_model=RedemptionList,
            responses=problem_responses(401, 403, 422))
async def list_pending_redemptions(
    node: NodeDep, _custodian: CustodianPrincipalDep,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> dict[str, Any]:
    """Redemptions burned on chain and awaiting payout, oldest first (every bank)."""
    pending = [r for _, r in node.state.redemptions.items() if not r.paid]
    pending.sort(key=lambda r: (r.requested_height, r.redemption_id))
    return {"items": [redemption_view(r) for r in pending[:limit]],
            "total_pending": str(sum(r.amount for r in pending))}
