"""The hash chain: every event carries the hash of the previous event of the
same aggregate and its own hash (J1). The hashed record is plain JSON, so an
inspector can recompute it from the stored bytes with no code of ours."""

from __future__ import annotations

from typing import Any

from ledger.signing import canonical_json, sha256_hex

GENESIS_PREVIOUS_HASH = "0" * 64

HASHED_FIELDS = (
    "aggregate_id",
    "aggregate_version",
    "event_type",
    "recorded_at",
    "previous_hash",
    "envelope",
    "signature",
    "facts",
)


def hashed_record(
    *,
    aggregate_id: str,
    aggregate_version: int,
    event_type: str,
    recorded_at: str,
    previous_hash: str,
    envelope: dict[str, Any],
    signature: str,
    facts: dict[str, Any],
) -> dict[str, Any]:
    return {
        "aggregate_id": aggregate_id,
        "aggregate_version": aggregate_version,
        "event_type": event_type,
        "recorded_at": recorded_at,
        "previous_hash": previous_hash,
        "envelope": envelope,
        "signature": signature,
        "facts": facts,
    }


def event_hash(record: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON (RFC 8785) of the hashed record."""
    return sha256_hex(canonical_json(record))


def seal(record: dict[str, Any]) -> dict[str, Any]:
    """The part of an event that proves it: everything hashed but the facts
    (kept beside it), plus the event's own hash."""
    sealed = {name: record[name] for name in ("recorded_at", "previous_hash", "envelope", "signature")}
    sealed["event_hash"] = event_hash(record)
    return sealed


def record_from_stored(
    aggregate_id: str, aggregate_version: int, event_type: str, facts: dict[str, Any], sealed: dict[str, Any]
) -> dict[str, Any]:
    """Rebuilds the hashed record from what was stored, for verification."""
    return hashed_record(
        aggregate_id=aggregate_id,
        aggregate_version=aggregate_version,
        event_type=event_type,
        recorded_at=sealed["recorded_at"],
        previous_hash=sealed["previous_hash"],
        envelope=sealed["envelope"],
        signature=sealed["signature"],
        facts=facts,
    )
