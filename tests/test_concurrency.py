"""Sixteen writers at once through the application, as threads sharing one
VoucherLedger (how a server runs) and as separate processes with their own
(how several servers run), on SQLite and on PostgreSQL: no event lost or
duplicated, optimistic concurrency per voucher, S2 under races, idempotent
retries under races, and a log a follower reads without skipping anything."""

from __future__ import annotations

import multiprocessing
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest

from ledger.aggregates.indexes import SubsidyClaim
from ledger.envelope import iso
from ledger.personal import commitment
from ledger.signing import SigningKey
from tests.concurrency_workers import Job, process_writer, run_phases
from tests.log_checks import (assert_exactly_acknowledged_added, assert_ledger_verifies,
                              assert_log_reads_in_one_order, assert_merkle_consistent, log_hashes)
from tests.world import World

WRITERS = 16
REGISTRATIONS_PER_WRITER = 2
PHASES = ("independent", "one_voucher", "assess_race", "s2_race", "same_envelope")


class Plan:
    """What each writer will send, signed beforehand by the test's parties."""

    def __init__(self, world: World) -> None:
        self.world = world
        filing = world.approved_filing()
        self.busy_voucher, _ = world.enrolled_voucher(filing=filing)
        self.trained_voucher = world.trained_voucher()  # advances the clock past the class start
        self.retried_voucher, _ = world.enrolled_voucher(filing=filing)
        self.s2_trainee = world.trainee()
        self.phases: list[list[list[Job]]] = [[[] for _ in PHASES] for _ in range(WRITERS)]
        retried = self.signed(world.institution, "record_offline_training", self.retried_voucher,
                              self.offline_body(45))
        for writer in range(WRITERS):
            mine = self.phases[writer]
            mine[0] = [self.registration() for _ in range(REGISTRATIONS_PER_WRITER)]
            mine[1] = [(self.signed(world.institution, "record_offline_training", self.busy_voucher,
                                    self.offline_body(10 + writer)), None)]
            mine[2] = [(self.signed(world.assessor, "assess", self.trained_voucher, {
                "passed": True, "certificate_number": f"RACE-{writer}", "certificate_kind": "skill_level"}), None)]
            mine[3] = [(self.signed(world.bureau, "issue_voucher", uuid.uuid4(), {
                "trainee": self.s2_trainee.actor, "occupation": "6-31-01-03", "level": 4,
                "standard_fen": 150000, "shortage": False,
                "valid_until": (world.clock.now + timedelta(days=90)).date().isoformat()}), None)]
            mine[4] = [(retried, None)]

    def signed(self, key: SigningKey, command: str, target: Any, body: dict[str, Any]) -> dict[str, Any]:
        return self.world.signed(key, command, target, body)

    def offline_body(self, minutes: int) -> dict[str, Any]:
        return {"started_at": iso(self.world.clock.now), "minutes": minutes, "location": "workshop"}

    def registration(self) -> Job:
        person = self.world.person()
        key = SigningKey.generate(actor=str(uuid.uuid4()), role="trainee")
        return (self.signed(self.world.bureau, "register_party", key.actor, {
            "role": "trainee", "public_key": key.public_key_b64, "personal_sha256": commitment(person)}), person)


class Follower(threading.Thread):
    """Reads the log while the writers write, the way a projection or the
    checkpointer follows it: from the last id it saw, in batches."""

    def __init__(self, ledger) -> None:
        super().__init__(daemon=True)
        self.ledger, self.seen, self.stop = ledger, [], threading.Event()

    def read_more(self) -> None:
        start = self.seen[-1] + 1 if self.seen else 1
        self.seen.extend(n.id for n in self.ledger.notifications(start=start, batch_size=50))

    def run(self) -> None:
        while not self.stop.wait(0.005):
            self.read_more()

    def finish(self) -> list[int]:
        self.stop.set()
        self.join(timeout=60)
        self.read_more()
        return self.seen


def run_in_threads(world: World, plan: Plan) -> list[list[list[dict]]]:
    barrier = threading.Barrier(WRITERS)
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        futures = [pool.submit(run_phases, world.ledger, plan.phases[writer], barrier) for writer in range(WRITERS)]
        return [future.result(timeout=300) for future in futures]


def run_in_processes(world: World, plan: Plan) -> list[list[list[dict]]]:
    context = multiprocessing.get_context("forkserver")  # fresh processes, no inherited connections
    context.set_forkserver_preload(["tests.concurrency_workers"])
    barrier, results = context.Barrier(WRITERS), context.Queue()
    processes = [context.Process(target=process_writer, args=(
        world.ledger.database_url, str(world.ledger.keys_dir), world.clock.now.isoformat(), plan.phases[writer],
        barrier, results, writer)) for writer in range(WRITERS)]
    for process in processes:
        process.start()
    outcomes: dict[int, Any] = dict(results.get(timeout=300) for _ in processes)
    for process in processes:
        process.join(timeout=60)
    failed = {index: value for index, value in outcomes.items() if isinstance(value, str)}
    assert not failed, f"writer processes failed: {failed}"
    assert all(process.exitcode == 0 for process in processes)
    return [outcomes[writer] for writer in range(WRITERS)]


def phase(outcomes: list[list[list[dict]]], name: str) -> list[dict]:
    return [outcome for writer in outcomes for outcome in writer[PHASES.index(name)]]


def voucher_events(world: World, voucher: uuid.UUID, event_name: str) -> list:
    return [event for event in world.ledger.stored_events(voucher) if type(event).__name__ == event_name]


@pytest.mark.parametrize("writers_are", ["threads", "processes"])
def test_s2_sixteen_concurrent_writers_lose_nothing_and_duplicate_nothing(world: World, writers_are: str) -> None:
    plan = Plan(world)
    before = log_hashes(world.ledger)
    follower = Follower(world.ledger)
    follower.start()
    run = run_in_threads if writers_are == "threads" else run_in_processes
    outcomes = run(world, plan)
    followed = follower.finish()
    everything = [outcome for writer in outcomes for jobs in writer for outcome in jobs]
    assert [o for o in everything if o["status"] == "crashed"] == [], "a writer got an exception that is not a refusal"

    # Independent writes: every one recorded once.
    independent = phase(outcomes, "independent")
    assert len(independent) == WRITERS * REGISTRATIONS_PER_WRITER
    assert all(o["status"] == "recorded" and not o["duplicate"] for o in independent), \
        Counter(o.get("error") for o in independent)

    # One voucher, sixteen writers: the winners' events and only those (optimistic concurrency).
    busy = phase(outcomes, "one_voucher")
    winners = [o for o in busy if o["status"] == "recorded"]
    assert winners and all(o["error"] == "Conflict" for o in busy if o["status"] == "refused")
    recorded = voucher_events(world, plan.busy_voucher, "OfflineTrainingRecorded")
    assert len(recorded) == len(winners)
    assert world.ledger.get(plan.busy_voucher).offline_minutes == sum(
        10 + writer for writer, o in enumerate(busy) if o["status"] == "recorded")

    # Sixteen assessments of one voucher with sixteen certificates: exactly one.
    assessed = phase(outcomes, "assess_race")
    assert [o["status"] for o in assessed].count("recorded") == 1
    assert {o["error"] for o in assessed if o["status"] == "refused"} <= {"Conflict", "RuleViolation"}
    assert len(voucher_events(world, plan.trained_voucher, "Assessed")) == 1

    # S2: sixteen vouchers for one trainee x occupation x level: exactly one is issued.
    issued = phase(outcomes, "s2_race")
    winner = [o for o in issued if o["status"] == "recorded"]
    assert len(winner) == 1
    assert all(o["error"] == "Conflict" or (o["error"] == "RuleViolation" and o["rule"] == "S2")
               for o in issued if o["status"] == "refused")
    claim = world.ledger.get(SubsidyClaim.id_for(plan.s2_trainee.actor, "6-31-01-03", "4"))
    assert claim.voucher == winner[0]["result"]["target"]

    # The same envelope sixteen times at once: recorded once, fifteen repeats with the same result.
    same = phase(outcomes, "same_envelope")
    assert all(o["status"] == "recorded" for o in same)
    assert [o["duplicate"] for o in same].count(False) == 1
    assert all(o["result"] == same[0]["result"] for o in same)
    assert len(voucher_events(world, plan.retried_voucher, "OfflineTrainingRecorded")) == 1

    # The whole log: exactly the acknowledged events were added, in one order a follower did not skip.
    after = assert_exactly_acknowledged_added(world.ledger, before, everything)
    ids = assert_log_reads_in_one_order(world.ledger)
    assert followed == ids, "a follower reading during the burst skipped or reordered events"
    assert_merkle_consistent(before, after)
    assert assert_ledger_verifies(world.ledger) == len(after)
