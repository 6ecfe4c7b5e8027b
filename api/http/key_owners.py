"""Which party holds a key id: a signed read names only its key (RFC 9421
`keyid`), so the server finds the party from the key events of the log
(registrations and rotations), read once and then caught up on each lookup.
The log's notification ids commit in order (eventsourcing serialises inserts),
so reading on from the last one seen misses no key."""

from __future__ import annotations

import threading
import weakref

from ledger.event_types import topics_of

KEY_EVENTS = {topic: change for name, change in (("Party.Registered", "registered"), ("Party.KeyRotated", "rotated"),
                                                 ("Party.KeyRevoked", "revoked"))
              for topic in topics_of(name)}  # stable names, and the module paths of events before issue 16
ADDING_EVENTS = [topic for topic, change in KEY_EVENTS.items() if change != "revoked"]
BATCH = 500


class KeyOwners:
    def __init__(self, ledger) -> None:
        self._ledger = ledger
        self._after = 0
        self._owners: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def parties(self, key_id: str) -> set[str]:
        """The ids of every party that ever registered or rotated to `key_id`."""
        with self._lock:
            self._catch_up()
            return set(self._owners.get(key_id, ()))

    def _catch_up(self) -> None:
        while True:
            notifications = self._ledger.recorder.select_notifications(self._after + 1, BATCH, topics=ADDING_EVENTS)
            for notification in notifications:
                facts = self._ledger.mapper.to_domain_event(notification).facts
                self._owners.setdefault(facts["key_id"], set()).add(str(notification.originator_id))
                self._after = notification.id
            if len(notifications) < BATCH:
                return


_by_ledger: "weakref.WeakKeyDictionary[object, KeyOwners]" = weakref.WeakKeyDictionary()
_guard = threading.Lock()


def key_owners(ledger) -> KeyOwners:
    """The one KeyOwners of an open ledger."""
    with _guard:
        owners = _by_ledger.get(ledger)
        if owners is None:
            owners = _by_ledger[ledger] = KeyOwners(ledger)
        return owners
