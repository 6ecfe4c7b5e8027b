"""The audit trail (H8, N2): one row per event with who signed it, in what
role and with which key, the command, its target and outcome, and the event
hash; queryable by voucher, actor, institution and time."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table

from ledger.lifecycle import outcome_of as lifecycle_outcome
from projections.events import LoggedEvent
from projections.store import METADATA, Store, ViewTable

AUDIT = ViewTable(Table(
    "view_audit", METADATA,
    Column("sequence", Integer, primary_key=True),
    Column("recorded_at", String(27), nullable=False, index=True),
    Column("event_type", String(64), nullable=False),
    Column("aggregate_id", String(36), nullable=False),
    Column("aggregate_version", Integer, nullable=False),
    Column("actor", String(36), nullable=False, index=True),
    Column("role", String(16), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("command", String(32), nullable=False),
    Column("command_id", String(64), nullable=False),
    Column("target", String(36), nullable=False),
    Column("voucher", String(36), index=True),
    Column("institution", String(36), index=True),
    Column("outcome", String(16), nullable=False),
    Column("event_hash", String(64), nullable=False),
), key=("sequence",), append_only=True)

VOUCHER_INDEXES = ("SubsidyClaim", "CertificateNumber")


def outcome_of(event: LoggedEvent) -> str:
    """The outcome of a step with outcomes, by the declared lifecycle; else "recorded"."""
    if event.aggregate_type != "Voucher":
        return "recorded"
    return lifecycle_outcome(event.type.removeprefix("Voucher."), event.facts) or "recorded"


class Audit:
    name = "audit"
    tables = (AUDIT,)

    def apply(self, event: LoggedEvent, store: Store) -> None:
        actor = store.get("view_parties", event.actor)
        voucher_id = self._voucher(event, store)
        voucher = store.get("view_vouchers", voucher_id) if voucher_id else None
        store.put("view_audit", {
            "sequence": event.sequence, "recorded_at": event.recorded_at, "event_type": event.type,
            "aggregate_id": event.aggregate_id, "aggregate_version": event.version, "actor": event.actor,
            "role": actor["role"] if actor else "unknown", "key_id": event.key_id, "command": event.command,
            "command_id": event.command_id, "target": event.target, "voucher": voucher_id,
            "institution": self._institution(event, store, actor, voucher), "outcome": outcome_of(event),
            "event_hash": event.event_hash})

    @staticmethod
    def _voucher(event: LoggedEvent, store: Store) -> str | None:
        if event.aggregate_type == "Voucher":
            return event.aggregate_id
        if event.aggregate_type in VOUCHER_INDEXES:
            return event.facts["voucher"]
        if event.aggregate_type == "Receipt" and store.get("view_vouchers", event.target) is not None:
            return event.target
        return None

    @staticmethod
    def _institution(event: LoggedEvent, store: Store, actor: dict | None, voucher: dict | None) -> str | None:
        if voucher is not None and voucher["institution"]:
            return voucher["institution"]
        if actor is not None and actor["role"] == "institution":
            return event.actor
        target = event.target if event.aggregate_type == "Receipt" else event.aggregate_id
        party = store.get("view_parties", target)
        if party is not None and party["role"] == "institution":
            return target
        filing = store.get("view_filings", target)
        return filing["institution"] if filing is not None else None
