"""`vledger bench` runs end to end at a tiny size and its report has every
field (not a timed test: no number is asserted, only that each was measured
or named "not available" with a reason). And the fast canonical JSON the
hot paths use is byte for byte RFC 8785 (J1: hashes and signatures depend on it)."""

from __future__ import annotations

import json
import os
import math
import subprocess
import sys
from pathlib import Path

import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from sqlalchemy import select

from api.bench.bulk import grow_to
from api.bench.report import READ_OPERATIONS, REQUIRED_FIELDS
from api.bench.world import RECORDS_PER_VOUCHER, BenchWorld
from ledger.errors import BadInput
from ledger.signing import canonical_json
from projections import rebuild
from projections.flags import FLAGS
from projections.queries import rows_of

REPOSITORY = Path(__file__).resolve().parent.parent


def test_j1_bench_at_200_events_reports_every_measurement(tmp_path, database_url):
    """On the suite's database: a temporary SQLite file, or the test PostgreSQL (`--db`)."""
    out = tmp_path / "report.json"
    on_postgres = ("--db", database_url) if database_url.startswith("postgresql") else ()
    ran = subprocess.run([sys.executable, "-m", "api.cli", "bench", "--events", "200", "--out", str(out), *on_postgres],
                         cwd=REPOSITORY, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
                         env={**os.environ, "VLEDGER_KEYS": str(tmp_path / "keys")})
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert "append, application" in ran.stdout and "verify, 1 process" in ran.stdout
    report = json.loads(out.read_text())
    assert set(REQUIRED_FIELDS) <= set(report)
    assert report["machine"]["cores"] >= 1 and report["machine"]["database"] in ("sqlite", "postgresql")
    append = report["append"]
    for section in (append["application"], append["baseline"], append["group"], append["http"],
                    append["http"]["batches"]):
        assert section["commands"] > 0 and section["commands_per_second"] > 0
    assert "batches of" in ran.stdout
    assert append["ratio_to_baseline"] > 0
    for clients in (16, 64):
        section = append["http"][f"clients_{clients}"]
        assert section["clients"] == clients and section["commands"] == append["http"]["commands"]
        assert section["p99_ms"] >= section["p50_ms"] > 0 and section["commands_per_second"] > 0
    if report["machine"]["database"] == "postgresql":  # `vledger serve --workers 2`, 16 clients on each
        workers = append["http"]["workers"]
        assert workers["workers"] == 2 and workers["clients"] == 32 and workers["commands"] == append["http"]["commands"]
    else:
        assert "workers" not in append["http"]
    assert report["ed25519"]["verify_per_second_one_core"] > 0
    assert report["bulk"][-1]["to_events"] == 200 and report["reads"][-1]["events"] >= 200
    for operation in READ_OPERATIONS:
        section = report["reads"][-1][operation]
        assert section.get("p99_ms", 0) >= section.get("p50_ms", 0) >= 0 or section["reason"]
    for key in ("one_process", "all_cores", "vledger_verify"):
        section = report["verification"][key]
        assert section.get("intact") is True or section["reason"]
    rebuild = report["projection_rebuild"]
    assert rebuild.get("events_per_second", 0) > 0 or rebuild["reason"]
    assert report["memory"]["server_peak_rss_kib"] > 0
    assert all(kib is None or kib > 0 for kib in report["memory"]["verifier_peak_rss_kib_by_events"].values())
    assert set(report["targets"]) >= {"append_vs_baseline", "group_ingestion_vs_ed25519_all_cores",
                                      "inclusion_proof_p99_ms", "voucher_history_p99_ms"}
    assert all(target["met"] in (True, False, None) for target in report["targets"].values())


def test_bench_refuses_an_event_count_out_of_range():
    ran = subprocess.run([sys.executable, "-m", "api.cli", "bench", "--events", "5"], cwd=REPOSITORY,
                         capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert ran.returncode == 2 and "--events must be from 100" in ran.stderr


json_scalars = st.none() | st.booleans() | st.integers(min_value=-(2**60), max_value=2**60) | st.text()
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20)


def _reference(value):
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError):
        return BadInput


def _ours(value):
    try:
        return canonical_json(value)
    except BadInput:
        return BadInput


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_j1_canonical_json_is_rfc8785_byte_for_byte(value):
    assert _ours(value) == _reference(value)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(alphabet=st.characters(min_codepoint=0xD7F0, max_codepoint=0x1F600)),
                       st.floats(allow_nan=False, allow_infinity=False) | st.integers(), max_size=5))
def test_j1_canonical_json_sorts_keys_by_utf16_and_writes_floats_like_rfc8785(value):
    assert _ours(value) == _reference(value)


def test_j1_canonical_json_refuses_what_rfc8785_refuses():
    for value in ({"amount": 2**53}, {"x": "\ud800"}, {"x": math.nan}, {1: "a"}, {"x": object()}):
        assert _ours(value) is BadInput


def test_the_bench_log_is_a_timetable_not_a_fraud_pattern(ledger) -> None:
    """The bench's sessions keep a class's timetable: inside the class period, after the
    approval, never two of one trainee at once, so its views hold no fraud flag and a
    rebuild measures the views a real log has (the log's times still only move forward)."""
    world = BenchWorld(ledger)
    voucher = world.enrolled_voucher()
    for index in range(RECORDS_PER_VOUCHER):
        world.submit(world.learning_record(voucher, index))
    grow_to(world, ledger.max_notification_id() + 300)
    rebuild(ledger)
    state = ledger.get(voucher)
    assert state.online_minutes + state.offline_minutes > 0 and state.sessions_outside_class_period == 0
    with ledger.engine.connect() as connection:
        assert rows_of(connection, select(FLAGS.table)) == []
    recorded = [json.loads(n.state)["seal"]["recorded_at"] for n in ledger.notifications()]
    assert recorded == sorted(recorded)
