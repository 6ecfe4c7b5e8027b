"""Class filings (开班备案): filed by an institution, approved or rejected by
the bureau before the class starts (H4, L4)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from ledger.aggregates.chained import Chained


class ClassFiling(Chained):
    TOPIC = "vledger:ClassFiling"

    @event("Filed")
    def __init__(self, id: UUID, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.institution: str = facts["institution"]
        self.platform: str | None = facts.get("platform")
        self.region: str = facts["region"]
        self.occupation: str = facts["occupation"]
        self.level: int = facts["level"]
        self.occupation_type: str = facts["occupation_type"]
        self.total_class_hours: int = facts["total_class_hours"]
        # Filings recorded before issue 12 carry no split: all their hours count as theory.
        self.theory_class_hours: int = facts["theory_class_hours"]  # version 2 always names them (event_types)
        self.practical_class_hours: int = facts["practical_class_hours"]
        self.home_practice: bool = facts["home_practice"]
        self.training_kind: str = facts["training_kind"]
        self.starts_on: str = facts["starts_on"]
        self.ends_on: str = facts["ends_on"]
        self.filed_on: str = facts["filed_on"]
        self.status = "filed"
        self.approved_at: str | None = None
        self.link(seal)

    @event("Approved")
    def approved(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = "approved"
        self.approved_at = seal["recorded_at"]
        self.link(seal)

    @event("Rejected")
    def rejected(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = "rejected"
        self.link(seal)
