"""`vledger export-table audit|balances|flags|report|vouchers --format csv|xlsx
--out FILE [filters]`: a view as a spreadsheet (projections/tables.py shapes
it, api/export_sheets.py writes it, as the pages' download buttons do), each
row with its event sequence and hash."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from api.cli import app
from api.cli.options import DatabaseOption, JsonOption, open_ledger, print_json
from api.export_sheets import write_export
from api.spreadsheets import format_of
from ledger.envelope import iso, parse_date, parse_time, parse_uuid
from ledger.errors import BadInput
from projections import catch_up
from projections.tables import EXPORT_TABLES, export_table as shaped_table


@app.command("export-table")
def export_table(table: str = typer.Argument(..., metavar="TABLE", help=f"One of: {', '.join(EXPORT_TABLES)}."),
                 file_format: str = typer.Option(..., "--format", help="csv or xlsx."),
                 out: Path = typer.Option(..., "--out", help="The file to write."),
                 voucher: Optional[str] = typer.Option(None, "--voucher", help="audit: voucher id (UUID)."),
                 actor: Optional[str] = typer.Option(None, "--actor", help="audit: actor id (UUID)."),
                 institution: Optional[str] = typer.Option(None, "--institution",
                                                           help="audit, balances, vouchers: institution id (UUID)."),
                 since: Optional[str] = typer.Option(None, "--since", help="audit: ISO 8601 time with zone."),
                 until: Optional[str] = typer.Option(None, "--until", help="audit: ISO 8601 time with zone."),
                 limit: Optional[int] = typer.Option(None, "--limit", help="audit: at most this many rows (1000)."),
                 as_of: Optional[int] = typer.Option(None, "--as-of", help="balances: sum postings up to this event."),
                 fortnight: Optional[str] = typer.Option(None, "--fortnight", help="report: any day, YYYY-MM-DD."),
                 region: Optional[str] = typer.Option(None, "--region", help="vouchers: region, e.g. liaoning."),
                 status: Optional[str] = typer.Option(None, "--status", help="vouchers: status, e.g. paid."),
                 db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """A view as a CSV or XLSX table: Chinese and English headers, yuan, local time, event sequence and hash."""
    if table not in EXPORT_TABLES:
        raise BadInput(f"unknown table {table!r}; tables are: {', '.join(EXPORT_TABLES)}")
    chosen = format_of(out, file_format)
    filters = {
        "voucher": str(parse_uuid(voucher, what="--voucher")) if voucher else None,
        "actor": str(parse_uuid(actor, what="--actor")) if actor else None,
        "institution": str(parse_uuid(institution, what="--institution")) if institution else None,
        "since": iso(parse_time(since, what="--since")) if since else None,
        "until": iso(parse_time(until, what="--until")) if until else None,
        "limit": limit, "as_of": as_of, "region": region, "status": status,
        "fortnight": parse_date(fortnight, what="--fortnight") if fortnight else None,
    }
    if filters["since"] and filters["until"] and filters["since"] > filters["until"]:
        raise BadInput("--since must not be after --until")
    ledger = open_ledger(db)
    if as_of is not None and not 1 <= as_of <= ledger.max_notification_id():
        raise BadInput(f"--as-of {as_of} is beyond the log, which holds events 1 to {ledger.max_notification_id()}")
    catch_up(ledger)
    with ledger.engine.connect() as connection:
        shaped = shaped_table(connection, table, filters)
    try:
        count = write_export(out, chosen, shaped)
    except OSError as error:
        raise BadInput(f"cannot write {out}: {error.strerror}") from None
    if json_output:
        print_json({"table": table, "format": chosen, "file": str(out), "rows": count})
        return
    typer.echo(f"{count} rows of {table} written to {out}")
