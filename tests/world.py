"""A small world for tests: a trust root, finance, an inspector, and one region
with its bureau, platform and institution in the catalogue, and helpers that
sign and submit each step. Time is a controllable clock inside the region
profile's validity window."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from ledger.application import VoucherLedger
from ledger.envelope import iso, sign_command
from ledger.genesis import initialise, trust_root_key
from ledger.personal import commitment, national_id_check_character
from ledger.rules import profile_for
from ledger.signing import SigningKey


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


REGION_START = {
    "liaoning": datetime(2023, 3, 1, 8, tzinfo=timezone.utc),
    "hunan-hengyang": datetime(2020, 5, 1, 8, tzinfo=timezone.utc),
    "shandong": datetime(2020, 5, 1, 8, tzinfo=timezone.utc),
    "jiangxi": datetime(2020, 6, 1, 8, tzinfo=timezone.utc),
    "national": datetime(2020, 4, 1, 8, tzinfo=timezone.utc),
}


class World:
    def __init__(self, ledger: VoucherLedger, region: str = "liaoning") -> None:
        self.ledger = ledger
        self.region = region
        self.profile = profile_for(region)
        self.clock = Clock(REGION_START[region])
        ledger.clock = self.clock
        if not ledger.is_initialised():
            initialise(ledger)
        self.root = trust_root_key(ledger.keys_dir)
        self.serial = 0
        self.finance = self.register(self.root, "finance", name="finance")
        self.inspector = self.register(self.root, "inspector", name="inspector")
        self.bureau = self.register(self.root, "bureau", name=f"{region} bureau", region=region)
        self.platform = self.register(self.bureau, "platform", name="platform")
        self.institution = self.register(self.bureau, "institution", name="school", kind="social_training")
        for party in (self.platform, self.institution):
            self.do(self.bureau, "list_in_catalogue", party.actor, {})

    # -- signing and submitting ---------------------------------------------

    def signed(self, key: SigningKey, command: str, target: Any, body: dict[str, Any], *,
               command_id: uuid.UUID | None = None, signed_at: datetime | None = None) -> dict[str, Any]:
        """A signed envelope, signed now by the world's clock unless `signed_at`
        says otherwise; `command_id` reuses an id (to test idempotency)."""
        return sign_command(key, command, target, body, command_id=command_id, signed_at=signed_at or self.clock.now)

    def do(self, key: SigningKey, command: str, target: Any, body: dict[str, Any],
           personal: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.ledger.submit(self.signed(key, command, target, body), personal=personal).result

    def register(self, registrar: SigningKey, role: str, **body: Any) -> SigningKey:
        party = uuid.uuid4()
        key = SigningKey.generate(actor=str(party), role=role)
        self.do(registrar, "register_party", party, {"role": role, "public_key": key.public_key_b64, **body})
        return key

    def person(self) -> dict[str, str]:
        self.serial += 1
        first_17 = f"21010219900101{self.serial:03d}"
        return {"name": "测试学员", "national_id": first_17 + national_id_check_character(first_17),
                "nonce": uuid.uuid4().hex}

    def trainee(self, personal: dict[str, str] | None = None, allowance_groups: list[str] | None = None
                ) -> SigningKey:
        personal = personal or self.person()
        party = uuid.uuid4()
        key = SigningKey.generate(actor=str(party), role="trainee")
        body = {"role": "trainee", "public_key": key.public_key_b64, "personal_sha256": commitment(personal)}
        if allowance_groups:
            body["allowance_groups"] = allowance_groups
        self.do(self.bureau, "register_party", party, body, personal=personal)
        return key

    # -- steps of the loop ---------------------------------------------------

    def filing_body(self, **overrides: Any) -> dict[str, Any]:
        starts_on = (self.clock.now + timedelta(days=2)).date()
        body = {"occupation": "electrician", "level": "4", "occupation_type": "skill",
                "courses": ["theory", "practice"], "teachers": ["张老师"], "total_class_hours": 24,
                "planned_online_minutes": 0, "platform": self.platform.actor,
                "starts_on": starts_on.isoformat(), "ends_on": (starts_on + timedelta(days=30)).isoformat(),
                "quality_commitment": True}
        body.update(overrides)
        return body

    def approved_filing(self, **overrides: Any) -> uuid.UUID:
        filing = uuid.uuid4()
        self.do(self.institution, "file_class", filing, self.filing_body(**overrides))
        self.do(self.bureau, "approve_filing", filing, {})
        return filing

    def issue(self, trainee: SigningKey, occupation: str = "electrician", level: str = "4",
              standard_fen: int = 150000, shortage: bool = False, valid_days: int = 180) -> uuid.UUID:
        voucher = uuid.uuid4()
        self.do(self.bureau, "issue_voucher", voucher, {
            "trainee": trainee.actor, "occupation": occupation, "level": level, "standard_fen": standard_fen,
            "shortage": shortage, "valid_until": (self.clock.now + timedelta(days=valid_days)).date().isoformat()})
        return voucher

    def enrolled_voucher(self, filing: uuid.UUID | None = None, **issue: Any) -> tuple[uuid.UUID, SigningKey]:
        filing = filing or self.approved_filing(occupation=issue.get("occupation", "electrician"),
                                                level=issue.get("level", "4"))
        trainee = self.trainee()
        voucher = self.issue(trainee, **issue)
        self.do(trainee, "claim_voucher", voucher, {})
        self.do(self.institution, "enrol", voucher, {"filing": str(filing)})
        return voucher, trainee

    def online(self, voucher: uuid.UUID, minutes: int, **overrides: Any) -> dict[str, Any]:
        body = {"signed_in_at": iso(self.clock.now), "minutes": minutes, "questions_answered": 1,
                "tests_taken": 1, "tests_passed": 1, "face_checks_passed": 1, "face_checks_failed": 0}
        body.update(overrides)
        return self.do(self.platform, "record_online_learning", voucher, body)

    def offline(self, voucher: uuid.UUID, minutes: int) -> dict[str, Any]:
        return self.do(self.institution, "record_offline_training", voucher,
                       {"started_at": iso(self.clock.now), "minutes": minutes, "location": "workshop"})

    def trained_voucher(self, **issue: Any) -> uuid.UUID:
        voucher, _ = self.enrolled_voucher(**issue)
        self.clock.advance(days=3)
        state = self.ledger.get(voucher)
        required = state.total_class_hours * self.profile.class_hour_minutes
        while required > 0:
            self.offline(voucher, min(required, 480))
            required -= 480
        return voucher

    def certified_voucher(self, **issue: Any) -> uuid.UUID:
        voucher = self.trained_voucher(**issue)
        self.do(self.institution, "assess", voucher, {"passed": True, "certificate_number": f"C-{voucher.hex[:10]}",
                                                      "certificate_kind": "training_qualified"})
        return voucher

    def cleared_voucher(self, **issue: Any) -> uuid.UUID:
        voucher = self.certified_voucher(**issue)
        self.do(self.institution, "request_redemption", voucher,
                {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]})
        self.do(self.bureau, "review_redemption", voucher, {"approved": True, "reason": "checked"})
        self.do(self.bureau, "open_notice", voucher, {"days": 5})
        self.clock.advance(days=6)
        self.do(self.bureau, "close_notice", voucher, {"outcome": "cleared"})
        return voucher

    def paid_voucher(self, **issue: Any) -> uuid.UUID:
        voucher = self.cleared_voucher(**issue)
        state = self.ledger.get(voucher)
        self.do(self.finance, "pay", voucher, {"amount_fen": state.subsidy_fen - state.prepaid_fen,
                                               "fund": self.profile.funds[0]})
        return voucher

    def log_snapshot(self) -> list[tuple[int, bytes]]:
        """The whole log, to compare before and after a refused command."""
        return [(n.id, n.state) for n in self.ledger.notifications()]
