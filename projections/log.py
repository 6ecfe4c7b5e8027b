"""Reading the event log in batches for the views. The rows are those of
`select_notifications()` (the recorder's own table, in notification order),
read with one plain statement: the library's ORM query reads ~20,000 rows/s on
this machine, the whole rebuild budget, where this reads ~150,000."""

from __future__ import annotations

from typing import Any, Iterator

from projections.events import LoggedEvent, decode_row, recorded_at_of

BATCH_SIZE = 5000


def _statement(ledger: Any) -> str:
    table = ledger.recorder.events_record_cls.__table__
    mark = "?" if ledger.engine.dialect.paramstyle == "qmark" else "%s"
    return (f"SELECT id, originator_id, originator_version, topic, state FROM {table.name} "
            f"WHERE id >= {mark} AND id <= {mark} ORDER BY id LIMIT {mark}")


def read_events(ledger: Any, start: int, limit: int, stop: int | None = None) -> list[LoggedEvent]:
    """Up to `limit` events with sequence numbers from `start` to `stop` (inclusive)."""
    with ledger.engine.connect() as connection:
        rows = connection.exec_driver_sql(_statement(ledger), (start, stop or 2**62, limit)).fetchall()
    return [decode_row(*row) for row in rows]


def events(ledger: Any, start: int = 1, stop: int | None = None, batch_size: int = BATCH_SIZE
           ) -> Iterator[LoggedEvent]:
    """Every event from `start` to `stop`, in order."""
    position = start
    while True:
        batch = read_events(ledger, position, batch_size, stop)
        yield from batch
        if len(batch) < batch_size:
            return
        position = batch[-1].sequence + 1


def last_recorded_by(ledger: Any, moment_iso: str, batch_size: int = 20_000) -> int:
    """The highest sequence number of an event recorded at or before
    `moment_iso` (0 if none); recording times need not rise with the sequence."""
    table = ledger.recorder.events_record_cls.__table__
    mark = "?" if ledger.engine.dialect.paramstyle == "qmark" else "%s"
    statement = f"SELECT id, state FROM {table.name} WHERE id >= {mark} ORDER BY id LIMIT {mark}"
    found, position = 0, 1
    with ledger.engine.connect() as connection:
        while True:
            rows = connection.exec_driver_sql(statement, (position, batch_size)).fetchall()
            for sequence, state in rows:
                if recorded_at_of(bytes(state)) <= moment_iso:
                    found = sequence
            if len(rows) < batch_size:
                return found
            position = rows[-1][0] + 1
