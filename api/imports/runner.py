"""Running an import file through the signing client: read the rows and derive
each row's steps (api/imports/plan.py, shared with the import page), sign them
and send them in batches in the file's order (POST /v1/command-batches), and
record each row's outcome: `recorded`, `refused` (with the rule and reason),
`already recorded`, or `not sent` when the server stopped answering.

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

from api.client import ApiProblem, LedgerClient, Reply
from api.imports.kinds import ImportKind
from api.imports.plan import ImportFile, PlannedRow, derived_id, plan_row, read_import
from api.spreadsheets import format_of, write_table
from ledger.errors import LedgerError

__all__ = ["Importer", "RowOutcome", "derived_id", "outcome_path", "read_import", "write_outcomes"]

BATCH_COMMANDS = 200  # steps per request (a roster's 100 rows); cells of at most 1,000 characters: under 8 MiB
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
        """Sends the rows' steps BATCH_COMMANDS at a time, in the file's order (POST /v1/command-batches:
        decided in that order with no other caller's command between them, committed together)."""
        outcomes: list[RowOutcome] = []
        waiting: list[PlannedRow] = []
        for number, cells in self.source.rows:
            waiting.append(plan_row(self.kind, self.source, self.client.key.actor, number, cells))
            if sum(len(planned.steps) for planned in waiting) >= BATCH_COMMANDS:
                outcomes.extend(self._send_rows(waiting, advance))
                waiting = []
        outcomes.extend(self._send_rows(waiting, advance))
        return outcomes

    def _send_rows(self, rows: list[PlannedRow], advance: Callable[[RowOutcome], None]) -> list[RowOutcome]:
        """Each row's outcome: its planning's refusal, else its steps' answers in order (the first step not
        recorded decides the row; a later step of it is then refused by the ledger too, and records nothing)."""
        signed: dict[tuple[int, int], tuple[dict[str, Any], dict[str, Any] | None]] = {}
        early: dict[int, RowOutcome] = {}
        for planned in rows:
            try:
                for index, planned_step in enumerate(planned.steps):
                    step = planned_step.step
                    signed[planned.row, index] = (self.client.sign(step.command, step.target, step.body,
                                                                   command_id=planned_step.command_id), step.personal)
            except LedgerError as error:
                early[planned.row] = RowOutcome(planned.row, "refused", error.rule, str(error))
        sent = [key for key in signed if key[0] not in early]
        answers = dict(zip(sent, self._send([signed[key] for key in sent]))) if sent else {}
        outcomes = []
        for planned in rows:
            outcome = early.get(planned.row) or self._row_outcome(planned, [
                answers[planned.row, index] for index in range(len(planned.steps))])
            outcomes.append(outcome)
            advance(outcome)
        return outcomes

    def _send(self, commands: list[tuple[dict[str, Any], dict[str, Any] | None]]) -> list[Reply | ApiProblem | str]:
        """Each command's reply or refusal; the sentence saying why none was sent when the server did not
        answer (then no later batch is sent either)."""
        if self.stopped is None:
            try:
                return self.client.send_batch(commands)
            except ApiProblem as problem:  # the batch as a whole was refused (read-only replica, too large)
                return [problem] * len(commands)
            except httpx.HTTPError as error:
                self.stopped = f"the server did not answer ({type(error).__name__}); send the same file again later"
        return [self.stopped] * len(commands)

    def _row_outcome(self, planned: PlannedRow, answers: list[Reply | ApiProblem | str]) -> RowOutcome:
        if planned.refusal is not None:
            return RowOutcome(planned.row, "refused", planned.rule, planned.refusal)
        ids = [str(planned_step.step.target) for planned_step in planned.steps]
        outcomes = []
        for planned_step, answer in zip(planned.steps, answers):
            outcome = self._step_outcome(planned.row, answer)
            if outcome.outcome == "recorded" and planned_step.step.key_for_trainee is not None:
                self._keep_trainee_key(planned_step.step.key_for_trainee)
            if outcome.outcome not in ("recorded", "already recorded"):
                return RowOutcome(planned.row, outcome.outcome, outcome.rule, outcome.reason, ids)
            outcomes.append(outcome)
        if all(outcome.outcome == "already recorded" for outcome in outcomes):
            return RowOutcome(planned.row, "already recorded", None, None, ids)
        return RowOutcome(planned.row, "recorded", None, None, ids)

    @staticmethod
    def _step_outcome(number: int, answer: Reply | ApiProblem | str) -> RowOutcome:
        if isinstance(answer, str):
            return RowOutcome(number, "not sent", None, answer)
        if isinstance(answer, ApiProblem):
            detail = str(answer.problem.get("detail") or answer)
            if str(answer.problem.get("type", "")).rsplit("/", 1)[-1] == ALREADY_USED:
                return RowOutcome(number, "already recorded")
            return RowOutcome(number, "refused", answer.problem.get("rule"), detail)
        return RowOutcome(number, "already recorded" if answer.replayed else "recorded")

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
