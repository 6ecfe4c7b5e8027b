"""Opaque cursors for every list: base64url of a small JSON position the client
passes back unchanged; `limit` is bounded (TIGER_STYLE: limits on everything)."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any

from fastapi import Query

from ledger.errors import BadInput

MAX_PAGE_ITEMS = 100
DEFAULT_PAGE_ITEMS = 50

LimitQuery = Annotated[int, Query(ge=1, le=MAX_PAGE_ITEMS, description=f"items per page, at most {MAX_PAGE_ITEMS}")]
CursorQuery = Annotated[str | None, Query(max_length=200, description="`next_cursor` of the previous page")]


def encode_cursor(after: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The position after which the page starts (0: from the beginning)."""
    if cursor is None:
        return 0
    try:
        value: Any = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        after = value["after"]
    except (ValueError, TypeError, KeyError):
        raise BadInput("cursor is not one this server gave; pass next_cursor from the previous page") from None
    if isinstance(after, bool) or not isinstance(after, int) or not 0 <= after < 2**62:
        raise BadInput("cursor is not one this server gave; pass next_cursor from the previous page")
    return after


def page(items: list[dict[str, Any]], limit: int, position_of) -> dict[str, Any]:
    """`items` holds up to limit + 1 entries; the extra one only says there is more."""
    more = len(items) > limit
    items = items[:limit]
    return {"items": items, "next_cursor": encode_cursor(position_of(items[-1])) if more and items else None}
