"""The `vledger` command line. Each command group lives in its own module and
registers on `app`; how a command fails (one sentence or one JSON object on
stderr, exit 1 for a failed verification or a view that
cannot apply an event, 2 or 3) is in api/cli/failures.py."""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version

import typer

app = typer.Typer(
    name="vledger",
    help="Event-sourced, tamper-evident ledger for subsidised training vouchers.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def package_version() -> str:
    try:
        return version("vledger")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"vledger {package_version()}")
        raise typer.Exit()


@app.callback()
def _root(show_version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                             help="Print the version and exit.")) -> None:
    """Event-sourced, tamper-evident ledger for subsidised training vouchers."""


def _register_commands() -> None:
    from api.cli import (  # noqa: F401
        bench, core, demo, imports, operations, parties, quote, reading, serve, tables, tamper, witness)


def main() -> None:
    from api.cli.failures import UsageError, failure_of
    from api.cli.options import shown_database

    _register_commands()
    json_output = "--json" in sys.argv[1:]
    try:
        code = app(standalone_mode=False, prog_name="vledger")
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except Exception as error:
        failure = failure_of(error, shown_database())
        if failure is None:
            raise
        if isinstance(error, UsageError) and not json_output:
            from typer import rich_utils

            rich_utils.rich_format_error(error)
        else:
            typer.echo(failure.to_json() if json_output else failure.to_text(), err=True)
        sys.exit(failure.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
