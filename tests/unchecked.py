"""Records an event WITHOUT its step's checks, as an older release with a
missing check would have: the envelope is signed, sealed, chained and has its
receipt, so the log verifies; only the rules were never asked. Tests use it to
show what the read side does with an accepted event it cannot apply."""

from __future__ import annotations

from typing import Any

from ledger.aggregates.indexes import Receipt
from ledger.command import Command
from ledger.envelope import check_signed
from ledger.signing import sha256_hex
from tests.world import World


def record_unchecked(world: World, key: Any, command_name: str, target: Any, body: dict[str, Any],
                     event_method: str, event_name: str, facts: dict[str, Any]) -> None:
    ledger = world.ledger
    envelope, signature, envelope_bytes = check_signed(world.signed(key, command_name, target, body))
    command = Command(ledger, envelope, signature, world.clock.now, envelope_bytes)
    aggregate = ledger.get(target)
    getattr(aggregate, event_method)(**command.seal(aggregate, event_name, facts))
    command.create(Receipt, Receipt.id_for(envelope["command_id"]), "Recorded",
                   {"result": ledger._result(command), "envelope_hash": sha256_hex(envelope_bytes)})
    with ledger.factory.datastore.transaction(commit=True) as session:
        ledger.save(*command.changed.values(), session=session)
