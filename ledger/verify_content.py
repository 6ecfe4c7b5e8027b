"""The content check of one event, run on worker processes by `vledger
verify` (ledger/verify.py): its own hash, the stored bytes around it
(ledger/stored_form.py) and its signature with the key the sequential pass
chose. Needs only the event and a public key."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ledger.chain import event_hash, record_from_stored
from ledger.event_types import hashed_type, stored_version
from ledger.signing import canonical_json, verify_signature
from ledger.stored_form import event_form_problem


@dataclass(order=True)
class Problem:
    position: int  # 1-based position in the log (= tree size after this event)
    notification_id: int
    aggregate_id: str
    message: str

    def __str__(self) -> str:
        if self.aggregate_id == "checkpoint":
            return f"checkpoint at tree size {self.position}: {self.message}"
        if self.aggregate_id == "command":
            return f"the command ending at log position {self.position}: {self.message}"
        return f"event #{self.notification_id} (aggregate {self.aggregate_id}): {self.message}"


# --- the content check of one event (runs on worker processes) ---

Job = tuple[int, int, str, int, str, bytes, str]
"""(position, notification id, aggregate id, version, topic, stored state, public key or "" to skip the signature)"""


def content_problem(job: Job) -> str | None:
    """Checks 1 and 3 of one event: its own hash, and its signature with the
    public key chosen by the sequential pass. The hash is over the facts as
    stored, at the schema version they were recorded at (the version and the
    kind of topic are sealed in the event type, ledger/event_types.py);
    nothing here is upcast."""
    _position, _notification_id, aggregate_id, version, topic, state, public_key = job
    try:
        stored = json.loads(state)
        event_type = hashed_type(topic, stored_version(stored))
        record = record_from_stored(aggregate_id, version, event_type, stored["facts"], stored["seal"])
        own_hash = event_hash(record)
    except Exception as error:  # anything unreadable is tampering, named, never a crash
        return f"the stored event cannot be read: {error!r}"
    if own_hash != stored["seal"].get("event_hash"):
        return "its content does not match its own hash (altered)"
    if (form_problem := event_form_problem(topic, version, state, stored)) is not None:
        return form_problem
    if public_key and not verify_signature(public_key, canonical_json(record["envelope"]), record["signature"]):
        return "the actor's signature does not verify"
    return None


def check_chunk(jobs: list[Job]) -> tuple[int, Problem | None]:
    """(events checked, first problem) of a chunk of jobs."""
    for job in jobs:
        message = content_problem(job)
        if message is not None:
            return len(jobs), Problem(job[0], job[1], job[2], message)
    return len(jobs), None
