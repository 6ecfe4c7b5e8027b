"""A voucher's history as stored: one row per event with who signed it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ledger.aggregates.party import Party
from ledger.aggregates.voucher import Voucher
from ledger.errors import NotFound


def voucher_history(ledger, voucher_id: UUID) -> list[dict[str, Any]]:
    events = ledger.stored_events(voucher_id)
    if not events or not isinstance(ledger.find(voucher_id), Voucher):
        raise NotFound(f"voucher {voucher_id} does not exist")
    roles: dict[str, str] = {}
    rows = []
    for event in events:
        envelope = event.seal["envelope"]
        actor = envelope["actor"]
        if actor not in roles:
            party = ledger.find(actor)
            roles[actor] = party.role if isinstance(party, Party) else "unknown"
        rows.append({
            "sequence": event.originator_version,
            "recorded_at": event.seal["recorded_at"],
            "event": type(event).__name__,
            "command": envelope["command"],
            "command_id": envelope["command_id"],
            "actor": actor,
            "role": roles[actor],
            "key_id": envelope["key_id"],
            "outcome": "recorded",
            "facts": event.facts,
            "event_hash": event.seal["event_hash"],
            "previous_hash": event.seal["previous_hash"],
        })
    return rows
