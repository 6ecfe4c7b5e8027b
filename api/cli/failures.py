"""How the command line fails (DESIGN.md, outside contracts): one sentence on
stderr, or one JSON object under `--json`, and an exit code that says why:
2 bad input or a refused command, 1 a failed verification, 3 the database
cannot be reached. No traceback reaches the operator, and no password."""

from __future__ import annotations

import json
from dataclasses import dataclass

from eventsourcing.persistence import InterfaceError as StoreInterfaceError
from eventsourcing.persistence import OperationalError as StoreOperationalError
from sqlalchemy.exc import InterfaceError as SQLAlchemyInterfaceError
from sqlalchemy.exc import OperationalError as SQLAlchemyOperationalError
from typer._click.exceptions import UsageError  # typer 0.29 carries its own click

from api.verification_errors import VerificationFailed
from ledger.errors import LedgerError, TamperDetected, ViewFailed

EXIT_VERIFICATION_FAILED = 1
EXIT_REFUSED = 2
EXIT_DATABASE_UNREACHABLE = 3
UNREACHABLE = (SQLAlchemyOperationalError, SQLAlchemyInterfaceError, StoreOperationalError, StoreInterfaceError)
MAX_REASON_CHARACTERS = 200


@dataclass(frozen=True)
class Failure:
    """What the operator is told, and the exit code."""

    exit_code: int
    kind: str
    message: str
    rule: str | None = None

    def to_json(self) -> str:
        return json.dumps({"error": {"kind": self.kind, "rule": self.rule, "message": self.message},
                           "exit_code": self.exit_code}, ensure_ascii=False)

    def to_text(self) -> str:
        prefix = "verification failed" if self.exit_code == EXIT_VERIFICATION_FAILED else "error"
        return f"{prefix}: {self.message}"


def database_reason(error: BaseException) -> str:
    """The driver's first line (e.g. `connection refused`), without the
    SQLAlchemy background link; drivers do not print passwords."""
    cause = getattr(error, "orig", None) or error.__cause__ or error
    first_line = (str(cause).strip().splitlines() or ["no reason given"])[0]
    return first_line[:MAX_REASON_CHARACTERS]


def failure_of(error: BaseException, shown_url: str) -> Failure | None:
    """The failure an exception stands for, or None when it is a bug (which
    keeps its traceback)."""
    if isinstance(error, TamperDetected):
        return Failure(EXIT_VERIFICATION_FAILED, "tamper-detected", error.message, error.rule)
    if isinstance(error, VerificationFailed):  # a verified read (vledger get --verify): the kind says what failed
        return Failure(EXIT_VERIFICATION_FAILED, _kebab(type(error).__name__), error.message)
    if isinstance(error, ViewFailed):
        return Failure(EXIT_VERIFICATION_FAILED, "view-failed", f"the read side failed: {error.message}", error.rule)
    if isinstance(error, LedgerError):
        return Failure(EXIT_REFUSED, _kebab(type(error).__name__), error.message, error.rule)
    if isinstance(error, UNREACHABLE):
        return Failure(EXIT_DATABASE_UNREACHABLE, "database-unreachable",
                       f"the database at {shown_url} cannot be reached ({database_reason(error)}); "
                       "check --db or VLEDGER_DB and that the database server is running")
    if isinstance(error, UsageError):
        return Failure(EXIT_REFUSED, "usage", error.format_message())
    return None


def _kebab(name: str) -> str:
    return "".join(f"-{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))
