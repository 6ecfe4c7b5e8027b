"""Health: /healthz (the process is up) and /readyz (the database answers, no
view failed on an event, and the read side is caught up within a bound)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.http.deps import LedgerDep
from projections import failures, position

router = APIRouter(tags=["health"])
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


@router.get("/healthz", response_model=Health, summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness, "description": "not ready"}},
            summary="The database answers and the projections are caught up")
def readyz(ledger: LedgerDep) -> Any:
    try:
        events = ledger.max_notification_id()
        initialised = ledger.is_initialised()
    except Exception as error:  # the database is unreachable: not ready, never a 500
        return JSONResponse({"status": "unavailable", "database": "unreachable", "detail": str(error)[:300]},
                            status_code=503)
    if not initialised:
        return JSONResponse({"status": "unavailable", "database": "reachable", "events": events,
                             "detail": "the ledger has no genesis; run `vledger init`"}, status_code=503)
    try:
        projections = projection_lag(ledger, events)
    except Exception as error:  # e.g. the views are being created right now: not ready yet, never a 500
        return JSONResponse({"status": "starting", "database": "reachable", "events": events,
                             "detail": f"the views cannot be read yet: {str(error)[:200]}"}, status_code=503)
    failed = failures.recorded(ledger.engine)
    if failed:  # a view that cannot apply an accepted event: a bug, not lag (never "ready")
        first = failed[0]
        return JSONResponse({"status": "view_failed", "database": "reachable", "events": events,
                             "projections": projections, "failed_views": failed,
                             "detail": f"view {first['view']} cannot apply event {first['sequence']} "
                                       f"({first['event_type']}): {first['error'][:200]}"}, status_code=503)
    lagging = {name: lag for name, lag in projections.items() if lag > MAX_PROJECTION_LAG_EVENTS}
    body = {"status": "ready" if not lagging else "lagging", "database": "reachable", "events": events,
            "projections": projections}
    if lagging:
        body["detail"] = f"projections behind by more than {MAX_PROJECTION_LAG_EVENTS} events: {sorted(lagging)}"
        return JSONResponse(body, status_code=503)
    return body


def projection_lag(ledger: Any, events: int) -> dict[str, int]:
    """Events the views still have to apply."""
    return {"views": max(0, events - position(ledger))}
