"""The command line end to end on a temporary SQLite file: init, demo, quote,
history, verify; bad input exits 2 with one sentence and changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli import vledger, vledger_json


@pytest.fixture
def sqlite_db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_quote_hengyang_shortage_example_from_h2_and_h3() -> None:
    quote = vledger_json("quote", "--region", "hunan-hengyang", "--standard-yuan", "800", "--shortage",
                         "--filed-on", "2020-04-01")
    assert quote["total_fen"] == 132000
    assert quote["payments"] == [{"stage": "prepayment", "fen": 39600, "payee": "institution"},
                                 {"stage": "balance", "fen": 92400, "payee": "institution"}]
    assert quote["eligible"] is True and quote["refusals"] == []
    assert sum(step["fen"] for step in quote["steps"]) == 132000


def test_quote_shandong_pays_online_and_offline_segments() -> None:
    quote = vledger_json("quote", "--region", "shandong", "--standard-yuan", "1000", "--filed-on", "2020-06-01",
                         "--segmented", "--total-class-hours", "100", "--online-minutes", "1800")
    assert quote["payments"] == [{"stage": "online", "fen": 20000, "payee": "platform"},
                                 {"stage": "offline", "fen": 80000, "payee": "institution"}]


def test_quote_refusal_by_a_rule_is_an_answer_with_exit_0() -> None:
    quote = vledger_json("quote", "--region", "liaoning", "--standard-yuan", "1000", "--filed-on", "2023-02-01",
                         "--total-class-hours", "10", "--online-minutes", "270")
    assert quote["eligible"] is False
    assert quote["refusals"][0]["rule"] == "L1"


@pytest.mark.parametrize("args, phrase", [
    (["--region", "mars", "--standard-yuan", "800", "--filed-on", "2020-04-01"], "mars"),
    (["--region", "liaoning", "--standard-yuan", "8.001", "--filed-on", "2023-04-01"], "two decimals"),
    (["--region", "liaoning", "--standard-yuan", "800", "--filed-on", "2023-02-30"], "date"),
    (["--region", "liaoning", "--standard-yuan", "800", "--filed-on", "2023-04-01", "--occupation-type", "magic"],
     "occupation-type"),
])
def test_quote_malformed_input_exits_2_with_one_sentence(args: list[str], phrase: str) -> None:
    result = vledger("quote", *args)
    assert result.returncode == 2
    assert phrase in result.stderr
    assert "Traceback" not in result.stderr


def test_init_demo_history_verify_end_to_end(sqlite_db: str, tmp_path: Path) -> None:
    assert vledger("init", db=sqlite_db).returncode == 0
    again = vledger("init", db=sqlite_db)
    assert again.returncode == 2 and "already initialised" in again.stderr
    report = vledger_json("demo", "--vouchers", "20", db=sqlite_db)
    assert report["vouchers_by_status"]["paid"] >= 10
    assert {"S2", "N3", "H7", "H4", "H5", "L12", "InvalidSignature", "RoleNotAllowed"} <= set(report["refused_by_rule"])
    assert {"N4", "S4", "L13", "L6", "occupation_code", "H2", "H3", "L7"} <= set(report["refused_by_rule"])
    assert {"S2", "N4", "S4", "H3", "H5", "L6"} <= set(report["walked_by_rule"])
    assert (tmp_path / "cli-keys" / "demo").is_dir()
    verified = vledger_json("verify", db=sqlite_db)
    assert verified["intact"] is True
    assert verified["events_checked"] == report["events_recorded"] + 2

    connection = sqlite3.connect(tmp_path / "cli.db")
    voucher_id = connection.execute(
        "select originator_id from vledger_events where topic like '%Voucher.Paid' limit 1").fetchone()[0]
    import uuid

    rows = vledger_json("history", "--voucher", str(uuid.UUID(bytes=voucher_id)), db=sqlite_db)
    assert [row["event"] for row in rows][:4] == ["Issued", "Claimed", "InstitutionChosen", "Enrolled"]
    assert rows[-1]["event"] == "Paid" and rows[-1]["role"] == "finance"
    assert all(row["key_id"] and row["event_hash"] for row in rows)


def test_verify_names_the_first_altered_event_and_exits_1(sqlite_db: str, tmp_path: Path) -> None:
    assert vledger("init", db=sqlite_db).returncode == 0
    assert vledger("demo", "--vouchers", "5", db=sqlite_db).returncode == 0
    connection = sqlite3.connect(tmp_path / "cli.db")
    row_id, state = connection.execute(
        "select id, state from vledger_events where topic like '%Voucher.Paid' limit 1").fetchone()
    connection.execute("update vledger_events set state = ? where id = ?",
                       (state.replace(b'"amount_fen":', b'"amount_fen":9'), row_id))
    connection.commit()
    result = vledger("verify", db=sqlite_db)
    assert result.returncode == 1
    assert f"event #{row_id}" in result.stderr


def test_commands_on_a_missing_ledger_say_so(sqlite_db: str) -> None:
    result = vledger("history", "--voucher", "6f1c1d8e-5b0e-4f43-9a55-0c7a5e1d2b10", db=sqlite_db)
    assert result.returncode == 2 and "vledger init" in result.stderr


def test_history_of_an_unknown_voucher_and_a_malformed_id_exit_2(sqlite_db: str) -> None:
    assert vledger("init", db=sqlite_db).returncode == 0
    unknown = vledger("history", "--voucher", "6f1c1d8e-5b0e-4f43-9a55-0c7a5e1d2b10", db=sqlite_db)
    assert unknown.returncode == 2 and "does not exist" in unknown.stderr
    malformed = vledger("history", "--voucher", "12", db=sqlite_db)
    assert malformed.returncode == 2 and "UUID" in malformed.stderr


def test_unsupported_database_url_is_refused(tmp_path: Path) -> None:
    result = vledger("init", "--db", "mysql://localhost/x")
    assert result.returncode == 2 and "not supported" in result.stderr
