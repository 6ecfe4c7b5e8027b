"""The voucher and its closed loop (L7): issue → claim → enrol → train →
assess and certify → request redemption → review → public notice → pay;
exits: expiry, revocation, rejection, claw-back.

Each `@event` body only applies facts; the checks live in `ledger/steps/`.
The states and the transitions are declared in `ledger/lifecycle.py`; each body
takes the new status from that table. The voucher keeps its own money (the
write side's state that `ledger/money.py` checks before every save)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from ledger.aggregates.chained import Chained
from ledger.lifecycle import EXITS, status_after

__all__ = ["EXITS", "Voucher"]
MAX_ONLINE_DAYS_KEPT = 400  # bounded: the days with online learning an allowance can cover (N4)


class Voucher(Chained):
    TOPIC = "vledger:Voucher"

    @event("Issued")
    def __init__(self, id: UUID, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.trainee: str = facts["trainee"]
        self.occupation: str = facts["occupation"]
        self.level: int = facts["level"]  # 1-5 (older events: the typed text)
        self.region: str = facts["region"]
        self.profile_version: str = facts["profile_version"]
        self.standards_version: str | None = facts.get("standards_version")
        self.standard_fen: int = facts["standard_fen"]
        self.shortage: bool = facts["shortage"]
        self.valid_until: str = facts["valid_until"]
        self.issued_by: str = facts["issued_by"]
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
        self.sessions_outside_class_period = 0  # L13: sessions dated outside the filing's starts_on..ends_on
        self.last_record_at: str | None = None  # L6: last learning or payment record, where retention counts from
        self.certificate_number: str | None = None
        self.certificate_kind: str | None = None
        self.assessed_by_role: str | None = None
        self.review_checks: list[dict[str, Any]] = []
        self.evidence: list[dict[str, str]] = []
        self.objections: list[dict[str, Any]] = []
        self.notice_closes_at: str | None = None
        self.prepaid_fen = 0
        self.paid_fen = 0
        self.clawed_back_fen = 0
        self.allowance_fen = 0
        self.approved_fen = 0  # set by an approving review: what the payouts may reach (H7)
        self.balance_due_fen = 0  # fell due when the notice cleared: approved less prepaid (H7)
        self.allowance_unnamed_fen = 0  # allowances recorded before payments named their days
        self.chosen_institution: str | None = None  # the trainee's signed choice (L7)
        self.enrolled_on: str | None = None
        self.assessed_on: str | None = None
        self.online_days: list[str] = []  # days with online learning, sorted, at most MAX_ONLINE_DAYS_KEPT (N4)
        self.allowance_days: list[list[str]] = []  # [from_day, to_day] ranges already paid (N4)
        self.allowance_days_paid = 0
        self.status = status_after("Issued", None, facts)
        self.link(seal)

    @property
    def is_live(self) -> bool:
        return self.status not in EXITS

    @event("Claimed")
    def claimed(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = status_after("Claimed", self.status, facts)
        self.link(seal)

    @event("InstitutionChosen")
    def institution_chosen(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = status_after("InstitutionChosen", self.status, facts)
        self.chosen_institution = facts["institution"]
        self.link(seal)

    @event("Enrolled")
    def enrolled(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = status_after("Enrolled", self.status, facts)
        self.enrolled_on = seal["recorded_at"][:10]
        self.filing = facts["filing"]
        self.institution = facts["institution"]
        self.platform = facts.get("platform")
        self.occupation_type = facts["occupation_type"]
        self.total_class_hours = facts["total_class_hours"]
        self.theory_class_hours = facts["theory_class_hours"]  # version 2 always names them (ledger/event_types.py)
        self.practical_class_hours = facts["practical_class_hours"]
        self.home_practice = facts["home_practice"]
        self.training_kind = facts["training_kind"]
        self.subsidy_fen = facts["subsidy"]["total_fen"]
        self.payments = facts["subsidy"]["payments"]
        self.link(seal)

    @event("OnlineLearningRecorded")
    def online_learning_recorded(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = status_after("OnlineLearningRecorded", self.status, facts)
        self.online_minutes += facts["minutes"]
        day = facts["signed_in_at"][:10]
        if day not in self.online_days and len(self.online_days) < MAX_ONLINE_DAYS_KEPT:
            self.online_days = sorted(self.online_days + [day])
        self.face_checks_failed += facts["face_checks_failed"]
        self.sessions_outside_class_period += facts.get("outside_class_period", 0)
        self.last_record_at = seal["recorded_at"]
        self.link(seal)

    @event("OfflineTrainingRecorded")
    def offline_training_recorded(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = status_after("OfflineTrainingRecorded", self.status, facts)
        self.offline_minutes += facts["minutes"]
        self.sessions_outside_class_period += facts.get("outside_class_period", 0)
        self.last_record_at = seal["recorded_at"]
        self.last_offline_on = max(self.last_offline_on or "", facts["started_at"][:10])
        self.link(seal)

    @event("Assessed")
    def assessed(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = status_after("Assessed", self.status, facts)
        self.assessed_on = seal["recorded_at"][:10]
        self.certificate_number = facts.get("certificate_number")
        self.certificate_kind = facts.get("certificate_kind")
        self.assessed_by_role = facts.get("assessed_by_role", "institution")
        self.link(seal)

    @event("RedemptionRequested")
    def redemption_requested(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = status_after("RedemptionRequested", self.status, facts)
        self.evidence = facts["evidence"]
        if "subsidy" in facts:  # S2: the segments are final once the minutes are known
            self.subsidy_fen = facts["subsidy"]["total_fen"]
            self.payments = facts["subsidy"]["payments"]
        self.link(seal)

    @event("Reviewed")
    def reviewed(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = status_after("Reviewed", self.status, facts)
        if facts["approved"]:
            self.approved_fen = self.subsidy_fen
        self.review_checks = facts.get("checks", [])
        self.link(seal)

    @event("NoticeOpened")
    def notice_opened(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = status_after("NoticeOpened", self.status, facts)
        self.notice_closes_at = facts["closes_at"]
        self.link(seal)

    @event("ObjectionRaised")
    def objection_raised(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.objections.append({"by": facts["by"], "reason": facts["reason"]})
        self.link(seal)

    @event("NoticeClosed")
    def notice_closed(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = status_after("NoticeClosed", self.status, facts)
        if self.status == "cleared":
            self.balance_due_fen = self.approved_fen - self.prepaid_fen
        self.link(seal)

    @event("Prepaid")
    def prepaid(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.prepaid_fen += facts["amount_fen"]
        self.last_record_at = seal["recorded_at"]
        self.link(seal)

    @event("Paid")
    def paid(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = status_after("Paid", self.status, facts)
        self.paid_fen += facts["amount_fen"]
        self.last_record_at = seal["recorded_at"]
        self.link(seal)

    @event("AllowancePaid")
    def allowance_paid(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.allowance_fen += facts["amount_fen"]
        if "from_day" in facts:  # events recorded before allowances named their days carry none
            self.allowance_days.append([facts["from_day"], facts["to_day"]])
            self.allowance_days_paid += facts["days"]
        else:
            self.allowance_unnamed_fen += facts["amount_fen"]
        self.last_record_at = seal["recorded_at"]
        self.link(seal)

    @event("Expired")
    def expired(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = status_after("Expired", self.status, facts)
        self.link(seal)

    @event("Revoked")
    def revoked(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = status_after("Revoked", self.status, facts)
        self.link(seal)

    @event("ClawedBack")
    def clawed_back(self, facts: dict[str, Any], seal: dict[str, Any]) -> None:
        self.status = status_after("ClawedBack", self.status, facts)
        self.clawed_back_fen += facts["amount_fen"]
        self.link(seal)
