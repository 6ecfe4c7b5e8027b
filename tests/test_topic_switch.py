"""Issue 13's promise at issue 16's switch point: where a log goes from
module-path topics to stable names, re-topicking the last old event (to its
stable name) or the first new one (to its module path) fails `vledger
verify` naming the event, because the kind of topic is sealed in the hashed
event type (docs/decisions/0048). ledger-v0.db's events in the test's
database (SQLite or PostgreSQL), upgraded, then one new command."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from ledger.application import VoucherLedger
from ledger.envelope import sign_command
from ledger.event_types import topics_of, type_name
from ledger.genesis import trust_root_key
from ledger.schema import upgrade
from ledger.signing import SigningKey
from ledger.transparency.checkpoints import log_identity, record_checkpoint
from ledger.transparency.export import stored_state
from tests.cli import vledger
from tests.tampering import Insider

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def upgraded_v0_with_a_new_command(database_url: str, keys: Path, checkpoint: bool = False) -> list[tuple[int, str]]:
    """ledger-v0.db's rows as that code stored them, in `database_url`, its
    tables upgraded, then a bureau registered by the trust root (a new command,
    stored under stable names); returns every (id, topic) in log order."""
    shutil.copytree(FIXTURES / "ledger-v0-keys", keys)
    with sqlite3.connect(FIXTURES / "ledger-v0.db") as connection:
        rows = connection.execute("select originator_id, originator_version, topic, state from vledger_events "
                                  "order by id").fetchall()
    ledger = VoucherLedger(database_url, keys=keys)
    try:
        upgrade(ledger.engine)
        ledger.recorder.insert_events([StoredEvent(UUID(bytes=row[0]), row[1], row[2], bytes(row[3]))
                                       for row in rows])
        party = uuid4()
        bureau = SigningKey.generate(actor=str(party), role="bureau")
        ledger.submit(sign_command(trust_root_key(keys), "register_party", party,
                                   {"role": "bureau", "public_key": bureau.public_key_b64, "region": "liaoning",
                                    "name": "新区人社局"}, signed_at=ledger.clock(),
                                   ledger=log_identity(ledger).origin))
        if checkpoint:
            record_checkpoint(ledger)
        return [(notification.id, notification.topic) for notification in ledger.notifications()]
    finally:
        ledger.close()


def other_kind(topic: str) -> str:
    """The same event type's topic of the other kind: stable ↔ module path
    (the topic itself for a type defined after issue 16, which has no module path)."""
    stable, *module_paths = topics_of(type_name(topic))
    return (module_paths[0] if module_paths else topic) if topic == stable else stable


def retopic(insider: Insider, row_id: int) -> str:
    """Stores the event under its type's topic of the other kind, its
    originator topic too, as a careful insider would; returns the new topic."""
    row = insider.rows("id = :id", id=row_id)[0]
    topic = other_kind(row.topic)
    state = json.loads(row.state)
    if "originator_topic" in state:
        state["originator_topic"] = topic.rsplit(".", 1)[0]
    insider.execute("update vledger_events set topic = :topic, state = :state where id = :id",
                    topic=topic, state=stored_state(state), id=row_id)
    return topic


def verify(database_url: str, keys: Path) -> dict:
    result = vledger("verify", "--processes", "1", "--json", db=database_url, env={"VLEDGER_KEYS": str(keys)})
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def switch_point(log: list[tuple[int, str]]) -> tuple[int, int]:
    """(id of the last event stored under a module path, id of the first under a stable name)."""
    first_new = next(index for index, (_id, topic) in enumerate(log) if topic.startswith("vledger:"))
    return log[first_new - 1][0], log[first_new][0]


@pytest.mark.parametrize("which", ["last old event to its stable name", "first new event to its module path"])
def test_j1_re_topicking_an_event_at_the_switch_point_fails_verify_naming_it(database_url: str, tmp_path: Path,
                                                                             which: str) -> None:
    log = upgraded_v0_with_a_new_command(database_url, tmp_path / "keys")
    last_old, first_new = switch_point(log)
    assert [topic for _id, topic in log[-4:]] == ["ledger.aggregates.indexes:Receipt.Recorded",
                                                  "vledger:Party.Registered", "vledger:KeyHolder.Held",
                                                  "vledger:Receipt.Recorded"]
    assert verify(database_url, tmp_path / "keys")["intact"]
    row_id = last_old if which.startswith("last old") else first_new
    insider = Insider(database_url, tmp_path)  # on SQLite, a copy
    topic = retopic(insider, row_id)
    assert topic == ("vledger:Receipt.Recorded" if row_id == last_old else "ledger.aggregates.party:Party.Registered")
    report = verify(insider.url, tmp_path / "keys")
    assert not report["intact"]
    assert report["first_problem"].startswith(f"event #{row_id} ")
    assert "its content does not match its own hash (altered)" in report["first_problem"]


@pytest.mark.parametrize("which", ["last old event to its stable name", "first new event to its module path"])
def test_j1_re_topicking_at_the_switch_point_with_hashes_recomputed_fails_verify(database_url: str, tmp_path: Path,
                                                                                which: str) -> None:
    """A forger who also recomputes the event's hash (with the topic's kind
    sealed, as the code does) changes its Merkle leaf: the tree store, which
    holds the leaf the checkpoint recorded after the new command signed,
    names it."""
    log = upgraded_v0_with_a_new_command(database_url, tmp_path / "keys", checkpoint=True)
    last_old, first_new = switch_point(log)
    row_id = last_old if which.startswith("last old") else first_new
    insider = Insider(database_url, tmp_path)
    retopic(insider, row_id)
    insider.rehash(row_id)
    report = verify(insider.url, tmp_path / "keys")
    assert not report["intact"], report
    assert report["first_problem"].startswith(f"event #{row_id} "), report  # the tree store's leaf is its old hash
