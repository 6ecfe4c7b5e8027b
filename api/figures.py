"""The few figures an operator watches (issue 17), read at the moment they are
asked for: events in the log, how far the views are behind (in events and in
event time), the age of the latest checkpoint and of the latest witness
cosignature, and the database pool's use. `/metrics` exports them as gauges
and the ledger page shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from ledger.envelope import parse_time
from ledger.transparency.checkpoints import checkpoints_table, create_tables
from projections import position
from projections.events import recorded_at_of


def ledger_figures(ledger: Any) -> dict[str, float | int | None]:
    """None where a figure does not exist yet (no checkpoint, no cosignature)."""
    events = ledger.max_notification_id()
    applied = min(position(ledger), events)
    now = ledger.clock()
    checkpoint_at, cosigned_at = _checkpoint_times(ledger)
    pool = ledger.engine.pool
    return {
        "events": events,
        "projection_lag_events": events - applied,
        "projection_lag_seconds": _lag_seconds(ledger, applied, events),
        "checkpoint_age_seconds": _age_seconds(now, checkpoint_at),
        "cosignature_age_seconds": _age_seconds(now, cosigned_at),
        "pool_connections_in_use": _pool_figure(pool, "checkedout"),
        "pool_size": _pool_figure(pool, "size"),
    }


def _lag_seconds(ledger: Any, applied: int, events: int) -> float:
    """Event time between the newest event and the newest event the views
    applied: 0 when caught up. (Event time, not wall time: the demo's clock
    replays past years.)"""
    if applied >= events:
        return 0.0
    newest = _recorded_at(ledger, events)
    oldest = _recorded_at(ledger, applied) if applied else _recorded_at(ledger, 1)
    if newest is None or oldest is None:
        return 0.0
    return max(0.0, (newest - oldest).total_seconds())


def _recorded_at(ledger: Any, sequence: int) -> datetime | None:
    for notification in ledger.notifications(start=sequence, batch_size=1, stop=sequence):
        return parse_time(recorded_at_of(notification.state), what="recorded_at")
    return None


def _checkpoint_times(ledger: Any) -> tuple[str | None, str | None]:
    create_tables(ledger.engine)
    table = checkpoints_table
    with ledger.engine.connect() as connection:
        latest = connection.execute(select(table.c.timestamp).order_by(table.c.tree_size.desc()).limit(1)).scalar()
        cosigned = connection.execute(select(table.c.timestamp).where(table.c.cosignatures != "[]")
                                      .order_by(table.c.tree_size.desc()).limit(1)).scalar()
    return latest, cosigned


def _age_seconds(now: datetime, stamp: str | None) -> float | None:
    if stamp is None:
        return None
    return max(0.0, (now - parse_time(stamp, what="checkpoint timestamp")).total_seconds())


def _pool_figure(pool: Any, name: str) -> int | None:
    """QueuePool (PostgreSQL) counts connections; SQLite's pools may not."""
    figure = getattr(pool, name, None)
    try:
        return int(figure()) if callable(figure) else None
    except (TypeError, NotImplementedError):
        return None
