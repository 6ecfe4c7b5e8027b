"""The views replayed into a scratch SQLite database, and compared with the
stored views table by table in key order, both sides streamed: `vledger
verify`'s views check in memory bounded however long the log is
(docs/decisions/0054).

The replay writes the same view tables (projections/views.py) in a file in a
temporary folder, in batches, through the same `Store` as a rebuild; the
rows a batch keeps in memory are dropped once there are more than
`RESIDENT_ROWS` of them (later events read them back from the scratch file).
The folder is removed when the `ScratchViews` is closed."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from sqlalchemy import Connection, String, create_engine, event, select
from sqlalchemy.engine import Engine

from projections.events import LoggedEvent
from projections.store import Store, ViewTable
from projections.views import TABLES, apply

BATCH = 10_000
RESIDENT_ROWS = 100_000
STREAM_ROWS = 5_000


class ScratchViews:
    """Every view, replayed from events into a throwaway SQLite file."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="vledger-views-")
        self.engine: Engine = create_engine(f"sqlite:///{Path(self._folder.name) / 'views.db'}")
        event.listen(self.engine, "connect", _scratch_pragmas)
        with self.engine.begin() as connection:
            for view in TABLES.values():
                view.table.create(connection)
        self.store = Store(TABLES, complete=True)  # the scratch file starts empty: nothing to read back

    def __enter__(self) -> "ScratchViews":
        return self

    def __exit__(self, *_exception: Any) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()
        self._folder.cleanup()

    def replay(self, events: Iterable[LoggedEvent], progress: Callable[[int], None] | None = None) -> int:
        """Applies `events` in order (a view that cannot apply one raises
        `ViewFailed`) and writes their rows to the scratch file."""
        batch: list[LoggedEvent] = []
        count = 0
        for logged in events:
            batch.append(logged)
            if len(batch) == BATCH:
                count += self._apply(batch, progress)
                batch = []
        if batch:
            count += self._apply(batch, progress)
        return count

    def _apply(self, batch: list[LoggedEvent], progress: Callable[[int], None] | None) -> int:
        with self.engine.begin() as connection:
            self.store.connection = connection
            try:
                for logged in batch:
                    apply(logged, self.store)
                self.store.flush(connection)
            finally:
                self.store.connection = None
        if sum(len(rows) for rows in self.store.rows.values()) > RESIDENT_ROWS:
            self.store = Store(TABLES)  # reads what later events need back from the scratch file
        if progress:
            progress(len(batch))
        return len(batch)

    def rows(self, view: ViewTable) -> Iterator[dict[str, Any]]:
        with self.engine.connect() as connection:
            yield from ordered_rows(connection, view)


def _scratch_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode = OFF")  # a scratch file: nothing to recover after a crash
    cursor.execute("PRAGMA synchronous = OFF")
    cursor.close()


def ordered_rows(connection: Connection, view: ViewTable) -> Iterator[dict[str, Any]]:
    """The view's rows in key order, streamed. Text keys sort by code point on
    every database (PostgreSQL's `C` collation, SQLite's binary, Python's `<`),
    so two databases' rows can be merged."""
    postgres = connection.dialect.name == "postgresql"
    order = [view.table.c[name].collate("C") if postgres and isinstance(view.table.c[name].type, String)
             else view.table.c[name] for name in view.key]
    result = connection.execution_options(yield_per=STREAM_ROWS).execute(select(view.table).order_by(*order))
    for row in result.mappings():
        yield dict(row)


def differing_rows(view: ViewTable, stored: Iterator[dict[str, Any]], replayed: Iterator[dict[str, Any]]
                   ) -> Iterator[tuple[Any, dict[str, Any] | None, dict[str, Any] | None]]:
    """(key, stored row, replayed row) for every key whose rows differ, one
    side None where that side lacks the row; both inputs in key order."""
    left, right = next(stored, None), next(replayed, None)
    while left is not None or right is not None:
        left_key = view.key_of(left) if left is not None else None
        right_key = view.key_of(right) if right is not None else None
        if right is None or (left is not None and _before(left_key, right_key)):
            yield left_key, left, None
            left = next(stored, None)
        elif left is None or _before(right_key, left_key):
            yield right_key, None, right
            right = next(replayed, None)
        else:
            if left != right:
                yield left_key, left, right
            left, right = next(stored, None), next(replayed, None)


def _before(key: Any, other: Any) -> bool:
    """Key order; a key of another type than its column's (a view table
    written by hand on SQLite) sorts first, so it shows as a difference
    instead of stopping the check."""
    try:
        return key < other
    except TypeError:
        return not isinstance(key, type(other))
