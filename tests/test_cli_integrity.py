"""The command line's integrity commands on one small demo ledger (issue 13,
item 10): `init --if-missing`, `demo --if-empty`, `verify --checkpoint`,
`draw`, `replay --as-of TIME`, and `proof consistency --from 0` refused as the
reference verifiers refuse it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.cli import vledger, vledger_json


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> tuple[str, Path]:
    """A demo ledger (5 vouchers) with a checkpoint an inspector saved."""
    folder = tmp_path_factory.mktemp("cli")
    db = f"sqlite:///{folder / 'demo.db'}"
    assert vledger("init", db=db).returncode == 0
    assert vledger("demo", "--vouchers", "5", db=db).returncode == 0
    assert vledger("checkpoint", db=db).returncode == 0
    (folder / "saved.json").write_text(json.dumps(vledger_json("checkpoint", "--latest", db=db)))
    return db, folder


def event_count(folder: Path) -> int:
    with sqlite3.connect(folder / "demo.db") as connection:
        return connection.execute("select count(*) from vledger_events").fetchone()[0]


def test_init_if_missing_creates_a_missing_ledger_and_leaves_an_existing_one_alone(demo_db, tmp_path) -> None:
    db, folder = demo_db
    before = event_count(folder)
    again = vledger("init", "--if-missing", db=db)
    assert again.returncode == 0 and "already initialised" in again.stdout
    assert event_count(folder) == before
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert vledger("init", "--if-missing", db=fresh).returncode == 0
    assert vledger_json("verify", db=fresh)["events_checked"] == 2  # genesis and its receipt


def test_demo_if_empty_skips_a_ledger_with_data_and_without_it_refuses(demo_db) -> None:
    db, folder = demo_db
    before = event_count(folder)
    skipped = vledger("demo", "--vouchers", "1", "--if-empty", db=db)
    assert skipped.returncode == 0 and "demo skipped" in skipped.stdout
    refused = vledger("demo", "--vouchers", "1", db=db)
    assert refused.returncode == 2 and "freshly initialised" in refused.stderr
    assert event_count(folder) == before


def test_j1_verify_checkpoint_checks_the_saved_checkpoint_and_exits_1_on_one_that_differs(demo_db, tmp_path) -> None:
    db, folder = demo_db
    saved = json.loads((folder / "saved.json").read_text())
    report = vledger_json("verify", "--checkpoint", str(folder / "saved.json"), db=db)
    assert report["intact"] and report["saved_checkpoint"]["root_hash"] == saved["root_hash"]
    forked = tmp_path / "forked.json"
    forked.write_text(json.dumps({**saved, "root_hash": "ab" * 32}))
    result = vledger("verify", "--checkpoint", str(forked), db=db)
    assert result.returncode == 1
    assert f"checkpoint at tree size {saved['tree_size']}" in result.stderr and "Merkle root" in result.stderr


def test_l11_draw_picks_the_same_targets_from_the_same_checkpoint_and_refuses_a_forged_one(demo_db, tmp_path) -> None:
    db, folder = demo_db
    first = vledger_json("draw", "--checkpoint", str(folder / "saved.json"), "--count", "2", db=db)
    again = vledger_json("draw", "--checkpoint", str(folder / "saved.json"), "--count", "2", db=db)
    assert len(first["chosen"]) == 2 and first["chosen"] == again["chosen"] and first["recipe"]
    assert first["population"] >= 2
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({**json.loads((folder / "saved.json").read_text()), "root_hash": "cd" * 32}))
    result = vledger("draw", "--checkpoint", str(forged), "--count", "2", db=db)
    assert result.returncode == 1 and "checkpoint" in result.stderr


def test_replay_as_of_a_time_is_the_log_up_to_the_last_event_recorded_by_then(demo_db) -> None:
    db, folder = demo_db
    with sqlite3.connect(folder / "demo.db") as connection:
        rows = [(row[0], json.loads(row[1])["seal"]["recorded_at"])
                for row in connection.execute("select id, state from vledger_events order by id")]
    sequence, moment = rows[len(rows) // 2]
    last_by_then = max(row_id for row_id, recorded_at in rows if recorded_at <= moment)
    by_time = vledger_json("replay", "--as-of", moment, db=db)
    by_sequence = vledger_json("replay", "--as-of", str(last_by_then), db=db)
    assert by_time["as_of"]["sequence"] == last_by_then >= sequence
    assert by_time == by_sequence
    assert by_time["vouchers_by_status"] != vledger_json("replay", "--as-of", str(rows[-1][0]), db=db)[
        "vouchers_by_status"]
    early = vledger("replay", "--as-of", "2000-01-01T00:00:00Z", db=db)
    assert early.returncode == 2 and "nothing was recorded by then" in early.stderr


def test_j1_proof_consistency_from_tree_size_0_exits_2_with_a_sentence(demo_db) -> None:
    """transparency-dev/merkle and Go's tlog refuse a consistency proof from
    the empty tree; so does `vledger proof consistency`."""
    db, _folder = demo_db
    result = vledger("proof", "consistency", "--from", "0", "--to", "5", db=db)
    assert result.returncode == 2 and result.stdout == ""
    assert "from tree size 0 proves nothing" in result.stderr
    assert vledger_json("proof", "consistency", "--from", "1", "--to", "5", db=db)["first"] == 1
