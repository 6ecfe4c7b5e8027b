"""The Merkle tree over the log, kept in the database so proofs stay fast at
millions of events (J1).

Leaves are the event hashes in global notification order. A leaf's index is
its position in the log (0-based), not its notification id: PostgreSQL
sequences can skip numbers after a rolled-back transaction, and a Merkle tree
has no gaps. The table `vledger_merkle_leaves(leaf_index, notification_id,
event_hash)` maps one to the other; it is appended in notification order, in
batches, by whoever calls `ensure_tree` (the checkpointer, the proof commands,
the HTTP server). It is derived data: `vledger verify` never trusts it, it
recomputes every hash from the events, and checks that every stored leaf
names its event's notification id and hash (`stored_leaves`): the id is not
hashed, so this is what shows a renumbered event.

Each process keeps its own in-memory `MerkleTree` per ledger, loaded once from
the table (32-byte hashes) and then extended incrementally. A read-only
ledger (a read replica) holds the leaves the primary stored and appends none.
"""

from __future__ import annotations

import json
import threading
import weakref
from bisect import bisect_right
from dataclasses import dataclass, field

from sqlalchemy import BigInteger, Column, LargeBinary, MetaData, Table, insert, select
from sqlalchemy.exc import IntegrityError

from ledger.errors import NotFound
from ledger.merkle import MerkleTree, leaf_hash
from ledger.side_tables import create_once

BATCH_SIZE = 2000
MAX_RACE_RETRIES = 5

metadata = MetaData()
leaves_table = Table(
    "vledger_merkle_leaves",
    metadata,
    Column("leaf_index", BigInteger, primary_key=True, autoincrement=False),
    Column("notification_id", BigInteger, nullable=False, unique=True),
    Column("event_hash", LargeBinary(32), nullable=False),
)


@dataclass
class LogTree:
    """One process's copy of the tree, the last notification it holds, and where each run of consecutive
    notification ids starts (its first id and leaf index): a leaf's index is found without a query, and
    the runs are as few as the gaps PostgreSQL's sequence left."""

    tree: MerkleTree = field(default_factory=MerkleTree)
    last_notification_id: int = 0
    run_ids: list[int] = field(default_factory=list)
    run_leaves: list[int] = field(default_factory=list)

    @property
    def size(self) -> int:
        return self.tree.size

    def extend(self, notification_ids: list[int], event_hashes: list[bytes]) -> None:
        for offset, notification_id in enumerate(notification_ids):
            if notification_id != self.last_notification_id + 1 or not self.run_ids:
                self.run_ids.append(notification_id)
                self.run_leaves.append(self.size + offset)
            self.last_notification_id = notification_id
        self.tree.extend(leaf_hash(value) for value in event_hashes)

    def leaf_index(self, notification_id: int) -> int | None:
        run = bisect_right(self.run_ids, notification_id) - 1
        if run < 0:
            return None
        index = self.run_leaves[run] + notification_id - self.run_ids[run]
        run_end = self.run_leaves[run + 1] if run + 1 < len(self.run_leaves) else self.size
        return index if index < run_end else None  # past its run's end: an id the sequence skipped


_trees: "weakref.WeakKeyDictionary[object, LogTree]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()  # one writer of the in-memory trees per process


def create_tables(engine) -> None:
    create_once(metadata, engine)


def ensure_tree(ledger) -> LogTree:
    """The tree over every event recorded so far: loads leaves other processes
    stored, then appends the events no one has added yet."""
    create_tables(ledger.engine)
    with _lock:
        state = _trees.setdefault(ledger, LogTree())
        for _attempt in range(MAX_RACE_RETRIES):
            _load_stored_leaves(ledger, state)
            if getattr(ledger, "read_only", False):
                return state
            try:
                _append_new_events(ledger, state)
                return state
            except IntegrityError:
                continue  # another process appended the same leaves first: load theirs
    raise RuntimeError("could not extend the Merkle tree: other writers kept appending the same leaves")


def _load_stored_leaves(ledger, state: LogTree) -> None:
    query = (select(leaves_table.c.leaf_index, leaves_table.c.notification_id, leaves_table.c.event_hash)
             .where(leaves_table.c.leaf_index >= state.size).order_by(leaves_table.c.leaf_index))
    with ledger.engine.connect() as connection:  # in batches: a million leaves are never all in memory as rows
        for rows in connection.execution_options(stream_results=True).execute(query).partitions(BATCH_SIZE):
            for offset, (index, _notification_id, _stored_hash) in enumerate(rows):
                assert index == state.size + offset, \
                    f"leaf {index} follows {state.size + offset - 1}: the leaves table has a gap"
            state.extend([row[1] for row in rows], [bytes(row[2]) for row in rows])


def _append_new_events(ledger, state: LogTree) -> None:
    while True:
        batch = ledger.recorder.select_notifications(state.last_notification_id + 1, BATCH_SIZE)
        if not batch:
            return
        hashes = [bytes.fromhex(json.loads(notification.state)["seal"]["event_hash"]) for notification in batch]
        rows = [{"leaf_index": state.size + offset, "notification_id": notification.id, "event_hash": value}
                for offset, (notification, value) in enumerate(zip(batch, hashes))]
        with ledger.engine.begin() as connection:
            connection.execute(insert(leaves_table), rows)
        state.extend([notification.id for notification in batch], hashes)


def stored_leaves(ledger, batch_size: int = BATCH_SIZE):
    """Every stored leaf `(leaf_index, notification_id, event_hash)` in order, read in batches."""
    create_tables(ledger.engine)
    start = 0
    while True:
        query = (select(leaves_table.c.leaf_index, leaves_table.c.notification_id, leaves_table.c.event_hash)
                 .where(leaves_table.c.leaf_index >= start).order_by(leaves_table.c.leaf_index).limit(batch_size))
        with ledger.engine.connect() as connection:
            batch = [(row[0], row[1], bytes(row[2])) for row in connection.execute(query)]
        yield from batch
        if len(batch) < batch_size:
            return
        start = batch[-1][0] + 1


def leaf_index_of(ledger, notification_id: int, state: LogTree | None = None) -> int:
    """The leaf index of the event with this notification id (global sequence);
    `state` is the tree the caller has just brought up to date, if it has."""
    state = state or ensure_tree(ledger)
    if not 1 <= notification_id <= state.last_notification_id:
        raise NotFound(f"no event has sequence number {notification_id}; the log runs from 1 to "
                       f"{state.last_notification_id}")
    with _lock:
        index = state.leaf_index(notification_id)
    if index is None:
        raise NotFound(f"no event has sequence number {notification_id}")
    return index
