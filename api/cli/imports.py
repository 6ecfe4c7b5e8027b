"""`vledger import roster|sessions|results FILE --key K --server URL [--json]` and
`vledger import KIND --template FILE.xlsx|.csv` (api/imports/)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from api.cli import app
from api.cli.options import JsonOption
from api.client import LedgerClient
from api.imports.kinds import KINDS
from api.imports.plan import write_template
from api.imports.runner import Importer, read_import, write_outcomes
from ledger.errors import BadInput

FINE = ("recorded", "already recorded")


@app.command("import")
def import_file(kind: str = typer.Argument(..., metavar="KIND", help=f"One of: {', '.join(KINDS)}."),
                file: Optional[Path] = typer.Argument(None, metavar="FILE", help="The .csv or .xlsx file to import."),
                key: Optional[Path] = typer.Option(None, "--key", help="Your key file (bureau, platform, assessor)."),
                server: Optional[str] = typer.Option(None, "--server", help="The vledger server URL."),
                template: Optional[Path] = typer.Option(None, "--template",
                                                        help="Write the template (.xlsx or .csv) instead."),
                json_output: bool = JsonOption) -> None:
    """Each row one signed command; per-row outcomes written beside FILE; the same file twice records once."""
    if kind not in KINDS:
        raise BadInput(f"unknown import {kind!r}; imports are: {', '.join(KINDS)}")
    chosen = KINDS[kind]
    if template is not None:
        if file is not None:
            raise BadInput("give either FILE to import or --template to write, not both")
        rows = write_template(chosen, template)
        typer.echo(json.dumps({"template": str(template), "rows": rows}) if json_output
                   else f"template for {kind} written to {template}")
        return
    if file is None or key is None or server is None:
        raise BadInput(f"vledger import {kind} needs FILE, --key and --server (or --template FILE)")
    source = read_import(file, chosen)
    client = LedgerClient.from_key_file(server, key)
    allowed = (chosen.role, "institution") if kind == "results" else (chosen.role,)
    if client.key.role and client.key.role not in allowed:
        raise BadInput(f"a {kind} file is imported with a {chosen.role}'s key; {key} is a {client.key.role}'s")
    counts: Counter = Counter()
    stderr = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=stderr, transient=True) as progress:
        task = progress.add_task(f"importing {file.name}", total=len(source.rows))

        def advance(outcome) -> None:
            counts[outcome.outcome] += 1
            if json_output:
                typer.echo(json.dumps({"row": outcome.row, "outcome": outcome.outcome, "rule": outcome.rule,
                                       "reason": outcome.reason, "ids": outcome.ids}, ensure_ascii=False))
            progress.advance(task)

        try:
            outcomes = Importer(client, chosen, source).run(advance)
        finally:
            client.close()
    out = write_outcomes(source, outcomes)
    summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(counts.items())) or "no rows"
    if json_output:
        typer.echo(f"outcome file: {out}", err=True)
    else:
        typer.echo(f"{len(outcomes)} rows: {summary}")
        typer.echo(f"outcome file: {out}")
        if any(o.outcome == "recorded" for o in outcomes) and kind == "roster":
            typer.echo(f"new trainees' keys: {out.with_name(file.stem + '.trainee-keys.jsonl')} (hand them over, "
                       "then delete the file)")
    if any(outcome.outcome not in FINE for outcome in outcomes):
        raise typer.Exit(2)
