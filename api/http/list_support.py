"""What every list read needs besides its query: views that include every
write recorded before the read began, and opaque cursors over text keys.

Freshness: the background follower of `vledger serve` keeps the views within
a couple of seconds of the log, but a client that got a 201 must see its
write in the next list. So each list read compares the views' position with
the log's last notification id (two small queries) and, only when behind,
catches up itself, one request thread at a time in this process; a follower
or another process catching up at the same moment makes this one continue
after it (the projections' compare-and-set)."""

from __future__ import annotations

import base64
import json
import threading
from typing import Annotated, Any

from eventsourcing.persistence import IntegrityError
from fastapi import Query

from api.http.pagination import encode_cursor
from ledger.errors import BadInput, Conflict

_catching_up = threading.Lock()
BAD_CURSOR = "cursor is not one this server gave; pass next_cursor from the previous page"
MAX_KEY_CHARACTERS = 200
MAX_CURSOR_CHARACTERS = 1100
KeyCursorQuery = Annotated[str | None, Query(max_length=MAX_CURSOR_CHARACTERS,
                                             description="`next_cursor` of the previous page")]


def fresh_views(ledger: Any) -> int:
    """The views' position once they include every event recorded before this call."""
    from projections import catch_up, position

    if ledger.read_only:  # a replica's views are the primary's, written there (api/http/read_side.py)
        return position(ledger)
    target = ledger.max_notification_id() or 0
    reached = position(ledger)
    if reached >= target:
        return reached
    with _catching_up:
        try:
            reached = position(ledger)
            if reached < target:
                reached = catch_up(ledger).position
        except IntegrityError:  # another catch-up kept moving the position: the client may retry at once
            raise Conflict("the views were being updated by another process; send the read again") from None
    return reached


def encode_key_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after_key": key}, ensure_ascii=False).encode()).decode().rstrip("=")


def decode_key_cursor(cursor: str | None) -> str | None:
    """The key after which the page starts (None: from the beginning)."""
    if cursor is None:
        return None
    try:
        value: Any = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        key = value["after_key"]
    except (ValueError, TypeError, KeyError):
        raise BadInput(BAD_CURSOR) from None
    if not isinstance(key, str) or not 0 < len(key) <= MAX_KEY_CHARACTERS:
        raise BadInput(BAD_CURSOR)
    return key


def key_page(rows: list[dict[str, Any]], limit: int, key: str) -> dict[str, Any]:
    """`rows` holds up to limit + 1 rows ordered by `key`; the extra one only says there is more."""
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next_cursor": encode_key_cursor(rows[-1][key]) if more and rows else None}


def sequence_page(rows: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next_cursor": encode_cursor(rows[-1]["sequence"]) if more and rows else None}
