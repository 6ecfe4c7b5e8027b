"""Issue 16, events that can change shape: stable type names, historical
module-path topics as aliases, one upcaster chain read alike by the
aggregates, the views' decoder and the verifier (docs/decisions/0046)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import event
from eventsourcing.persistence import Notification, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

from ledger.aggregates.chained import Chained
from ledger.aggregates.filing import ClassFiling
from ledger.aggregates.voucher import Voucher
from ledger.application import VoucherLedger
from ledger.chain import GENESIS_PREVIOUS_HASH, event_hash, hashed_record, seal
from ledger.envelope import sign_command
from ledger.event_types import (HISTORICAL_TOPICS, UnknownEventType, hashed_type, schema_version, type_name,
                                upcast, upcaster)
from ledger.genesis import trust_root_key
from ledger.schema import upgrade
from ledger.signing import SigningKey
from ledger.transparency.checkpoints import log_identity
from ledger.transparency.export import stored_state
from ledger.verify_content import content_problem
from projections.events import decode, decode_row, from_domain_event
from tests.cli import vledger

FIXTURES = Path(__file__).resolve().parent / "fixtures"


# --- a test-only event type with one upcaster: v1 `{"reading": "12.5"}` becomes v2 `{"reading_milli": 12500}`


@upcaster("TestGauge.Read", 1)
def _reading_in_milli(facts: dict[str, Any]) -> dict[str, Any]:
    return {"reading_milli": round(float(facts["reading"]) * 1000)}


class TestGauge(Chained):
    __test__ = False  # not a test class
    TOPIC = "vledger:TestGauge"

    @event("Read")
    def __init__(self, id: UUID, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.reading_milli: int = facts["reading_milli"]
        self.link(seal)


def _stored_gauge(facts: dict[str, Any], version: int) -> tuple[UUID, bytes]:
    """A stored first event of a gauge, sealed at schema `version` as the ledger seals."""
    gauge = uuid4()
    recorded_at = "2026-12-05T08:00:00.000000Z"
    envelope = {"command_id": str(uuid4()), "actor": str(uuid4()), "key_id": "k", "signed_at": recorded_at,
                "command": "read_gauge", "target": str(gauge), "body": {}}
    record = hashed_record(aggregate_id=str(gauge), aggregate_version=1,
                           event_type=hashed_type("vledger:TestGauge.Read", version), recorded_at=recorded_at,
                           previous_hash=GENESIS_PREVIOUS_HASH, envelope=envelope, signature="c2lnbmVk",
                           facts=facts)
    state: dict[str, Any] = {"timestamp": {"_type_": "datetime_iso", "_data_": "2026-12-05T08:00:00+00:00"},
                             "originator_topic": "vledger:TestGauge", "facts": facts, "seal": seal(record)}
    if version > 1:
        state["class_version"] = version
    return gauge, stored_state(state)


def test_a_test_only_type_takes_its_version_and_the_librarys_upcast_method_from_the_one_chain() -> None:
    assert schema_version("TestGauge.Read") == TestGauge.Read.class_version == 2
    assert get_topic(TestGauge.Read) == "vledger:TestGauge.Read"
    state = {"facts": {"reading": "1.5"}}
    TestGauge.Read.upcast_v1_v2(state)
    assert state == {"facts": {"reading_milli": 1500}}


def test_an_event_stored_at_v1_is_read_at_v2_by_aggregate_views_and_verifier() -> None:
    gauge, state = _stored_gauge({"reading": "12.5"}, 1)
    topic = "vledger:TestGauge.Read"
    ledger = VoucherLedger("sqlite:///:memory:")
    domain_event = ledger.mapper.to_domain_event(StoredEvent(gauge, 1, topic, state))
    assert domain_event.facts == {"reading_milli": 12500}
    assert domain_event.mutate(None).reading_milli == 12500  # the aggregate
    assert decode_row(7, gauge.bytes, 1, topic, state).facts == {"reading_milli": 12500}  # the views
    assert from_domain_event(domain_event, 7).facts == {"reading_milli": 12500}  # through the library's runner
    assert content_problem((1, 7, str(gauge), 1, topic, state, "")) is None  # the verifier: hash over v1 bytes
    assert json.loads(state)["facts"] == {"reading": "12.5"}  # stored bytes never rewritten


def test_an_event_recorded_at_v2_seals_its_version_and_is_read_as_is() -> None:
    gauge, state = _stored_gauge({"reading_milli": 250}, 2)
    topic = "vledger:TestGauge.Read"
    assert content_problem((1, 7, str(gauge), 1, topic, state, "")) is None
    assert decode_row(7, gauge.bytes, 1, topic, state).facts == {"reading_milli": 250}
    dropped = state.replace(b',"class_version":2', b"")  # claims v1: the sealed type says v2
    assert "does not match its own hash" in content_problem((1, 7, str(gauge), 1, topic, dropped, ""))


def test_an_event_from_a_newer_schema_is_named_not_misread() -> None:
    gauge, state = _stored_gauge({"reading_milli": 250}, 3)
    problem = content_problem((1, 7, str(gauge), 1, "vledger:TestGauge.Read", state, ""))
    assert "TestGauge.Read at schema version 3: this vledger reads versions 1 to 2" in problem
    with pytest.raises(UnknownEventType, match="reads versions 1 to 2"):
        upcast("TestGauge.Read", 3, {"reading_milli": 1})


def test_an_aggregate_without_a_stable_topic_cannot_be_defined() -> None:
    with pytest.raises(TypeError, match='TOPIC = "vledger:Nameless"'):
        class Nameless(Chained):
            @event("Happened")
            def __init__(self, id: UUID, facts: dict[str, Any], seal: dict[str, Any]) -> None:
                self.link(seal)


def test_upcasters_come_in_order() -> None:
    with pytest.raises(ValueError, match="from version 2, not 3"):
        upcaster("TestGauge.Read", 3)(lambda facts: facts)


# --- stable names and the module paths of the log before issue 16


def test_every_module_path_topic_of_the_old_log_resolves_even_when_its_module_is_gone(monkeypatch) -> None:
    """The aliases are registered with the library, so moving or deleting a
    module under ledger/aggregates breaks no old log."""
    for module in ("ledger.aggregates.voucher", "ledger.aggregates.party", "ledger.aggregates.indexes"):
        monkeypatch.setitem(sys.modules, module, None)  # importing it now raises ImportError
    assert resolve_topic("ledger.aggregates.voucher:Voucher.Issued") is Voucher.Issued
    assert resolve_topic("ledger.aggregates.voucher:Voucher") is Voucher
    for topic, name in HISTORICAL_TOPICS.items():
        assert resolve_topic(topic) is resolve_topic(f"vledger:{name}")
        assert type_name(topic) == name


def test_a_topic_that_names_no_type_is_refused() -> None:
    for topic in ("vledger:Voucher.Teleported", "ledger.aggregates.party:Voucher.Claimed", "Voucher.Issued"):
        with pytest.raises(UnknownEventType, match="names no event type"):
            type_name(topic)


def test_the_frozen_historical_topics_are_every_topic_of_the_old_logs() -> None:
    for database in (FIXTURES / "ledger-v0.db", FIXTURES / "ledger-before-issue-13" / "ledger.db"):
        with sqlite3.connect(database) as connection:
            topics = {row[0] for row in connection.execute("select distinct topic from vledger_events")}
            originators = {json.loads(row[0])["originator_topic"] for row in connection.execute(
                "select state from vledger_events where originator_version = 1")}
        assert topics | originators <= set(HISTORICAL_TOPICS)


def test_new_events_are_stored_under_stable_names_and_seal_their_version(world) -> None:
    world.enrolled_voucher()
    topics = {notification.topic for notification in world.ledger.notifications()}
    assert topics and all(topic.startswith("vledger:") for topic in topics)
    enrolled = next(n for n in world.ledger.notifications() if n.topic == "vledger:Voucher.Enrolled")
    state = json.loads(enrolled.state)
    assert state["class_version"] == 2 == Voucher.Enrolled.class_version
    record = hashed_record(aggregate_id=str(enrolled.originator_id), aggregate_version=enrolled.originator_version,
                           event_type="vledger:Voucher.Enrolled/v2", recorded_at=state["seal"]["recorded_at"],
                           previous_hash=state["seal"]["previous_hash"], envelope=state["seal"]["envelope"],
                           signature=state["seal"]["signature"], facts=state["facts"])
    assert event_hash(record) == state["seal"]["event_hash"]


# --- the real upcaster: filings and enrolments recorded before class hours by kind (decision 0012)


def test_an_enrolment_recorded_before_class_hours_by_kind_is_read_at_v2(tmp_path: Path) -> None:
    """ledger-v0.db was recorded on 2026-12-04 before filings named theory and
    practical hours: the aggregate and the views read its enrolments at v2,
    and its stored bytes still verify (tests/test_schema_versions.py)."""
    shutil.copy(FIXTURES / "ledger-v0.db", tmp_path / "ledger.db")
    with sqlite3.connect(tmp_path / "ledger.db") as connection:
        row = connection.execute("select id, originator_id, originator_version, topic, state from vledger_events "
                                 "where topic like '%:Voucher.Enrolled' limit 1").fetchone()
    stored_facts = json.loads(row[4])["facts"]
    assert "theory_class_hours" not in stored_facts and row[3] == "ledger.aggregates.voucher:Voucher.Enrolled"
    ledger = VoucherLedger(f"sqlite:///{tmp_path / 'ledger.db'}", keys=tmp_path / "keys")
    try:
        voucher = ledger.repository.get(UUID(bytes=row[1]), version=row[2])
        filing = ledger.repository.get(UUID(stored_facts["filing"]))
    finally:
        ledger.close()
    total = stored_facts["total_class_hours"]
    assert (voucher.theory_class_hours, voucher.practical_class_hours, voucher.home_practice,
            voucher.training_kind) == (total, 0, False, "employment")
    assert isinstance(filing, ClassFiling) and filing.theory_class_hours == filing.total_class_hours
    viewed = decode(Notification(id=row[0], originator_id=UUID(bytes=row[1]), originator_version=row[2],
                                 topic=row[3], state=bytes(row[4])))
    assert viewed.type == "Voucher.Enrolled" and viewed.facts["theory_class_hours"] == total
    assert viewed.facts["training_kind"] == "employment" and viewed.facts["practical_class_hours"] == 0


def test_an_old_ledger_records_new_events_under_stable_names_and_still_verifies(tmp_path: Path) -> None:
    """ledger-v0.db (module-path topics) upgraded, then a new command: its
    events carry stable names after the old ones, and the mixed log verifies;
    a new event put back under a module path after a stable one does not
    (moving the switch itself: tests/test_topic_switch.py)."""
    shutil.copy(FIXTURES / "ledger-v0.db", tmp_path / "ledger.db")
    shutil.copytree(FIXTURES / "ledger-v0-keys", tmp_path / "keys")
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    ledger = VoucherLedger(url, keys=tmp_path / "keys")
    try:
        upgrade(ledger.engine)
        party = uuid4()
        bureau = SigningKey.generate(actor=str(party), role="bureau")
        ledger.submit(sign_command(trust_root_key(tmp_path / "keys"), "register_party", party,
                                   {"role": "bureau", "public_key": bureau.public_key_b64, "region": "liaoning",
                                    "name": "新区人社局"}, signed_at=ledger.clock(),
                                   ledger=log_identity(ledger).origin))
        topics = [notification.topic for notification in ledger.notifications()]
    finally:
        ledger.close()
    assert topics[-4:] == ["ledger.aggregates.indexes:Receipt.Recorded", "vledger:Party.Registered",
                           "vledger:KeyHolder.Held", "vledger:Receipt.Recorded"]
    env = {"VLEDGER_KEYS": str(tmp_path / "keys")}
    verified = vledger("verify", "--processes", "1", "--json", db=url, env=env)
    assert verified.returncode == 0, verified.stderr
    with sqlite3.connect(tmp_path / "ledger.db") as connection:
        connection.execute(  # the last event, as a careful insider would: its originator topic too
            "update vledger_events set topic = 'ledger.aggregates.indexes:Receipt.Recorded', state = cast(replace("
            "state, 'vledger:Receipt', 'ledger.aggregates.indexes:Receipt') as blob) "
            "where topic = 'vledger:Receipt.Recorded'")
    altered = vledger("verify", "--processes", "1", "--json", db=url, env=env)
    assert altered.returncode == 1
    assert "is a module path, stored after events began to carry stable names" in json.loads(
        altered.stdout)["first_problem"]
