"""The log as a feed for downstream systems (issue 16, item 3;
docs/decisions/0044): events after a sequence number, in log order, each with
its leaf index, its event hash and the tree size of the first checkpoint that
covers it (None until one does). Which events a reader may see is decided at
the edge (api/http/feed_access.py); this module only reads.

What an item holds is what the log holds (facts are hashes, codes and
amounts; a trainee's name and national ID are only ever stored encrypted, as
`sealed_personal`, and as a keyed hash), and what an event's signer signed
(actor, key id, command), so a follower can check each hash against an
inclusion proof (`GET /v1/proofs/inclusion?seq=`).
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import select

from ledger.transparency.checkpoints import checkpoints_table, create_tables
from ledger.transparency.tree_store import ensure_tree, leaves_table

SCAN_BATCH_EVENTS = 500
MAX_SCANNED_EVENTS = 5000  # per call: a reader who may see few events gets an empty page and a later `after`


@dataclass(frozen=True)
class FeedPage:
    items: list[dict[str, Any]]
    next_after: int  # the sequence to ask after next: the last one read, shown or not
    log_size: int  # the last sequence recorded when the page was read


def feed_page(ledger, after: int, limit: int, readable: Callable[[Any], bool]) -> FeedPage:
    """Up to `limit` events after sequence `after` that `readable(row)` lets
    through, reading at most MAX_SCANNED_EVENTS rows of the log."""
    assert after >= 0 and limit >= 1
    log_size = ledger.max_notification_id() or 0
    ensure_tree(ledger)  # every event up to log_size has its leaf now
    shown: list = []
    position, scanned = after, 0
    while len(shown) < limit and scanned < MAX_SCANNED_EVENTS:
        batch = ledger.recorder.select_notifications(position + 1, SCAN_BATCH_EVENTS, stop=log_size)
        if not batch:
            break
        for row in batch:
            if len(shown) == limit:
                break
            if readable(row):
                shown.append(row)
            position = row.id
            scanned += 1
    return FeedPage(_items(ledger, shown), position, log_size)


def checkpoint_sizes(ledger) -> list[int]:
    """The tree sizes of every stored checkpoint, smallest first."""
    create_tables(ledger.engine)
    with ledger.engine.connect() as connection:
        return [size for (size,) in connection.execute(select(checkpoints_table.c.tree_size)
                                                       .order_by(checkpoints_table.c.tree_size))]


def _items(ledger, rows: list) -> list[dict[str, Any]]:
    if not rows:
        return []
    with ledger.engine.connect() as connection:
        indexes = dict(connection.execute(select(leaves_table.c.notification_id, leaves_table.c.leaf_index)
                                          .where(leaves_table.c.notification_id.in_([row.id for row in rows]))).all())
    sizes = checkpoint_sizes(ledger)
    items = []
    for row in rows:
        state = json.loads(row.state)
        seal, envelope = state["seal"], state["seal"]["envelope"]
        index = indexes[row.id]
        covering = bisect.bisect_right(sizes, index)
        items.append({
            "sequence": row.id, "leaf_index": index, "aggregate_id": str(row.originator_id),
            "aggregate_version": row.originator_version, "event": row.topic.split(":", 1)[-1],
            "recorded_at": seal["recorded_at"], "actor": envelope.get("actor"), "key_id": envelope.get("key_id"),
            "command": envelope.get("command"), "command_id": envelope.get("command_id"), "facts": state["facts"],
            "previous_hash": seal["previous_hash"], "event_hash": seal["event_hash"],
            "checkpoint": sizes[covering] if covering < len(sizes) else None})
    return items
