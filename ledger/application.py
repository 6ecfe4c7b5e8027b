"""The ledger application: `submit` takes a signed envelope, checks it
(signature, key, role, rules) and records the step's events, the receipt for
its `command_id` and any index changes in one transaction, with the other
commands submitted at the same moment (ledger/group_commit.py)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterator
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, Notification
from eventsourcing.persistence import OperationalError as StoreOperationalError
from sqlalchemy.exc import OperationalError as SQLAlchemyOperationalError

from ledger.aggregates.chained import Chained, derived_id
from ledger.aggregates.indexes import Receipt
from ledger.aggregates.party import Party
from ledger.aggregates.voucher import Voucher
from ledger.command import Command
from ledger.config import SIGNED_AT_WINDOW_SETTING, keys_dir, read_only_url
from ledger.config import signed_at_window as configured_signed_at_window
from ledger.envelope import CLOCK_SKEW, check_signed, iso, parse_time, utc_now
from ledger.group_commit import GroupCommit, Pending, WriteCache
from ledger.errors import (BadInput, CommandIdReused, Conflict, InvalidSignature, KeyNotValid, LedgerError, NotFound,
                           ReadOnlyLedger, RoleNotAllowed, TamperDetected)
from ledger.money import require_sound
from ledger.outcomes import CommandOutcome, Listener, step_named, tell
from ledger.personal import PersonalData
from ledger.signing import sha256_hex, verify_signature
from ledger.steps import load_all_steps
from ledger.store import FACTORY_TOPIC

ROOT_ID = derived_id("party", "trust-root")
APPLICATION_NAME = "vledger"


def busy(error: Exception) -> Conflict:
    conflict = Conflict("the database is busy or unreachable and did not take the write in time; "
                        "send the same command again")
    conflict.__cause__ = error
    return conflict


@dataclass(frozen=True)
class Outcome:
    """What a command returns: the first result, and whether this call was a repeat."""

    result: dict[str, Any]
    duplicate: bool = False


@dataclass
class Decided:
    """A batch's accepted commands so far: their outcomes, their events as stored, their rows beside the log,
    and the aggregates holding events not yet committed."""

    pending: list[tuple[Pending, Outcome, Command]] = field(default_factory=list)
    stored: list[Any] = field(default_factory=list)
    beside_log: list[Any] = field(default_factory=list)
    touched: set[UUID] = field(default_factory=set)

    def add(self, pending: Pending, outcome: Outcome, command: Command, mapper: Any, cache: WriteCache) -> None:
        """Takes the command's new events out of its aggregates (the cache keeps their state after it)."""
        for aggregate in command.changed.values():
            self.stored.extend(mapper.to_stored_event(event) for event in aggregate.collect_events())
            cache.put(aggregate)
            self.touched.add(aggregate.id)
        self.beside_log.extend(command.beside_log)
        self.pending.append((pending, outcome, command))


class VoucherLedger(Application):
    name = APPLICATION_NAME

    def __init__(self, database_url: str, *, keys: Path | None = None,
                 clock: Callable[[], datetime] = utc_now, signed_at_window: timedelta | None = None,
                 read_only: bool = False) -> None:
        """`read_only` opens a read replica (docs/decisions/0056): no tables are
        created, every write is refused (ReadOnlyLedger), and on PostgreSQL
        every transaction is read-only in the database as well."""
        env = {
            "PERSISTENCE_MODULE": FACTORY_TOPIC,  # eventsourcing-sqlalchemy, its reads cheaper (ledger/store.py)
            "SQLALCHEMY_URL": read_only_url(database_url) if read_only else database_url,
            "CREATE_TABLE": "n" if read_only else "y",
        }
        super().__init__(env)
        self.read_only = read_only
        self.database_url = database_url
        self.clock = clock
        self.signed_at_window = signed_at_window or configured_signed_at_window()
        self._origin: str | None = None
        self.keys_dir = keys or keys_dir(database_url)
        self.steps = load_all_steps()
        self.personal_data = PersonalData(self.engine, self.keys_dir / "matching.key")
        if not read_only:
            self.personal_data.create_tables()
        self.outcome_listeners: list[Listener] = []
        self.group_commit = GroupCommit(self)

    @property
    def engine(self):
        return self.factory.datastore.engine

    # -- writing -----------------------------------------------------------

    def submit(self, signed: Any, *, personal: dict[str, Any] | None = None) -> Outcome:
        """Checks and records one signed command; the same `command_id` twice
        records once and returns the first result. Concurrent submissions are
        decided in order and committed together (ledger/group_commit.py). Each
        outcome is told to `outcome_listeners`, and a refusal is logged with its rule."""
        answer = self.submit_many([(signed, personal)])[0]
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def submit_many(self, commands: list[tuple[Any, dict[str, Any] | None]]) -> list[Outcome | Exception]:
        """Checks and records several signed commands (an import's rows), each as `submit` would, decided one
        after another in their order with no other caller's command between them, and committed together
        where they are accepted. Returns each command's outcome, or the error that refused it: a refused
        command records nothing and does not stop the others."""
        self._refuse_if_read_only()
        started = time.perf_counter()
        answers: list[Outcome | Exception] = []
        for (signed, _personal), pending in zip(commands, self.group_commit.submit_many(commands)):
            step, seconds = step_named(signed, self.steps), time.perf_counter() - started
            if pending.error is not None:
                if not isinstance(pending.error, Exception):
                    raise pending.error
                if isinstance(pending.error, LedgerError):
                    tell(self.outcome_listeners, CommandOutcome(step, "refused", pending.error.rule,
                                                                type(pending.error).__name__, seconds), pending.error)
                answers.append(pending.error)
                continue
            assert pending.outcome is not None
            tell(self.outcome_listeners, CommandOutcome(step, "duplicate" if pending.outcome.duplicate else "recorded",
                                                        None, None, seconds))
            answers.append(pending.outcome)
        return answers

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        self._refuse_if_read_only()
        return super().save(*objs, **kwargs)

    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            raise ReadOnlyLedger("this ledger is opened read-only (a read replica); send writes to the primary")

    # -- one batch (ledger/group_commit.py; run by the thread holding the writer lock) --

    def _run_batch(self, batch: list[Pending], cache: WriteCache) -> None:
        """Decides each command in order against the write cache, then commits
        the accepted ones in one transaction and gives every command its outcome."""
        cache.keep_true(self)
        decided = Decided()
        for pending in batch:
            command: Command | None = None
            envelope_bytes = b""
            try:
                envelope, signature, envelope_bytes = check_signed(pending.signed)
                envelope_hash = sha256_hex(envelope_bytes)
                earlier = cache.aggregates.get(Receipt.id_for(envelope["command_id"]))
                if isinstance(earlier, Receipt):  # a repeat of a command decided lately
                    pending.finish(self._repeat(earlier, envelope_hash))
                    continue
                command = self._new_command(envelope, signature, envelope_bytes, pending.personal)
                self._decide(command)
            except Exception as error:  # noqa: BLE001 - each command's refusal or fault is its own outcome
                spoiled = set(command.loaded) if command is not None else set()
                cache.drop(spoiled)
                self._refused(pending, error, envelope_bytes, cache)
                if spoiled & decided.touched:  # its reads of this batch's state are gone: commit that first
                    self._commit(decided, cache)
                    decided = Decided()
                continue
            result = self._result(command)
            command.create(Receipt, Receipt.id_for(envelope["command_id"]), "Recorded",
                           {"result": result, "envelope_hash": envelope_hash})
            self._assert_sealed(command)
            decided.add(pending, Outcome(result), command, self.mapper, cache)
        self._commit(decided, cache)

    def _refused(self, pending: Pending, error: Exception, envelope_bytes: bytes, cache: WriteCache) -> None:
        """A refused command's outcome: the first result if it repeats a recorded command (even one whose
        signed_at is now too old), else its refusal. `envelope_bytes` is empty when the envelope is malformed."""
        if isinstance(error, (StoreOperationalError, SQLAlchemyOperationalError)):
            pending.finish(error=busy(error))
            return
        if not isinstance(error, LedgerError) or not envelope_bytes:
            pending.finish(error=error)
            return
        try:
            command_id = pending.signed["envelope"]["command_id"]
            earlier = cache.find(self, Receipt.id_for(command_id))
            if isinstance(earlier, Receipt):  # a repeat: the first result, whatever the state is now
                pending.finish(self._repeat(earlier, sha256_hex(envelope_bytes)))
                return
        except LedgerError as repeat_refused:
            error = repeat_refused
        except (StoreOperationalError, SQLAlchemyOperationalError) as fault:
            error = busy(fault)
        pending.finish(error=error)

    def _commit(self, decided: "Decided", cache: WriteCache) -> None:
        """Commits a batch's events and rows beside the log in one transaction; if that fails, nothing of it
        is kept and each command runs again alone."""
        if not decided.pending:
            return
        try:
            with self.factory.datastore.transaction(commit=True) as session:
                for write in decided.beside_log:
                    write(session)
                notification_ids = self.recorder.insert_events(decided.stored, session=session)
        except Exception as error:  # noqa: BLE001 - nothing was committed; each command gets its own answer
            cache.clear()
            if len(decided.pending) > 1:
                for pending, _outcome, _command in decided.pending:
                    self._run_batch([pending], cache)
                return
            pending, _outcome, command = decided.pending[0]
            pending.finish(**self._alone_after_failed_commit(error, command, cache))
            return
        cache.committed(notification_ids or ())
        for pending, outcome, _command in decided.pending:
            pending.finish(outcome)

    def _alone_after_failed_commit(self, error: Exception, command: Command, cache: WriteCache) -> dict[str, Any]:
        if isinstance(error, (StoreOperationalError, SQLAlchemyOperationalError)):
            # SQLite busy past its timeout, a PostgreSQL lock timeout, a lost connection: retryable,
            # and safe to retry because a command_id records at most once. The cause stays chained for logs.
            return {"error": busy(error)}
        if not isinstance(error, IntegrityError):
            return {"error": error}
        try:
            return {"outcome": self._after_race(command)}
        except Exception as refusal:  # noqa: BLE001 - the race's precise refusal, or a 409
            return {"error": busy(refusal) if isinstance(refusal, (StoreOperationalError,
                                                                  SQLAlchemyOperationalError)) else refusal}
        finally:
            cache.clear()  # re-deciding changed the aggregates it read

    def _new_command(self, envelope: dict[str, Any], signature: str, envelope_bytes: bytes,
                     personal: dict[str, Any] | None) -> Command:
        now = self.clock()
        self._check_bound(envelope, now)
        if envelope["command"] not in self.steps:
            raise BadInput(f"unknown command {envelope['command']!r}; known: {', '.join(sorted(self.steps))}")
        return Command(self, envelope, signature, now, envelope_bytes, personal=personal)

    def _decide(self, command: Command) -> None:
        step = self.steps[command.name]
        if step.name != "genesis":
            command.actor = self._authenticate(command)
            if command.actor.role not in step.roles:
                raise RoleNotAllowed(
                    f"a {command.actor.role} may not {step.name}; it is a step for: {', '.join(step.roles)}")
        step.run(command)
        command.body.refuse_unknown()
        self._require_sound_money(command)

    def _check_bound(self, envelope: dict[str, Any], now: datetime) -> None:
        """An envelope is for one ledger and one day (issue 13): it names this
        ledger's origin, and its `signed_at` is neither in the future nor
        older than the window. Checked before anything else is decided."""
        expected = envelope["body"].get("origin") if envelope["command"] == "genesis" else self.origin
        if envelope["ledger"] != expected:
            raise BadInput(f"this envelope is for the ledger {envelope['ledger']!r}, and this ledger is {expected!r}; "
                           "an envelope signed for one ledger is refused by every other: sign it for this one")
        signed_at = parse_time(envelope["signed_at"], what="signed_at")
        if signed_at > now + CLOCK_SKEW:
            raise BadInput(f"signed_at {envelope['signed_at']} is in the future; check the signer's clock")
        if signed_at < now - self.signed_at_window:
            window_hours = self.signed_at_window.total_seconds() / 3600
            raise BadInput(f"signed_at {envelope['signed_at']} is older than the {window_hours:g} h this ledger "
                           f"accepts ({SIGNED_AT_WINDOW_SETTING}); sign the command again with a fresh signed_at")

    @property
    def origin(self) -> str:
        """This ledger's name: the checkpoint origin its genesis recorded."""
        if self._origin is None:
            try:
                genesis = next(iter(self.events.get(ROOT_ID, lte=1)))
            except (StopIteration, AggregateNotFoundError):
                raise NotFound("the ledger has no genesis event; run `vledger init` first") from None
            self._origin = genesis.facts["origin"]
        return self._origin

    def _authenticate(self, command: Command) -> Party:
        envelope = command.envelope
        actor = command.find(Party, envelope["actor"])
        if actor is None:
            raise KeyNotValid(f"actor {envelope['actor']} is not a registered party")
        key = actor.keys.get(envelope["key_id"])
        if key is None:
            raise KeyNotValid(f"key {envelope['key_id']} is not registered for actor {envelope['actor']}")
        if key["valid_until"] is not None:
            raise KeyNotValid(f"key {envelope['key_id']} stopped being valid at {key['valid_until']}")
        if not verify_signature(key["public_key"], command.envelope_bytes, command.signature):
            raise InvalidSignature(f"the signature does not verify with key {envelope['key_id']}")
        if actor.erased:
            raise KeyNotValid(f"party {envelope['actor']} was erased and can no longer act")
        return actor

    def _result(self, command: Command) -> dict[str, Any]:
        main = command.changed.get(command.target)
        events = [event for aggregate in command.changed.values() for event in aggregate.pending_events]
        return {
            "command_id": command.envelope["command_id"],
            "command": command.name,
            "target": str(command.target),
            "version": main.version if main else None,
            "recorded_at": command.recorded_at,
            "event_hashes": [event.seal["event_hash"] for event in events],
        }

    @staticmethod
    def _require_sound_money(command: Command) -> None:
        """The write side's money invariants (ledger/money.py) on every voucher
        the step changed, before anything is saved: a command that would break
        one is refused with its rule, and the ledger stays as it was."""
        for aggregate in command.changed.values():
            if isinstance(aggregate, Voucher):
                require_sound(aggregate)

    @staticmethod
    def _assert_sealed(command: Command) -> None:
        """Every pending event was sealed for its own class and version (TIGER_STYLE)."""
        for aggregate in command.changed.values():
            for event in aggregate.pending_events:
                assert event.seal["event_hash"], "an event left unsealed"
                assert type(event).__qualname__.startswith(type(aggregate).__name__ + ".")

    def _receipt(self, command_id: str) -> Receipt | None:
        try:
            return self.repository.get(Receipt.id_for(command_id))
        except AggregateNotFoundError:
            return None

    @staticmethod
    def _repeat(receipt: Receipt, envelope_hash: str) -> Outcome:
        if receipt.envelope_hash != envelope_hash:
            raise CommandIdReused("this command_id was already used for a different envelope; use a new command_id")
        return Outcome(receipt.result, duplicate=True)

    def _after_race(self, command: Command) -> Outcome:
        """Another writer committed first. A repeat of the same command returns
        the first result; otherwise re-deciding against the new state gives the
        precise refusal, or a 409 to retry."""
        earlier = self._receipt(command.envelope["command_id"])
        if earlier is not None:
            return self._repeat(earlier, sha256_hex(command.envelope_bytes))
        self._decide(self._new_command(command.envelope, command.signature, command.envelope_bytes,
                                       command.personal))
        raise Conflict("another command changed the same record at the same moment; send it again")

    # -- reading -----------------------------------------------------------

    def get(self, aggregate_id: UUID | str) -> Chained:
        return self.repository.get(UUID(str(aggregate_id)))

    def find(self, aggregate_id: UUID | str) -> Chained | None:
        try:
            return self.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def get_sealed_personal(self, trainee_id: UUID | str) -> str:
        """The encrypted name and national ID recorded when the trainee registered."""
        first = next(iter(self.events.get(UUID(str(trainee_id)), lte=1)))
        return first.facts["sealed_personal"]

    def stored_events(self, aggregate_id: UUID | str) -> list:
        return list(self.events.get(UUID(str(aggregate_id))))

    def notifications(self, start: int = 1, batch_size: int = 1000, stop: int | None = None
                      ) -> Iterator[Notification]:
        """Every stored event in global order, read in batches by the recorder
        (ledger/store.py: SQLAlchemy Core, not ORM objects; `vledger verify`
        and the tree reads stream the whole log through here)."""
        position = start
        while True:
            try:
                batch = self.recorder.select_notifications(position, batch_size, stop)
            except (ValueError, TypeError) as error:  # e.g. an aggregate id that is not 16 bytes
                raise TamperDetected(f"an event after #{position - 1} cannot be read: {error} (altered)") from None
            yield from batch
            if len(batch) < batch_size:
                return
            position = batch[-1].id + 1

    def max_notification_id(self) -> int:
        return self.recorder.max_notification_id() or 0

    def is_initialised(self) -> bool:
        return self.find(ROOT_ID) is not None

    def now_iso(self) -> str:
        return iso(self.clock())
