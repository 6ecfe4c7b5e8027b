"""Growing the log to 10^5 or 10^6 events quickly, but with real events.

Every event is what `VoucherLedger.submit` would record: each command is a
real envelope signed with the actor's Ed25519 key, checked by the
application's own authentication (signature verified, key valid, role
allowed), decided by the real step with its rules, sealed into the hash chain
and followed by its receipt. Two things differ, and only in speed:

- the aggregates a command reads come from memory (this writer is the only
  writer while it runs, so they are exactly what the database holds), not
  re-read from the database for every command;
- events are written through the application's recorder in large
  transactions (`BATCH_EVENTS` events per commit) instead of one per command.

So the bulk log verifies, projects and proves exactly like a log written
command by command; its write speed is not the append speed (that is
measured separately, command by command)."""

from __future__ import annotations

import time
from typing import Any, Callable
from uuid import UUID

from api.bench.world import RECORDS_PER_VOUCHER, BenchWorld
from ledger.aggregates.chained import Chained
from ledger.aggregates.indexes import NationalIdentity, Receipt, SubsidyClaim
from ledger.application import VoucherLedger
from ledger.command import Command
from ledger.envelope import check_signed
from ledger.errors import RoleNotAllowed
from ledger.signing import sha256_hex

BATCH_EVENTS = 5000


class BulkWriter:
    def __init__(self, world: BenchWorld) -> None:
        self.world = world
        self.ledger: VoucherLedger = world.ledger
        self.cache: dict[UUID, Chained] = {}
        self.pending: list = []
        self.beside_log: list[Callable[[Any], None]] = []
        self.events_written = 0
        self.commands = 0
        self.vouchers: list[UUID] = []

    def command(self, signed: dict[str, Any], personal: dict[str, Any] | None = None) -> None:
        """Decides one command like `VoucherLedger.submit`, and queues its events."""
        ledger = self.ledger
        envelope, signature, envelope_bytes = check_signed(signed)
        step = ledger.steps[envelope["command"]]
        command = Command(ledger, envelope, signature, ledger.clock(), envelope_bytes, personal=personal,
                          loaded=self.cache)
        command.actor = ledger._authenticate(command)
        if command.actor.role not in step.roles:
            raise RoleNotAllowed(f"a {command.actor.role} may not {step.name}")
        step.run(command)
        command.body.refuse_unknown()
        ledger._require_sound_money(command)
        result = ledger._result(command)
        command.create(Receipt, Receipt.id_for(envelope["command_id"]), "Recorded",
                       {"result": result, "envelope_hash": sha256_hex(envelope_bytes)})
        for aggregate in command.changed.values():
            self.pending.extend(ledger.mapper.to_stored_event(event) for event in aggregate.collect_events())
            if isinstance(aggregate, (Receipt, NationalIdentity, SubsidyClaim)):
                self.cache.pop(aggregate.id, None)  # written once, never read again here: keep memory flat
        self.beside_log.extend(command.beside_log)
        self.commands += 1
        if len(self.pending) >= BATCH_EVENTS:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            with self.ledger.factory.datastore.transaction(commit=True) as session:
                for write in self.beside_log:
                    write(session)
                self.ledger.recorder.insert_events(self.pending, session=session)
            self.events_written += len(self.pending)
            self.pending = []
            self.beside_log = []

    def voucher_with_records(self) -> UUID:
        """A new trainee, an enrolled voucher and its learning records."""
        world = self.world
        steps = world.voucher_steps()
        for signed, personal in steps:
            self.command(signed, personal)
        voucher = UUID(steps[-1][0]["envelope"]["target"])
        for index in range(RECORDS_PER_VOUCHER):
            self.command(world.learning_record(voucher, index))
        self.cache.pop(voucher, None)
        self.cache.pop(UUID(steps[0][0]["envelope"]["target"]), None)  # the trainee
        self.vouchers.append(voucher)
        return voucher


def grow_to(world: BenchWorld, events: int, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Adds whole vouchers until the log holds at least `events` events."""
    writer = BulkWriter(world)
    ledger = world.ledger
    start_size = ledger.max_notification_id()
    started = time.perf_counter()
    reported = 0
    while start_size + writer.events_written + len(writer.pending) < events:
        writer.voucher_with_records()
        if progress is not None and writer.events_written > reported:
            progress(writer.events_written - reported)
            reported = writer.events_written
    writer.flush()
    if progress is not None:
        progress(writer.events_written - reported)
    seconds = time.perf_counter() - started
    added = ledger.max_notification_id() - start_size
    return {"events_added": added, "commands": writer.commands, "vouchers": len(writer.vouchers),
            "seconds": round(seconds, 3), "events_per_second": round(added / seconds) if seconds else None,
            "voucher_ids": writer.vouchers}
