"""`vledger demo`: populate a realistic ledger."""

from __future__ import annotations

import time

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from api.cli import app
from api.cli.options import DatabaseOption, JsonOption, open_ledger, print_json
from api.demo import Demo
from ledger.errors import BadInput, Conflict

MAX_DEMO_VOUCHERS = 200_000


@app.command()
def demo(vouchers: int = typer.Option(200, "--vouchers", help="How many vouchers to run through the loop."),
         if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing when the ledger already has data."),
         db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """Populate a realistic ledger: bureaus, institutions, platforms, vouchers along every path, refused fraud."""
    if not 1 <= vouchers <= MAX_DEMO_VOUCHERS:
        raise BadInput(f"--vouchers must be between 1 and {MAX_DEMO_VOUCHERS}")
    ledger = open_ledger(db)
    if ledger.max_notification_id() > 2:
        if if_empty:
            typer.echo("the ledger already holds data; demo skipped")
            return
        raise Conflict("the demo runs on a freshly initialised ledger (its clock replays 2020-2023); "
                       "use a new --db")
    events_before = ledger.max_notification_id()
    started = time.perf_counter()
    with Progress(console=Console(stderr=True), transient=True, disable=json_output) as progress:
        task = progress.add_task("vouchers", total=vouchers)
        report = Demo(ledger).run(vouchers, progress=lambda n: progress.advance(task, n))
    seconds = time.perf_counter() - started
    events = ledger.max_notification_id() - events_before
    summary = {**report.to_json(), "events_recorded": events, "seconds": round(seconds, 2),
               "events_per_second": round(events / seconds), "keys_folder": str(ledger.keys_dir / "demo")}
    if json_output:
        print_json(summary)
        return
    console = Console()
    table = Table(title="vouchers by final status")
    table.add_column("status")
    table.add_column("vouchers", justify="right")
    for status, count in sorted(report.vouchers_by_status.items()):
        table.add_row(status, str(count))
    console.print(table)
    refused = Table(title="fraud attempts refused (log unchanged)")
    refused.add_column("rule")
    refused.add_column("refused", justify="right")
    for rule, count in sorted(report.refused_by_rule.items()):
        refused.add_row(rule, str(count))
    console.print(refused)
    console.print(f"parties: {dict(report.parties)}; replays recorded once: {report.replays_recorded_once}")
    console.print(f"{report.commands} commands, {events} events in {seconds:.1f} s "
                  f"({events / seconds:.0f} events/s); demo keys in {ledger.keys_dir / 'demo'}")
