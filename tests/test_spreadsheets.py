"""api/spreadsheets.py: yuan from fen exactly, Beijing time, no cell a spreadsheet would run
as a formula, and a file read within bounds whatever it declares (an upload is an insider's input)."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from api import spreadsheets
from api.spreadsheets import local_time, read_rows, write_table, yuan
from ledger.errors import BadInput


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


def workbook_with_sheet(path: Path, sheet_xml: str) -> Path:
    """An XLSX whose first sheet is `sheet_xml`, as a hostile file would carry it."""
    Workbook().save(path)
    with zipfile.ZipFile(path) as source:
        parts = [(item, source.read(item.filename)) for item in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item, data in parts:
            out.writestr(item, sheet_xml.encode() if item.filename == "xl/worksheets/sheet1.xml" else data)
    return path


def sheet(rows: str, dimension: str) -> str:
    return ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>')


def cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def test_an_xlsx_is_read_at_most_max_read_columns_wide(tmp_path: Path) -> None:
    """A sheet that declares 16,384 columns (XFD) and puts a cell in the last one is read 64 wide:
    a few kilobytes must not become gigabytes of empty cells in the server."""
    rows = "".join(f'<row r="{n}">{cell(f"A{n}", "x")}{cell(f"XFD{n}", "far")}</row>' for n in range(1, 201))
    path = workbook_with_sheet(tmp_path / "wide.xlsx", sheet(rows, "A1:XFD200"))
    read = read_rows(path)
    assert len(read) == 200 and {len(cells) for _, cells in read} == {1}


def test_blank_lines_count_towards_the_row_limit(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(spreadsheets, "MAX_READ_ROWS", 50)
    rows = "".join(f'<row r="{n}"><c r="A{n}"/></row>' for n in range(1, 60)) + f'<row r="60">{cell("A60", "x")}</row>'
    with pytest.raises(BadInput, match="has more than 50 rows; split it"):
        read_rows(workbook_with_sheet(tmp_path / "blank.xlsx", sheet(rows, "A1:A60")))
    (tmp_path / "blank.csv").write_text("\n" * 60 + "x\n", encoding="utf-8")
    with pytest.raises(BadInput, match="has more than 50 rows; split it"):
        read_rows(tmp_path / "blank.csv")


def test_an_xlsx_that_unpacks_too_large_is_refused_before_it_is_opened(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "roster.xlsx"
    workbook = Workbook()
    for n in range(300):
        workbook.active.append([f"学员{n}", "x" * 100])
    workbook.save(path)
    unpacked = sum(item.file_size for item in zipfile.ZipFile(path).infolist())
    assert len(read_rows(path)) == 300
    monkeypatch.setattr(spreadsheets, "MAX_UNPACKED_BYTES", unpacked - 1)
    with pytest.raises(BadInput, match="roster.xlsx unpacks to more than"):
        read_rows(path)


def test_a_csv_line_too_long_to_be_a_row_is_refused_in_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "commas.csv").write_text("a,b\n" + "," * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(BadInput, match="commas.csv line 2 is longer than"):
        read_rows(tmp_path / "commas.csv")


def test_a_sheet_that_breaks_part_way_is_refused_in_one_sentence(tmp_path: Path) -> None:
    broken = sheet(f'<row r="1">{cell("A1", "x")}</row><row r="2"><c r="A2" t="inlineStr"><is><t>', "A1:A2")
    with pytest.raises(BadInput, match="broken.xlsx is not a readable XLSX workbook"):
        read_rows(workbook_with_sheet(tmp_path / "broken.xlsx", broken))
