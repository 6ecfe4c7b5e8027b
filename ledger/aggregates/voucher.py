"""The voucher and its closed loop (L7): issue → claim → enrol → train →
assess and certify → request redemption → review → public notice → pay;
exits: expiry, revocation, rejection, claw-back.

Each `@event` body only applies facts; the checks live in `ledger/steps/`."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from ledger.aggregates.chained import Chained

EXITS = ("expired", "revoked", "rejected", "failed", "clawed_back")


class Voucher(Chained):
    @event("Issued")
    def __init__(self, id: UUID, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.trainee: str = facts["trainee"]
        self.occupation: str = facts["occupation"]
        self.level: str = facts["level"]
        self.region: str = facts["region"]
        self.profile_version: str = facts["profile_version"]
        self.standard_fen: int = facts["standard_fen"]
        self.shortage: bool = facts["shortage"]
        self.valid_until: str = facts["valid_until"]
        self.issued_by: str = facts["issued_by"]
        self.status = "issued"
        self.filing: str | None = None
        self.institution: str | None = None
        self.platform: str | None = None
        self.occupation_type = "skill"
        self.total_class_hours = 0
        self.theory_class_hours = 0
        self.practical_class_hours = 0
        self.home_practice = False
        self.training_kind = "employment"
        self.last_offline_on: str | None = None  # S2: the offline part needs training by a date
        self.subsidy_fen = 0
        self.payments: list[dict[str, Any]] = []
        self.online_minutes = 0
        self.offline_minutes = 0
        self.face_checks_failed = 0
        self.certificate_number: str | None = None
        self.certificate_kind: str | None = None
        self.evidence: list[dict[str, str]] = []
        self.objections: list[dict[str, Any]] = []
        self.notice_closes_at: str | None = None
        self.prepaid_fen = 0
        self.paid_fen = 0
        self.clawed_back_fen = 0
        self.allowance_fen = 0
        self.link(seal)

    @property
    def is_live(self) -> bool:
        return self.status not in EXITS

    @event("Claimed")
    def claimed(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = "claimed"
        self.link(seal)

    @event("Enrolled")
    def enrolled(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = "enrolled"
        self.filing = facts["filing"]
        self.institution = facts["institution"]
        self.platform = facts.get("platform")
        self.occupation_type = facts["occupation_type"]
        self.total_class_hours = facts["total_class_hours"]
        self.theory_class_hours = facts.get("theory_class_hours", facts["total_class_hours"])
        self.practical_class_hours = facts.get("practical_class_hours", 0)
        self.home_practice = facts.get("home_practice", False)
        self.training_kind = facts.get("training_kind", "employment")
        self.subsidy_fen = facts["subsidy"]["total_fen"]
        self.payments = facts["subsidy"]["payments"]
        self.link(seal)

    @event("OnlineLearningRecorded")
    def online_learning_recorded(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = "training"
        self.online_minutes += facts["minutes"]
        self.face_checks_failed += facts["face_checks_failed"]
        self.link(seal)

    @event("OfflineTrainingRecorded")
    def offline_training_recorded(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = "training"
        self.offline_minutes += facts["minutes"]
        self.last_offline_on = max(self.last_offline_on or "", facts["started_at"][:10])
        self.link(seal)

    @event("Assessed")
    def assessed(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = "certified" if facts["passed"] else "failed"
        self.certificate_number = facts.get("certificate_number")
        self.certificate_kind = facts.get("certificate_kind")
        self.link(seal)

    @event("RedemptionRequested")
    def redemption_requested(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = "redemption_requested"
        self.evidence = facts["evidence"]
        if "subsidy" in facts:  # S2: the segments are final once the minutes are known
            self.subsidy_fen = facts["subsidy"]["total_fen"]
            self.payments = facts["subsidy"]["payments"]
        self.link(seal)

    @event("Reviewed")
    def reviewed(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = "approved" if facts["approved"] else "rejected"
        self.link(seal)

    @event("NoticeOpened")
    def notice_opened(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = "in_notice"
        self.notice_closes_at = facts["closes_at"]
        self.link(seal)

    @event("ObjectionRaised")
    def objection_raised(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.objections.append({"by": facts["by"], "reason": facts["reason"]})
        self.link(seal)

    @event("NoticeClosed")
    def notice_closed(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = "cleared" if facts["outcome"] == "cleared" else "rejected"
        self.link(seal)

    @event("Prepaid")
    def prepaid(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.prepaid_fen += facts["amount_fen"]
        self.link(seal)

    @event("Paid")
    def paid(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = "paid"
        self.paid_fen += facts["amount_fen"]
        self.link(seal)

    @event("AllowancePaid")
    def allowance_paid(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.allowance_fen += facts["amount_fen"]
        self.link(seal)

    @event("Expired")
    def expired(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = "expired"
        self.link(seal)

    @event("Revoked")
    def revoked(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = "revoked"
        self.link(seal)

    @event("ClawedBack")
    def clawed_back(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = "clawed_back"
        self.clawed_back_fen += facts["amount_fen"]
        self.link(seal)
