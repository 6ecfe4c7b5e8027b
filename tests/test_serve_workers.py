"""`vledger serve --workers N` (issue 15 item 2; docs/decisions/0063): on
PostgreSQL two server processes take the bounded load of tests/test_load.py
and every acknowledged write is in the log exactly once, the one follower in
the supervising process brings the views level with a fresh replay and the
ledger verifies; on SQLite the option is refused with its reason."""

from __future__ import annotations

import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from projections import compare_views
from tests.log_checks import assert_exactly_acknowledged_added, assert_ledger_verifies, log_hashes
from tests.serve_support import VLEDGER, Server, real_time_world
from tests.test_load import CLIENTS, TIME_BOUND_SECONDS, Plan, run_client
from tests.world import World

WORKERS = 2


def worker_processes(pid: int) -> list[int]:
    """The supervisor's children that serve: spawned Python processes, not multiprocessing's resource tracker."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    commands = {child: Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0") for child in children}
    return [int(child) for child, command in commands.items()
            if b"multiprocessing.spawn" in b" ".join(command) or any(b"spawn_main" in part for part in command)
            if not any(b"resource_tracker" in part for part in command)]


def test_workers_on_postgresql_record_every_acknowledged_write_once_and_on_sqlite_are_refused(world: World) -> None:
    world = real_time_world(world)
    if world.ledger.engine.dialect.name != "postgresql":
        server = Server(world)
        refused = subprocess.run([VLEDGER, "serve", "--workers", "2", "--port", "1"], env=server.env,
                                 capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert refused.returncode == 2 and "--workers needs PostgreSQL" in refused.stderr, refused.stderr
        return
    plan = Plan(world)
    before = log_hashes(world.ledger)
    server = Server(world, ("--workers", str(WORKERS))).start()
    try:
        assert server.process is not None
        assert len(worker_processes(server.process.pid)) == WORKERS
        started = time.monotonic()
        with ThreadPoolExecutor(CLIENTS) as pool:
            by_client = list(pool.map(
                lambda requests: run_client(server, world, requests, started + TIME_BOUND_SECONDS), plan.requests))
        outcomes = [outcome for client in by_client for outcome in client]
        assert all(outcome["status"] not in ("crashed", "unanswered") for outcome in outcomes)
        assert all(o["status"] == "recorded" and not o["duplicate"] for o in outcomes if o["kind"] == "write")
        assert all(o["status"] == "recorded" and o["duplicate"] for o in outcomes if o["kind"] == "retry")
        assert_exactly_acknowledged_added(world.ledger, before, outcomes)
        assert assert_ledger_verifies(world.ledger) == len(log_hashes(world.ledger))
        server.wait_until_ready()
        assert compare_views(world.ledger) == []
    finally:
        errors = server.stop()
    assert "Traceback" not in errors, errors
