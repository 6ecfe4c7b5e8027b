"""api/spreadsheets.py: yuan from fen exactly, Beijing time, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from api.spreadsheets import local_time, read_rows, write_table, yuan


def test_yuan_is_exact_from_integer_fen() -> None:
    assert [str(yuan(fen)) for fen in (0, 5, 150, -150, 123456789012345)] == [
        "0.00", "0.05", "1.50", "-1.50", "1234567890123.45"]


def test_times_are_written_in_beijing_time() -> None:
    assert local_time("2023-03-01T16:30:00.000000Z") == "2023-03-02 00:30:00"


def test_a_cell_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    headers = [("甲", "a"), ("乙", "b")]
    write_table(tmp_path / "t.xlsx", "xlsx", "t", headers, [["=HYPERLINK(\"http://x\")", Decimal("-1.50")]])
    write_table(tmp_path / "t.csv", "csv", "t", headers, [["=HYPERLINK(\"http://x\")", Decimal("-1.50")]])
    cell = load_workbook(tmp_path / "t.xlsx").active["A3"]
    assert cell.data_type == "s" and cell.value.startswith("=")
    assert read_rows(tmp_path / "t.csv")[2][1] == ["'=HYPERLINK(\"http://x\")", "-1.50"]
