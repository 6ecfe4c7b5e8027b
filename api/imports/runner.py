"""Running an import file through the signing client: read the rows (api/spreadsheets.py),
find the columns by their Chinese or English header, turn each row into its
steps (api/imports/kinds.py), sign and send them one by one, and record each
row's outcome: `recorded`, `refused` (with the rule and reason), `already
recorded`, or `not sent` when the server stopped answering.

Idempotency: each step's command_id and target are UUIDv5 of the signer, the
file's SHA-256, the row number and the step, so the same file sent again by
the same party records nothing new. The ledger answers a repeated command_id
whose envelope differs (a fresh signed_at) with the 409 problem `command-id-reused`; that is the
row's `already recorded`."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

import httpx

from api.client import ApiProblem, LedgerClient
from api.imports.kinds import ImportKind, Step
from api.spreadsheets import format_of, read_rows, write_table
from ledger.errors import BadInput, LedgerError

IMPORT_NAMESPACE = uuid.UUID("5b0c7f0e-6a49-5d1e-9d57-0e5c1a1f1400")
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


@dataclass
class ImportFile:
    path: Path
    digest: str
    headers: list[list[str]]  # the header row(s) as the file has them
    positions: dict[str, int]  # column key -> cell index
    rows: list[tuple[int, list[str]]]  # data rows with their row numbers


def _label(text: str) -> str:
    """A header as compared: case, spaces, `*` and the template's "(optional)" / "(选填)" aside."""
    text = text.replace("*", "").replace("（", "(").replace("）", ")").lower()
    return " ".join(text.replace("(optional)", "").replace("(选填)", "").split())


def _lookup(kind: ImportKind) -> dict[str, str]:
    names: dict[str, str] = {}
    for column in kind.columns:
        for text in (column.key, column.chinese, column.english, f"{column.chinese} {column.english}",
                     column.chinese + column.english):
            names[_label(text)] = column.key
    return names


def read_import(path: Path, kind: ImportKind) -> ImportFile:
    """The file's rows under its header; a file without the kind's columns is
    refused in one sentence."""
    rows = read_rows(path)
    needed = ", ".join(f"{c.chinese} ({c.english})" for c in kind.columns if c.required)
    if not rows:
        raise BadInput(f"{path.name} is empty; its first row names the columns: {needed}")
    names = _lookup(kind)
    header = rows[0][1]
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = names.get(_label(cell))
        if key is not None and key not in positions:
            positions[key] = index
    missing = [f"{c.chinese} ({c.english})" for c in kind.columns if c.required and c.key not in positions]
    if missing:
        raise BadInput(f"{path.name} is not a {kind.name} file: its first row lacks the columns "
                       f"{', '.join(missing)} (see `vledger import {kind.name} --template FILE`)")
    headers = [header]
    data = rows[1:]
    if data and all(names.get(_label(cell)) is not None for cell in data[0][1] if cell):
        headers.append(data[0][1])  # the second header row (English under Chinese)
        data = data[1:]
    return ImportFile(path, hashlib.sha256(path.read_bytes()).hexdigest(), headers, positions, data)


def derived_id(signer: str, digest: str, row: int, what: str) -> uuid.UUID:
    return uuid.uuid5(IMPORT_NAMESPACE, f"{signer}:{digest}:{row}:{what}")


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
        values = {key: cells[index].strip() if index < len(cells) else ""
                  for key, index in self.source.positions.items()}
        signer = self.client.key.actor
        try:
            steps = self.kind.steps(values, lambda what: derived_id(signer, self.source.digest, number, what))
        except LedgerError as error:
            return RowOutcome(number, "refused", error.rule, str(error))
        results = []
        for step in steps:
            result = self.send(number, step)
            results.append(result)
            if result.outcome != "recorded" and result.outcome != "already recorded":
                return RowOutcome(number, result.outcome, result.rule, result.reason, [str(s.target) for s in steps])
        ids = [str(step.target) for step in steps]
        if all(result.outcome == "already recorded" for result in results):
            return RowOutcome(number, "already recorded", None, None, ids)
        return RowOutcome(number, "recorded", None, None, ids)

    def send(self, number: int, step: Step) -> RowOutcome:
        command_id = derived_id(self.client.key.actor, self.source.digest, number, step.command)
        try:
            signed = self.client.sign(step.command, step.target, step.body, command_id=command_id)
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


def write_outcomes(source: ImportFile, outcomes: list[RowOutcome]) -> Path:
    """The input's rows with the outcome columns, in the input's format, beside it."""
    out = outcome_path(source.path)
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
