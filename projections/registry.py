"""Parties and class filings as the other views need them: roles (for the
audit trail), catalogue standing (L2, L12), filing approval times (H4)."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Integer, String, Table

from projections.events import LoggedEvent
from projections.store import METADATA, Store, ViewTable

PARTIES = ViewTable(Table(
    "view_parties", METADATA,
    Column("id", String(36), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("region", String(32), nullable=False),
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("registered_by", String(36), nullable=False),
    Column("registered_at", String(27), nullable=False, index=True),
    Column("listed", Boolean, nullable=False),
    Column("banned", Boolean, nullable=False),
    Column("erased", Boolean, nullable=False),
    Column("allowance_groups", JSON, nullable=False),
    Column("catalogue_sequence", Integer),  # last listing, delisting or ban
    Column("last_sequence", Integer, nullable=False),
), key=("id",))

FILINGS = ViewTable(Table(
    "view_filings", METADATA,
    Column("id", String(36), primary_key=True),
    Column("institution", String(36), nullable=False, index=True),
    Column("platform", String(36)),
    Column("region", String(32), nullable=False),
    Column("occupation", String(100), nullable=False),
    Column("level", String(50), nullable=False),
    Column("occupation_type", String(16), nullable=False),
    Column("total_class_hours", Integer, nullable=False),
    Column("planned_online_minutes", Integer, nullable=False),
    Column("starts_on", String(10), nullable=False),
    Column("ends_on", String(10), nullable=False),
    Column("status", String(16), nullable=False),
    Column("filed_at", String(27), nullable=False),
    Column("approved_at", String(27)),
    Column("approved_sequence", Integer),
    Column("last_sequence", Integer, nullable=False),
), key=("id",))


class Registry:
    name = "registry"
    tables = (PARTIES, FILINGS)

    def apply(self, event: LoggedEvent, store: Store) -> None:
        if event.aggregate_type == "Party":
            self._party(event, store)
        elif event.aggregate_type == "ClassFiling":
            self._filing(event, store)

    @staticmethod
    def _party(event: LoggedEvent, store: Store) -> None:
        facts = event.facts
        if event.type == "Party.Registered":
            store.put("view_parties", {
                "id": event.aggregate_id, "role": facts["role"], "region": facts.get("region", ""),
                "name": facts.get("name", ""), "kind": facts.get("kind", ""), "registered_by": facts["registered_by"],
                "registered_at": event.recorded_at, "listed": False, "banned": False, "erased": False,
                "allowance_groups": list(facts.get("allowance_groups", [])), "catalogue_sequence": None,
                "last_sequence": event.sequence})
            return
        party = store.get("view_parties", event.aggregate_id)
        assert party is not None, f"event {event.sequence} changes a party never registered"
        if event.type == "Party.Listed":
            party["listed"], party["catalogue_sequence"] = True, event.sequence
        elif event.type == "Party.Delisted":
            party["listed"], party["catalogue_sequence"] = False, event.sequence
        elif event.type == "Party.Banned":
            party["listed"], party["banned"], party["catalogue_sequence"] = False, True, event.sequence
        elif event.type == "Party.Erased":
            party["erased"] = True
        party["last_sequence"] = event.sequence
        store.put("view_parties", party)

    @staticmethod
    def _filing(event: LoggedEvent, store: Store) -> None:
        facts = event.facts
        if event.type == "ClassFiling.Filed":
            store.put("view_filings", {
                "id": event.aggregate_id, "institution": facts["institution"], "platform": facts.get("platform"),
                "region": facts["region"], "occupation": facts["occupation"], "level": str(facts["level"]),
                "occupation_type": facts["occupation_type"], "total_class_hours": facts["total_class_hours"],
                "planned_online_minutes": facts["planned_online_minutes"], "starts_on": facts["starts_on"],
                "ends_on": facts["ends_on"], "status": "filed", "filed_at": event.recorded_at,
                "approved_at": None, "approved_sequence": None, "last_sequence": event.sequence})
            return
        filing = store.get("view_filings", event.aggregate_id)
        assert filing is not None, f"event {event.sequence} changes a filing never filed"
        if event.type == "ClassFiling.Approved":
            filing["status"], filing["approved_at"], filing["approved_sequence"] = (
                "approved", event.recorded_at, event.sequence)
        elif event.type == "ClassFiling.Rejected":
            filing["status"] = "rejected"
        filing["last_sequence"] = event.sequence
        store.put("view_filings", filing)
