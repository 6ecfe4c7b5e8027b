"""Reading an import file and deriving its steps, shared by `vledger import`
(api/imports/runner.py signs and sends them) and the import page
(api/pages/imports.py hands them, unsigned, to the browser, which signs them):
find the columns by their Chinese or English header, turn each row into its
steps (api/imports/kinds.py) with each step's command_id and target derived
as UUIDv5 of the signer, the file's SHA-256, the row and the step, or refuse
the row in one sentence. A file without the kind's columns is refused whole."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from api.imports.kinds import ImportKind, Step
from api.spreadsheets import format_of, read_rows, write_table
from ledger.errors import BadInput, LedgerError

IMPORT_NAMESPACE = uuid.UUID("5b0c7f0e-6a49-5d1e-9d57-0e5c1a1f1400")


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


@dataclass
class PlannedStep:
    """One unsigned step of a row, with the command_id it is always sent with."""

    command_id: uuid.UUID
    step: Step


@dataclass
class PlannedRow:
    """A row's steps, or the sentence (and rule) that refuses it."""

    row: int
    steps: list[PlannedStep]
    refusal: str | None = None
    rule: str | None = None


def row_values(source: ImportFile, cells: list[str]) -> dict[str, str]:
    return {key: cells[index].strip() if index < len(cells) else "" for key, index in source.positions.items()}


def plan_row(kind: ImportKind, source: ImportFile, signer: str, number: int, cells: list[str]) -> PlannedRow:
    """The row's steps as `signer` sends them, or its refusal."""
    try:
        steps = kind.steps(row_values(source, cells), lambda what: derived_id(signer, source.digest, number, what))
    except LedgerError as error:
        return PlannedRow(number, [], str(error), error.rule)
    return PlannedRow(number, [PlannedStep(derived_id(signer, source.digest, number, step.command), step)
                               for step in steps])


def plan(kind: ImportKind, source: ImportFile, signer: str) -> Iterator[PlannedRow]:
    for number, cells in source.rows:
        yield plan_row(kind, source, signer, number, cells)


def template_headers(kind: ImportKind) -> list[tuple[str, str]]:
    return [(c.chinese + ("" if c.required else "（选填）"), c.english + ("" if c.required else " (optional)"))
            for c in kind.columns]


def write_template(kind: ImportKind, path: Path) -> int:
    """The kind's template (`vledger import KIND --template`): the headers and example rows."""
    rows = [[example.get(c.key, "") for c in kind.columns] for example in kind.examples()]
    return write_table(path, format_of(path), kind.name, template_headers(kind), rows)
