"""Offline verification of the event log (J1): every event's own hash, every
chain link, every actor signature with a key that was valid at that point of
the log, and that the signer's role may take the step. Streams the log: memory
stays flat in the number of events.

It reads only the stored bytes (plain JSON) and the public keys recorded in the
log itself, so an inspector can run it on a copy of the database."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol

from ledger.chain import GENESIS_PREVIOUS_HASH, event_hash, record_from_stored
from ledger.signing import canonical_json, verify_signature
from ledger.steps import load_all_steps


class StoredNotification(Protocol):
    id: int
    originator_id: Any
    originator_version: int
    topic: str
    state: bytes


@dataclass
class KeyState:
    party: str
    role: str
    public_key: str
    revoked: bool = False


@dataclass
class Problem:
    position: int
    notification_id: int
    aggregate_id: str
    message: str

    def __str__(self) -> str:
        return f"event #{self.notification_id} (aggregate {self.aggregate_id}): {self.message}"


@dataclass
class ChainVerifier:
    """Feed it notifications in global order; it keeps only per-aggregate heads and keys."""

    trust_root_public_key: str | None = None
    heads: dict[str, tuple[int, str]] = field(default_factory=dict)
    keys: dict[str, KeyState] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    events_checked: int = 0
    first_problem: Problem | None = None
    leaf_hashes: list[str] | None = None
    genesis_signature: str = ""
    _last_verified_signature: str = ""

    def __post_init__(self) -> None:
        self.steps = load_all_steps()

    def check(self, notification: StoredNotification) -> Problem | None:
        problem = self._check(notification)
        self.events_checked += 1
        if problem is not None and self.first_problem is None:
            self.first_problem = problem
        return problem

    def _fail(self, notification: StoredNotification, message: str) -> Problem:
        return Problem(self.events_checked + 1, notification.id, str(notification.originator_id), message)

    def _check(self, notification: StoredNotification) -> Problem | None:
        aggregate_id = str(notification.originator_id)
        try:
            stored = json.loads(notification.state)
            facts, seal = stored["facts"], stored["seal"]
            event_type = notification.topic.split(":", 1)[1]
            record = record_from_stored(aggregate_id, notification.originator_version, event_type, facts, seal)
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
            return self._fail(notification, f"the stored event cannot be read: {error!r}")
        own_hash = event_hash(record)
        if own_hash != seal.get("event_hash"):
            return self._fail(notification, "its content does not match its own hash (altered)")
        version, previous = self.heads.get(aggregate_id, (0, GENESIS_PREVIOUS_HASH))
        if notification.originator_version != version + 1:
            return self._fail(notification, f"version {notification.originator_version} follows {version} "
                                            "(an event of this aggregate is missing or reordered)")
        if record["previous_hash"] != previous:
            return self._fail(notification, "its previous_hash does not link to the aggregate's last event")
        problem = self._check_signature(notification, record)
        if problem is not None:
            return problem
        self.heads[aggregate_id] = (notification.originator_version, own_hash)
        self._learn_keys(aggregate_id, event_type, facts)
        if self.leaf_hashes is not None:
            self.leaf_hashes.append(own_hash)
        return None

    def _check_signature(self, notification: StoredNotification, record: dict[str, Any]) -> Problem | None:
        envelope, signature = record["envelope"], record["signature"]
        if envelope.get("command") == "genesis":
            return self._check_genesis(notification, record)
        key = self.keys.get(envelope.get("key_id", ""))
        if key is None:
            return self._fail(notification, f"signed with key {envelope.get('key_id')} never registered before it")
        if key.party != envelope.get("actor"):
            return self._fail(notification, "signed with a key registered to another party")
        if key.revoked:
            return self._fail(notification, f"signed with key {envelope['key_id']} after it was revoked or rotated")
        step = self.steps.get(envelope.get("command", ""))
        if step is None or key.role not in step.roles:
            return self._fail(notification, f"a {key.role} may not take the step {envelope.get('command')!r}")
        if signature != self._last_verified_signature:
            if not verify_signature(key.public_key, canonical_json(envelope), signature):
                return self._fail(notification, "the actor's signature does not verify")
            self._last_verified_signature = signature
        return None

    def _check_genesis(self, notification: StoredNotification, record: dict[str, Any]) -> Problem | None:
        facts, envelope = record["facts"], record["envelope"]
        if self.genesis_signature:
            if record["signature"] != self.genesis_signature:
                return self._fail(notification, "a second genesis")
            return None
        if self.keys:
            return self._fail(notification, "genesis is not the first command of the log")
        public_key = facts.get("public_key", "")
        if self.trust_root_public_key and public_key != self.trust_root_public_key:
            return self._fail(notification, "the genesis trust root is not the one you trust")
        if not verify_signature(public_key, canonical_json(envelope), record["signature"]):
            return self._fail(notification, "the genesis signature does not verify")
        self.genesis_signature = record["signature"]
        return None

    def _learn_keys(self, aggregate_id: str, event_type: str, facts: dict[str, Any]) -> None:
        if event_type == "Party.Registered":
            self.roles[aggregate_id] = facts["role"]
            self.keys[facts["key_id"]] = KeyState(aggregate_id, facts["role"], facts["public_key"])
        elif event_type == "Party.KeyRotated":
            for key in self.keys.values():
                if key.party == aggregate_id:
                    key.revoked = True
            self.keys[facts["key_id"]] = KeyState(aggregate_id, self.roles[aggregate_id], facts["public_key"])
        elif event_type == "Party.KeyRevoked":
            self.keys[facts["key_id"]].revoked = True


def verify_notifications(notifications: Iterable[StoredNotification], *, trust_root_public_key: str | None = None,
                         progress=None) -> ChainVerifier:
    verifier = ChainVerifier(trust_root_public_key=trust_root_public_key)
    for notification in notifications:
        verifier.check(notification)
        if progress is not None:
            progress(1)
        if verifier.first_problem is not None:
            break
    return verifier
