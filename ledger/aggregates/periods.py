"""Dated facts that the rules follow, each recorded once by a signed bureau step:
the end of the epidemic period of a region (H3, H5) and a city's opt-in to
segmented subsidies (S2). Ids are uuid5 of the region or the bureau, so the
database refuses a second record atomically (STYLE.md 1)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from ledger.aggregates.chained import Chained, derived_id


class EpidemicPeriod(Chained):
    """H5: 需待我市疫情解除后 -- the day the region's epidemic period ended."""
    TOPIC = "vledger:EpidemicPeriod"

    @staticmethod
    def id_for(region: str) -> UUID:
        return derived_id("epidemic-period", region)

    @event("Ended")
    def __init__(self, id: UUID, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.region: str = facts["region"]
        self.ended_on: str = facts["ended_on"]
        self.document: str = facts["document"]
        self.link(seal)


class SegmentedSubsidy(Chained):
    """S2: 设区的市可制定具体实施细则 -- a city (its bureau) pays online and offline segments."""
    TOPIC = "vledger:SegmentedSubsidy"

    @staticmethod
    def id_for(bureau: str) -> UUID:
        return derived_id("segmented-subsidy", bureau)

    @event("Adopted")
    def __init__(self, id: UUID, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.bureau: str = facts["bureau"]
        self.online_percent: int = facts["online_percent"]
        self.document: str = facts["document"]
        self.link(seal)
