"""The body of each ledger step as a pydantic model, for the OpenAPI document
and the first check at the edge (docs/decisions/0050). The ledger's own body
reader (`ledger/body.py`, called field by field in `ledger/steps/`) stays the
rule: these models take their choices and limits from the same constants, and
tests/test_step_bodies.py checks that each model has exactly the fields its
step reads. A field some cases of a step do not need (e.g. `platform` of a
class without online minutes) is optional here and required by the step."""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from api.http.models import KEY_ID_PATTERN, UUID_PATTERN
from ledger.aggregates.party import INSTITUTION_KINDS
from ledger.credit_code import CHARSET
from ledger.envelope import MAX_INTEGER
from ledger.occupations import CODE_PATTERN, LEVELS
from ledger.rules import ALLOWANCE_GROUPS, FUNDS, OCCUPATION_TYPES, REGIONS, TRAINING_KINDS
from ledger.steps.allowance import ALLOWANCE_FUND
from ledger.steps.payments import MAX_AMOUNT_FEN
from ledger.evidence import EVIDENCE_KINDS, MAX_EVIDENCE_ITEMS, OFFLINE_EVIDENCE_KINDS
from ledger.steps.trust import BUREAU_REGISTERS, ROOT_REGISTERS
from ledger.steps.vouchers import CERTIFICATE_KINDS, MINUTES_PER_DAY
from ledger.subsidy import MAX_CLASS_HOURS, MAX_STANDARD_FEN

BODY = ConfigDict(extra="forbid", strict=True)
NOT_BLANK = r"\S"


def text(max_length: int, description: str = "") -> object:
    return Field(min_length=1, max_length=max_length, pattern=NOT_BLANK, description=description or None)


def choice(options: tuple) -> object:
    return Literal[tuple(options)]


def whole(minimum: int, maximum: int, description: str = "") -> object:
    return Field(ge=minimum, le=maximum, description=description or None)


Uuid = Annotated[str, Field(pattern=UUID_PATTERN, description="lowercase hyphenated UUID")]
Day = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="YYYY-MM-DD, years 2000-2100")]
Moment = Annotated[str, Field(max_length=40, description="ISO 8601 time with a timezone, e.g. 2023-03-01T08:00:00Z")]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 in 64 lowercase hex digits")]
PublicKey = Annotated[str, Field(min_length=1, max_length=64, description="base64 of the 32-byte Ed25519 public key")]
Reason = Annotated[str, text(500)]
LongReason = Annotated[str, text(1000)]
Document = Annotated[str, text(200, "the bureau's document naming the decision")]
CreditCode = Annotated[str, Field(pattern=f"^[{CHARSET}]{{18}}$",
                                  description="unified social credit code, 18 characters with its check digit")]
Occupation = Annotated[str, Field(pattern=CODE_PATTERN.pattern, description="catalogued occupation code, e.g. "
                                                                            "6-31-01-03")]
Level = Annotated[int, Field(ge=min(LEVELS), le=max(LEVELS),
                             description="1 (一级/高级技师) to 5 (五级/初级工)")]
Fen = Annotated[int, whole(1, MAX_AMOUNT_FEN, "amount in fen (1/100 yuan)")]
Fund = choice(FUNDS)
ClassHours = Annotated[int, whole(0, MAX_CLASS_HOURS)]
Count = Annotated[int, whole(0, 1000)]
Region = choice(REGIONS)
InstitutionKind = choice(INSTITUTION_KINDS)
AllowanceGroups = Annotated[list[choice(ALLOWANCE_GROUPS)], Field(max_length=len(ALLOWANCE_GROUPS))]
CertificateKind = choice(CERTIFICATE_KINDS)
Items = Annotated[list[Annotated[str, text(200)]], Field(min_length=1, max_length=50)]


class StepBody(BaseModel):
    model_config = BODY


class RegisterPartyBody(StepBody):
    role: choice(ROOT_REGISTERS + BUREAU_REGISTERS)
    public_key: PublicKey
    region: Optional[Region] = Field(None, description="the root registering a bureau names its region")
    name: Optional[Annotated[str, text(200)]] = Field(None, description="every role but a trainee")
    kind: Optional[InstitutionKind] = Field(None, description="an institution's kind (L3)")
    credit_code: Optional[CreditCode] = Field(None, description="institutions, platforms and assessors (L12)")
    personal_sha256: Optional[Sha256] = Field(None, description="a trainee: SHA-256 of the canonical personal "
                                                                "data sent beside the envelope")
    allowance_groups: Optional[AllowanceGroups] = Field(
        None, description="a trainee's groups for the living allowance (N4), each once")
    employer_credit_code: Optional[CreditCode] = Field(None, description="a trainee's employer (S4)")


class RotateKeyBody(StepBody):
    public_key: PublicKey


class RevokeKeyBody(StepBody):
    key_id: Annotated[str, Field(pattern=KEY_ID_PATTERN, description="the key id in the path")]
    reason: Reason


class ReasonBody(StepBody):
    reason: Reason


class LongReasonBody(StepBody):
    reason: LongReason


class EmptyBody(StepBody):
    """This step takes no fields: send {}."""


class FileClassBody(StepBody):
    occupation: Occupation
    level: Level
    occupation_type: choice(OCCUPATION_TYPES)
    theory_class_hours: ClassHours
    practical_class_hours: ClassHours
    total_class_hours: Optional[Annotated[int, whole(1, MAX_CLASS_HOURS)]] = Field(
        None, description="if given, theory + practical")
    home_practice: Optional[bool] = None
    training_kind: choice(TRAINING_KINDS)
    courses: Items
    teachers: Items
    planned_online_minutes: Annotated[int, whole(0, MAX_CLASS_HOURS * 60)]
    starts_on: Day
    ends_on: Day
    quality_commitment: bool = Field(description="must be true (L4)")
    platform: Optional[Uuid] = Field(None, description="required when planned_online_minutes > 0")


class EndEpidemicPeriodBody(StepBody):
    ended_on: Day
    document: Document


class AdoptSegmentedSubsidyBody(StepBody):
    online_percent: Annotated[int, whole(0, 100)]
    document: Document


class IssueVoucherBody(StepBody):
    trainee: Uuid
    occupation: Occupation
    level: Level
    valid_until: Day
    standard_fen: Optional[Annotated[int, whole(1, MAX_STANDARD_FEN)]] = Field(
        None, description="if given, must be the catalogue's standard (H2)")
    shortage: Optional[bool] = Field(None, description="if given, must be the catalogue's shortage mark")


class ChooseInstitutionBody(StepBody):
    institution: Uuid


class EnrolBody(StepBody):
    filing: Uuid


class OnlineLearningBody(StepBody):
    signed_in_at: Moment
    minutes: Annotated[int, whole(1, MINUTES_PER_DAY)]
    questions_answered: Annotated[int, whole(0, 10_000)]
    tests_taken: Count
    tests_passed: Count
    face_checks_passed: Count
    face_checks_failed: Count


class OfflineEvidenceItem(BaseModel):
    model_config = BODY
    kind: choice(OFFLINE_EVIDENCE_KINDS)
    sha256: Sha256


class OfflineTrainingBody(StepBody):
    started_at: Moment
    minutes: Annotated[int, whole(1, MINUTES_PER_DAY)]
    location: Annotated[str, text(200)]
    evidence: Optional[Annotated[list[OfflineEvidenceItem],
                                 Field(min_length=1, max_length=MAX_EVIDENCE_ITEMS)]] = Field(
        None, description="hashes of the sign-in sheet, photos or video, never the files (H6)")


class AssessBody(StepBody):
    passed: bool
    certificate_number: Optional[Annotated[str, text(64)]] = Field(None, description="required when passed")
    certificate_kind: Optional[CertificateKind] = Field(None, description="required when passed (L14)")


class PaymentBody(StepBody):
    amount_fen: Fen
    fund: Fund = Field(description="one of the voucher's region's funds (N6)")


class AllowanceBody(StepBody):
    from_day: Day
    to_day: Day
    amount_fen: Fen
    fund: Literal[ALLOWANCE_FUND]


class ClawBackBody(StepBody):
    amount_fen: Annotated[int, whole(1, MAX_INTEGER, "every fen paid on the voucher")]
    reason: LongReason
    rule: Annotated[str, text(8, "the rule broken, e.g. L12")]


class EvidenceItem(BaseModel):
    model_config = BODY
    kind: choice(EVIDENCE_KINDS)
    sha256: Sha256


class RedemptionBody(StepBody):
    evidence: Annotated[list[EvidenceItem], Field(min_length=1, max_length=MAX_EVIDENCE_ITEMS,
                                                  description="hashes of the files, never the files (H6)")]


class ReviewBody(StepBody):
    approved: bool
    reason: Reason


class NoticeBody(StepBody):
    days: Annotated[int, whole(1, 30)]


class CloseNoticeBody(StepBody):
    outcome: Literal["cleared", "upheld"]
    reason: Optional[LongReason] = Field(None, description="required when an objection was raised")


STEP_BODIES: dict[str, type[StepBody]] = {
    "register_party": RegisterPartyBody, "rotate_key": RotateKeyBody, "revoke_key": RevokeKeyBody,
    "erase_trainee": ReasonBody, "list_in_catalogue": EmptyBody, "delist": ReasonBody, "ban": ReasonBody,
    "file_class": FileClassBody, "approve_filing": EmptyBody, "reject_filing": ReasonBody,
    "end_epidemic_period": EndEpidemicPeriodBody, "adopt_segmented_subsidy": AdoptSegmentedSubsidyBody,
    "issue_voucher": IssueVoucherBody, "claim_voucher": EmptyBody, "choose_institution": ChooseInstitutionBody,
    "enrol": EnrolBody, "record_online_learning": OnlineLearningBody, "record_offline_training": OfflineTrainingBody,
    "assess": AssessBody, "request_redemption": RedemptionBody, "review_redemption": ReviewBody,
    "open_notice": NoticeBody, "raise_objection": LongReasonBody, "close_notice": CloseNoticeBody,
    "prepay": PaymentBody, "pay": PaymentBody, "pay_allowance": AllowanceBody, "claw_back": ClawBackBody,
    "expire_voucher": EmptyBody, "revoke_voucher": LongReasonBody,
}
