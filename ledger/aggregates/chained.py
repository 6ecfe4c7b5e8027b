"""The base of every aggregate: it remembers the hash of its last event, so the
next event can link to it (J1)."""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import Aggregate

from ledger.chain import GENESIS_PREVIOUS_HASH

NAMESPACE = uuid.UUID("6f1c1d8e-5b0e-4f43-9a55-0c7a5e1d2b10")


def derived_id(kind: str, *parts: str) -> uuid.UUID:
    """Deterministic id of an index aggregate (uuid5), as in the library's examples."""
    return uuid.uuid5(NAMESPACE, "|".join((kind, *parts)))


class Chained(Aggregate):
    last_event_hash = GENESIS_PREVIOUS_HASH

    def link(self, seal: dict[str, Any]) -> None:
        self.last_event_hash = seal["event_hash"]

    @property
    def next_version(self) -> int:
        return self.version + 1
