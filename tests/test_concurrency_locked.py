"""A writer that cannot get the database's write lock in time (another
process holds it) is refused with a clear, retryable Conflict, not a crash;
nothing is recorded; the same command sent again once the lock is free records
once. On SQLite the wait is the busy timeout (`?timeout=SECONDS` in the URL);
on PostgreSQL it is `lock_timeout` (`?options=-c lock_timeout=...`)."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from ledger.application import VoucherLedger
from ledger.errors import Conflict
from tests.world import World

WAIT_MILLISECONDS = 200


def impatient_url(url: str) -> str:
    """The same database, with a short wait for locks."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        parsed = parsed.update_query_dict({"timeout": str(WAIT_MILLISECONDS / 1000)})
    else:
        parsed = parsed.update_query_dict({"options": f"-c lock_timeout={WAIT_MILLISECONDS}"})
    return parsed.render_as_string(hide_password=False)


@contextmanager
def write_lock_held_elsewhere(url: str) -> Iterator[None]:
    """Another connection holds the write lock on the event log."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        holder = sqlite3.connect(parsed.database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        connection.execute(text("LOCK TABLE vledger_events IN EXCLUSIVE MODE"))
        try:
            yield
        finally:
            connection.rollback()
    engine.dispose()


def test_a_writer_blocked_past_the_lock_timeout_gets_a_retryable_conflict(world: World) -> None:
    impatient = VoucherLedger(impatient_url(world.ledger.database_url), keys=world.ledger.keys_dir, clock=world.clock)
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=3)
    signed = world.signed(world.institution, "record_offline_training", voucher,
                          {"started_at": world.ledger.now_iso(), "minutes": 60, "location": "workshop"})
    before = world.log_snapshot()
    with write_lock_held_elsewhere(world.ledger.database_url):
        with pytest.raises(Conflict, match="send the same command again"):
            impatient.submit(signed)
    assert world.log_snapshot() == before
    first = impatient.submit(signed)
    again = impatient.submit(signed)
    assert not first.duplicate and again.duplicate and again.result == first.result
    assert world.ledger.get(voucher).offline_minutes == 60
    impatient.close()
