"""Options every command shares, and opening the ledger they name."""

from __future__ import annotations

import json
from typing import Any

import typer

from ledger.application import VoucherLedger
from ledger.config import database_url
from ledger.errors import NotFound

DatabaseOption = typer.Option(None, "--db", help="SQLAlchemy URL; overrides VLEDGER_DB.")
JsonOption = typer.Option(False, "--json", help="Machine-readable output.")


def open_ledger(db: str | None, *, must_exist: bool = True) -> VoucherLedger:
    ledger = VoucherLedger(database_url(db))
    if must_exist and not ledger.is_initialised():
        raise NotFound(f"no ledger at {ledger.database_url}; run `vledger init` first")
    return ledger


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))
