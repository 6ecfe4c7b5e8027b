"""Parties and keys: registration, rotation, revocation, erasure (signed
writes); a party's public record and the public key log (public reads)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from api.http.deps import LedgerDep
from api.http.key_owners import KEY_EVENTS
from api.http.pagination import DEFAULT_PAGE_ITEMS, CursorQuery, LimitQuery, decode_cursor, page
from api.http.paths import WRITE_ROUTES
from api.http.paths_params import PartyIdPath
from api.http.problems import documented
from api.http.routes import load
from api.http.views import PartyView, party_view
from api.http.writes import add_write_route
from ledger.aggregates.party import Party
from ledger.application import ROOT_ID

router = APIRouter(tags=["parties"])

for route in WRITE_ROUTES:
    if route.tag == "parties":
        add_write_route(router, route)


class KeysPage(BaseModel):
    """The key log: every registration, rotation and revocation in log order,
    and the ledger's own checkpoint key."""

    ledger_public_key: str
    origin: str
    items: list[dict[str, Any]]
    next_cursor: str | None


@router.get("/v1/parties/{party_id}", response_model=PartyView, responses=documented(404, 422, 500),
            summary="A party's public record: role, region, catalogue standing, public keys")
def read_party(party_id: PartyIdPath, ledger: LedgerDep) -> dict[str, Any]:
    return party_view(load(ledger, Party, party_id, "party"))


@router.get("/v1/keys", response_model=KeysPage, responses=documented(400, 422, 500), tags=["transparency"],
            summary="Public keys: the key log of every party, and the ledger's checkpoint key")
def read_keys(ledger: LedgerDep, cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_PAGE_ITEMS) -> dict[str, Any]:
    after = decode_cursor(cursor)
    notifications = ledger.recorder.select_notifications(after + 1, limit + 1, topics=list(KEY_EVENTS))
    items = []
    for notification in notifications:
        event = ledger.mapper.to_domain_event(notification)
        facts, seal = event.facts, event.seal
        items.append({"sequence": notification.id, "party": str(notification.originator_id),
                      "change": KEY_EVENTS[notification.topic], "key_id": facts["key_id"],
                      "public_key": facts.get("public_key"), "role": facts.get("role"),
                      "recorded_at": seal["recorded_at"], "event_hash": seal["event_hash"]})
    genesis = ledger.stored_events(ROOT_ID)[0].facts
    return {"ledger_public_key": genesis["ledger_public_key"], "origin": genesis["origin"],
            **page(items, limit, lambda item: item["sequence"])}
