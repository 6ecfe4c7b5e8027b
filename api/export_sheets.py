"""A shaped view table (projections/tables.py) as a spreadsheet: its headers
(Chinese and English, "Beijing time" said for a time), its cells (yuan from
fen, local time from UTC, a list as words) and the file. The one writer of
`vledger export-table` (api/cli/tables.py) and the pages' download buttons
(api/pages/downloads.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from api.spreadsheets import LOCAL_CHINESE, LOCAL_ENGLISH, local_time, write_table, yuan
from projections.tables import Column, ExportTable


def sheet_header(column: Column) -> tuple[str, str]:
    if column.kind == "utc_time":
        return column.chinese + LOCAL_CHINESE, column.english + LOCAL_ENGLISH
    return column.chinese, column.english


def sheet_cell(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind == "fen":
        return yuan(value)
    if column.kind == "utc_time":
        return local_time(value)
    if column.kind == "list":
        return " ".join(str(item) for item in value)
    return value


def sheet_rows(table: ExportTable) -> list[list[Any]]:
    return [[sheet_cell(column, row.get(column.key)) for column in table.columns] for row in table.rows]


def write_export(path: Path, file_format: str, table: ExportTable) -> int:
    """Writes the table as CSV or XLSX; returns its row count."""
    return write_table(path, file_format, f"{table.chinese} {table.name}",
                       [sheet_header(column) for column in table.columns], sheet_rows(table))
