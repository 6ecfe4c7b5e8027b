"""Public transparency endpoints (J1): the latest signed checkpoint (JSON and
C2SP signed note, with the witnesses' cosignature/v1 lines), the checkpoint
history (`GET /v1/checkpoints?from=SIZE`, paged) and RFC 9162 inclusion and consistency proofs, served by the
tamper-evidence functions in `ledger/transparency/`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.http.deps import LedgerDep
from api.http.problems import documented
from ledger.errors import NotFound
from api.http.pagination import DEFAULT_PAGE_ITEMS, LimitQuery
from ledger.transparency import checkpoints, proofs, witnessed

router = APIRouter(tags=["transparency"])
PROOF_PROBLEMS = documented(400, 404, 422, 500)
MAX_SEQUENCE = 2**62


class WitnessCosignature(BaseModel):
    name: str
    vkey: str  # the witness's cosignature/v1 verifier key
    timestamp: int  # POSIX seconds, as the witness signed it
    line: str  # the note signature line, also appended to `note`


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
    witnesses: list[WitnessCosignature] = []


class CheckpointPage(BaseModel):
    items: list[CheckpointView]
    next_from: int | None  # pass as `from` for the next page; null on the last page


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
    return _view(ledger, latest, checkpoints.log_identity(ledger).vkey())


@router.get("/v1/checkpoints", response_model=CheckpointPage, responses=documented(400, 422, 500),
            summary="Every signed checkpoint of at least `from` events, smallest first, with witness cosignatures")
def checkpoint_history(ledger: LedgerDep,
                       from_size: Annotated[int, Query(alias="from", ge=0, le=MAX_SEQUENCE,
                                                       description="the smallest tree size to list")] = 0,
                       limit: LimitQuery = DEFAULT_PAGE_ITEMS) -> dict[str, Any]:
    found = checkpoints.checkpoints_from(ledger, from_size, limit + 1)
    vkey = checkpoints.log_identity(ledger).vkey() if found else ""
    items = [_view(ledger, checkpoint, vkey) for checkpoint in found[:limit]]
    return {"items": items, "next_from": found[limit].tree_size if len(found) > limit else None}


def _view(ledger, checkpoint: checkpoints.Checkpoint, vkey: str) -> dict[str, Any]:
    witnesses = [c for c in witnessed.witness_cosignatures(ledger, checkpoint.tree_size) if c["verifies"]]
    return {**checkpoint.to_json(), "note": witnessed.witnessed_note(ledger, checkpoint), "vkey": vkey,
            "witnesses": [{key: c[key] for key in ("name", "vkey", "timestamp", "line")} for c in witnesses]}


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
