"""`vledger init`, `vledger history` (`vledger verify` is in api/cli/tamper.py)."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from api.cli import app
from api.cli.options import DatabaseOption, JsonOption, open_ledger, print_json
from ledger.envelope import DEFAULT_ORIGIN, parse_uuid
from ledger.errors import BadInput
from ledger.note import origin_problem
from ledger.config import masked_url
from ledger.genesis import initialise
from ledger.history import voucher_history
from ledger.schema import SchemaUpgrade, upgrade

console = Console(stderr=True)


@app.command()
def init(db: str = DatabaseOption, if_missing: bool = typer.Option(False, "--if-missing",
         help="Do nothing when the ledger already exists."),
         origin: str = typer.Option(DEFAULT_ORIGIN, "--origin", help="The log's name in its checkpoints: a schema-less "
                                    "URL such as vledger.example.gov.cn/liaoning (c2sp.org/tlog-checkpoint)."),
         json_output: bool = JsonOption) -> None:
    """Create a ledger: schema, trust root, ledger key, region profiles."""
    if origin_problem(origin) is not None:
        raise BadInput(f"--origin: {origin_problem(origin)}")
    ledger = open_ledger(db, must_exist=False)
    if ledger.is_initialised():
        upgraded = upgrade(ledger.engine)
        if upgraded.changed:
            _say_upgraded(upgraded, json_output)
            return
        if if_missing:
            typer.echo(f"ledger already initialised at {masked_url(ledger.database_url)}")
            return
    result = initialise(ledger, origin)
    if json_output:
        print_json(result)
        return
    typer.echo(f"ledger created at {masked_url(ledger.database_url)}")
    typer.echo(f"keys written to {ledger.keys_dir} (trust root, ledger key, matching key); keep them safe")
    typer.echo(f"genesis event {result['event_hashes'][0]}")


def _say_upgraded(upgraded: SchemaUpgrade, json_output: bool) -> None:
    """An older ledger was brought to this code's schema; its views rebuild on first use."""
    before = upgraded.before or "none (made before schema versions)"
    if json_output:
        print_json({"upgraded": True, "schema_before": upgraded.before, "schema_after": upgraded.after})
        return
    typer.echo(f"upgraded the ledger's schema from version {before} to {upgraded.after}; "
               "the views are rebuilt from the log on their next use; run `vledger verify`")


@app.command()
def history(voucher: str = typer.Option(..., "--voucher", help="Voucher id (UUID)."), db: str = DatabaseOption,
            json_output: bool = JsonOption) -> None:
    """Every event of a voucher: sequence, time, actor, role, key id, outcome."""
    ledger = open_ledger(db)
    rows = voucher_history(ledger, parse_uuid(voucher, what="--voucher"))
    if json_output:
        print_json(rows)
        return
    table = Table(title=f"voucher {voucher}")
    for column in ("seq", "recorded at", "event", "actor", "role", "key id", "outcome"):
        table.add_column(column)
    for row in rows:
        table.add_row(str(row["sequence"]), row["recorded_at"], row["event"], row["actor"][:8], row["role"],
                      row["key_id"], row["outcome"])
    Console().print(table)
