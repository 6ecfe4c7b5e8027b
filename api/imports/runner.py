"""Running an import file through the signing client: read the rows and derive
each row's steps (api/imports/plan.py, shared with the import page), sign and
send them one by one, and record each
row's outcome: `recorded`, `refused` (with the rule and reason), `already
recorded`, or `not sent` when the server stopped answering.

Idempotency: each step's command_id and target are UUIDv5 of the signer, the
file's SHA-256, the row number and the step, so the same file sent again by
the same party records nothing new. The ledger answers a repeated command_id
whose envelope differs (a fresh signed_at) with the 409 problem `command-id-reused`; that is the
row's `already recorded`."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

import httpx

from api.client import ApiProblem, LedgerClient
from api.imports.kinds import ImportKind
from api.imports.plan import ImportFile, PlannedStep, derived_id, plan_row, read_import
from api.spreadsheets import format_of, write_table
from ledger.errors import LedgerError

__all__ = ["Importer", "RowOutcome", "derived_id", "outcome_path", "read_import", "write_outcomes"]

ALREADY_USED = "command-id-reused"  # the problem type of ledger.errors.CommandIdReused
OUTCOME_HEADERS = (("行号", "row"), ("结果", "outcome"), ("规则", "rule"), ("原因", "reason"), ("编号", "ids"))


@dataclass
class RowOutcome:
    row: int
    outcome: str
    rule: str | None = None
    reason: str | None = None
    ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Importer:
    def __init__(self, client: LedgerClient, kind: ImportKind, source: ImportFile) -> None:
        self.client, self.kind, self.source = client, kind, source
        self.keys_path = source.path.with_name(source.path.stem + ".trainee-keys.jsonl")
        self.stopped: str | None = None

    def run(self, advance: Callable[[RowOutcome], None] = lambda outcome: None) -> list[RowOutcome]:
        outcomes = []
        for number, cells in self.source.rows:
            outcome = self.row(number, cells)
            outcomes.append(outcome)
            advance(outcome)
        return outcomes

    def row(self, number: int, cells: list[str]) -> RowOutcome:
        if self.stopped is not None:
            return RowOutcome(number, "not sent", None, self.stopped)
        planned = plan_row(self.kind, self.source, self.client.key.actor, number, cells)
        if planned.refusal is not None:
            return RowOutcome(number, "refused", planned.rule, planned.refusal)
        ids = [str(planned_step.step.target) for planned_step in planned.steps]
        results = []
        for planned_step in planned.steps:
            result = self.send(number, planned_step)
            results.append(result)
            if result.outcome != "recorded" and result.outcome != "already recorded":
                return RowOutcome(number, result.outcome, result.rule, result.reason, ids)
        if all(result.outcome == "already recorded" for result in results):
            return RowOutcome(number, "already recorded", None, None, ids)
        return RowOutcome(number, "recorded", None, None, ids)

    def send(self, number: int, planned: PlannedStep) -> RowOutcome:
        step = planned.step
        try:
            signed = self.client.sign(step.command, step.target, step.body, command_id=planned.command_id)
            reply = self.client.send(signed, step.personal)
        except ApiProblem as problem:
            detail = str(problem.problem.get("detail") or problem)
            if str(problem.problem.get("type", "")).rsplit("/", 1)[-1] == ALREADY_USED:
                return RowOutcome(number, "already recorded")
            return RowOutcome(number, "refused", problem.problem.get("rule"), detail)
        except LedgerError as error:
            return RowOutcome(number, "refused", error.rule, str(error))
        except httpx.HTTPError as error:
            self.stopped = f"the server did not answer ({type(error).__name__}); send the same file again later"
            return RowOutcome(number, "not sent", None, self.stopped)
        if reply.replayed:
            return RowOutcome(number, "already recorded")
        if step.key_for_trainee is not None:
            self._keep_trainee_key(step.key_for_trainee)
        return RowOutcome(number, "recorded")

    def _keep_trainee_key(self, key: Any) -> None:
        """The new trainee's key pair, for the bureau to hand over (mode 0600)."""
        descriptor = os.open(self.keys_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a") as out:
            out.write(json.dumps(key.to_json()) + "\n")


def outcome_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.outcome{path.suffix.lower()}")


def write_outcomes(source: ImportFile, outcomes: list[RowOutcome], out: Path | None = None) -> Path:
    """The input's rows with the outcome columns, in the input's format, beside
    it (or at `out`, in the format its suffix names)."""
    out = out or outcome_path(source.path)
    first = source.headers[0]
    second = source.headers[1] if len(source.headers) > 1 else first
    width = max([len(first), len(second), *(len(cells) for _, cells in source.rows)] or [0])
    headers = [(first[i] if i < len(first) else "", second[i] if i < len(second) else "") for i in range(width)]
    by_row = {outcome.row: outcome for outcome in outcomes}
    rows = []
    for number, cells in source.rows:
        outcome = by_row[number]
        rows.append([*cells, *([""] * (width - len(cells))), number, outcome.outcome, outcome.rule,
                     outcome.reason, " ".join(outcome.ids)])
    write_table(out, format_of(out), "outcome", [*headers, *OUTCOME_HEADERS], rows)
    return out
