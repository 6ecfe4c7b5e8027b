"""The `vledger` command line. Each command group lives in its own module and
registers on `app`; domain errors become one clear sentence on stderr with
exit code 2 (bad input, refused command) or 1 (failed verification)."""

from __future__ import annotations

import sys

import typer

from ledger.errors import LedgerError, TamperDetected

app = typer.Typer(
    name="vledger",
    help="Event-sourced, tamper-evident ledger for subsidised training vouchers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_commands() -> None:
    from api.cli import core, demo, quote  # noqa: F401

    for optional in ("reading", "tamper", "serve", "parties", "bench"):
        try:
            __import__(f"api.cli.{optional}")
        except ModuleNotFoundError as error:
            if error.name != f"api.cli.{optional}":
                raise


def main() -> None:
    _register_commands()
    try:
        app()
    except TamperDetected as error:
        typer.echo(f"verification failed: {error}", err=True)
        sys.exit(1)
    except LedgerError as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(2)
