"""The event store's persistence: eventsourcing-sqlalchemy's, with its two
reads made cheaper (docs/decisions/0069). The library reads through an ORM
session it opens and rolls back for every read. The write path reads an
aggregate (or learns that a new id is free) several times per command, which
was about half of an import's server time; an inclusion proof first reads the
log's new events. Here the same SELECTs run in SQLAlchemy Core on a pooled
connection and return the same stored events and notifications. Inside a
transaction the library opened (a read that must see its writes), and on an
in-memory SQLite database (one shared connection behind the library's lock),
the library's own reads run as before."""

from __future__ import annotations

from typing import Any, Sequence
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent
from eventsourcing_sqlalchemy.datastore import transactions
from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder
from sqlalchemy import select

FACTORY_TOPIC = "ledger.store:LedgerStoreFactory"


class LedgerRecorder(SQLAlchemyApplicationRecorder):
    def select_events(self, originator_id: UUID | str, gt: int | None = None, lte: int | None = None,
                      desc: bool = False, limit: int | None = None) -> list[StoredEvent]:
        if self._library_reads():
            return super().select_events(originator_id, gt=gt, lte=lte, desc=desc, limit=limit)
        query = self._selection(originator_id, gt, lte, desc, limit)
        with self.datastore.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [StoredEvent(originator_id=row[0], originator_version=row[1], topic=row[2], state=_bytes(row[3]))
                for row in rows]

    def select_notifications(self, start: int | None, limit: int, stop: int | None = None,
                             topics: Sequence[str] = (), *, inclusive_of_start: bool = True) -> list[Notification]:
        """The log in notification order (the Merkle tree's leaves, the event feed, the key owners), read as
        `select_events` is."""
        if self._library_reads():
            return super().select_notifications(start, limit, stop, topics, inclusive_of_start=inclusive_of_start)
        table = self.events_record_cls.__table__
        query = select(table.c.id, table.c.originator_id, table.c.originator_version, table.c.topic, table.c.state)
        if start is not None:
            query = query.where(table.c.id >= start if inclusive_of_start else table.c.id > start)
        if stop is not None:
            query = query.where(table.c.id <= stop)
        if topics:
            query = query.where(table.c.topic.in_(topics))
        with self.datastore.engine.connect() as connection:
            rows = connection.execute(query.order_by(table.c.id).limit(limit)).all()
        return [Notification(id=row[0], originator_id=row[1], originator_version=row[2], topic=row[3],
                             state=_bytes(row[4])) for row in rows]

    def _library_reads(self) -> bool:
        """Inside a transaction the library opened, with a scoped session, or on in-memory SQLite."""
        return self.datastore.access_lock is not None or self.datastore.scoped_session is not None \
            or transactions.get(None) is not None

    def _selection(self, originator_id: UUID | str, gt: int | None, lte: int | None, desc: bool,
                   limit: int | None) -> Any:
        table = self.events_record_cls.__table__
        version = table.c.originator_version
        query = select(table.c.originator_id, version, table.c.topic, table.c.state).where(
            table.c.originator_id == originator_id)
        if gt is not None:
            query = query.where(version > gt)
        if lte is not None:
            query = query.where(version <= lte)
        query = query.order_by(version.desc() if desc else version)
        return query.limit(limit) if limit is not None else query


def _bytes(state: Any) -> bytes:
    return bytes(state) if isinstance(state, memoryview) else state


class LedgerStoreFactory(SQLAlchemyFactory):
    application_recorder_class = LedgerRecorder
