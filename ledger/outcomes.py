"""What became of each command, told to whoever listens (the HTTP edge counts
them for `/metrics`), and one log line per refused command naming the rule
that refused it. The line holds the step, the rule, the error class and the
refusal's sentence; never the envelope, its body or personal data."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable

from ledger.errors import LedgerError

log = logging.getLogger("vledger.commands")
UNKNOWN_STEP = "unknown"


@dataclass(frozen=True)
class CommandOutcome:
    step: str  # a registered step name, or "unknown" (never text a caller chose freely)
    outcome: str  # "recorded", "duplicate" or "refused"
    rule: str | None
    kind: str | None  # the error class of a refusal, e.g. "RuleViolation"
    seconds: float


Listener = Callable[[CommandOutcome], None]


def step_named(signed: Any, known: dict[str, Any]) -> str:
    """The step a signed command names, if it is a registered one."""
    envelope = signed.get("envelope") if isinstance(signed, dict) else None
    name = envelope.get("command") if isinstance(envelope, dict) else None
    return name if isinstance(name, str) and name in known else UNKNOWN_STEP


def tell(listeners: list[Listener], outcome: CommandOutcome, error: LedgerError | None = None) -> None:
    if error is not None:
        log.info("command refused: %s by rule %s (%s): %s", outcome.step, outcome.rule or "none", outcome.kind,
                 error.message, extra={"step": outcome.step, "rule": outcome.rule, "refusal": outcome.kind,
                                       "seconds": round(outcome.seconds, 6)})
    else:
        log.debug("command %s: %s", outcome.outcome, outcome.step,
                  extra={"step": outcome.step, "outcome": outcome.outcome, "seconds": round(outcome.seconds, 6)})
    for listener in listeners:
        listener(outcome)
