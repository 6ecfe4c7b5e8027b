"""The read side on the command line: `rebuild`, `voucher show`, `balances`,
`audit`, `flags`, `report`, `replay`. Every read first brings the views up to
date from the log (`catch_up`); `replay` reads the log itself, not the views."""

from __future__ import annotations

import time
from typing import Any, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from api.cli import app
from api.cli.options import DatabaseOption, JsonOption, open_ledger, print_json
from ledger.envelope import iso, parse_date, parse_time, parse_uuid
from ledger.errors import BadInput
from projections import VIEW_NAMES, as_of_sequence, catch_up, rebuild as rebuild_views, replay as replay_log
from projections.log import events as log_events
from projections.queries import all_flags, audit_trail, balances as balance_sheet, require_institution, voucher_state
from projections.replay import replay_summary
from projections.report import fortnight_report

voucher_app = typer.Typer(help="Read one voucher's state from the views.", no_args_is_help=True)
app.add_typer(voucher_app, name="voucher")
stderr = Console(stderr=True)


def _progress(disable: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=stderr, transient=True, disable=disable)


def _ready(db: str | None):
    ledger = open_ledger(db)
    catch_up(ledger)
    return ledger


def _table(title: str, rows: list[dict[str, Any]], columns: list[str]) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if row.get(column) is None else str(row.get(column)) for column in columns))
    Console().print(table)


@app.command()
def rebuild(view: Optional[str] = typer.Option(None, "--view", help=f"One view: {', '.join(VIEW_NAMES)}."),
            db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """Drop and rebuild the views (or one view) from the event log."""
    if view is not None and view not in VIEW_NAMES:
        raise BadInput(f"unknown view {view!r}; views are: {', '.join(VIEW_NAMES)}")
    ledger = open_ledger(db)
    total = ledger.max_notification_id()
    started = time.perf_counter()
    with _progress(json_output) as progress:
        task = progress.add_task(f"rebuilding {view or 'all views'}", total=total)
        result = rebuild_views(ledger, view=view, progress=lambda n: progress.advance(task, n))
    seconds = time.perf_counter() - started
    summary = {"view": view or "all", "events": total, "position": result.position, "seconds": round(seconds, 3),
               "events_per_second": round(total / seconds) if seconds and total else None}
    if json_output:
        print_json(summary)
        return
    typer.echo(f"rebuilt {summary['view']} from {total} events in {seconds:.2f} s "
               f"({summary['events_per_second']} events/s); position {result.position}")


@voucher_app.command("show")
def voucher_show(voucher_id: str = typer.Argument(..., metavar="ID", help="Voucher id (UUID)."),
                 db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """A voucher's state: status, hours, certificate, money, postings and flags."""
    voucher_id = str(parse_uuid(voucher_id, what="voucher ID"))
    ledger = _ready(db)
    with ledger.engine.connect() as connection:
        state = voucher_state(connection, voucher_id)
    if json_output:
        print_json(state)
        return
    fields = {key: value for key, value in state.items() if key not in ("postings", "flags")}
    _table(f"voucher {voucher_id}", [{"field": key, "value": value} for key, value in fields.items()],
           ["field", "value"])
    _table("postings", state["postings"], ["sequence", "stage", "rule", "credit_account", "debit_account",
                                           "amount_fen"])
    if state["flags"]:
        _table("flags", state["flags"], ["kind", "rule", "events", "detail"])


@app.command()
def balances(institution: Optional[str] = typer.Option(None, "--institution", help="Institution id (UUID)."),
             as_of: Optional[int] = typer.Option(None, "--as-of", help="Sequence number to sum postings up to."),
             db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """Double-entry balances by account (funds, commitments, receivable, paid, allowance)."""
    if institution is not None:
        institution = str(parse_uuid(institution, what="--institution"))
    ledger = _ready(db)
    last = ledger.max_notification_id()
    if as_of is not None and not 1 <= as_of <= last:
        raise BadInput(f"--as-of {as_of} is beyond the log, which holds events 1 to {last}")
    with ledger.engine.connect() as connection:
        if institution is not None:
            require_institution(connection, institution)
        sheet = balance_sheet(connection, institution=institution, as_of=as_of)
    if json_output:
        print_json(sheet)
        return
    _table(f"balances as of {as_of or 'now'}", sheet["accounts"], ["account", "region", "balance_fen"])
    typer.echo(f"by kind: {sheet['by_kind']}; all accounts sum to {sheet['all_accounts_sum_fen']} fen")


@app.command()
def audit(voucher: Optional[str] = typer.Option(None, "--voucher", help="Voucher id (UUID)."),
          actor: Optional[str] = typer.Option(None, "--actor", help="Actor (party) id (UUID)."),
          institution: Optional[str] = typer.Option(None, "--institution", help="Institution id (UUID)."),
          since: Optional[str] = typer.Option(None, "--since", help="ISO 8601 time with zone, inclusive."),
          until: Optional[str] = typer.Option(None, "--until", help="ISO 8601 time with zone, inclusive."),
          limit: int = typer.Option(1000, "--limit", help="At most this many rows."),
          db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """The audit trail (H8): one row per event, filtered."""
    filters = {name: str(parse_uuid(value, what=f"--{name}")) if value is not None else None
               for name, value in (("voucher", voucher), ("actor", actor), ("institution", institution))}
    since_iso = iso(parse_time(since, what="--since")) if since is not None else None
    until_iso = iso(parse_time(until, what="--until")) if until is not None else None
    if since_iso and until_iso and since_iso > until_iso:
        raise BadInput("--since must not be after --until")
    ledger = _ready(db)
    with ledger.engine.connect() as connection:
        rows = audit_trail(connection, since=since_iso, until=until_iso, limit=limit, **filters)
    if json_output:
        print_json(rows)
        return
    _table("audit trail", [{**row, "actor": row["actor"][:8]} for row in rows],
           ["sequence", "recorded_at", "event_type", "actor", "role", "key_id", "command", "outcome"])


@app.command()
def flags(db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """Fraud flags, each naming its rule and the events that raised it."""
    ledger = _ready(db)
    with ledger.engine.connect() as connection:
        rows = all_flags(connection)
    if json_output:
        print_json(rows)
        return
    _table(f"{len(rows)} flags", rows, ["kind", "rule", "region", "voucher", "events", "detail"])


@app.command()
def report(fortnight: str = typer.Option(..., "--fortnight", help="Any day of the fortnight, YYYY-MM-DD."),
           db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """The fortnightly progress report (N5) by region."""
    day = parse_date(fortnight, what="--fortnight")
    ledger = _ready(db)
    with ledger.engine.connect() as connection:
        result = fortnight_report(connection, day)
    if json_output:
        print_json(result)
        return
    window = result["fortnight"]
    _table(f"fortnight {window['first_day']} to {window['last_day']}", result["regions"],
           ["region", "registrations", "trainees_in_training", "certified", "paid_fen", "allowance_fen",
            "clawed_back_fen"])


@app.command()
def replay(as_of: str = typer.Option(..., "--as-of", help="Sequence number, or ISO 8601 time with zone."),
           voucher: Optional[str] = typer.Option(None, "--voucher", help="Voucher id (UUID)."),
           institution: Optional[str] = typer.Option(None, "--institution", help="Institution id (UUID)."),
           db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """State as it was then, replayed from the log (not from today's views)."""
    voucher = str(parse_uuid(voucher, what="--voucher")) if voucher is not None else None
    institution = str(parse_uuid(institution, what="--institution")) if institution is not None else None
    ledger = open_ledger(db)
    sequence = as_of_sequence(ledger, as_of)
    with _progress(json_output) as progress:
        task = progress.add_task(f"replaying to {sequence}", total=sequence)
        store = replay_log(log_events(ledger, stop=sequence), until=sequence,
                           progress=lambda n: progress.advance(task, n))
    summary = replay_summary(store, sequence, voucher=voucher, institution=institution)
    if json_output:
        print_json(summary)
        return
    typer.echo(f"as of event {sequence} ({summary['as_of']['recorded_at']})")
    typer.echo(f"vouchers by status: {summary['vouchers_by_status']}")
    typer.echo(f"balances by kind (fen): {summary['balances_by_kind']}; flags: {summary['flags']}")
    if "voucher" in summary:
        _table(f"voucher {voucher}", [{"field": k, "value": v} for k, v in summary["voucher"].items()],
               ["field", "value"])
    if "institution" in summary:
        _table(f"institution {institution}", summary["institution"]["accounts"], ["account", "balance_fen"])
