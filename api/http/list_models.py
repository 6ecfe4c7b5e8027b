"""Response models of the list reads (api/http/routes/lists.py), each with an
example for /openapi.json. Every page carries `next_cursor` (null: no more)
and `views_position`, the last event the views had applied when the page
was read (never behind a write this client already got a 201 for)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

VOUCHER = "7d1c2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
INSTITUTION = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f"
TRAINEE = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
BUREAU = "0b6a1e2c-3d4f-4a5b-8c9d-0e1f2a3b4c5d"
CURSOR = "eyJhZnRlciI6IDQyfQ"


def _next() -> Any:
    return Field(description="pass as `cursor` for the next page; null when this is the last")


def _position() -> Any:
    return Field(description="the last event (sequence number) the views had applied for this page")


def _examples(*examples: dict) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class VoucherRow(BaseModel):
    """A voucher's state from the views (L7). Finance sees the payment fields,
    a platform the learning fields; the other readers see every field."""

    id: str
    status: str
    region: str
    last_sequence: int
    updated_at: str
    trainee: str | None = None
    profile_version: str | None = None
    occupation: str | None = None
    level: str | None = None
    issued_by: str | None = None
    issued_at: str | None = None
    valid_until: str | None = None
    filing: str | None = None
    institution: str | None = None
    platform: str | None = None
    occupation_type: str | None = None
    total_class_hours: int | None = None
    online_minutes: int | None = None
    offline_minutes: int | None = None
    online_class_hours: int | None = None
    offline_class_hours: int | None = None
    face_checks_failed: int | None = None
    certificate_number: str | None = None
    certificate_kind: str | None = None
    certified_at: str | None = None
    approved_fen: int | None = None
    prepaid_fen: int | None = None
    paid_fen: int | None = None
    allowance_fen: int | None = None
    clawed_back_fen: int | None = None
    objections: int | None = None


class VouchersPage(BaseModel):
    model_config = _examples({
        "items": [{"id": VOUCHER, "status": "enrolled", "region": "liaoning", "last_sequence": 41,
                   "updated_at": "2023-03-01T08:00:00.000000Z", "institution": INSTITUTION,
                   "approved_fen": 150000, "prepaid_fen": 0, "paid_fen": 0, "allowance_fen": 0,
                   "clawed_back_fen": 0, "profile_version": "2023-01"}],
        "fields": "payments", "views_position": 57, "next_cursor": CURSOR})
    items: list[VoucherRow]
    fields: Literal["full", "payments", "learning"] = Field(
        description="which fields the caller may see: full, payments (finance) or learning (a platform)")
    views_position: int = _position()
    next_cursor: str | None = _next()


class BalanceRow(BaseModel):
    account: str = Field(description="kind:owner, e.g. paid:<institution>, fund:<region>:<fund>")
    kind: str
    owner: str
    region: str
    balance_fen: int
    last_sequence: int


class BalancesPage(BaseModel):
    model_config = _examples({
        "items": [{"account": f"paid:{INSTITUTION}", "kind": "paid", "owner": INSTITUTION, "region": "liaoning",
                   "balance_fen": 150000, "last_sequence": 88}],
        "as_of": None, "views_position": 90, "next_cursor": None})
    items: list[BalanceRow]
    as_of: int | None = Field(description="balances after this event; null: now")
    views_position: int = _position()
    next_cursor: str | None = _next()


class AuditRow(BaseModel):
    sequence: int
    recorded_at: str
    event_type: str
    aggregate_id: str
    aggregate_version: int
    actor: str
    role: str
    key_id: str
    command: str
    command_id: str
    target: str
    voucher: str | None
    institution: str | None
    outcome: str
    event_hash: str


class AuditPage(BaseModel):
    model_config = _examples({
        "items": [{"sequence": 42, "recorded_at": "2023-03-01T08:00:00.000000Z", "event_type": "Voucher.Issued",
                   "aggregate_id": VOUCHER, "aggregate_version": 1, "actor": BUREAU, "role": "bureau",
                   "key_id": "3f9a1c0d5e7b2a41", "command": "issue_voucher",
                   "command_id": "5b0f4a52-6f7e-4d1a-9a43-0d1c2b3a4f51", "target": VOUCHER, "voucher": VOUCHER,
                   "institution": None, "outcome": "recorded", "event_hash": "9c1f" + "0" * 60}],
        "views_position": 57, "next_cursor": CURSOR})
    items: list[AuditRow]
    views_position: int = _position()
    next_cursor: str | None = _next()


class FlagRow(BaseModel):
    id: str
    kind: str
    rule: str
    voucher: str | None
    trainee: str | None
    institution: str | None
    region: str
    events: list[int] = Field(description="sequence numbers of the events that raised the flag")
    detail: str
    sequence: int
    raised_at: str | None = Field(description="null for outliers (L11), computed when read")


class FlagsPage(BaseModel):
    model_config = _examples({
        "items": [{"id": "face_check_failed:57", "kind": "face_check_failed", "rule": "L6", "voucher": VOUCHER,
                   "trainee": TRAINEE, "institution": INSTITUTION, "region": "liaoning", "events": [57],
                   "detail": "1 random face check(s) failed in an online session", "sequence": 57,
                   "raised_at": "2023-03-04T08:00:00.000000Z"}],
        "views_position": 57, "next_cursor": None})
    items: list[FlagRow]
    views_position: int = _position()
    next_cursor: str | None = _next()


class FilingRow(BaseModel):
    id: str
    institution: str
    platform: str | None
    region: str
    occupation: str
    level: str
    occupation_type: str
    total_class_hours: int
    planned_online_minutes: int
    starts_on: str
    ends_on: str
    status: str
    filed_at: str
    approved_at: str | None
    approved_sequence: int | None
    last_sequence: int


class FilingsPage(BaseModel):
    model_config = _examples({
        "items": [{"id": "4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b", "institution": INSTITUTION, "platform": None,
                   "region": "liaoning", "occupation": "6-31-01-03", "level": "4", "occupation_type": "skill",
                   "total_class_hours": 24, "planned_online_minutes": 0, "starts_on": "2023-03-03",
                   "ends_on": "2023-04-02", "status": "approved", "filed_at": "2023-03-01T08:00:00.000000Z",
                   "approved_at": "2023-03-01T09:00:00.000000Z", "approved_sequence": 12, "last_sequence": 12}],
        "views_position": 57, "next_cursor": None})
    items: list[FilingRow]
    views_position: int = _position()
    next_cursor: str | None = _next()


class Fortnight(BaseModel):
    first_day: str
    last_day: str


class RegionFigures(BaseModel):
    region: str
    registrations: int
    trainees_in_training: int
    certified: int
    paid_fen: int
    allowance_fen: int
    clawed_back_fen: int


class FortnightReport(BaseModel):
    """N5 双周调度表: one row per region with activity in the fortnight (at most
    one per region profile, so not paginated)."""

    model_config = _examples({
        "fortnight": {"first_day": "2023-02-27", "last_day": "2023-03-12"},
        "regions": [{"region": "liaoning", "registrations": 12, "trainees_in_training": 9, "certified": 3,
                     "paid_fen": 450000, "allowance_fen": 0, "clawed_back_fen": 0}],
        "views_position": 57})
    fortnight: Fortnight
    regions: list[RegionFigures]
    views_position: int = _position()
