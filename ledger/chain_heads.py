"""Each aggregate's chain head (its last version and event hash) for the
verifier, in memory bounded by a constant however long the log is.

The most recently used heads stay in an in-memory LRU (`RECENT` entries);
older ones go to a scratch SQLite table in a temporary file that is removed
when the verifier is done (closed or garbage-collected). A log of 10^6 events
holds about half a million aggregates (every command has its own receipt), so
keeping every head in a dict made the verifier's memory grow with the log
(docs/decisions/0053)."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections import OrderedDict

RECENT = 20_000  # heads kept in memory
SPILL = 5_000  # evicted heads written to the scratch table together

Head = tuple[int, str]  # (version, event hash in hex)


class ChainHeads:
    """`get(aggregate_id)` the head or None, `set(...)` a new head, `len()`
    the number of aggregates seen. Not shared between threads."""

    def __init__(self, recent: int | None = None, spill: int | None = None) -> None:
        self.recent_limit, self.spill_size = recent or RECENT, spill or SPILL
        self.recent: OrderedDict[str, Head] = OrderedDict()
        self.spilled: dict[str, Head] = {}  # evicted, not yet written
        self.count = 0
        self._database: sqlite3.Connection | None = None
        self._folder: tempfile.TemporaryDirectory | None = None

    def __len__(self) -> int:
        return self.count

    def get(self, aggregate_id: str) -> Head | None:
        head = self.recent.get(aggregate_id)
        if head is not None:
            self.recent.move_to_end(aggregate_id)
            return head
        head = self.spilled.get(aggregate_id)
        if head is None and self._database is not None:
            found = self._database.execute("SELECT version, hash FROM heads WHERE aggregate = ?",
                                           (aggregate_id,)).fetchone()
            head = (found[0], found[1].hex()) if found else None
        return head

    def set(self, aggregate_id: str, version: int, event_hash: str) -> None:
        """The aggregate's new head; version 1 is a new aggregate (the
        verifier has checked that versions run 1, 2, 3...)."""
        if version == 1:
            self.count += 1
        self.spilled.pop(aggregate_id, None)
        self.recent[aggregate_id] = (version, event_hash)
        self.recent.move_to_end(aggregate_id)
        if len(self.recent) > self.recent_limit:
            evicted, head = self.recent.popitem(last=False)
            self.spilled[evicted] = head
            if len(self.spilled) >= self.spill_size:
                self._spill()

    def _spill(self) -> None:
        database = self._database or self._open()
        with database:
            database.executemany("INSERT OR REPLACE INTO heads (aggregate, version, hash) VALUES (?, ?, ?)",
                                 [(aggregate, version, bytes.fromhex(event_hash))
                                  for aggregate, (version, event_hash) in self.spilled.items()])
        self.spilled.clear()

    def _open(self) -> sqlite3.Connection:
        self._folder = tempfile.TemporaryDirectory(prefix="vledger-heads-")
        database = sqlite3.connect(os.path.join(self._folder.name, "heads.db"))
        database.execute("PRAGMA journal_mode = OFF")  # scratch: nothing to recover after a crash
        database.execute("PRAGMA synchronous = OFF")
        database.execute("PRAGMA cache_size = -2048")  # 2 MiB of pages
        database.execute("CREATE TABLE heads (aggregate TEXT PRIMARY KEY, version INTEGER NOT NULL, "
                         "hash BLOB NOT NULL) WITHOUT ROWID")
        self._database = database
        return database

    def close(self) -> None:
        if self._database is not None:
            self._database.close()
            self._database = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None
