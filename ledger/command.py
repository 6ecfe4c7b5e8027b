"""One command being decided: the verified envelope, the acting party, the
time, and the aggregates it changes. Steps read the body through it and seal
each new event (chain link and own hash) before the event exists. Rows a step
keeps beside the log (personal-data keys) are written by `beside_log` in the
same transaction as the events: both commit, or neither."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable, TypeVar
from uuid import UUID

from sqlalchemy.orm import Session

from ledger.aggregates.chained import Chained
from ledger.aggregates.party import Party
from ledger.body import Body
from ledger.chain import GENESIS_PREVIOUS_HASH, hashed_record, seal
from ledger.envelope import iso
from ledger.errors import NotFound
from ledger.event_types import hashed_type

if TYPE_CHECKING:
    from ledger.application import VoucherLedger

AggregateType = TypeVar("AggregateType", bound=Chained)


def sealed_event_type(event_class: type) -> str:
    """The event type the hashed record names: its stable topic, with its
    schema version from version 2 (`vledger:Voucher.Enrolled/v2`, ledger/event_types.py)."""
    return hashed_type(event_class.TOPIC, event_class.class_version)


@dataclass
class Command:
    ledger: "VoucherLedger"
    envelope: dict[str, Any]
    signature: str
    now: datetime
    envelope_bytes: bytes
    actor: Party | None = None
    personal: dict[str, Any] | None = None
    changed: dict[UUID, Chained] = field(default_factory=dict)
    loaded: dict[UUID, Chained] = field(default_factory=dict)
    beside_log: list[Callable[[Session], None]] = field(default_factory=list)
    body: Body = field(init=False)

    def __post_init__(self) -> None:
        self.body = Body(self.envelope["body"])

    @property
    def name(self) -> str:
        return self.envelope["command"]

    @property
    def target(self) -> UUID:
        return UUID(self.envelope["target"])

    @property
    def actor_id(self) -> str:
        return self.envelope["actor"]

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def recorded_at(self) -> str:
        return iso(self.now)

    def find(self, cls: type[AggregateType], aggregate_id: UUID | str) -> AggregateType | None:
        """The aggregate as this command left it, else as the writer's cache
        holds it (ledger/group_commit.py), else as stored."""
        aggregate_id = UUID(str(aggregate_id))
        if aggregate_id in self.loaded:
            aggregate = self.loaded[aggregate_id]
        else:
            aggregate = self.ledger.group_commit.cache.find(self.ledger, aggregate_id)
            if aggregate is None:
                return None
            self.loaded[aggregate_id] = aggregate
        return aggregate if isinstance(aggregate, cls) else None

    def get(self, cls: type[AggregateType], aggregate_id: UUID | str, what: str) -> AggregateType:
        aggregate = self.find(cls, aggregate_id)
        if aggregate is None:
            raise NotFound(f"{what} {aggregate_id} does not exist")
        return aggregate

    def _sealed(self, cls: type, aggregate_id: UUID, version: int, previous_hash: str, event_name: str,
                facts: dict[str, Any]) -> dict[str, Any]:
        record = hashed_record(
            aggregate_id=str(aggregate_id),
            aggregate_version=version,
            event_type=sealed_event_type(getattr(cls, event_name)),
            recorded_at=self.recorded_at,
            previous_hash=previous_hash,
            envelope=self.envelope,
            signature=self.signature,
            facts=facts,
        )
        return {"facts": facts, "seal": seal(record)}

    def seal(self, aggregate: Chained, event_name: str, facts: dict[str, Any]) -> dict[str, Any]:
        """Arguments for the aggregate's next `@event` method."""
        self.changed[aggregate.id] = aggregate
        return self._sealed(type(aggregate), aggregate.id, aggregate.next_version, aggregate.last_event_hash,
                            event_name, facts)

    def create(self, cls: type[AggregateType], aggregate_id: UUID, event_name: str,
               facts: dict[str, Any]) -> AggregateType:
        """Creates a new aggregate with its first, sealed event."""
        aggregate = cls(id=aggregate_id, **self._sealed(cls, aggregate_id, cls.INITIAL_VERSION,
                                                         GENESIS_PREVIOUS_HASH, event_name, facts))
        self.changed[aggregate.id] = aggregate
        self.loaded[aggregate.id] = aggregate
        return aggregate
