"""A read replica for the tests (docs/decisions/0057). On PostgreSQL it is the
hot standby `scripts/postgres-for-tests.sh` starts beside the primary
(VLEDGER_TEST_POSTGRES_REPLICA), streaming its WAL; `pause()` and `resume()`
stop and restart its replay, so a lagging replica is made, not waited for.
On SQLite it is a copy of the primary's file that follows only when told
(`resume()` copies again): a replica that lags until then."""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from ledger.application import VoucherLedger
from ledger.config import database_url as normalise_url
from ledger.transparency.tree_store import ensure_tree
from projections import catch_up

REPLICA_URL = os.environ.get("VLEDGER_TEST_POSTGRES_REPLICA")
CATCH_UP_ATTEMPTS = 600
CATCH_UP_PAUSE_SECONDS = 0.05


@dataclass
class Replica:
    primary: VoucherLedger
    url: str
    streams: bool  # a PostgreSQL standby that follows by itself; else a SQLite copy

    @classmethod
    def of(cls, primary: VoucherLedger, folder: Path) -> "Replica":
        if primary.engine.dialect.name == "postgresql":
            assert REPLICA_URL, "PostgreSQL tests run under scripts/postgres-for-tests.sh, which starts the replica"
            replica = cls(primary, normalise_url(REPLICA_URL), streams=True)
        else:
            replica = cls(primary, f"sqlite:///{folder / 'replica.db'}", streams=False)
        replica.resume()
        return replica

    def pause(self) -> None:
        """From now on the replica lags: it applies nothing more until `resume()`."""
        if self.streams:
            self._on_replica("SELECT pg_wal_replay_pause()")

    def resume(self) -> None:
        """The replica catches up with everything on the primary, its views and Merkle leaves
        included (the primary's follower would have brought those up to date)."""
        catch_up(self.primary)
        ensure_tree(self.primary)
        if not self.streams:
            self._copy_primary()
            return
        self._on_replica("SELECT pg_wal_replay_resume()")
        with self.primary.engine.connect() as connection:
            target = connection.execute(text("SELECT pg_current_wal_lsn()::text")).scalar()
        for _attempt in range(CATCH_UP_ATTEMPTS):
            if self._on_replica(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
                return
            time.sleep(CATCH_UP_PAUSE_SECONDS)
        raise AssertionError(f"the replica did not replay the primary's WAL up to {target}")

    def _on_replica(self, statement: str) -> object:
        engine = create_engine(self.url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                return connection.execute(text(statement)).scalar()
        finally:
            engine.dispose()

    def _copy_primary(self) -> None:
        source = sqlite3.connect(make_url(self.primary.database_url).database)
        target = sqlite3.connect(make_url(self.url).database)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
