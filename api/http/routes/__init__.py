"""One module per resource; each exposes `router`."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ledger.errors import NotFound


def load(ledger: Any, cls: type, aggregate_id: str, what: str) -> Any:
    """The aggregate of type `cls`, or NotFound (404) naming what is missing."""
    aggregate = ledger.find(UUID(aggregate_id))
    if not isinstance(aggregate, cls):
        raise NotFound(f"{what} {aggregate_id} does not exist")
    return aggregate


def all_routers() -> list:
    from api.http.routes import batches, catalogue, events, filings, health, lists, parties, transparency, vouchers

    return [health.router, parties.router, catalogue.router, filings.router, vouchers.router, batches.router,
            transparency.router, lists.router, events.router]
