"""Domain errors. The edges (CLI, HTTP) map each class to an exit code or a
problem+json type in one table; nothing below the edges knows about HTTP."""

from __future__ import annotations


class LedgerError(Exception):
    """Base class: a command was refused, the ledger is unchanged."""

    rule: str | None = None

    def __init__(self, message: str, *, rule: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if rule is not None:
            self.rule = rule

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}" if self.rule else self.message


class BadInput(LedgerError):
    """The input is malformed: wrong type, out of range, too big, unknown field."""


class NotFound(LedgerError):
    """A referenced voucher, party, filing or region does not exist."""


class InvalidSignature(LedgerError):
    """The envelope's signature does not verify against the named key."""


class KeyNotValid(LedgerError):
    """The key is unknown, revoked, rotated out, or not the actor's."""


class RoleNotAllowed(LedgerError):
    """The actor's role may not take this step."""


class RuleViolation(LedgerError):
    """A rule from DOMAIN.md refuses the step; `rule` names it."""


class Conflict(LedgerError):
    """Someone else changed the aggregate first, or a uniqueness rule holds; retry or stop."""


class CommandIdReused(Conflict):
    """The command_id was already used, for a different envelope: a new command needs a new id
    (a byte-identical repeat is not refused; it gets the first result)."""


class TamperDetected(LedgerError):
    """Verification found an altered, missing or unsigned record."""


class ViewFailed(LedgerError):
    """A view (projection) could not apply an event the ledger accepted: a bug
    in the read side or a hole in the write side's checks. The views stop at the
    event before it; `/readyz`, `vledger verify` and the ledger page name it."""

    def __init__(self, view: str, sequence: int, event_type: str, error: str) -> None:
        super().__init__(f"view {view} cannot apply event {sequence} ({event_type}): {error}")
        self.view, self.sequence, self.event_type, self.error = view, sequence, event_type, error


class ReadOnlyLedger(LedgerError):
    """A write reached a ledger opened read-only (a read replica): send it to
    the primary. Nothing was recorded."""
