"""Options every command shares, and opening the ledger they name."""

from __future__ import annotations

import json
from typing import Any

import typer

from ledger.application import VoucherLedger
from ledger.config import database_url, masked_url
from ledger.errors import LedgerError, NotFound
from ledger.schema import require_current

DatabaseOption = typer.Option(None, "--db", envvar="VLEDGER_DB", show_envvar=True,
                              help="SQLAlchemy URL, e.g. sqlite:///./vledger.db or postgresql://user@host/db.")
JsonOption = typer.Option(False, "--json", help="Machine-readable output.")


_opened: list[str] = []


def resolved_database(db: str | None) -> str:
    """The URL `--db` or VLEDGER_DB names, remembered for error sentences."""
    url = database_url(db)
    _opened.append(url)
    return url


def open_ledger(db: str | None, *, must_exist: bool = True, any_schema: bool = False) -> VoucherLedger:
    """The ledger `--db` names; it must exist and (unless `any_schema`, for
    `vledger backup` before an upgrade) be at this code's schema version."""
    url = resolved_database(db)
    ledger = VoucherLedger(url)
    if must_exist:
        if not ledger.is_initialised():
            raise NotFound(f"no ledger at {masked_url(url)}; run `vledger init` first")
        if not any_schema:
            require_current(ledger.engine)
    return ledger


def shown_database() -> str:
    """The database the command was opening, password masked, for error sentences."""
    if _opened:
        return masked_url(_opened[-1])
    try:
        return masked_url(database_url())
    except LedgerError:
        return "the configured database"


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))
