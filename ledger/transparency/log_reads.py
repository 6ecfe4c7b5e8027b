"""Reading chosen events straight from the events table, with their
notification ids (the repository hides those): an aggregate's events, or
every event of one type up to a point of the log."""

from __future__ import annotations

from typing import Iterator
from uuid import UUID

from sqlalchemy import select


def _table(ledger):
    return ledger.recorder.events_record_cls.__table__


def aggregate_events(ledger, aggregate_id: UUID | str, up_to_notification_id: int) -> list:
    """Rows (id, originator_id, originator_version, topic, state) of one aggregate, oldest first."""
    table = _table(ledger)
    query = (select(table.c.id, table.c.originator_id, table.c.originator_version, table.c.topic, table.c.state)
             .where(table.c.originator_id == UUID(str(aggregate_id)), table.c.id <= up_to_notification_id)
             .order_by(table.c.originator_version))
    with ledger.engine.connect() as connection:
        return list(connection.execute(query))


def events_of_type(ledger, event_type: str, up_to_notification_id: int) -> Iterator:
    """Rows of every event whose topic ends in `:<event_type>`, in log order."""
    table = _table(ledger)
    query = (select(table.c.id, table.c.originator_id, table.c.originator_version, table.c.topic, table.c.state)
             .where(table.c.topic.like(f"%:{event_type}"), table.c.id <= up_to_notification_id)
             .order_by(table.c.id))
    with ledger.engine.connect() as connection:
        yield from connection.execute(query)
