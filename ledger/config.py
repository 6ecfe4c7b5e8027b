"""Where the ledger lives: `VLEDGER_DB` (a SQLAlchemy URL) and the keys folder
beside it. One setting picks SQLite or PostgreSQL (DESIGN.md)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from ledger.errors import BadInput

DEFAULT_DATABASE_URL = "sqlite:///./vledger.db"
SUPPORTED_DIALECTS = ("sqlite", "postgresql")
SIGNED_AT_WINDOW_SETTING = "VLEDGER_SIGNED_AT_WINDOW_SECONDS"
DEFAULT_SIGNED_AT_WINDOW = timedelta(hours=24)
MAX_SIGNED_AT_WINDOW = timedelta(days=366)


def database_url(override: str | None = None) -> str:
    url = override or os.environ.get("VLEDGER_DB") or DEFAULT_DATABASE_URL
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise BadInput(f"the database URL is not a SQLAlchemy URL, e.g. {DEFAULT_DATABASE_URL}") from None
    if parsed.get_backend_name() not in SUPPORTED_DIALECTS:
        raise BadInput(f"database {parsed.get_backend_name()!r} is not supported; use sqlite or postgresql")
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def masked_url(url: str) -> str:
    """The URL as it may be shown or logged: the password replaced by `***`."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<not a database URL>"


def keys_dir(url: str) -> Path:
    """`VLEDGER_KEYS` if set; else a `vledger-keys` folder beside a SQLite file;
    else `./vledger-keys`. Private keys never go into the database."""
    if os.environ.get("VLEDGER_KEYS"):
        return Path(os.environ["VLEDGER_KEYS"])
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        database = Path(parsed.database)
        return database.parent / f"{database.stem}-keys"
    return Path("vledger-keys")


def signed_at_window() -> timedelta:
    """How old a command's `signed_at` may be when it reaches the ledger
    (issue 13): `VLEDGER_SIGNED_AT_WINDOW_SECONDS`, default 24 hours."""
    text = os.environ.get(SIGNED_AT_WINDOW_SETTING, "").strip()
    if not text:
        return DEFAULT_SIGNED_AT_WINDOW
    if not text.isdigit() or not 1 <= int(text) <= MAX_SIGNED_AT_WINDOW.total_seconds():
        raise BadInput(f"{SIGNED_AT_WINDOW_SETTING} must be whole seconds from 1 to "
                       f"{int(MAX_SIGNED_AT_WINDOW.total_seconds())}, not {text!r}")
    return timedelta(seconds=int(text))


def read_only_url(url: str) -> str:
    """The URL of a read replica as the ledger opens it: on PostgreSQL every
    transaction starts read-only (`default_transaction_read_only`), so even a
    replica URL that names the primary by mistake cannot be written through."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return url
    options = " ".join(filter(None, [parsed.query.get("options", ""), "-c default_transaction_read_only=on"]))
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)
