"""`vledger export-table`: each view as CSV and XLSX opens with the csv module
and openpyxl, and its rows match the views cell by cell (yuan from fen, local
time from UTC, each row's event sequence and hash as the audit view has them)."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from projections import catch_up
from projections.queries import all_flags, audit_trail, balances, voucher_state
from projections.report import fortnight_report
from tests.cli import vledger
from tests.world import World

CHINA = timezone(timedelta(hours=8))


@pytest.fixture
def paid_world(world: World) -> tuple[World, Any]:
    paid = world.paid_voucher()
    world.enrolled_voucher()
    catch_up(world.ledger)
    return world, paid


def export(world: World, *args: str) -> Any:
    return vledger("export-table", *args, db=world.ledger.database_url,
                   env={"VLEDGER_KEYS": str(world.ledger.keys_dir)})


def read_xlsx(path: Path) -> list[list[Any]]:
    workbook = load_workbook(path, read_only=True)
    rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    return rows


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as source:
        return list(csv.reader(source))


def exported(world: World, tmp_path: Path, table: str, *filters: str) -> dict[str, list[dict[str, Any]]]:
    """The table as both formats, each row as {English header: cell}."""
    files = {}
    for file_format in ("xlsx", "csv"):
        out = tmp_path / f"{table}.{file_format}"
        result = export(world, table, "--format", file_format, "--out", str(out), *filters)
        assert result.returncode == 0, result.stderr
        rows = read_xlsx(out) if file_format == "xlsx" else read_csv(out)
        chinese, english = rows[0], rows[1]
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in header) for header in chinese)
        assert all(header.isascii() for header in english)
        files[file_format] = [dict(zip(english, row)) for row in rows[2:]]
    return files


def fen_of(cell: Any) -> int:
    """A yuan cell (a number in XLSX, text with two decimals in CSV) back to fen, exactly."""
    if isinstance(cell, str):
        assert cell.count(".") == 1 and len(cell.split(".")[1]) == 2, cell
    return int(Decimal(str(cell)) * 100)


def local(utc_text: str) -> str:
    moment = datetime.fromisoformat(utc_text.replace("Z", "+00:00"))
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def test_exported_audit_rows_match_the_audit_view_with_sequence_and_hash(paid_world, tmp_path: Path) -> None:
    world, _ = paid_world
    with world.ledger.engine.connect() as connection:
        view = audit_trail(connection, limit=10_000)
    files = exported(world, tmp_path, "audit", "--limit", "10000")
    for rows in files.values():
        assert len(rows) == len(view)
        for row, expected in zip(rows, view):
            assert int(row["event sequence"]) == expected["sequence"]
            assert row["event hash"] == expected["event_hash"]
            assert row["recorded at (Asia/Shanghai, UTC+8)"] == local(expected["recorded_at"])
            assert (row["command"], row["actor"], row["outcome"]) == (
                expected["command"], expected["actor"], expected["outcome"])


def test_exported_vouchers_carry_yuan_from_fen_and_their_last_event(paid_world, tmp_path: Path) -> None:
    world, paid = paid_world
    with world.ledger.engine.connect() as connection:
        state = voucher_state(connection, str(paid))
        hashes = {row["sequence"]: row["event_hash"] for row in audit_trail(connection, limit=10_000)}
    assert state["paid_fen"] > 0
    for rows in exported(world, tmp_path, "vouchers", "--status", "paid").values():
        assert [row["voucher"] for row in rows] == [str(paid)]
        row = rows[0]
        assert fen_of(row["paid (yuan)"]) == state["paid_fen"]
        assert fen_of(row["approved (yuan)"]) == state["approved_fen"]
        assert int(row["last event sequence"]) == state["last_sequence"]
        assert row["event hash"] == hashes[state["last_sequence"]]
        assert row["issued at (Asia/Shanghai, UTC+8)"] == local(state["issued_at"])


def test_exported_balances_sum_to_zero_and_match_the_view(paid_world, tmp_path: Path) -> None:
    world, _ = paid_world
    with world.ledger.engine.connect() as connection:
        sheet = balances(connection)
    expected = {row["account"]: row["balance_fen"] for row in sheet["accounts"]}
    for rows in exported(world, tmp_path, "balances").values():
        assert {row["account"]: fen_of(row["balance (yuan)"]) for row in rows} == expected
        assert sum(fen_of(row["balance (yuan)"]) for row in rows) == 0
        assert all(len(row["event hash"]) == 64 for row in rows)


def test_exported_report_and_flags_match_their_views(paid_world, tmp_path: Path) -> None:
    world, _ = paid_world
    day = world.clock.now.date()
    world.online(world.enrolled_voucher()[0], 45, face_checks_failed=2)
    catch_up(world.ledger)
    with world.ledger.engine.connect() as connection:
        report = fortnight_report(connection, day)
        flags = all_flags(connection)
    assert flags
    for rows in exported(world, tmp_path, "report", "--fortnight", day.isoformat()).values():
        assert [(row["region"], fen_of(row["paid (yuan)"])) for row in rows] == [
            (region["region"], region["paid_fen"]) for region in report["regions"]]
    for rows in exported(world, tmp_path, "flags").values():
        assert [(row["kind"], row["rule"], int(row["event sequence"])) for row in rows] == [
            (flag["kind"], flag["rule"], flag["sequence"]) for flag in flags]


@pytest.mark.parametrize("args, says", [
    (("ledgers", "--format", "csv", "--out", "x.csv"), "unknown table 'ledgers'"),
    (("audit", "--format", "pdf", "--out", "x.pdf"), "unknown format 'pdf'"),
    (("audit", "--format", "xlsx", "--out", "x.csv"), "make them agree"),
    (("flags", "--format", "csv", "--out", "x.csv", "--fortnight", "2023-03-01"), "does not take --fortnight"),
    (("report", "--format", "csv", "--out", "x.csv"), "needs --fortnight"),
])
def test_an_unknown_table_format_or_filter_is_refused_with_exit_2(world: World, tmp_path: Path, args, says) -> None:
    result = vledger("export-table", *args, db=world.ledger.database_url, cwd=tmp_path,
                     env={"VLEDGER_KEYS": str(world.ledger.keys_dir)})
    assert result.returncode == 2
    assert says in result.stderr
    assert not (tmp_path / args[-1]).exists()
