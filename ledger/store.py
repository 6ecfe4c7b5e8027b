"""The event store's persistence: eventsourcing-sqlalchemy's, with one read
made cheaper (docs/decisions/0069). The library reads an aggregate's events
through an ORM session it opens and rolls back for every read; the write
path reads an aggregate (or learns that a new id is free) several times per
command, and that overhead was about half of an import's server time. Here
the same SELECT runs in SQLAlchemy Core on a pooled connection, returning
the same stored events. Inside a transaction the library opened (a read that
must see that transaction's writes), and on an in-memory SQLite database
(one shared connection behind the library's lock), the library's own read
runs as before."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing_sqlalchemy.datastore import transactions
from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder
from sqlalchemy import select

FACTORY_TOPIC = "ledger.store:LedgerStoreFactory"


class LedgerRecorder(SQLAlchemyApplicationRecorder):
    def select_events(self, originator_id: UUID | str, gt: int | None = None, lte: int | None = None,
                      desc: bool = False, limit: int | None = None) -> list[StoredEvent]:
        if self.datastore.access_lock is not None or self.datastore.scoped_session is not None \
                or transactions.get(None) is not None:
            return super().select_events(originator_id, gt=gt, lte=lte, desc=desc, limit=limit)
        query = self._selection(originator_id, gt, lte, desc, limit)
        with self.datastore.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [StoredEvent(originator_id=row[0], originator_version=row[1], topic=row[2], state=_bytes(row[3]))
                for row in rows]

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
