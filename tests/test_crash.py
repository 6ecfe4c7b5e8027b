"""A writer process killed with SIGKILL in the middle of a burst of writes
through the application: every write it acknowledged is in the log, no command
is half-written, and sending every command again after the restart records
each one exactly once (the unanswered ones now, the answered ones as repeats
with the first result). The same for `vledger serve` is in test_crash_serve.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from ledger.envelope import iso
from tests.concurrency_workers import Job
from tests.log_checks import (assert_every_command_whole_or_absent, assert_exactly_acknowledged_added,
                              assert_ledger_verifies, assert_log_reads_in_one_order, log_hashes)
from tests.world import World

ROOT = Path(__file__).resolve().parent.parent
VOUCHERS = 4
SESSIONS_PER_VOUCHER = 9
NEW_VOUCHERS = 12
KILL_AFTER_ANSWERS = 15


def burst(world: World) -> list[Job]:
    """Commands on several aggregates: training sessions on enrolled vouchers
    and vouchers issued to registered trainees (S2 index events included)."""
    filing = world.approved_filing()
    enrolled = [world.enrolled_voucher(filing=filing)[0] for _ in range(VOUCHERS)]
    trainees = [world.trainee() for _ in range(NEW_VOUCHERS)]
    world.clock.advance(days=3)
    jobs: list[Job] = []
    for session in range(SESSIONS_PER_VOUCHER):
        for voucher in enrolled:
            jobs.append((world.signed(world.institution, "record_offline_training", voucher, {
                "started_at": iso(world.clock.now), "minutes": 30 + session, "location": "workshop"}), None))
    for trainee in trainees:
        jobs.append((world.signed(world.bureau, "issue_voucher", uuid.uuid4(), {
            "trainee": trainee.actor, "occupation": "6-18-02-04", "level": 3, "standard_fen": 120000,
            "shortage": False, "valid_until": (world.clock.now + timedelta(days=90)).date().isoformat()}), None))
    return jobs


class Writer:
    """`python -m tests.concurrency_workers`: one submit per line in, one outcome per line out."""

    def __init__(self, world: World) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.concurrency_workers", world.ledger.database_url,
             str(world.ledger.keys_dir), world.clock.now.isoformat()],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert json.loads(self.process.stdout.readline()) == {"status": "ready"}

    def feed(self, jobs: list[Job]) -> None:
        def write() -> None:
            try:
                for job in jobs:
                    self.process.stdin.write(json.dumps(job) + "\n")
                    self.process.stdin.flush()
                self.process.stdin.close()
            except (BrokenPipeError, ValueError, OSError):
                pass  # killed on purpose
        threading.Thread(target=write, daemon=True).start()

    def answers(self, count: int | None = None, kill: bool = False) -> list[dict[str, Any]]:
        """Reads `count` answers (all when None); with `kill`, SIGKILLs the
        writer then and keeps every complete answer it had already written."""
        answers = []
        while count is None or len(answers) < count:
            line = self.process.stdout.readline()
            if not line:
                break
            answers.append(json.loads(line))
        if kill:
            self.process.send_signal(signal.SIGKILL)
            rest = self.process.stdout.read()
            answers += [json.loads(line) for line in rest.split("\n") if line.endswith("}")]
        self.process.wait(timeout=60)
        return answers


def test_j1_writer_killed_mid_burst_keeps_every_acknowledged_write_and_retries_record_once(world: World) -> None:
    jobs = burst(world)
    before = log_hashes(world.ledger)
    writer = Writer(world)
    writer.feed(jobs)
    answered = writer.answers(KILL_AFTER_ANSWERS, kill=True)
    assert writer.process.returncode == -signal.SIGKILL
    assert KILL_AFTER_ANSWERS <= len(answered) < len(jobs), "the kill must land in the middle of the burst"
    assert all(answer["status"] == "recorded" for answer in answered), answered

    # After the crash: what was acknowledged is there, nothing is half-written.
    in_log = set(log_hashes(world.ledger))
    assert all(event_hash in in_log for answer in answered for event_hash in answer["result"]["event_hashes"])
    commands = assert_every_command_whole_or_absent(world.ledger)
    sent = {signed["envelope"]["command_id"] for signed, _ in jobs}
    recorded_before_retry = sent & set(commands)
    assert {answer["command_id"] for answer in answered} <= recorded_before_retry

    # The restarted writer gets every command again: each recorded exactly once.
    retry = Writer(world)
    retry.feed(jobs)
    final = retry.answers()
    assert retry.process.returncode == 0 and len(final) == len(jobs)
    assert all(answer["status"] == "recorded" for answer in final), final
    first_results = {answer["command_id"]: answer["result"] for answer in answered}
    for answer in final:
        assert answer["duplicate"] == (answer["command_id"] in recorded_before_retry)
        if answer["command_id"] in first_results:
            assert answer["result"] == first_results[answer["command_id"]]
    assert_exactly_acknowledged_added(world.ledger, before, [{**answer, "duplicate": False} for answer in final])
    assert_every_command_whole_or_absent(world.ledger)
    assert_log_reads_in_one_order(world.ledger)
    assert assert_ledger_verifies(world.ledger) == len(log_hashes(world.ledger))
