"""`vledger serve` killed with SIGKILL in the middle of a burst of writes from
several clients, then restarted: every write that got a success response is in
the log, none is half-written, sending every command again records each
exactly once (the unanswered now, the answered as repeats with the first
result), the projections the server follows catch up to exactly a fresh
replay, and `vledger verify` passes."""

from __future__ import annotations

import json
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from projections import compare_views
from tests.concurrency_workers import Job
from tests.log_checks import (assert_every_command_whole_or_absent, assert_exactly_acknowledged_added,
                              assert_log_reads_in_one_order, log_hashes)
from tests.serve_support import REQUEST_TIMEOUT_SECONDS, VLEDGER, Server, real_time_world, send, training_burst
from tests.world import World

CLIENTS = 4
KILL_AFTER_ACKNOWLEDGED = 20


def burst_until_killed(server: Server, jobs: list[Job]) -> list[dict[str, Any]]:
    """CLIENTS clients send their share; once KILL_AFTER_ACKNOWLEDGED writes are
    acknowledged the server is killed; a client stops at its first unanswered request."""
    lock, acknowledged, killed = threading.Lock(), [0], threading.Event()

    def client(share: list[Job]) -> list[dict[str, Any]]:
        outcomes = []
        with httpx.Client(base_url=server.base, timeout=REQUEST_TIMEOUT_SECONDS) as http:
            for position, job in enumerate(share):
                outcome = send(http, job)
                outcomes.append(outcome)
                if outcome["status"] == "unanswered":
                    outcomes += [{"command_id": signed["envelope"]["command_id"], "status": "unsent"}
                                 for signed, _ in share[position + 1:]]
                    break
                with lock:
                    acknowledged[0] += outcome["status"] == "recorded"
                    if acknowledged[0] >= KILL_AFTER_ACKNOWLEDGED and not killed.is_set():
                        killed.set()
                        server.kill()
        return outcomes

    shares = [jobs[index::CLIENTS] for index in range(CLIENTS)]  # one voucher's sessions per client
    with ThreadPoolExecutor(CLIENTS) as pool:
        return [outcome for outcomes in pool.map(client, shares) for outcome in outcomes]


def resend_all(server: Server, jobs: list[Job]) -> list[dict[str, Any]]:
    def client(share: list[Job]) -> list[dict[str, Any]]:
        with httpx.Client(base_url=server.base, timeout=REQUEST_TIMEOUT_SECONDS) as http:
            return [send(http, job) for job in share]

    with ThreadPoolExecutor(CLIENTS) as pool:
        by_client = list(pool.map(client, [jobs[index::CLIENTS] for index in range(CLIENTS)]))
    return [outcome for outcomes in by_client for outcome in outcomes]


def test_j1_serve_killed_mid_burst_keeps_acknowledged_writes_and_retries_record_once(world: World) -> None:
    world = real_time_world(world)
    jobs = training_burst(world, vouchers=CLIENTS, sessions=10, new_vouchers=12)
    before = log_hashes(world.ledger)
    server = Server(world).start()
    first = burst_until_killed(server, jobs)
    statuses = [outcome["status"] for outcome in first]
    assert "crashed" not in statuses and "refused" not in statuses, first
    answered = [outcome for outcome in first if outcome["status"] == "recorded"]
    assert KILL_AFTER_ACKNOWLEDGED <= len(answered) < len(jobs), "the kill must land in the middle of the burst"

    # After the kill: every acknowledged write is there, no command is half-written.
    in_log = set(log_hashes(world.ledger))
    assert all(event_hash in in_log for outcome in answered for event_hash in outcome["result"]["event_hashes"])
    commands = assert_every_command_whole_or_absent(world.ledger)
    recorded_before_retry = {signed["envelope"]["command_id"] for signed, _ in jobs} & set(commands)
    print(f"\nkill test: {len(jobs)} commands, {len(answered)} acknowledged before SIGKILL, "
          f"{statuses.count('unanswered')} unanswered, {statuses.count('unsent')} unsent; "
          f"{len(recorded_before_retry)} commands found in the log")

    # Restarted: the projections catch up; every command sent again records exactly once.
    server.start()
    final = resend_all(server, jobs)
    assert all(outcome["status"] == "recorded" for outcome in final), final
    first_results = {outcome["command_id"]: outcome["result"] for outcome in answered}
    for outcome in final:
        assert outcome["duplicate"] == (outcome["command_id"] in recorded_before_retry)
        if outcome["command_id"] in first_results:
            assert outcome["result"] == first_results[outcome["command_id"]]
    assert_exactly_acknowledged_added(world.ledger, before, [{**outcome, "duplicate": False} for outcome in final])
    assert_every_command_whole_or_absent(world.ledger)
    assert_log_reads_in_one_order(world.ledger)
    server.wait_until_ready()
    assert compare_views(world.ledger) == []
    errors = server.stop()
    assert "Traceback" not in errors, errors
    verified = subprocess.run([VLEDGER, "verify", "--json"], env=server.env, capture_output=True, text=True,
                              timeout=120)
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["intact"] is True
