"""One stored event as the views read it: decoded straight from the
notification's JSON state (the log's own format, DESIGN.md), without building
aggregate objects, so that a rebuild reads tens of thousands of events a second.
Its type is the stable name whatever topic it was stored under, and its facts
are upcast to this code's schema version by the one chain the aggregates and
the verifier use (ledger/event_types.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import orjson
from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from ledger.event_types import stored_version, type_name, upcast

SEAL_MARK = b'"seal":{"recorded_at":"'
ISO_LENGTH = len("2020-04-01T08:00:00.000000Z")


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    sequence: int  # global notification id
    aggregate_type: str  # e.g. "Voucher"
    aggregate_id: str
    version: int
    type: str  # e.g. "Voucher.Enrolled"
    facts: dict[str, Any]
    recorded_at: str
    actor: str
    key_id: str
    command: str
    command_id: str
    target: str
    event_hash: str


def decode(notification: Notification) -> LoggedEvent:
    state = json.loads(notification.state)
    return _event(notification.id, str(notification.originator_id), notification.originator_version,
                  notification.topic, state)


def decode_row(sequence: int, originator_id: Any, version: int, topic: str, state: bytes) -> LoggedEvent:
    """The same from a raw row of the events table (see `projections.log`)."""
    if isinstance(originator_id, bytes) and len(originator_id) == 16:
        hexed = originator_id.hex()
        originator_id = f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"
    return _event(sequence, str(originator_id), version, topic, orjson.loads(state))  # decoded once, in C


def from_domain_event(domain_event: Any, sequence: int) -> LoggedEvent:
    """The same record from a domain event, as the library's projection runner
    delivers it (the library has already upcast its facts)."""
    return _logged(sequence, str(domain_event.originator_id), domain_event.originator_version,
                   type_name(get_topic(type(domain_event))), domain_event.facts, domain_event.seal)


def _event(sequence: int, aggregate_id: str, version: int, topic: str, state: dict[str, Any]) -> LoggedEvent:
    """A stored event, its facts upcast to this code's schema version (ledger/event_types.py)."""
    event_type = type_name(topic)
    facts = upcast(event_type, stored_version(state), state["facts"])
    return _logged(sequence, aggregate_id, version, event_type, facts, state["seal"])


def _logged(sequence: int, aggregate_id: str, version: int, event_type: str, facts: dict[str, Any],
            seal: dict[str, Any]) -> LoggedEvent:
    envelope = seal["envelope"]
    return LoggedEvent(
        sequence=sequence, aggregate_type=event_type.split(".", 1)[0], aggregate_id=aggregate_id,
        version=version, type=event_type,
        facts=facts, recorded_at=seal["recorded_at"], actor=envelope["actor"], key_id=envelope["key_id"],
        command=envelope["command"], command_id=envelope["command_id"], target=envelope["target"],
        event_hash=seal["event_hash"])


def recorded_at_of(state: bytes) -> str:
    """The recording time without decoding the whole event: the seal is the
    state's last top-level key and `recorded_at` its first field."""
    at = state.rfind(SEAL_MARK)
    if at < 0:
        return json.loads(state)["seal"]["recorded_at"]
    start = at + len(SEAL_MARK)
    return state[start:start + ISO_LENGTH].decode()
