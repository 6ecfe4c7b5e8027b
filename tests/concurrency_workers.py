"""Writers for the concurrency and crash tests: plain functions that a thread or
a separate (spawned) process runs. They take commands the test signed
beforehand, submit them through the application, and report every outcome as
plain data, so the test can compare what was acknowledged with what the log
holds. Nothing here asserts; the tests do."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from ledger.application import VoucherLedger
from ledger.errors import LedgerError

Job = tuple[dict[str, Any], dict[str, Any] | None]  # (signed command, personal data or None)


class FixedClock:
    """The ledger's clock in a worker: the test world's moment, frozen."""

    def __init__(self, moment_iso: str) -> None:
        self.moment = datetime.fromisoformat(moment_iso)

    def __call__(self) -> datetime:
        return self.moment


def attempt(ledger: VoucherLedger, job: Job) -> dict[str, Any]:
    """One submit; a refusal is an answer, any other exception is a crash."""
    signed, personal = job
    try:
        outcome = ledger.submit(signed, personal=personal)
    except LedgerError as error:
        return {"status": "refused", "error": type(error).__name__, "rule": error.rule, "message": error.message,
                "command_id": signed["envelope"]["command_id"]}
    except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
        return {"status": "crashed", "error": type(error).__name__, "message": repr(error)[:500],
                "command_id": signed["envelope"]["command_id"]}
    return {"status": "recorded", "duplicate": outcome.duplicate, "result": outcome.result,
            "command_id": signed["envelope"]["command_id"]}


def run_phases(ledger: VoucherLedger, phases: list[list[Job]], barrier: Any) -> list[list[dict[str, Any]]]:
    """Runs each phase's jobs after every writer reached the barrier, so that
    all writers hit the same records at the same moment."""
    outcomes = []
    for jobs in phases:
        barrier.wait(timeout=120)
        outcomes.append([attempt(ledger, job) for job in jobs])
    return outcomes


def process_writer(database_url: str, keys_dir: str, moment_iso: str, phases: list[list[Job]], barrier: Any,
                   results: Any, index: int) -> None:
    """The body of one writer process: its own VoucherLedger (own engine and
    connections), the shared barrier, outcomes sent back on a queue."""
    ledger = VoucherLedger(database_url, keys=Path(keys_dir), clock=FixedClock(moment_iso))
    try:
        results.put((index, run_phases(ledger, phases, barrier)))
    except BaseException as error:  # noqa: BLE001 - the parent reports it
        results.put((index, repr(error)))
        raise
    finally:
        ledger.close()


def stream_writer() -> None:
    """`python -m tests.concurrency_workers DATABASE_URL KEYS_DIR MOMENT`: reads
    one job per line (JSON `[signed, personal]`) from stdin, submits it, and
    prints one outcome per line, flushed, only after the submit returned. The
    crash test kills this process with SIGKILL in the middle of a burst."""
    database_url, keys_dir, moment_iso = sys.argv[1:4]
    ledger = VoucherLedger(database_url, keys=Path(keys_dir), clock=FixedClock(moment_iso))
    print(json.dumps({"status": "ready"}), flush=True)
    for line in sys.stdin:
        signed, personal = json.loads(line)
        print(json.dumps(attempt(ledger, (signed, personal))), flush=True)
    ledger.close()


if __name__ == "__main__":
    stream_writer()
