"""Proofs of reserves (SPEC §4): a holder's inclusion proof at a certified checkpoint, the public
checkpoint document, and the regulator's reserves statements (JSON or CSV).

Served from the node's ``ProofArchive`` (``node.archive``); every document verifies offline with
``ntdc verify-por`` against genesis alone.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from api.deps import NodeDep, PrincipalDep
from api.errors import ApiError, forbidden, not_found
from api.params import AccountPath
from api.schemas.common import problem_responses
from ledger.por.archive import ProofUnavailable
from ledger.por.documents import build_checkpoint_export, build_inclusion_proof
from ledger.por.statement import compute_reserves_statement, compute_statements_csv

wallet_router = APIRouter(tags=["proof of reserves"])
regulator_router = APIRouter(prefix="/v1/regulator", tags=["regulator"])

Height = Annotated[int | None, Query(ge=1, description="Checkpoint height (default: latest "
                                                         "certified)")]


def _archive(node: Any) -> Any:
    archive = getattr(node, "archive", None)
    if archive is None:
        raise not_found("PROOF_UNAVAILABLE", "this node keeps no proof archive")
    return archive


def _unavailable(exc: ProofUnavailable) -> ApiError:
    return not_found("PROOF_UNAVAILABLE", f"{exc}; checkpoints come every few blocks, retry")


@wallet_router.get("/v1/accounts/{account_id}/proof-of-reserves",
                   responses=problem_responses(401, 403, 404, 422))
async def get_inclusion_proof(account_id: AccountPath, node: NodeDep, principal: PrincipalDep,
                              height: Height = None) -> dict[str, Any]:
    """The account's liabilities inclusion proof with its checkpoint (owner only: the leaf
    reveals the balances). Verify it with ``ntdc verify-por``."""
    if principal.subject != account_id:
        raise forbidden(f"only the owner of {account_id} may fetch its inclusion proof")
    try:
        return build_inclusion_proof(_archive(node), account_id, height)
    except ProofUnavailable as exc:
        raise _unavailable(exc) from None


@wallet_router.get("/v1/checkpoints/latest", responses=problem_responses(404))
async def get_latest_checkpoint(node: NodeDep, height: Height = None) -> dict[str, Any]:
    """The latest (or given) certified checkpoint: state-root preimage, liabilities total,
    2f+1 validator signatures and the custodian's attestation. Public: no account data."""
    try:
        return build_checkpoint_export(_archive(node), height)
    except ProofUnavailable as exc:
        raise _unavailable(exc) from None


@regulator_router.get("/reserves/statements",
                      responses=problem_responses(401, 403, 404, 422))
async def get_reserves_statements(node: NodeDep, principal: PrincipalDep,
                                  format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
                                  ) -> Any:
    """Per retained checkpoint: liabilities total, attested reserves, pending payouts, issuance
    per bank, and whether reserves cover liabilities."""
    if principal.role.value != "regulator":
        raise forbidden("reserves statements are for the regulator")
    archive = _archive(node)
    statements = [compute_reserves_statement(archive.get_record(h)) for h in archive.heights]
    if format == "csv":
        return Response(compute_statements_csv(statements), media_type="text/csv")
    return {"statements": [s.to_json() for s in statements]}
