"""CSV and XLSX files as people at a bureau or a finance office open them:
two header rows (Chinese, then English), money in yuan with two decimals
written from integer fen without a float, times in China's local time
(Asia/Shanghai, said in the header). Writing serves `vledger export-table`
and the import outcome files; reading serves `vledger import`.

CSV is UTF-8 with a byte-order mark, so a spreadsheet opens the Chinese
headers as text. A file's format is its suffix: `.csv` or `.xlsx`."""

from __future__ import annotations

import csv
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence
from zoneinfo import ZoneInfo

from ledger.errors import BadInput

FORMATS = ("csv", "xlsx")
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")
LOCAL_CHINESE = "（北京时间）"
LOCAL_ENGLISH = " (Asia/Shanghai, UTC+8)"
MAX_READ_BYTES = 64 * 1024 * 1024
MAX_READ_ROWS = 100_000  # lines of a file, blank ones included
MAX_READ_COLUMNS = 64  # an import has about ten; cells further right are not read
MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # an XLSX's parts as its zip declares them, unpacked
MAX_CELL_CHARACTERS = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def format_of(path: Path, given: str | None = None) -> str:
    """`csv` or `xlsx`: the one given, which must agree with the suffix, else the suffix."""
    suffix = path.suffix.lower().lstrip(".")
    if given is not None and given not in FORMATS:
        raise BadInput(f"unknown format {given!r}; formats are: {', '.join(FORMATS)}")
    if given is not None and suffix in FORMATS and suffix != given:
        raise BadInput(f"{path.name} ends in .{suffix} but --format is {given}; make them agree")
    chosen = given or suffix
    if chosen not in FORMATS:
        raise BadInput(f"{path.name} is neither a .csv nor a .xlsx file")
    return chosen


def yuan(amount_fen: int) -> Decimal:
    """Integer fen as yuan with two decimals, exactly (no float on the way)."""
    sign = "-" if amount_fen < 0 else ""
    whole, cents = divmod(abs(int(amount_fen)), 100)
    return Decimal(f"{sign}{whole}.{cents:02d}")


def local_time(utc_text: str | None) -> str | None:
    """A stored UTC time (ISO 8601) as China's local time, to the second."""
    if not utc_text:
        return None
    moment = datetime.fromisoformat(utc_text.replace("Z", "+00:00"))
    return moment.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M:%S")


def write_table(path: Path, file_format: str, sheet: str, headers: Sequence[tuple[str, str]],
                rows: Iterable[Sequence[Any]]) -> int:
    """Writes two header rows (Chinese, English) and the rows; cells are str,
    int, Decimal (yuan, shown with two decimals) or None. Returns the row count."""
    if file_format == "csv":
        return _write_csv(path, headers, rows)
    return _write_xlsx(path, sheet, headers, rows)


def _write_csv(path: Path, headers: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([chinese for chinese, _ in headers])
        writer.writerow([english for _, english in headers])
        for row in rows:
            writer.writerow(["" if cell is None else _inert(cell) if isinstance(cell, str) else str(cell)
                             for cell in row])
            count += 1
    return count


def _write_xlsx(path: Path, sheet: str, headers: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.append([chinese for chinese, _ in headers])
    worksheet.append([english for _, english in headers])
    count = 0
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, Decimal):
                cell = WriteOnlyCell(worksheet, value=value)
                cell.number_format = "0.00"
                cells.append(cell)
            elif isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(worksheet, value=value)
                cell.data_type = "s"  # text, never a formula
                cells.append(cell)
            else:
                cells.append(value)
        worksheet.append(cells)
        count += 1
    workbook.save(path)
    return count


def _inert(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """Every non-empty row of the file's first sheet as text cells, with its
    row number as a spreadsheet shows it (1 = the first line). A file that is
    not a readable CSV or XLSX is refused in one sentence."""
    file_format = format_of(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise BadInput(f"cannot read {path}: {error.strerror}") from None
    if size > MAX_READ_BYTES:
        raise BadInput(f"{path.name} is larger than {MAX_READ_BYTES // (1024 * 1024)} MiB; split it")
    raw = _read_csv(path) if file_format == "csv" else _read_xlsx(path)
    rows = []
    for number, cells in raw:
        if number > MAX_READ_ROWS:
            raise BadInput(f"{path.name} has more than {MAX_READ_ROWS} rows; split it")
        texts = [_text(cell) for cell in cells[:MAX_READ_COLUMNS]]
        while texts and texts[-1] == "":
            texts.pop()
        if texts:
            rows.append((number, texts))
    return rows


def _read_csv(path: Path) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(f"{path.name} is not a UTF-8 CSV file; save it as CSV UTF-8 and try again") from None
    if "\x00" in text:
        raise BadInput(f"{path.name} is not a CSV file (it holds binary data)")
    longest = MAX_READ_COLUMNS * (MAX_CELL_CHARACTERS + 3)
    try:
        for number, line in enumerate(text.splitlines(), start=1):
            if len(line) > longest:  # refused before the reader splits it into cells
                raise BadInput(f"{path.name} line {number} is longer than {longest} characters")
            yield from ((number, row) for row in csv.reader([line]))
    except csv.Error as error:
        raise BadInput(f"{path.name} is not a readable CSV file: {error}") from None


def _read_xlsx(path: Path) -> Iterator[tuple[int, Sequence[Any]]]:
    """The first sheet's rows, read as they stream, at most MAX_READ_COLUMNS wide.
    A workbook whose parts unpack to more than MAX_UNPACKED_BYTES is refused
    before it is opened (a few kilobytes can declare gigabytes of cells)."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise BadInput(f"{path.name} unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MiB; split it")
        workbook = load_workbook(path, read_only=True, data_only=True)
    except BadInput:
        raise
    except Exception as error:  # zipfile.BadZipFile, openpyxl's InvalidFileException, a damaged part's parse error
        raise BadInput(f"{path.name} is not a readable XLSX workbook ({type(error).__name__})") from None
    try:
        rows = enumerate(workbook.worksheets[0].iter_rows(max_col=MAX_READ_COLUMNS, values_only=True), start=1)
        while True:
            try:
                numbered = next(rows)
            except StopIteration:
                return
            except Exception as error:  # a sheet part that stops parsing part-way
                raise BadInput(f"{path.name} is not a readable XLSX workbook ({type(error).__name__})") from None
            yield numbered
    finally:
        workbook.close()


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    text = str(cell).strip()
    if len(text) > MAX_CELL_CHARACTERS:
        return text[:MAX_CELL_CHARACTERS]
    return text
