"""Schema versions of the tables beside the log that cannot be rebuilt from
it (decision 0029): Alembic migrations in `ledger/migrations/versions`, the
version in `vledger_schema_version`. `vledger init` creates a new ledger at
the newest version and upgrades an older one; every other command refuses a
ledger whose schema is older or newer than its code.

The event table itself belongs to the eventsourcing library, and the
`view_*` tables are rebuilt from the log when their definition changes
(projections/view_schema.py); neither is migrated here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from ledger.errors import BadInput

VERSION_TABLE = "vledger_schema_version"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest revision in ledger/migrations/versions (a test checks they agree): every command compares
# against it without loading Alembic, which costs a tenth of a second at start-up.
SCHEMA_HEAD = "0003"


@dataclass(frozen=True)
class SchemaUpgrade:
    before: str | None  # None: made before schema versions existed, or a new database
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest revision as Alembic reads it from the migration files."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None before schema versions existed."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def upgrade(engine: Engine) -> SchemaUpgrade:
    """Brings the schema to the newest revision, in one transaction."""
    from alembic import command

    before = current_revision(engine)
    if before != SCHEMA_HEAD:
        _known(before)
        config = _config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    return SchemaUpgrade(before, SCHEMA_HEAD)


def require_current(engine: Engine) -> None:
    """Refuses a ledger whose schema this code does not match, with the fix."""
    current = current_revision(engine)
    if current == SCHEMA_HEAD:
        return
    _known(current)
    raise BadInput(f"the ledger's schema is at version {current or 'none (made before schema versions)'} and this "
                   f"vledger needs {SCHEMA_HEAD}; back it up (`vledger backup`), then run `vledger init` to upgrade "
                   "it")


def _known(revision: str | None) -> None:
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    if revision is None:
        return
    try:
        ScriptDirectory.from_config(_config()).get_revision(revision)
    except CommandError:
        raise BadInput(f"the ledger's schema version {revision} is newer than this vledger knows; "
                       "use the vledger release that made it") from None
