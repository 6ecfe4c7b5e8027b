"""Bringing the views up to date, and rebuilding them, in batches: each batch
of events is applied in memory and written with its tracking position in one
transaction (DESIGN.md: a commit per event is far too slow).

On SQLite the recorder cannot `subscribe()`, so catch-up reads
`select_notifications()` in batches into the same `LedgerViews` projection and
tracking recorder; the same code runs on PostgreSQL."""

from __future__ import annotations

import logging
import time
import weakref
from dataclasses import dataclass
from typing import Callable

from eventsourcing.persistence import IntegrityError
from sqlalchemy import delete, update

from ledger.application import VoucherLedger
from ledger.errors import BadInput, ViewFailed
from projections import failures
from projections.log import events as log_events, read_events
from projections.replay import replay
from projections.store import insert_rows
from projections.views import APPLICATION_NAME, VIEW_NAMES, MODULES, LedgerViews, PositionMoved, ViewsRecorder

log = logging.getLogger("vledger.projections")
BATCH_SIZE = 10_000
ATTEMPTS = 3
Progress = Callable[[int], None]

_projections: "weakref.WeakKeyDictionary[VoucherLedger, LedgerViews]" = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class CatchUp:
    events: int
    position: int
    seconds: float

    @property
    def events_per_second(self) -> int | None:
        return round(self.events / self.seconds) if self.seconds and self.events else None


def open_source(source: VoucherLedger | str) -> VoucherLedger:
    return source if isinstance(source, VoucherLedger) else VoucherLedger(source)


def projection_for(ledger: VoucherLedger) -> LedgerViews:
    """The views of this ledger, in its own database; creates the tables on first use."""
    projection = _projections.get(ledger)
    if projection is None:
        recorder = ViewsRecorder(ledger.factory.datastore)
        recorder.create_table()
        failures.create_table(ledger.engine)
        projection = _projections[ledger] = LedgerViews(view=recorder)
    return projection


def catch_up(source: VoucherLedger | str, *, batch_size: int = BATCH_SIZE, progress: Progress | None = None,
             stop: int | None = None) -> CatchUp:
    """Applies every event recorded since the views' position (up to `stop`);
    a concurrent catch-up that wins a batch makes this one continue after it.
    A view that cannot apply an event raises `ViewFailed` (recorded, see
    `projections.failures`) with the views stopped just before that event."""
    ledger = open_source(source)
    projection = projection_for(ledger)
    started = time.perf_counter()
    applied = 0
    for attempt in range(ATTEMPTS):
        try:
            applied += _follow(ledger, projection, batch_size, progress, stop)
            break
        except IntegrityError:  # PositionMoved, or a concurrent first batch on the tracking row's key
            if attempt == ATTEMPTS - 1:
                raise
    if projection.view.indexes_pending:
        projection.view.create_indexes()
    reached = projection.view.position()
    if applied:
        failures.clear_through(ledger.engine, reached)
    return CatchUp(applied, reached, time.perf_counter() - started)


def _follow(ledger: VoucherLedger, projection: LedgerViews, batch_size: int, progress: Progress | None,
            stop: int | None) -> int:
    position = projection.view.position()
    store = None
    applied = 0
    while stop is None or position < stop:
        events = read_events(ledger, position + 1, batch_size, stop)
        if not events:
            break
        try:
            store = projection.process_batch(events, start=position, store=store)
        except ViewFailed as failure:
            _stop_before(ledger, projection, events, position, failure)
            raise
        position = events[-1].sequence
        applied += len(events)
        if progress:
            progress(len(events))
        if len(events) < batch_size:
            break
    return applied


def _stop_before(ledger: VoucherLedger, projection: LedgerViews, events: list, position: int,
                 failure: ViewFailed) -> None:
    """Applies the batch's events before the failing one (a fresh store: the
    failed batch left rows half changed in memory), then records the failure
    where /readyz, `vledger verify` and the ledger page see it."""
    before = [event for event in events if event.sequence < failure.sequence]
    if before:
        projection.process_batch(before, start=position)
    failures.record(ledger.engine, failure, ledger.now_iso())
    log.error("%s; the views stop before it until the cause is fixed and the views rebuilt", failure)


def rebuild(source: VoucherLedger | str, *, view: str | None = None, batch_size: int = BATCH_SIZE,
            progress: Progress | None = None) -> CatchUp:
    """Drops and rebuilds every view from the log (in batches, each tracked),
    or only the named view (replayed in memory up to the current position and
    swapped in with one transaction)."""
    ledger = open_source(source)
    projection = projection_for(ledger)
    if view is None:
        projection.view.drop_views()
        return catch_up(ledger, batch_size=batch_size, progress=progress)
    if view not in VIEW_NAMES:
        raise BadInput(f"unknown view {view!r}; views are: {', '.join(VIEW_NAMES)}")
    started = time.perf_counter()
    catch_up(ledger, batch_size=batch_size)
    position = projection.view.position()
    store = replay(log_events(ledger, stop=position), until=position, progress=progress)
    module = next(module for module in MODULES if module.name == view)
    recorder = projection.view
    with recorder.transaction(commit=True) as session:
        connection = session.connection()
        table = recorder.tracking_table
        kept = connection.execute(update(table).where(table.c.application_name == APPLICATION_NAME,
                                                      table.c.notification_id == position)
                                  .values(notification_id=position))
        if position and kept.rowcount != 1:
            raise PositionMoved(f"the views' position moved away from {position} during the rebuild")
        for chosen in module.tables:
            connection.execute(delete(chosen.table))
            rows = list(store.rows[chosen.name].values())
            for start in range(0, len(rows), batch_size):
                insert_rows(connection, chosen, rows[start:start + batch_size])
    return CatchUp(position, position, time.perf_counter() - started)


def position(source: VoucherLedger | str) -> int:
    return projection_for(open_source(source)).view.position()
