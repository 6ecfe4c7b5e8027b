"""The read side (issue 15, docs/decisions/0056): with `VLEDGER_READ_DB` (or
`vledger serve --read-db URL`) the reads that take the ledger as a dependency
(vouchers, filings, parties, keys, lists, checkpoints, proofs) are served from
a streaming replica; writes, the signed-read check (keys, nonces) and /readyz
stay on the primary. The views are written on the primary only (the
projection follower); the replica serves its copy of them.

Read-your-writes: every write reply carries `Vledger-Position`, the log's last
notification id once the write committed. A read that sends it back is served
by the replica once the replica's log and views have passed it, waited for up
to `VLEDGER_READ_WAIT_MS`; otherwise by the primary. A read without it is
served by the replica as it stands (it trails by the lag /readyz reports).
Every read through here says who served it in `Vledger-Served-By`. Without a
read database nothing changes: no new headers, every read on the primary.

The replica must hold this ledger: its genesis names the same origin, ledger
key and trust root as the primary's (two ledgers may share an origin; never
their keys). `serve` refuses to start on a read database of another ledger; one
unreachable at start is checked when it first answers, and never serves if it
holds another ledger (the primary does, and the log says why)."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

import anyio
from fastapi import Request
from sqlalchemy import func, select, text
from eventsourcing.persistence import PersistenceError
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import MutableHeaders

from ledger.application import VoucherLedger
from ledger.config import database_url as resolve_url
from ledger.config import masked_url
from ledger.errors import BadInput, NotFound
from ledger.transparency import checkpoints, tree_store

log = logging.getLogger("vledger.http")
UNREADABLE = (SQLAlchemyError, PersistenceError)  # a replica down, not set up yet, or still empty
READ_DB_SETTING = "VLEDGER_READ_DB"
READ_WAIT_SETTING = "VLEDGER_READ_WAIT_MS"
DEFAULT_READ_WAIT_MS = 500
MAX_READ_WAIT_MS = 10_000
POLL_SECONDS = 0.005
POSITION_HEADER = "Vledger-Position"
SERVED_BY_HEADER = "Vledger-Served-By"
MAX_POSITION_DIGITS = 19
READ_METHODS = ("GET", "HEAD")


class ReadSide:
    """Which database serves a request: the primary, or the replica when it has what the reader needs."""

    def __init__(self, primary: VoucherLedger, replica: VoucherLedger | None = None,
                 wait_ms: int = DEFAULT_READ_WAIT_MS) -> None:
        self.primary = primary
        self.replica = replica
        self.wait_seconds = wait_ms / 1000
        self._replica_checked = False  # its genesis was read and names this ledger
        self.replica_refusal: str | None = None  # why a replica of another ledger is not used

    @classmethod
    def open(cls, primary: VoucherLedger, read_database_url: str | None = None) -> "ReadSide":
        """The read side of `primary`: a replica at `read_database_url` or `VLEDGER_READ_DB`, if either is set."""
        url = read_database_url or os.environ.get(READ_DB_SETTING, "").strip()
        if not url:
            return cls(primary)
        replica = VoucherLedger(resolve_url(url), keys=primary.keys_dir, clock=primary.clock,
                                signed_at_window=primary.signed_at_window, read_only=True)
        _create_read_tables(primary)
        read_side = cls(primary, replica, read_wait_ms())
        try:
            read_side.require_same_ledger()
        except UNREADABLE as error:
            log.warning("the read replica cannot be read yet; the primary serves until it can: %s", str(error)[:300])
        except BadInput:
            replica.close()
            raise
        log.info("reads served from the replica at %s", masked_url(url))
        return read_side

    def require_same_ledger(self) -> None:
        """Refuses a replica whose genesis names another ledger than the primary's."""
        assert self.replica is not None
        primary = checkpoints.log_identity(self.primary)
        try:
            replica = checkpoints.log_identity(self.replica)
        except NotFound:
            replica = None
        if replica != primary:
            held = (f"the ledger {replica.origin!r} with ledger key {replica.ledger_public_key[:12]}..." if replica
                    else "no ledger")
            raise BadInput(f"the read database holds {held}, not this one ({primary.origin!r} with ledger key "
                           f"{primary.ledger_public_key[:12]}...): point --read-db ({READ_DB_SETTING}) at a streaming "
                           "replica of this primary")
        self._replica_checked = True

    def close(self) -> None:
        if self.replica is not None:
            self.replica.close()

    # -- choosing ------------------------------------------------------------

    def ledger_for(self, request: Request) -> VoucherLedger:
        """The primary for a write; for a read, the replica when it has passed the position the reader
        names (or any, when it names none) and answers, else the primary."""
        if self.replica is None or request.method not in READ_METHODS:
            return self.primary
        wanted = requested_position(request)
        chosen = self.replica if self._replica_serves(wanted) else self.primary
        request.state.served_by = "replica" if chosen is self.replica else "primary"
        return chosen

    def _replica_serves(self, wanted: int | None) -> bool:
        if self.replica_refusal is not None:
            return False
        if wanted is not None:
            last = self.primary.max_notification_id()
            if wanted > last:
                raise BadInput(f"{POSITION_HEADER} {wanted} is beyond the log's last event ({last}); "
                               "send the position a write reply gave")
            self._derived_on_primary_reach(wanted)
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                if not self._replica_checked:
                    self.require_same_ledger()
                reached = self.replica_position()
            except UNREADABLE as error:  # the replica is down or not set up: the primary serves
                log.warning("the read replica cannot be read; the primary serves: %s", str(error)[:300])
                return False
            except BadInput as error:
                self.replica_refusal = str(error)
                log.error("the read replica is not used: %s", error)
                return False
            if wanted is None or reached >= wanted:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(POLL_SECONDS)

    def _derived_on_primary_reach(self, wanted: int) -> None:
        """The replica's views and Merkle leaves are copies of the primary's: bring those up to
        `wanted` first (the follower and the checkpointer do it within seconds; a reader that names
        a position need not wait for them)."""
        from api.http.list_support import fresh_views
        from projections import position

        if position(self.primary) < wanted:
            fresh_views(self.primary)
        tree_store.ensure_tree(self.primary)

    def replica_position(self) -> int:
        """How far the replica has all of the log, the views and the Merkle leaves."""
        return min(self.replica_positions().values())

    def replica_positions(self) -> dict[str, int]:
        """The last notification id the replica holds in the log, the views and the Merkle leaves."""
        from projections import position

        assert self.replica is not None
        with self.replica.engine.connect() as connection:
            leaves = connection.execute(select(func.max(tree_store.leaves_table.c.notification_id))).scalar()
        return {"events": self.replica.max_notification_id(), "views": position(self.replica), "leaves": leaves or 0}

    def primary_position(self) -> int:
        return self.primary.max_notification_id()

    # -- reporting -----------------------------------------------------------

    def replica_report(self, *, detailed: bool) -> dict[str, Any] | None:
        """The replica's state for /readyz: `status` for anyone; the lag in events and, on
        PostgreSQL, the replayed WAL position for a signed reader."""
        if self.replica is None:
            return None
        if self.replica_refusal is not None:
            refused: dict[str, Any] = {"status": "not_this_ledger"}
            return {**refused, "detail": self.replica_refusal} if detailed else refused
        try:
            primary_events = self.primary.max_notification_id()
            positions = self.replica_positions()
            standby = _standby_state(self.replica)
        except UNREADABLE as error:
            log.warning("readiness: the read replica cannot be read: %s", str(error)[:300])
            report: dict[str, Any] = {"status": "unreachable"}
            return {**report, "detail": str(error)[:200]} if detailed else report
        behind = {f"{name}_behind": max(0, primary_events - reached) for name, reached in positions.items()}
        report = {"status": "caught_up" if behind["events_behind"] == 0 else "behind"}
        return {**report, **behind, **standby} if detailed else report


def _create_read_tables(primary: VoucherLedger) -> None:
    """The views', leaves' and checkpoints' tables, created on the primary so that the replica,
    which cannot create anything, has them too."""
    from projections.runner import projection_for

    projection_for(primary)
    tree_store.create_tables(primary.engine)
    checkpoints.create_tables(primary.engine)


def read_wait_ms() -> int:
    text_value = os.environ.get(READ_WAIT_SETTING, "").strip()
    if not text_value:
        return DEFAULT_READ_WAIT_MS
    if not text_value.isdigit() or int(text_value) > MAX_READ_WAIT_MS:
        raise BadInput(f"{READ_WAIT_SETTING} must be whole milliseconds from 0 to {MAX_READ_WAIT_MS}, "
                       f"not {text_value[:40]!r}")
    return int(text_value)


def requested_position(request: Request) -> int | None:
    """The `Vledger-Position` a reader sent back from a write reply, if any."""
    value = request.headers.get(POSITION_HEADER)
    if value is None:
        return None
    value = value.strip()
    if not value.isascii() or not value.isdigit() or len(value) > MAX_POSITION_DIGITS:
        raise BadInput(f"{POSITION_HEADER} must be the whole number a write reply gave, not {value[:40]!r}")
    return int(value)


def _standby_state(replica: VoucherLedger) -> dict[str, Any]:
    """On PostgreSQL: whether the replica is a standby in recovery, and its replayed WAL position."""
    if replica.engine.dialect.name != "postgresql":
        return {}
    with replica.engine.connect() as connection:
        row = connection.execute(text("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")).one()
    return {"standby": bool(row[0]), "replay_lsn": row[1]}


class ReadSideHeaders:
    """ASGI middleware: `Vledger-Position` on every accepted write (2xx POST) and `Vledger-Served-By`
    on every read the read side chose for, only when a replica is configured."""

    def __init__(self, app: Any, read_side: ReadSide) -> None:
        self.app = app
        self.read_side = read_side

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or self.read_side.replica is None:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if scope["method"] == "POST" and 200 <= message["status"] < 300:
                    position = await anyio.to_thread.run_sync(self.read_side.primary_position)
                    headers[POSITION_HEADER] = str(position)
                served_by = (scope.get("state") or {}).get("served_by")
                if served_by:
                    headers[SERVED_BY_HEADER] = served_by
            await send(message)

        await self.app(scope, receive, send_with_headers)
