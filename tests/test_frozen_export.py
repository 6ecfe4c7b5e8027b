"""Issue 16: an export made by the code before events had stable type names
and schema versions (tests/fixtures/export-before-issue-16) verifies, against
the checkpoint saved that day, replays to what it said that day, and, loaded
into a database, rebuilds views equal to a fresh replay, forever."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from fastapi.testclient import TestClient

from api.http.app import create_app

from ledger.application import VoucherLedger
from ledger.schema import upgrade
from ledger.transparency.export import read_events
from projections.events import decode_row
from projections.replay import replay, replay_summary
from tests.cli import vledger

FROZEN = Path(__file__).resolve().parent / "fixtures" / "export-before-issue-16"
FROZEN_EVENTS = 978


def unpacked(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    for name in ("keys.json", "checkpoints.jsonl"):
        shutil.copy(FROZEN / name, folder / name)
    (folder / "events.jsonl").write_bytes(gzip.decompress((FROZEN / "events.jsonl.gz").read_bytes()))
    return folder


def test_the_frozen_export_verifies_against_the_checkpoint_saved_that_day(tmp_path: Path) -> None:
    folder = unpacked(tmp_path)
    trust_root = json.loads((FROZEN / "keys.json").read_text())["trust_root_public_key"]
    result = vledger("verify", "--export", str(folder), "--checkpoint", str(FROZEN / "checkpoint.json"),
                     "--trust-root", trust_root, "--processes", "1", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["intact"] and report["events_checked"] == FROZEN_EVENTS
    assert report["saved_checkpoint"]["tree_size"] == FROZEN_EVENTS


def test_the_frozen_export_replays_to_what_it_said_that_day(tmp_path: Path) -> None:
    events = [decode_row(row.id, row.originator_id, row.originator_version, row.topic, row.state)
              for row in read_events(unpacked(tmp_path))]
    summary = replay_summary(replay(events), events[-1].sequence)
    frozen = json.loads((FROZEN / "replayed.json").read_text())
    assert len(events) == frozen["events"] == FROZEN_EVENTS
    assert summary["vouchers_by_status"] == frozen["vouchers_by_status"]
    assert summary["balances_by_kind"] == frozen["balances_by_kind"]


def test_a_tampered_event_of_the_frozen_export_fails_verification(tmp_path: Path) -> None:
    folder = unpacked(tmp_path)
    lines = (folder / "events.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if ':Voucher.Enrolled"' in line)
    row = json.loads(lines[at])
    row["state"]["facts"]["total_class_hours"] += 1
    lines[at] = json.dumps(row, ensure_ascii=False) + "\n"
    (folder / "events.jsonl").write_text("".join(lines), encoding="utf-8")
    result = vledger("verify", "--export", str(folder), "--processes", "1", "--json")
    assert result.returncode == 1
    assert f"event #{row['notification_id']}" in json.loads(result.stdout)["first_problem"]
    assert "does not match its own hash" in json.loads(result.stdout)["first_problem"]


def test_the_frozen_export_loaded_into_a_database_rebuilds_views_equal_to_a_fresh_replay(
        database_url: str, tmp_path: Path) -> None:
    """The stored rows exactly as exported, written by the event library's own
    recorder (as the ledger of that day had them): the public key log lists
    every key of the old topics, the views rebuild, and `vledger verify` finds
    the log intact and the views equal to a fresh replay."""
    ledger = VoucherLedger(database_url, keys=tmp_path / "keys")
    try:
        upgrade(ledger.engine)
        ledger.recorder.insert_events([StoredEvent(UUID(row.originator_id), row.originator_version, row.topic,
                                                   row.state) for row in read_events(unpacked(tmp_path))])
        assert [n.topic for n in ledger.notifications()][:1] == ["ledger.aggregates.party:Party.Registered"]
        key_log = TestClient(create_app(ledger=ledger)).get("/v1/keys", params={"limit": 100}).json()
        exported_keys = json.loads((FROZEN / "keys.json").read_text())["party_keys"]
        assert [item["key_id"] for item in key_log["items"]] == [key["key_id"] for key in exported_keys]
    finally:
        ledger.close()
    rebuilt = vledger("rebuild", db=database_url)
    assert rebuilt.returncode == 0, rebuilt.stderr
    result = vledger("verify", "--checkpoint", str(FROZEN / "checkpoint.json"), "--processes", "1", "--json",
                     db=database_url)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["events_checked"] == FROZEN_EVENTS and report["views"] == "equal to a fresh replay"
