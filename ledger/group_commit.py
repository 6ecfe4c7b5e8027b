"""Group commit (issue 15, item 1; docs/decisions/0062).

Every command a process submits goes through one writer at a time. The
thread that holds the writer lock takes every command queued so far (its own
and other threads'), decides them in order and commits all their events in
ONE transaction; then each caller gets its own outcome. A lone command is a
batch of one and commits at once; under load, the commands that queue while
one batch commits form the next. A refused command records nothing and does
not touch the others; an acknowledged one is committed before its reply.

The aggregates a batch reads come from the write cache (`WriteCache`), kept
true by these rules:
- once a command is decided, its new events are taken out of its aggregates
  into the batch, so the cached aggregate is the state after that command and
  the next command of the batch decides against it;
- a refused command may have changed aggregates before its refusal: they are
  dropped from the cache, and if one of them holds events of this batch not
  yet committed, the batch commits before the next command is decided;
- before each batch, the events appended since the last look are counted:
  more than this writer committed means other writers (other processes,
  other ledger objects) appended some, and the cache is emptied;
- a failed commit empties the cache.
A batch whose commit fails (another writer took an aggregate version first,
a busy database) is rolled back whole, and its commands are run again one
batch each, where a race gets its precise refusal or a 409 as before.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import func, select

if TYPE_CHECKING:
    from ledger.aggregates.chained import Chained
    from ledger.application import Outcome, VoucherLedger

MAX_BATCH_COMMANDS = 256
CACHED_AGGREGATES = 10_000


@dataclass
class Pending:
    """One caller's command, waiting for the batch that decides it."""

    signed: Any
    personal: dict[str, Any] | None
    done: bool = False
    outcome: "Outcome | None" = None
    error: BaseException | None = None

    def finish(self, outcome: "Outcome | None" = None, error: BaseException | None = None) -> None:
        assert not self.done and (outcome is None) != (error is None)
        self.outcome, self.error, self.done = outcome, error, True


@dataclass
class WriteCache:
    """The aggregates the writer read or wrote lately, by id (least recently used dropped first), and how far
    the log was looked at for other writers' events."""

    capacity: int = CACHED_AGGREGATES
    aggregates: "OrderedDict[UUID, Chained]" = field(default_factory=OrderedDict)
    checked_until: int | None = None  # every event up to this notification id is known to the cache
    own_ids: set[int] = field(default_factory=set)  # ids this writer committed beyond `checked_until`

    def find(self, ledger: "VoucherLedger", aggregate_id: UUID) -> "Chained | None":
        aggregate = self.aggregates.get(aggregate_id)
        if aggregate is not None:
            self.aggregates.move_to_end(aggregate_id)
            return aggregate
        try:
            aggregate = ledger.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        self.put(aggregate)
        return aggregate

    def put(self, aggregate: "Chained") -> None:
        self.aggregates[aggregate.id] = aggregate
        self.aggregates.move_to_end(aggregate.id)
        while len(self.aggregates) > self.capacity:
            self.aggregates.popitem(last=False)

    def drop(self, aggregate_ids: Any) -> None:
        for aggregate_id in aggregate_ids:
            self.aggregates.pop(aggregate_id, None)

    def clear(self) -> None:
        self.aggregates.clear()
        self.checked_until = None
        self.own_ids.clear()

    def committed(self, notification_ids: Any) -> None:
        self.own_ids.update(notification_ids)

    def keep_true(self, ledger: "VoucherLedger") -> None:
        """Empties the cache if any event after `checked_until` is not this writer's."""
        table = ledger.recorder.events_record_cls.__table__
        if self.checked_until is None or not self.aggregates:
            self.aggregates.clear()
            self.own_ids.clear()
            self.checked_until = ledger.max_notification_id()
            return
        # One row, not one per event: under load every row fetched hands the GIL to a request thread and
        # waits to take it back. The ids after `checked_until` are this writer's commits and any other's;
        # as many as this writer committed means they are all its own.
        query = select(func.count(), func.max(table.c.id)).where(table.c.id > self.checked_until)
        with ledger.engine.connect() as connection:
            appended, last = connection.execute(query).one()
        if appended != len(self.own_ids):
            self.clear()
            self.checked_until = ledger.max_notification_id()
            return
        if appended:
            self.checked_until = last
            self.own_ids.clear()


class GroupCommit:
    """The queue and the writer of one ledger object. One submitting thread at a time is the writer: it runs
    batches until its own commands are decided, then hands over. The others wait on one condition, and a
    thread whose commands another writer decided returns without ever taking the writer's part, so the
    commands queued while a batch commits are all in the next one."""

    def __init__(self, ledger: "VoucherLedger") -> None:
        self.ledger = ledger
        self.cache = WriteCache()
        self._queue: deque[Pending] = deque()
        self._changed = threading.Condition()  # guards the queue and `_writing`; told when a writer hands over
        self._writing = False

    def submit_many(self, commands: list[tuple[Any, dict[str, Any] | None]]) -> list[Pending]:
        """Queues the commands together, in their order, and returns once each is decided (its `outcome`
        or its `error`). Other callers' commands come before or after them, never between."""
        mine = [Pending(signed, personal) for signed, personal in commands]
        if not mine:
            return mine
        with self._changed:
            self._queue.extend(mine)
            while self._writing and not mine[-1].done:
                self._changed.wait()
            writer = not mine[-1].done
            self._writing = self._writing or writer
        if writer:
            try:
                while not mine[-1].done:  # the queue is in order: the last of mine decided, all of mine are
                    self._run(self._take())
            finally:
                with self._changed:
                    self._writing = False
                    self._changed.notify_all()
        assert all(pending.done for pending in mine)
        return mine

    def _take(self) -> list[Pending]:
        with self._changed:
            return [self._queue.popleft() for _ in range(min(len(self._queue), MAX_BATCH_COMMANDS))]

    def _run(self, batch: list[Pending]) -> None:
        """Decides and commits one batch; whatever goes wrong, every command in it gets an outcome or an error
        (the thread running it may be another command's, and a command taken from the queue and left
        without an answer would keep its caller waiting for ever)."""
        try:
            self.ledger._run_batch(batch, self.cache)
        except BaseException as error:  # a fault, not a refusal: refusals are each command's own outcome
            self.cache.clear()
            for pending in batch:
                if not pending.done:
                    pending.finish(error=error)
            if not isinstance(error, Exception):
                raise
        assert all(pending.done for pending in batch), "a batch left a command without an outcome"
