"""`vledger bench [--events N] [--db URL] [--out report.json]`: the benchmark
(api/bench). Without --db it runs on a fresh SQLite file in a temporary
folder, removed afterwards; with --db the database must hold no ledger yet
(the bench writes up to N events into it)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Callable

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api.cli import app
from ledger.application import VoucherLedger
from ledger.config import keys_dir
from ledger.errors import BadInput

MIN_EVENTS, MAX_EVENTS = 100, 10**7
console = Console(stderr=True)


@app.command()
def bench(events: int = typer.Option(100_000, "--events", help="Largest log size measured (reads at 10^5, 10^6 "
                                                                  "up to it, and at it)."),
          db: str = typer.Option(None, "--db", help="An empty database (SQLAlchemy URL); default: a temporary "
                                                    "SQLite file."),
          out: Path = typer.Option(None, "--out", help="Write the JSON report here.")) -> None:
    """Measure appends, verification, projection rebuild, reads and memory against a plain eventsourcing baseline."""
    from api.bench.report import table, targets
    from api.bench.run import run_bench

    if not MIN_EVENTS <= events <= MAX_EVENTS:
        raise BadInput(f"--events must be from {MIN_EVENTS} to {MAX_EVENTS:,}")
    if out is not None and out.is_dir():
        raise BadInput(f"--out {out} is a folder; give a file name such as report.json")
    with tempfile.TemporaryDirectory(prefix="vledger-bench-") as folder:
        url = db or f"sqlite:///{Path(folder) / 'bench.db'}"
        if db is not None and (VoucherLedger(db).max_notification_id() or keys_dir(db).exists()):
            raise BadInput(f"--db {db} already holds a ledger or its keys; the bench needs an empty database")
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as progress:
            report = run_bench(url, events, _phases(progress))
    report["targets"] = targets(report)
    if out is not None:
        try:
            out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            raise BadInput(f"--out {out} cannot be written: {error.strerror}") from None
    Console(width=max(Console().width, 120)).print(table(report))


def _phases(progress: Progress) -> Callable[[str, int | None], Callable[[int], None]]:
    current: list[int] = []

    def phase(description: str, total: int | None) -> Callable[[int], None]:
        for task in current:
            progress.remove_task(task)
        task = progress.add_task(description, total=total)
        current[:] = [task]
        return lambda n: progress.advance(task, n)

    return phase
