"""The `vledger` command line. Each command group lives in its own module and
registers on `app`; domain errors become one clear sentence on stderr with
exit code 2 (bad input, refused command) or 1 (failed verification, a view
that cannot apply an event)."""

from __future__ import annotations

import sys

import typer

from ledger.errors import LedgerError, TamperDetected, ViewFailed

app = typer.Typer(
    name="vledger",
    help="Event-sourced, tamper-evident ledger for subsidised training vouchers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_commands() -> None:
    from api.cli import bench, core, demo, parties, quote, reading, serve, tamper  # noqa: F401


def main() -> None:
    _register_commands()
    try:
        app()
    except TamperDetected as error:
        typer.echo(f"verification failed: {error}", err=True)
        sys.exit(1)
    except ViewFailed as error:
        typer.echo(f"the read side failed: {error}", err=True)
        sys.exit(1)
    except LedgerError as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(2)
