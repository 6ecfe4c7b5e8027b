"""`vledger import roster|sessions|results` against a real `vledger serve`:
each row one signed command, the same file twice records once, a broken row
does not stop the others, a malformed file gets one sentence and exit 2, and
the roster template imports into a demo ledger."""

from __future__ import annotations

import csv
import json
import stat
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from ledger.application import VoucherLedger
from ledger.envelope import iso
from tests.cli import vledger
from tests.serve_support import Server, real_time_world
from tests.world import World


def rows_of(path: Path) -> list[list[str]]:
    if path.suffix == ".xlsx":
        workbook = load_workbook(path, read_only=True)
        rows = [["" if cell is None else str(cell) for cell in row] for row in workbook.worksheets[0].iter_rows(
            values_only=True)]
        workbook.close()
        return rows
    with path.open(encoding="utf-8-sig", newline="") as source:
        return list(csv.reader(source))


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def run_import(kind: str, path: Path, key: Path, server: Server, *extra: str):
    return vledger("import", kind, str(path), "--key", str(key), "--server", server.base, *extra, timeout=600)


def json_rows(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_roster_template_imports_into_a_demo_ledger_once(database_url: str, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    env = {"VLEDGER_KEYS": str(keys)}
    assert vledger("init", db=database_url, env=env).returncode == 0
    assert vledger("demo", "--vouchers", "1", db=database_url, env=env).returncode == 0
    bureau = keys / "demo" / "liaoning-bureau.json"
    template = tmp_path / "roster.xlsx"
    written = vledger("import", "roster", "--template", str(template))
    assert written.returncode == 0, written.stderr
    assert rows_of(template)[0][:2] == ["姓名", "身份证号"] and rows_of(template)[1][:2] == ["name", "national ID"]
    server = Server(SimpleNamespace(ledger=SimpleNamespace(database_url=database_url, keys_dir=keys))).start()
    try:
        first = run_import("roster", template, bureau, server, "--json")
        assert first.returncode == 0, first.stderr
        outcomes = json_rows(first)
        assert [row["outcome"] for row in outcomes] == ["recorded", "recorded"]
        assert [row["row"] for row in outcomes] == [3, 4]
        again = run_import("roster", template, bureau, server, "--json")
        assert again.returncode == 0, again.stderr
        assert [row["outcome"] for row in json_rows(again)] == ["already recorded", "already recorded"]
    finally:
        server.stop()
    outcome_file = tmp_path / "roster.outcome.xlsx"
    assert str(outcome_file.name) in again.stderr
    table = rows_of(outcome_file)
    outcome_column = table[1].index("outcome")
    assert [row[outcome_column] for row in table[2:]] == ["already recorded", "already recorded"]
    keys_file = tmp_path / "roster.trainee-keys.jsonl"
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    assert len(keys_file.read_text().splitlines()) == 2  # only the first run registered
    ledger = VoucherLedger(database_url, keys=keys)
    try:
        trainee, voucher = (uuid.UUID(value) for value in outcomes[1]["ids"])
        state = ledger.get(voucher)
        assert (state.status, state.trainee) == ("issued", str(trainee))
        assert ledger.get(trainee).allowance_groups == ["registered_poor"]
    finally:
        ledger.close()


@pytest.fixture
def served(world: World, tmp_path: Path):
    """The world at the real time with an enrolled voucher and a trained one, then `vledger serve` over it."""
    world = real_time_world(world)
    enrolled, _ = world.enrolled_voucher()
    trained, _ = world.enrolled_voucher()
    world.complete_hours(trained)
    keys = {}
    for name in ("bureau", "platform", "assessor"):
        keys[name] = tmp_path / f"{name}.json"
        getattr(world, name).save(keys[name])
    server = Server(world).start()
    yield world, server, keys, enrolled, trained
    server.stop()


def test_sessions_and_results_rows_record_and_a_broken_row_does_not_stop_the_others(served, tmp_path) -> None:
    world, server, keys, enrolled, trained = served
    sessions = write_csv(tmp_path / "sessions.csv", [
        ["培训券编号", "登录时间", "学习分钟", "人脸核验通过"],
        [str(enrolled), iso(world.clock.now), "45", "1"],
        [str(enrolled), iso(world.clock.now), "forty", "1"],
        [str(uuid.uuid4()), iso(world.clock.now), "45", "1"],
        [str(enrolled), iso(world.clock.now), "30", "1"],
    ])
    result = run_import("sessions", sessions, keys["platform"], server, "--json")
    assert result.returncode == 2  # some rows were refused; the outcome file says which
    outcomes = json_rows(result)
    assert [(row["row"], row["outcome"]) for row in outcomes] == [
        (2, "recorded"), (3, "refused"), (4, "refused"), (5, "recorded")]
    assert "minutes must be a whole number" in outcomes[1]["reason"]
    again = run_import("sessions", sessions, keys["platform"], server, "--json")
    assert [row["outcome"] for row in json_rows(again)] == ["already recorded", "refused", "refused",
                                                            "already recorded"]
    results = write_csv(tmp_path / "results.csv", [
        ["voucher", "passed", "certificate number", "certificate kind"],
        [str(trained), "是", "CERT-IMPORT-1", "training_qualified"],
        [str(enrolled), "maybe", "", ""],
        [str(enrolled), "是", "CERT-IMPORT-1", "training_qualified"],
    ])
    wrong_key = run_import("results", results, keys["platform"], server)
    assert wrong_key.returncode == 2 and "assessor" in wrong_key.stderr
    result = run_import("results", results, keys["assessor"], server, "--json")
    outcomes = json_rows(result)
    assert [row["outcome"] for row in outcomes] == ["recorded", "refused", "refused"]
    assert outcomes[2]["rule"] in ("L1", "L13")  # not yet trained enough (Liaoning's L1), or the certificate is taken
    ledger = VoucherLedger(world.ledger.database_url, keys=world.ledger.keys_dir)
    try:
        assert ledger.get(enrolled).online_minutes == 75
        assert ledger.get(trained).certificate_number == "CERT-IMPORT-1"
    finally:
        ledger.close()
    outcome_rows = rows_of(tmp_path / "results.outcome.csv")
    assert outcome_rows[0][-5:] == ["行号", "结果", "规则", "原因", "编号"]


@pytest.mark.parametrize("name, content, says", [
    ("roster.xlsx", b"this is no workbook", "is not a readable XLSX workbook"),
    ("roster.csv", "a,b\n1,2\n".encode(), "lacks the columns"),
    ("roster.csv", b"\xff\xfe\x00bad", "not a UTF-8 CSV"),
    ("roster.txt", b"name\n", "neither a .csv nor a .xlsx"),
    ("roster.csv", b"", "is empty"),
])
def test_a_malformed_file_gets_one_sentence_and_exit_2(tmp_path: Path, name: str, content: bytes, says: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = vledger("import", "roster", str(path), "--key", str(tmp_path / "none.json"),
                     "--server", "http://127.0.0.1:9")
    assert result.returncode == 2
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / f"roster.outcome{path.suffix}").exists()
