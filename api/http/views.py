"""Response shapes of single resources, read from the ledger's aggregates
(the projections serve the lists). No personal data: a trainee appears by id."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ledger.aggregates.filing import ClassFiling
from ledger.aggregates.party import Party
from ledger.aggregates.voucher import Voucher

VOUCHER_FIELDS = (
    "status", "trainee", "occupation", "level", "region", "profile_version", "standard_fen", "shortage",
    "valid_until", "issued_by", "filing", "institution", "platform", "occupation_type", "total_class_hours",
    "subsidy_fen", "payments", "online_minutes", "offline_minutes", "face_checks_failed", "certificate_number",
    "certificate_kind", "evidence", "objections", "notice_closes_at", "prepaid_fen", "paid_fen",
    "clawed_back_fen", "allowance_fen", "standards_version", "sessions_outside_class_period", "assessed_by_role",
    "review_checks")
PAYMENT_FIELDS = ("status", "region", "profile_version", "institution", "subsidy_fen", "payments", "prepaid_fen",
                  "paid_fen", "allowance_fen", "clawed_back_fen")


class VoucherView(BaseModel):
    id: str
    version: int
    status: str
    trainee: str
    occupation: str
    level: int | str  # 1-5; text on vouchers issued before occupation codes
    region: str
    profile_version: str
    standard_fen: int
    shortage: bool
    valid_until: str
    issued_by: str
    filing: str | None
    institution: str | None
    platform: str | None
    occupation_type: str
    total_class_hours: int
    subsidy_fen: int
    payments: list[dict[str, Any]]
    online_minutes: int
    offline_minutes: int
    face_checks_failed: int
    certificate_number: str | None
    certificate_kind: str | None
    evidence: list[dict[str, Any]]
    objections: list[dict[str, Any]]
    notice_closes_at: str | None
    prepaid_fen: int
    paid_fen: int
    clawed_back_fen: int
    allowance_fen: int
    standards_version: str | None  # the standards catalogue version the standard came from (H2)
    sessions_outside_class_period: int  # L13
    assessed_by_role: str | None  # assessor, or an enterprise institution for its own staff (S4)
    review_checks: list[dict[str, Any]]  # the checks before payment the review recorded (L13, J4)


class VoucherBundle(BaseModel):
    """`vledger-bundle/1` (ledger/transparency/bundle.py): checked offline by `vledger verify --bundle FILE`."""

    format: str
    voucher: str
    checkpoint: dict[str, Any]
    keys: dict[str, str]
    events: list[dict[str, Any]]


class PaymentsView(BaseModel):
    id: str
    version: int
    status: str
    region: str
    profile_version: str
    institution: str | None
    subsidy_fen: int
    payments: list[dict[str, Any]]
    prepaid_fen: int
    paid_fen: int
    allowance_fen: int
    clawed_back_fen: int


class FilingView(BaseModel):
    id: str
    version: int
    status: str
    institution: str
    platform: str | None
    region: str
    occupation: str
    level: int | str
    occupation_type: str
    training_kind: str
    theory_class_hours: int
    practical_class_hours: int
    total_class_hours: int
    home_practice: bool
    starts_on: str
    ends_on: str
    filed_on: str
    approved_at: str | None


class PartyView(BaseModel):
    id: str
    version: int
    role: str
    name: str
    region: str
    kind: str
    credit_code: str  # unified social credit code of an institution, platform or assessor (L12); "" otherwise
    registered_by: str
    listed: bool
    banned: bool
    erased: bool
    keys: dict[str, dict[str, Any]]


def _fields(aggregate: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {"id": str(aggregate.id), "version": aggregate.version,
            **{name: getattr(aggregate, name) for name in names}}


def voucher_view(voucher: Voucher) -> dict[str, Any]:
    return _fields(voucher, VOUCHER_FIELDS)


def payments_view(voucher: Voucher) -> dict[str, Any]:
    return _fields(voucher, PAYMENT_FIELDS)


def filing_view(filing: ClassFiling) -> dict[str, Any]:
    return _fields(filing, ("status", "institution", "platform", "region", "occupation", "level", "occupation_type",
                            "training_kind", "theory_class_hours", "practical_class_hours", "total_class_hours",
                            "home_practice", "starts_on", "ends_on", "filed_on", "approved_at"))


def party_view(party: Party) -> dict[str, Any]:
    """Public: role, name, region, catalogue standing and public keys (never personal data)."""
    return _fields(party, ("role", "name", "region", "kind", "credit_code", "registered_by", "listed", "banned", "erased", "keys"))
