"""The base of every aggregate: it remembers the hash of its last event, so the
next event can link to it (J1), and its events carry stable names and schema
versions (issue 16, ledger/event_types.py): an aggregate declares its `TOPIC`
(`vledger:Voucher`) and each event class it defines is named after it
(`vledger:Voucher.Issued`), whatever module the classes live in."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from eventsourcing.domain import Aggregate

from ledger.chain import GENESIS_PREVIOUS_HASH
from ledger.event_types import STABLE_PREFIX, name_event_class

NAMESPACE = uuid.UUID("6f1c1d8e-5b0e-4f43-9a55-0c7a5e1d2b10")


def derived_id(kind: str, *parts: str) -> uuid.UUID:
    """Deterministic id of an index aggregate (uuid5), as in the library's examples."""
    return uuid.uuid5(NAMESPACE, "|".join((kind, *parts)))


def library_timestamp(recorded_at: str) -> datetime:
    """The event library's `timestamp` of an event sealed at `recorded_at`:
    the same instant, so that the library's stored timestamp is sealed too
    (issue 13, docs/decisions/0022)."""
    return datetime.fromisoformat(recorded_at.replace("Z", "+00:00")).astimezone(timezone.utc)


def _sealed_time(kwargs: dict[str, Any]) -> dict[str, Any]:
    seal = kwargs.get("seal")
    if isinstance(seal, dict) and "recorded_at" in seal:
        return {**kwargs, "timestamp": library_timestamp(seal["recorded_at"])}
    return kwargs


class NamedEvents(type(Aggregate)):
    """The library's aggregate metaclass, naming each event class an aggregate
    with a `TOPIC` defines `<TOPIC>.<event>` (the library then registers the
    topics) and giving it its schema version and upcast methods."""

    def _define_event_class(cls, name, bases, apply_method, event_topic=None):
        aggregate_topic = cls.__dict__.get("TOPIC")
        if aggregate_topic and name != "Event":
            assert aggregate_topic.startswith(STABLE_PREFIX), f"{cls.__qualname__}.TOPIC must start {STABLE_PREFIX}"
            event_topic = event_topic or f"{aggregate_topic}.{name}"
        event_class = super()._define_event_class(name, bases, apply_method, event_topic)
        if aggregate_topic and name != "Event":
            name_event_class(event_class, event_topic[len(STABLE_PREFIX):])
        return event_class


class Chained(Aggregate, metaclass=NamedEvents):
    """Every new event's library timestamp is its sealed `recorded_at`
    (`trigger_event` and `_create` run when an event is made, never on replay)."""

    last_event_hash = GENESIS_PREVIOUS_HASH

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if not cls.__dict__.get("TOPIC"):  # else its events would be stored under module paths
            raise TypeError(f"{cls.__qualname__} must declare its stable topic, e.g. "
                            f'TOPIC = "{STABLE_PREFIX}{cls.__name__}" (docs/decisions/0046)')
        super().__init_subclass__(**kwargs)

    @classmethod
    def _create(cls, event_class, *, id=None, **kwargs):  # noqa: A002 - the library's parameter name
        return super()._create(event_class, id=id, **_sealed_time(kwargs))

    def trigger_event(self, event_class, **kwargs) -> None:
        super().trigger_event(event_class, **_sealed_time(kwargs))

    def link(self, seal: dict[str, Any]) -> None:
        self.last_event_hash = seal["event_hash"]

    @property
    def next_version(self) -> int:
        return self.version + 1
