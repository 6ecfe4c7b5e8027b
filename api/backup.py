"""Backing up and restoring the database (decision 0028).

SQLite: the online backup API (`sqlite3.Connection.backup`), a consistent copy
while the server keeps writing; the backup is itself a SQLite file.
PostgreSQL: `pg_dump --format=custom` and `pg_restore`, found on PATH or under
Debian's `/usr/lib/postgresql/<version>/bin`; the password travels in
`PGPASSWORD`, never on a command line that `ps` shows.

A restore goes into an empty database only, and the caller verifies the
result (`vledger restore` runs the full verification)."""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from ledger.errors import BadInput, Conflict

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
PAGES_PER_STEP = 1024
PG_TIMEOUT_SECONDS = 3600


def backup_database(url: str, out: Path) -> str:
    """Writes a backup of the database at `url` to `out`; returns its kind."""
    if out.exists():
        raise Conflict(f"{out} already exists; choose a new file for the backup")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        source = sqlite_path(url)
        if not source.exists():
            raise BadInput(f"there is no SQLite database at {source}")
        with sqlite3.connect(source) as origin, sqlite3.connect(out) as copy:
            origin.backup(copy, pages=PAGES_PER_STEP)
        return "sqlite"
    _run_pg("pg_dump", url, ["--format=custom", "--no-owner", f"--file={out}"])
    return "pg_dump"


def restore_database(backup: Path, url: str) -> str:
    """Loads `backup` into the (empty) database at `url`; returns the backup's kind."""
    kind = backup_kind(backup)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if kind != "sqlite":
            raise BadInput(f"{backup} is a PostgreSQL dump; restore it into a PostgreSQL --db")
        target = sqlite_path(url)
        if target.exists() and target.stat().st_size > 0:
            raise Conflict(f"{target} already exists; restore into a new database file")
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(backup) as origin, sqlite3.connect(target) as copy:
            origin.backup(copy, pages=PAGES_PER_STEP)
        return kind
    if kind != "pg_dump":
        raise BadInput(f"{backup} is a SQLite file; restore it into a sqlite:/// --db")
    _run_pg("pg_restore", url, ["--no-owner", "--exit-on-error", "--single-transaction", str(backup)])
    return kind


def backup_kind(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BadInput(f"backup {path} cannot be read: {error.strerror}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "pg_dump"
    raise BadInput(f"{path} is neither a SQLite backup nor a pg_dump custom-format file")


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BadInput("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def pg_tool(name: str) -> str:
    """`pg_dump`/`pg_restore`: the newest of Debian's versioned folders, else PATH
    (a dump made by a newer pg_dump than the server is fine; an older one may refuse)."""
    versioned = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                       key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0)
    found = versioned[-1] if versioned else shutil.which(name)
    if not found:
        raise BadInput(f"{name} is not installed; install PostgreSQL's client programs (Debian: postgresql-client) "
                       f"or run `{name}` yourself with --format=custom (docs/operations.md)")
    return found


def _run_pg(tool: str, url: str, arguments: list[str]) -> None:
    parsed = make_url(url)
    env = {**os.environ}
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    libpq = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    try:
        ran = subprocess.run([pg_tool(tool), f"--dbname={libpq}", *arguments], env=env, capture_output=True,
                             text=True, timeout=PG_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise Conflict(f"{tool} did not finish within {PG_TIMEOUT_SECONDS} s") from None
    if ran.returncode != 0:
        first = (ran.stderr.strip().splitlines() or ["no message"])[0][:300]
        raise Conflict(f"{tool} failed (exit {ran.returncode}): {first}")
