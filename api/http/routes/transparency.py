"""Public transparency endpoints (J1): the latest signed checkpoint (JSON and
C2SP signed note) and RFC 9162 inclusion and consistency proofs, served by the
tamper-evidence functions in `ledger/transparency/`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.http.deps import LedgerDep
from api.http.problems import documented
from ledger.errors import NotFound
from ledger.transparency import checkpoints, proofs

router = APIRouter(tags=["transparency"])
PROOF_PROBLEMS = documented(400, 404, 422, 500)
MAX_SEQUENCE = 2**62


class CheckpointView(BaseModel):
    origin: str
    tree_size: int
    root_hash: str
    timestamp: str
    signature: str
    timestamp_signature: str
    cosignatures: list[dict[str, Any]]
    note: str
    vkey: str


class InclusionProof(BaseModel):
    leaf_index: int
    tree_size: int
    leaf_hash: str
    root_hash: str
    audit_path: list[str]
    notification_id: int | None = None


class ConsistencyProof(BaseModel):
    first: int
    second: int
    first_root: str
    second_root: str
    consistency_path: list[str]


@router.get("/v1/checkpoints/latest", response_model=CheckpointView, responses=documented(404, 500),
            summary="The latest checkpoint signed by the ledger key, with its C2SP signed note")
def latest_checkpoint(ledger: LedgerDep) -> dict[str, Any]:
    latest = checkpoints.latest_checkpoint(ledger)
    if latest is None:
        raise NotFound("no checkpoint has been recorded yet; run `vledger checkpoint`")
    identity = checkpoints.log_identity(ledger)
    return {**latest.to_json(), "note": latest.note(identity.ledger_public_key), "vkey": identity.vkey()}


@router.get("/v1/proofs/inclusion", response_model=InclusionProof, responses=PROOF_PROBLEMS,
            summary="RFC 9162 inclusion proof of event `seq` in the tree of `tree_size` leaves")
def inclusion(ledger: LedgerDep, seq: Annotated[int, Query(ge=1, le=MAX_SEQUENCE)],
              tree_size: Annotated[int | None, Query(ge=1, le=MAX_SEQUENCE)] = None) -> dict[str, Any]:
    return proofs.inclusion_proof(ledger, seq, tree_size)


@router.get("/v1/proofs/consistency", response_model=ConsistencyProof, responses=PROOF_PROBLEMS,
            summary="RFC 9162 consistency proof between tree sizes `first` and `second`")
def consistency(ledger: LedgerDep, first: Annotated[int, Query(ge=1, le=MAX_SEQUENCE)],
                second: Annotated[int, Query(ge=0, le=MAX_SEQUENCE)]) -> dict[str, Any]:
    return proofs.consistency_proof(ledger, first, second)
