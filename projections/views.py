"""All views as one projection of the ledger, with one tracking position.

`LedgerViews` is an `eventsourcing.projection.Projection` whose view is a
`ViewsRecorder`, a `SQLAlchemyTrackingRecorder` that also owns the `view_*`
tables: the rows a batch of events changed and the new tracking position are
written in one transaction, so an event is applied exactly once even across
crashes. `process_event` serves the library's `ProjectionRunner` (one event a
transaction); `process_batch` serves catch-up and rebuild (many)."""

from __future__ import annotations

import logging
from typing import Any, Iterable

from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.projection import Projection
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from eventsourcing_sqlalchemy.recorders import SQLAlchemyTrackingRecorder
from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError as SQLAlchemyIntegrityError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.schema import CreateTable

from ledger.errors import ViewFailed
from projections import view_schema
from projections.audit import Audit
from projections.balances import Balances
from projections.events import LoggedEvent, from_domain_event
from projections.flags import Flags
from projections.registry import Registry
from projections.store import Store, ViewTable
from projections.vouchers import Vouchers

log = logging.getLogger("vledger.projections")
APPLICATION_NAME = "vledger"
TRACKING_TABLE = "view_tracking"
# Order matters: flags read the voucher as it was before the event.
MODULES = (Registry(), Flags(), Vouchers(), Balances(), Audit())
VIEW_NAMES = tuple(module.name for module in MODULES)
TABLES: dict[str, ViewTable] = {view.name: view for module in MODULES for view in module.tables}


class PositionMoved(IntegrityError):
    """Another process moved the views' tracking position first; nothing was written."""


def apply(event: LoggedEvent, store: Store) -> None:
    """Applies one event to every view; a view that cannot is a `ViewFailed`
    naming the view and the event (never a bare assertion deep in a loop)."""
    for module in MODULES:
        try:
            module.apply(event, store)
        except SQLAlchemyError:
            raise  # the database, not the view: catch-up retries
        except Exception as error:
            raise ViewFailed(module.name, event.sequence, event.type, str(error) or type(error).__name__) from error


def apply_all(events: Iterable[LoggedEvent], store: Store) -> int:
    count = 0
    for event in events:
        apply(event, store)
        count += 1
    return count


class ViewsRecorder(SQLAlchemyTrackingRecorder):
    """The tracking recorder of the views, in the ledger's own database."""

    def __init__(self, datastore: SQLAlchemyDatastore, **kwargs: Any) -> None:
        kwargs.setdefault("tracking_table_name", TRACKING_TABLE)
        super().__init__(datastore, **kwargs)
        self.tables.extend(view.table for view in TABLES.values())

    indexes_pending = False

    def create_table(self) -> None:
        """Creates what is missing, including indexes a crashed rebuild left out;
        views built by another definition of their tables are dropped, to be
        rebuilt from the log (projections/view_schema.py)."""
        super().create_table()
        engine = self.datastore.engine
        assert engine is not None
        wanted = view_schema.expected(view.table for view in TABLES.values())
        with engine.begin() as connection:
            outdated = view_schema.stored(connection) != wanted
        if outdated and self.position():
            log.info("the view tables were built by another definition; they are rebuilt from the log")
            self.drop_views()
        if outdated:
            try:
                with engine.begin() as connection:
                    view_schema.record(connection, wanted)
            except SQLAlchemyIntegrityError:
                pass  # another process recorded the same fingerprints at the same moment
        if not self.indexes_pending:
            self.create_indexes()

    def create_indexes(self) -> None:
        engine = self.datastore.engine
        assert engine is not None
        with engine.begin() as connection:
            for view in TABLES.values():
                for index in view.table.indexes:
                    index.create(connection, checkfirst=True)
        self.indexes_pending = False

    def position(self) -> int:
        return self.max_tracking_id(APPLICATION_NAME) or 0

    def drop_views(self) -> None:
        """Drops every view table and the tracking position, and creates the
        tables empty; their secondary indexes wait for `create_indexes` (a bulk
        rebuild is faster without them)."""
        with self.transaction(commit=True) as session:
            connection = session.connection()
            for view in TABLES.values():
                view.table.drop(connection, checkfirst=True)
            self.tracking_table.drop(connection, checkfirst=True)
            for view in TABLES.values():
                connection.execute(CreateTable(view.table))
            self.tracking_table.create(connection)
        self.indexes_pending = True

    def write(self, store: Store, start: int, end: int) -> None:
        """Writes the batch's rows and moves the position from `start` to `end`
        in one transaction; refuses if the position is no longer `start`."""
        with self.transaction(commit=True) as session:
            connection = session.connection()
            self._move_position(connection, start, end)
            store.flush(connection)

    def _move_position(self, connection: Connection, start: int, end: int) -> None:
        """Compare-and-set of the library's tracking row: a concurrent catch-up
        that got there first makes this one fail instead of applying twice."""
        assert end > start, "a batch moves the position forward"
        table = self.tracking_table
        if start == 0:
            existing = connection.execute(
                select(func.count()).select_from(table).where(table.c.application_name == APPLICATION_NAME)).scalar()
            if existing:
                raise PositionMoved(f"the views' position moved away from {start}")
            connection.execute(insert(table).values(application_name=APPLICATION_NAME, notification_id=end))
            return
        moved = connection.execute(
            update(table).where(table.c.application_name == APPLICATION_NAME, table.c.notification_id == start)
            .values(notification_id=end))
        if moved.rowcount != 1:
            raise PositionMoved(f"the views' position moved away from {start}")


class LedgerViews(Projection[ViewsRecorder]):
    """The projection: applies events to the views through a `Store`."""

    name = "views"

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:  # type: ignore[override]
        """One event from the library's runner (e.g. on PostgreSQL with LISTEN/NOTIFY)."""
        event = from_domain_event(domain_event, tracking.notification_id)
        self.process_batch([event], start=self.view.position())

    def process_batch(self, events: list[LoggedEvent], *, start: int, store: Store | None = None) -> Store:
        """Applies `events` (which follow position `start`) and writes them with
        the new position in one transaction. A `store` carried from the previous
        batch keeps its rows, saving reads."""
        assert events, "a batch holds at least one event"
        engine = self.view.datastore.engine
        with engine.connect() as connection:
            store = store or Store(TABLES, complete=start == 0)
            store.connection = connection
            try:
                apply_all(events, store)
            finally:
                store.connection = None
        self.view.write(store, start, events[-1].sequence)
        return store
