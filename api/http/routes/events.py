"""The event feed for downstream systems (issue 16, item 3;
docs/decisions/0044): `GET /v1/events?after=SEQ&limit=N`, a page of the
events the caller may read (api/http/feed_access.py) in log order, and
`GET /v1/events/stream?after=SEQ`, the same as server-sent events that
resume after `Last-Event-ID`, so a reader that reconnects gets every event
once, in order."""

from __future__ import annotations

import json
import re
import time
from typing import Annotated, Any, AsyncIterator

import anyio
from fastapi import APIRouter, Header, Query, Request
from pydantic import BaseModel
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.http.deps import CallerDep, LedgerDep
from api.http.feed_access import FeedScope
from api.http.problems import documented
from ledger.aggregates.party import Party
from ledger.errors import BadInput
from ledger.transparency.event_feed import checkpoint_sizes, feed_page

router = APIRouter(tags=["events"])
MAX_SEQUENCE = 2**62
DEFAULT_ITEMS, MAX_ITEMS = 100, 500
POLL_SECONDS = 0.5
RECHECK_KEY_SECONDS = 30.0
STREAM_MAX_SECONDS = 3600.0  # then the reader reconnects with Last-Event-ID and a fresh signature

AfterQuery = Annotated[int, Query(ge=0, le=MAX_SEQUENCE, description="events after this sequence number")]


class EventsPage(BaseModel):
    items: list[dict[str, Any]]
    next_after: int
    log_size: int


@router.get("/v1/events", response_model=EventsPage, responses=documented(400, 401, 403, 422, 500),
            summary="Events after a sequence number that the caller may read, in log order, each with its event "
                    "hash and the checkpoint that covers it once there is one (signed read); the same as "
                    "server-sent events at /v1/events/stream, resuming after Last-Event-ID")
def list_events(ledger: LedgerDep, caller: CallerDep, after: AfterQuery = 0,
                limit: Annotated[int, Query(ge=1, le=MAX_ITEMS)] = DEFAULT_ITEMS) -> dict[str, Any]:
    """Ask again with `after` = `next_after` (the last event read, shown or not) for the next page."""
    page = feed_page(ledger, after, limit, FeedScope(ledger, caller).may_read)
    return {"items": page.items, "next_after": page.next_after, "log_size": page.log_size}


@router.get("/v1/events/stream", include_in_schema=False)
async def stream_events(request: Request, ledger: LedgerDep, caller: CallerDep, after: AfterQuery = 0,
                        last_event_id: Annotated[str | None, Header(max_length=24)] = None) -> EventSourceResponse:
    """`event: ledger-event` messages (`id` its sequence, `data` the item as in /v1/events) and, when a new
    checkpoint is recorded, `event: checkpoint` messages without an id (`data` {tree_size})."""
    if last_event_id is not None:
        if not re.fullmatch(r"[0-9]{1,19}", last_event_id) or int(last_event_id) > MAX_SEQUENCE:
            raise BadInput(f"Last-Event-ID must be an event's sequence number, not {last_event_id!r}")
        after = int(last_event_id)
    scope = FeedScope(ledger, caller)  # refuses a role that may follow nothing, before the stream starts
    return EventSourceResponse(_events(request, ledger, scope, after), ping=15)


async def _events(request: Request, ledger, scope: FeedScope, after: int) -> AsyncIterator[Any]:
    keys = _valid_keys(scope.caller.party)
    started = checked = time.monotonic()
    sizes = await anyio.to_thread.run_sync(checkpoint_sizes, ledger)
    covered = sizes[-1] if sizes else 0
    while time.monotonic() - started < STREAM_MAX_SECONDS and not await request.is_disconnected():
        readable = FeedScope(ledger, scope.caller).may_read  # who may read a voucher changes as it goes on
        page = await anyio.to_thread.run_sync(feed_page, ledger, after, DEFAULT_ITEMS, readable)
        for item in page.items:
            yield ServerSentEvent(json.dumps(item, ensure_ascii=False), event="ledger-event", id=str(item["sequence"]))
        after = page.next_after
        sizes = await anyio.to_thread.run_sync(checkpoint_sizes, ledger)
        if sizes and sizes[-1] > covered:
            covered = sizes[-1]
            yield ServerSentEvent(json.dumps({"tree_size": covered}), event="checkpoint")
        if time.monotonic() - checked > RECHECK_KEY_SECONDS:
            checked = time.monotonic()
            if not await anyio.to_thread.run_sync(_keys_still_valid, ledger, scope.caller.id, keys):
                return  # a key was revoked or rotated, or the party erased: the reader signs in again
        if after >= page.log_size:
            await anyio.sleep(POLL_SECONDS)


def _valid_keys(party: Party) -> set[str]:
    return {key_id for key_id, key in party.keys.items() if key["valid_until"] is None}


def _keys_still_valid(ledger, party_id: str, keys: set[str]) -> bool:
    """Whether every key the party held when the stream opened (one of them signed the request) is still valid."""
    party = ledger.find(party_id)
    return isinstance(party, Party) and not party.erased and keys <= _valid_keys(party)
