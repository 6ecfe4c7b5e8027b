"""Class filings (H4, L4): file and approve or reject (signed writes), and a
signed read of one filing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.http.access import require_filing_access
from api.http.deps import CallerDep, LedgerDep
from api.http.paths import WRITE_ROUTES
from api.http.paths_params import FilingIdPath
from api.http.problems import documented
from api.http.routes import load
from api.http.views import FilingView, filing_view
from api.http.writes import add_write_route
from ledger.aggregates.filing import ClassFiling

router = APIRouter(tags=["filings"])

for route in WRITE_ROUTES:
    if route.tag == "filings":
        add_write_route(router, route)


@router.get("/v1/filings/{filing_id}", response_model=FilingView, responses=documented(400, 401, 403, 404, 422, 500),
            summary="A class filing (signed read)")
def read_filing(filing_id: FilingIdPath, ledger: LedgerDep, caller: CallerDep) -> dict[str, Any]:
    filing = load(ledger, ClassFiling, filing_id, "filing")
    require_filing_access(filing, caller)
    return filing_view(filing)
