"""`vledger backup --out FILE [--keys-out FILE]`, `vledger restore FILE [--keys FILE]`
and `vledger keys protect`: running a ledger for years (issue 17, docs/operations.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from api.backup import backup_database, restore_database, sqlite_path
from api.cli import app
from api.cli.options import DatabaseOption, JsonOption, open_ledger, print_json, resolved_database
from api.cli.parties import keys_app
from ledger.config import keys_dir, masked_url
from ledger.errors import BadInput, Conflict, TamperDetected
from ledger.genesis import LEDGER_KEY_FILE, TRUST_ROOT_FILE
from ledger.key_custody import (
    MAX_BACKUP_FILE_BYTES, backup_keys, is_protected, passphrase_from_environment, protect_key_file, restore_keys,
    write_private_json)
from ledger.transparency.checkpoints import all_checkpoints
from ledger.verify import verify_log

KEYS_OPTION_HELP = "the passphrase comes from VLEDGER_KEY_PASSPHRASE_FILE (or VLEDGER_KEY_PASSPHRASE)"


@app.command()
def backup(out: Path = typer.Option(..., "--out", help="The backup file to write (must not exist)."),
           keys_out: Path = typer.Option(None, "--keys-out", help=f"Also back up the keys folder, encrypted; "
                                                                  f"{KEYS_OPTION_HELP}."),
           db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """Back up the database (SQLite online backup, or pg_dump custom format); then run `vledger verify`."""
    ledger = open_ledger(db, any_schema=True)  # back up before upgrading, as docs/operations.md says
    events = ledger.max_notification_id()
    if keys_out is not None and keys_out.exists():
        raise Conflict(f"{keys_out} already exists; choose a new file for the keys backup")
    kind = backup_database(ledger.database_url, out)
    summary = {"database": masked_url(ledger.database_url), "backup": str(out), "kind": kind,
               "events_at_least": events}
    if keys_out is not None:
        archive = backup_keys(ledger.keys_dir, passphrase_from_environment("the keys backup"))
        write_private_json(keys_out, archive)
        summary["keys_backup"] = str(keys_out)
        summary["key_files"] = sorted(archive["files"])
    if json_output:
        print_json(summary)
        return
    typer.echo(f"backed up {masked_url(ledger.database_url)} ({events} events or more) to {out} ({kind})")
    if keys_out is not None:
        typer.echo(f"keys folder {ledger.keys_dir} backed up encrypted to {keys_out} "
                   f"({len(summary['key_files'])} files)")
    typer.echo("keep the backup away from this machine; check it with `vledger restore` into a scratch database")


@app.command()
def restore(backup_file: Path = typer.Argument(..., metavar="FILE", help="A file written by `vledger backup`."),
            keys: Path = typer.Option(None, "--keys", help=f"A keys backup to restore into the keys folder; "
                                                           f"{KEYS_OPTION_HELP}."),
            db: str = DatabaseOption, json_output: bool = JsonOption) -> None:
    """Restore a backup into an empty database, then verify every signature, link and checkpoint."""
    url = resolved_database(db)
    _require_empty(url)
    kind = restore_database(backup_file, url)
    restored_keys: list[str] = []
    if keys is not None:
        restored_keys = restore_keys(_read_keys_backup(keys), keys_dir(url),
                                     passphrase_from_environment("the keys backup"))
    ledger = open_ledger(url)
    report = verify_log(ledger.notifications(), all_checkpoints(ledger), processes=os.cpu_count() or 1).to_json()
    summary = {"database": masked_url(url), "backup": str(backup_file), "kind": kind, "verification": report,
               "key_files": restored_keys}
    if json_output:
        print_json(summary)
    if report["first_problem"] is not None:
        raise TamperDetected(f"the restored ledger does not verify: {report['first_problem']}")
    if not json_output:
        typer.echo(f"restored {backup_file} ({kind}) into {masked_url(url)}; verified: {report['events_checked']} "
                   f"events, {report['checkpoints_checked']} checkpoints intact")
        if restored_keys:
            typer.echo(f"keys restored to {keys_dir(url)}: {', '.join(restored_keys)}; "
                       "protect them again with `vledger keys protect`")


@keys_app.command("protect")
def protect(db: str = DatabaseOption) -> None:
    """Keep the trust root and the ledger key passphrase-protected at rest (encrypted PKCS#8)."""
    folder = keys_dir(resolved_database(db))
    passphrase = passphrase_from_environment("protecting the keys")
    for name in (TRUST_ROOT_FILE, LEDGER_KEY_FILE):
        path = folder / name
        if not path.exists():
            raise BadInput(f"{path} does not exist; is this the ledger's keys folder?")
        if is_protected(path):
            typer.echo(f"{path} is already protected")
            continue
        protect_key_file(path, passphrase)
        typer.echo(f"{path} is now passphrase-protected; the server needs VLEDGER_KEY_PASSPHRASE_FILE to sign")


def _require_empty(url: str) -> None:
    if url.startswith("sqlite") and not sqlite_path(url).exists():
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        tables = inspect(engine).get_table_names()
    finally:
        engine.dispose()
    if tables:
        raise Conflict(f"the database at {masked_url(url)} already holds tables ({len(tables)}); "
                       "restore into an empty database")


def _read_keys_backup(path: Path) -> object:
    try:
        if path.stat().st_size > MAX_BACKUP_FILE_BYTES:
            raise BadInput(f"{path} is larger than a keys backup can be")
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise BadInput(f"keys backup {path} cannot be read as JSON: {error}") from None
