"""Health: /healthz (the process is up) and /readyz (the database answers, no
view failed on an event, and the read side is caught up within a bound). What
went wrong in words (a database error's text) goes to the log, and to a caller
only when it signs the request as a registered party (issue 17); anonymous
callers get the status and a generic sentence. With a read replica
(api/http/read_side.py) the body adds `replica`: its status for anyone, its
lag for a signed reader; a lagging replica leaves the server ready, since
reads that need what it lacks go to the primary."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.http.deps import PrimaryDep, get_caller
from api.http.problems import HttpProblem
from ledger.errors import LedgerError
from projections import failures, position

router = APIRouter(tags=["health"])
log = logging.getLogger("vledger.http")
MAX_PROJECTION_LAG_EVENTS = 1000


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    database: str
    events: int | None = None
    projections: dict[str, Any] | None = None
    failed_views: list[dict[str, Any]] | None = None
    detail: str | None = None
    replica: dict[str, Any] | None = None


@router.get("/healthz", response_model=Health, summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness, "description": "not ready"}},
            summary="The database answers and the projections are caught up")
def readyz(request: Request, ledger: PrimaryDep) -> Any:
    """A signed read (RFC 9421 `Signature-Input` and `Signature`, as for /v1 reads) also gets the error's text."""
    try:
        events = ledger.max_notification_id()
        initialised = ledger.is_initialised()
    except Exception as error:  # the database is unreachable: not ready, never a 500; no signer can be checked
        log.warning("readiness: the database cannot be reached: %s", str(error)[:300])
        return JSONResponse({"status": "unavailable", "database": "unreachable",
                             "detail": "the database cannot be reached; the server log says why"}, status_code=503)
    if not initialised:
        return JSONResponse({"status": "unavailable", "database": "reachable", "events": events,
                             "detail": "the ledger has no genesis; run `vledger init`"}, status_code=503)
    try:
        projections = projection_lag(ledger, events)
    except Exception as error:  # e.g. the views are being created right now: not ready yet, never a 500
        log.warning("readiness: the views cannot be read yet: %s", str(error)[:300])
        shown = str(error)[:200] if _signed_reader(request, ledger) else "the server log says why"
        return JSONResponse({"status": "starting", "database": "reachable", "events": events,
                             "detail": f"the views cannot be read yet: {shown}"}, status_code=503)
    failed = failures.recorded(ledger.engine)
    if failed:  # a view that cannot apply an accepted event: a bug, not lag (never "ready")
        first = failed[0]
        signed = _signed_reader(request, ledger)
        if not signed:
            failed = [{key: value for key, value in row.items() if key != "error"} for row in failed]
        why = f": {first['error'][:200]}" if signed else "; the server log says why"
        return JSONResponse({"status": "view_failed", "database": "reachable", "events": events,
                             "projections": projections, "failed_views": failed,
                             "detail": f"view {first['view']} cannot apply event {first['sequence']} "
                                       f"({first['event_type']}){why}"}, status_code=503)
    lagging = {name: lag for name, lag in projections.items() if lag > MAX_PROJECTION_LAG_EVENTS}
    body = {"status": "ready" if not lagging else "lagging", "database": "reachable", "events": events,
            "projections": projections}
    read_side = getattr(request.app.state, "read_side", None)
    if read_side is not None and read_side.replica is not None:
        body["replica"] = read_side.replica_report(detailed=_signed_reader(request, ledger))
    if lagging:
        body["detail"] = f"projections behind by more than {MAX_PROJECTION_LAG_EVENTS} events: {sorted(lagging)}"
        return JSONResponse(body, status_code=503)
    return body


def _signed_reader(request: Request, ledger: Any) -> bool:
    """Whether the request carries a valid signed read of a registered party."""
    signature_input, signature = request.headers.get("signature-input"), request.headers.get("signature")
    if not signature_input or not signature:
        return False
    try:
        get_caller(request, ledger, signature_input, signature)
    except (LedgerError, HttpProblem):
        return False
    return True


def projection_lag(ledger: Any, events: int) -> dict[str, int]:
    """Events the views still have to apply."""
    return {"views": max(0, events - position(ledger))}
