"""The result of the last full verification, for the ledger page: one row per
run of `vledger verify` in a small table beside the log
(`vledger_verifications`). It is a note for people, never evidence: the
page says when and what `vledger verify` found; anyone can run it again.

`record_verification(engine, report_json)` is for the verify command to call
with the JSON it prints (`Report.to_json()` plus its view comparison)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Text, insert, inspect, select
from ledger.side_tables import create_once

MAX_SUMMARY_CHARACTERS = 20_000

metadata = MetaData()
verifications_table = Table(
    "vledger_verifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("finished_at", String(40), nullable=False),
    Column("intact", Boolean, nullable=False),
    Column("events_checked", Integer, nullable=False),
    Column("checkpoints_checked", Integer, nullable=False),
    Column("first_problem", Text),
    Column("summary", Text, nullable=False),
)


def record_verification(engine, report_json: dict[str, Any], finished_at: datetime | None = None) -> None:
    """Stores one verification run (the report as `vledger verify --json` prints it)."""
    create_once(metadata, engine)
    moment = (finished_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    problem = report_json.get("first_problem")
    with engine.begin() as connection:
        connection.execute(insert(verifications_table).values(
            finished_at=moment.strftime("%Y-%m-%dT%H:%M:%SZ"), intact=problem is None,
            events_checked=int(report_json.get("events_checked") or 0),
            checkpoints_checked=int(report_json.get("checkpoints_checked") or 0),
            first_problem=None if problem is None else str(problem)[:2000],
            summary=json.dumps(report_json, default=str)[:MAX_SUMMARY_CHARACTERS]))


def last_verification(engine) -> dict[str, Any] | None:
    """The last recorded run, or None when `vledger verify` never recorded one."""
    if not inspect(engine).has_table(verifications_table.name):
        return None
    with engine.connect() as connection:
        row = connection.execute(select(verifications_table).order_by(verifications_table.c.id.desc())
                                 .limit(1)).mappings().first()
    if row is None:
        return None
    summary = (f"intact: {row['events_checked']} events and {row['checkpoints_checked']} checkpoints verified"
               if row["intact"] else f"NOT intact: {row['first_problem']}")
    return {"finished_at": row["finished_at"], "intact": row["intact"], "events": row["events_checked"],
            "checkpoints": row["checkpoints_checked"], "first_problem": row["first_problem"], "summary": summary}
