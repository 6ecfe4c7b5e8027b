"""What an insider with write access to the database can do: raw SQL on the
events and checkpoint tables (on a copy of a SQLite file, or on the test's
PostgreSQL database), including recomputing hashes so the chain still links."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ledger.chain import event_hash, hashed_record
from ledger.envelope import sign_command
from ledger.event_types import hashed_type, stored_version
from ledger.signing import SigningKey
from ledger.transparency.export import stored_state as stored_bytes  # what a careful forger writes


class Insider:
    def __init__(self, database_url: str, tmp_path: Path) -> None:
        url = make_url(database_url)
        if url.get_backend_name() == "sqlite":
            copy = tmp_path / "insider-copy.db"
            source, target = sqlite3.connect(url.database), sqlite3.connect(copy)
            source.backup(target)
            source.close()
            target.close()
            self.url = f"sqlite:///{copy}"
        else:
            self.url = database_url
        self.engine = create_engine(self.url)

    def rows(self, where: str = "1 = 1", **params: Any) -> list:
        with self.engine.connect() as connection:
            return list(connection.execute(text(
                f"select id, originator_id, originator_version, topic, state from vledger_events where {where} "
                "order by id"), params))

    def execute(self, sql: str, **params: Any) -> None:
        with self.engine.begin() as connection:
            connection.execute(text(sql), params)

    def set_state(self, row_id: int, state: bytes) -> None:
        self.execute("update vledger_events set state = :state where id = :id", state=state, id=row_id)

    def rehash(self, row_id: int) -> None:
        """Recomputes one event's own hash and relinks every later event of
        its aggregate, as a careful forger would."""
        row = self.rows("id = :id", id=row_id)[0]
        for later in self.rows("originator_id = :aggregate and originator_version >= :version",
                               aggregate=row.originator_id, version=row.originator_version):
            state = json.loads(later.state)
            if later.originator_version > row.originator_version:
                state["seal"]["previous_hash"] = previous
            state["seal"]["event_hash"] = event_hash(record_of(later, state))
            previous = state["seal"]["event_hash"]
            self.set_state(later.id, stored_bytes(state))

    def plant(self, after_row_id: int, key: SigningKey, command: str, body: dict[str, Any],
              signature: str | None = None, envelope: dict[str, Any] | None = None) -> int:
        """Appends a well-hashed, well-linked event to the aggregate of
        `after_row_id` (its last event), signed as given; returns its id."""
        last = self.rows("id = :id", id=after_row_id)[0]
        last_state = json.loads(last.state)
        if envelope is None:
            signed = sign_command(key, command, _uuid(last.originator_id), body)
            envelope, signature = signed["envelope"], signature or signed["signature"]
        timestamp = {"_type_": "datetime_iso", "_data_": last_state["timestamp"]["_data_"]}
        state = {"timestamp": timestamp, "facts": last_state["facts"], "seal": {
            "recorded_at": last_state["seal"]["recorded_at"], "previous_hash": last_state["seal"]["event_hash"],
            "envelope": envelope, "signature": signature}}
        planted = type("Row", (), {"originator_id": last.originator_id, "originator_version": last.originator_version + 1,
                                   "topic": last.topic})
        state["seal"]["event_hash"] = event_hash(record_of(planted, state))
        self.execute("insert into vledger_events (originator_id, originator_version, topic, state) "
                     "select originator_id, :version, topic, :state from vledger_events where id = :id",
                     version=last.originator_version + 1, state=stored_bytes(state), id=after_row_id)
        return self.rows("1 = 1")[-1].id


    def append_command(self, signed: dict[str, Any], events: list[tuple[Any, str, dict[str, Any]]], *,
                       receipt_id: Any = None) -> list[int]:
        """Appends a whole, well-formed command at the end of the log, as a
        careful forger would: each `(aggregate id, topic, facts)` as the next
        event of its aggregate, hashed and linked, with the library timestamp
        its recorded_at gives, then the command's receipt (at `receipt_id`,
        by default the one its command_id names). Returns the new ids."""
        from ledger.aggregates.indexes import Receipt

        envelope, signature = signed["envelope"], signed["signature"]
        recorded_at = json.loads(self.rows()[-1].state)["seal"]["recorded_at"]
        receipt = (receipt_id or Receipt.id_for(envelope["command_id"]), "vledger:Receipt.Recorded",
                   {"result": {"command_id": envelope["command_id"]}, "envelope_hash": "0" * 64})
        return [self._append(_uuid(aggregate_id), topic, facts, envelope, signature, recorded_at)
                for aggregate_id, topic, facts in (*events, receipt)]

    def _append(self, aggregate_id, topic: str, facts: dict[str, Any], envelope: dict[str, Any], signature: str,
                recorded_at: str) -> int:
        from ledger.aggregates.chained import library_timestamp
        from ledger.chain import GENESIS_PREVIOUS_HASH

        stored_id = aggregate_id.bytes if self.url.startswith("sqlite") else str(aggregate_id)
        earlier = self.rows("originator_id = :aggregate", aggregate=stored_id)
        version = earlier[-1].originator_version + 1 if earlier else 1
        state: dict[str, Any] = {"timestamp": {"_type_": "datetime_iso",
                                               "_data_": library_timestamp(recorded_at).isoformat()}}
        if version == 1:
            state["originator_topic"] = topic.rsplit(".", 1)[0]
        state["facts"] = facts
        previous_hash = json.loads(earlier[-1].state)["seal"]["event_hash"] if earlier else GENESIS_PREVIOUS_HASH
        state["seal"] = {"recorded_at": recorded_at, "previous_hash": previous_hash, "envelope": envelope,
                         "signature": signature}
        row = type("Row", (), {"originator_id": aggregate_id, "originator_version": version, "topic": topic})
        state["seal"]["event_hash"] = event_hash(record_of(row, state))
        self.execute("insert into vledger_events (originator_id, originator_version, topic, state) "
                     "values (:aggregate, :version, :topic, :state)",
                     aggregate=stored_id, version=version, topic=topic, state=stored_bytes(state))
        return self.rows()[-1].id


def _uuid(value: Any):
    import uuid

    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, bytes):
        return uuid.UUID(bytes=value)
    return uuid.UUID(str(value))


def record_of(row: Any, state: dict[str, Any]) -> dict[str, Any]:
    seal = state["seal"]
    return hashed_record(aggregate_id=str(_uuid(row.originator_id)), aggregate_version=row.originator_version,
                         event_type=hashed_type(row.topic, stored_version(state)), recorded_at=seal["recorded_at"],
                         previous_hash=seal["previous_hash"], envelope=seal["envelope"],
                         signature=seal["signature"], facts=state["facts"])
