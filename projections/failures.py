"""A view that cannot apply an accepted event is a bug, never a silent loop:
catch-up records the failure (view, event sequence and type, error) in
`view_failures`, beside the views in the ledger's database, where `/readyz`
(503), `vledger verify` (exit 1) and the ledger page read it. A catch-up that
later applies past that event (after a fix, or a rebuild) clears it.

The table is not a view (it is not rebuilt from the log, nor compared with a
replay), so it has its own metadata."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, delete, select

from ledger.errors import ViewFailed

FAILURES = Table(
    "view_failures", MetaData(),
    Column("view", String(32), primary_key=True),
    Column("sequence", Integer, nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("error", String(1000), nullable=False),
    Column("recorded_at", String(27), nullable=False),
)


def create_table(engine: Any) -> None:
    FAILURES.create(engine, checkfirst=True)


def record(engine: Any, failure: ViewFailed, recorded_at: str) -> None:
    """Keeps the latest failure of each view (one row per view); the same
    failure seen again (a read retrying it) keeps its first time."""
    with engine.begin() as connection:
        known = connection.execute(select(FAILURES.c.sequence, FAILURES.c.error).where(
            FAILURES.c.view == failure.view)).first()
        if known is not None and tuple(known) == (failure.sequence, failure.error[:1000]):
            return
        connection.execute(delete(FAILURES).where(FAILURES.c.view == failure.view))
        connection.execute(FAILURES.insert().values(view=failure.view, sequence=failure.sequence,
                                                    event_type=failure.event_type, error=failure.error[:1000],
                                                    recorded_at=recorded_at))


def clear_through(engine: Any, position: int) -> None:
    """Forgets failures at events the views have now applied."""
    with engine.begin() as connection:
        connection.execute(delete(FAILURES).where(FAILURES.c.sequence <= position))


def recorded(engine: Any) -> list[dict[str, Any]]:
    """The recorded failures, first event first (empty when every view is sound)."""
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(select(FAILURES).order_by(FAILURES.c.sequence)).mappings()]


def first(engine: Any) -> ViewFailed | None:
    rows = recorded(engine)
    if not rows:
        return None
    row = rows[0]
    return ViewFailed(row["view"], row["sequence"], row["event_type"], row["error"])
