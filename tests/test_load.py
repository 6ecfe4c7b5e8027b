"""A bounded load test against a real `vledger serve` on loopback: 16 clients
send a fixed number of requests (a realistic mix of training records, voucher
issues, idempotent retries, signed reads, races on one voucher and hostile
payloads) within a time bound. Afterwards every acknowledged write is in the
log exactly once, every retry got the first result, every hostile payload a
4xx, nothing a 5xx, the views equal a fresh replay and `vledger verify` passes.
It runs on SQLite and on PostgreSQL (the suite runs on both); the figures are
printed, never asserted."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx

from api.http.read_auth import signature_headers
from ledger.envelope import iso, utc_now
from projections import compare_views
from tests.log_checks import assert_exactly_acknowledged_added, assert_ledger_verifies, log_hashes
from tests.serve_support import REQUEST_TIMEOUT_SECONDS, VLEDGER, Server, real_time_world, send
from tests.world import World

CLIENTS = 16
REQUESTS_PER_CLIENT = 40
TIME_BOUND_SECONDS = 600  # a bound against a hang, far above the few seconds it takes; never a performance check
HOSTILE_BODIES = [b"", b"{", b"[]", b'{"envelope": {}, "signature": "x"}', b"\xff\xfe\x00", b"[" * 5000,
                  b'{"envelope": {"body": {"a": 1e999}}, "signature": 1}', b"x" * (70 * 1024)]


class Plan:
    """Each client's requests, signed beforehand; kinds in a fixed rotation."""

    def __init__(self, world: World) -> None:
        self.world = world
        filing = world.approved_filing()
        self.shared, _ = world.enrolled_voucher(filing=filing)
        self.requests: list[list[tuple[str, Any]]] = []
        for client in range(CLIENTS):
            voucher, _ = world.enrolled_voucher(filing=filing)
            trainees = [world.trainee() for _ in range(REQUESTS_PER_CLIENT // 10)]
            mine: list[tuple[str, Any]] = []
            for index in range(REQUESTS_PER_CLIENT):
                mine.append(self.request(index % 10, client, index, voucher, trainees[index // 10], mine))
            self.requests.append(mine)

    def offline(self, voucher: Any, minutes: int) -> tuple[dict, None]:
        return (self.world.signed(self.world.institution, "record_offline_training", voucher, {
            "started_at": iso(self.world.clock.now), "minutes": minutes, "location": "workshop"}), None)

    def request(self, kind: int, client: int, index: int, voucher: Any, trainee: Any,
                earlier: list[tuple[str, Any]]) -> tuple[str, Any]:
        world = self.world
        if kind in (0, 1, 2, 3):
            return "write", self.offline(voucher, 20 + index)
        if kind == 4:
            return "write", (world.signed(world.platform, "record_online_learning", voucher, {
                "signed_in_at": iso(world.clock.now), "minutes": 10, "questions_answered": 1, "tests_taken": 1,
                "tests_passed": 1, "face_checks_passed": 1, "face_checks_failed": 0}), None)
        if kind == 5:
            return "write", (world.signed(world.bureau, "issue_voucher", uuid.uuid4(), {
                "trainee": trainee.actor, "occupation": "6-18-02-04", "level": 3, "standard_fen": 90000,
                "shortage": False, "valid_until": (world.clock.now + timedelta(days=90)).date().isoformat()}), None)
        if kind == 6:
            return "retry", earlier[index - 6][1]
        if kind == 7:
            return "read", f"/v1/vouchers/{voucher}"
        if kind == 8:
            return "hostile", HOSTILE_BODIES[(client + index) % len(HOSTILE_BODIES)]
        return "race", self.offline(self.shared, 15)


def run_client(server: Server, world: World, requests: list[tuple[str, Any]], deadline: float
               ) -> list[dict[str, Any]]:
    outcomes = []
    with httpx.Client(base_url=server.base, timeout=REQUEST_TIMEOUT_SECONDS) as http:
        for kind, what in requests:
            if time.monotonic() > deadline:
                outcomes.append({"kind": kind, "status": "not sent: time bound reached"})
                continue
            if kind in ("write", "retry", "race"):
                outcome = send(http, what)
            elif kind == "read":
                response = http.get(what, headers=signature_headers(
                    world.institution, "GET", server.base + what, utc_now()))
                outcome = {"status": "read" if response.status_code == 200 else "refused",
                           "http_status": response.status_code}
            else:
                response = http.post("/v1/filings", content=what, headers={"content-type": "application/json"})
                outcome = {"status": "refused" if 400 <= response.status_code < 500 else "crashed",
                           "http_status": response.status_code}
            outcomes.append({**outcome, "kind": kind})
    return outcomes


def test_bounded_load_every_acknowledged_write_recorded_exactly_once(world: World) -> None:
    world = real_time_world(world)
    plan = Plan(world)
    before = log_hashes(world.ledger)
    server = Server(world).start()
    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        by_client = list(pool.map(lambda requests: run_client(server, world, requests, started + TIME_BOUND_SECONDS),
                                  plan.requests))
    seconds = time.monotonic() - started
    outcomes = [outcome for client in by_client for outcome in client]
    kinds = Counter((outcome["kind"], outcome["status"], outcome.get("http_status")) for outcome in outcomes)
    database = world.ledger.database_url.split(":", 1)[0]
    print(f"\nload test on {database}: {len(outcomes)} requests from {CLIENTS} clients in {seconds:.1f} s "
          f"({len(outcomes) / seconds:.0f} requests/s); outcomes: {dict(sorted(kinds.items()))}")

    assert len(outcomes) == CLIENTS * REQUESTS_PER_CLIENT
    assert all(outcome["status"] not in ("crashed", "unanswered") for outcome in outcomes), kinds
    assert not [o for o in outcomes if o["status"].startswith("not sent")], "the load did not finish in its bound"
    assert all(o["status"] == "recorded" and not o["duplicate"] for o in outcomes if o["kind"] == "write"), kinds
    assert all(o["status"] == "recorded" and o["duplicate"] for o in outcomes if o["kind"] == "retry")
    assert all(o["status"] == "read" for o in outcomes if o["kind"] == "read")
    assert all(o["status"] == "refused" for o in outcomes if o["kind"] == "hostile")
    races = [o for o in outcomes if o["kind"] == "race"]
    assert all(o["status"] == "recorded" or o["http_status"] == 409 for o in races)
    first_results = {o["command_id"]: o["result"] for o in outcomes if o["kind"] == "write"}
    assert all(o["result"] == first_results[o["command_id"]] for o in outcomes if o["kind"] == "retry")
    race_wins = [o for o in races if o["status"] == "recorded"]
    assert world.ledger.get(plan.shared).offline_minutes == 15 * len(race_wins)

    assert_exactly_acknowledged_added(world.ledger, before, outcomes)
    assert assert_ledger_verifies(world.ledger) == len(log_hashes(world.ledger))
    server.wait_until_ready()
    assert compare_views(world.ledger) == []
    errors = server.stop()
    assert "Traceback" not in errors, errors
    verified = subprocess.run([VLEDGER, "verify", "--json"], env=server.env, capture_output=True, text=True,
                              timeout=300)
    assert verified.returncode == 0 and json.loads(verified.stdout)["intact"] is True, verified.stderr
