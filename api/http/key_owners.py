"""Which party holds a key id: a signed read names only its key (RFC 9421
`keyid`), so the server finds the party from the key events of the log
(registrations and rotations), read once and then caught up on each lookup.
The log's notification ids commit in order (eventsourcing serialises inserts),
so reading on from the last one seen misses no key."""

from __future__ import annotations

import threading
import weakref

from eventsourcing.utils import get_topic

from ledger.aggregates.party import Party

KEY_EVENTS = {get_topic(Party.Registered): "registered", get_topic(Party.KeyRotated): "rotated",
              get_topic(Party.KeyRevoked): "revoked"}
ADDING_EVENTS = [get_topic(Party.Registered), get_topic(Party.KeyRotated)]
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
