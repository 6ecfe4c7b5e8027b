"""A small world for tests: a trust root, finance, an inspector, and one region
with its bureau, platform and institution in the catalogue and an assessor
(each with a valid credit code), and helpers that
sign and submit each step. Time is a controllable clock inside the region
profile's validity window."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any

from ledger.aggregates.party import CODED_ROLES
from ledger.aggregates.periods import EpidemicPeriod, SegmentedSubsidy
from ledger.application import VoucherLedger
from ledger.credit_code import make_credit_code
from ledger.envelope import iso, sign_command
from ledger.genesis import initialise, trust_root_key
from ledger.personal import commitment, national_id_check_character
from ledger.rules import profile_for
from ledger.signing import SigningKey


ELECTRICIAN = "6-31-01-03"  # 电工, national occupational classification (2022)
WELDER = "6-18-02-04"  # 焊工


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
        self.assessor = self.register(self.bureau, "assessor", name="评价机构 assessor")
        for party in (self.platform, self.institution):
            self.do(self.bureau, "list_in_catalogue", party.actor, {})

    # -- signing and submitting ---------------------------------------------

    def signed(self, key: SigningKey, command: str, target: Any, body: dict[str, Any], *,
               command_id: uuid.UUID | None = None, signed_at: datetime | None = None) -> dict[str, Any]:
        """A signed envelope, signed now by the world's clock unless `signed_at`
        says otherwise; `command_id` reuses an id (to test idempotency)."""
        return sign_command(key, command, target, body, command_id=command_id, signed_at=signed_at or self.clock.now,
                            ledger=self.ledger.origin)

    def do(self, key: SigningKey, command: str, target: Any, body: dict[str, Any],
           personal: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.ledger.submit(self.signed(key, command, target, body), personal=personal).result

    def register(self, registrar: SigningKey, role: str, **body: Any) -> SigningKey:
        """Register a party; institutions, platforms and assessors get a fresh valid
        credit code unless `credit_code` is given."""
        party = uuid.uuid4()
        key = SigningKey.generate(actor=str(party), role=role)
        if role in CODED_ROLES:
            body.setdefault("credit_code", make_credit_code(party.int % 31 ** 9))
        self.do(registrar, "register_party", party, {"role": role, "public_key": key.public_key_b64, **body})
        return key

    def person(self) -> dict[str, str]:
        self.serial += 1
        first_17 = f"21010219900101{self.serial:03d}"
        return {"name": "测试学员", "national_id": first_17 + national_id_check_character(first_17),
                "nonce": uuid.uuid4().hex}

    def trainee(self, personal: dict[str, str] | None = None, allowance_groups: list[str] | None = None,
                employer_credit_code: str | None = None, registrar: SigningKey | None = None) -> SigningKey:
        """A trainee registered by `registrar` (the world's bureau by default), in its region."""
        personal = personal or self.person()
        party = uuid.uuid4()
        key = SigningKey.generate(actor=str(party), role="trainee")
        body = {"role": "trainee", "public_key": key.public_key_b64, "personal_sha256": commitment(personal)}
        if allowance_groups:
            body["allowance_groups"] = allowance_groups
        if employer_credit_code:
            body["employer_credit_code"] = employer_credit_code
        self.do(registrar or self.bureau, "register_party", party, body, personal=personal)
        return key

    # -- steps of the loop ---------------------------------------------------

    def filing_body(self, **overrides: Any) -> dict[str, Any]:
        """A lawful filing in every region: half theory, half practical, nothing planned online.
        `total_class_hours` alone splits in halves; with one of theory/practical the other is the rest."""
        starts_on = (self.clock.now + timedelta(days=2)).date()
        total = overrides.pop("total_class_hours", None)
        theory, practical = overrides.pop("theory_class_hours", None), overrides.pop("practical_class_hours", None)
        if total is None:
            total = (theory or 0) + (practical or 0) if theory is not None and practical is not None else 24
        if theory is None:
            theory = total // 2 if practical is None else total - practical
        if practical is None:
            practical = total - theory
        body = {"occupation": ELECTRICIAN, "level": 4, "occupation_type": "skill",
                "training_kind": "employment", "courses": ["theory", "practice"], "teachers": ["张老师"],
                "theory_class_hours": theory, "practical_class_hours": practical, "total_class_hours": total,
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

    def issue(self, trainee: SigningKey, occupation: str = ELECTRICIAN, level: int = 4,
              standard_fen: int | None = None, shortage: bool | None = None, valid_days: int = 180) -> uuid.UUID:
        """Issue at the catalogue's standard (H2) unless a lower `standard_fen` is
        given; `shortage` is sent only when given (it must match the shortage list)."""
        voucher = uuid.uuid4()
        body = {"trainee": trainee.actor, "occupation": occupation, "level": level,
                "valid_until": (self.clock.now + timedelta(days=valid_days)).date().isoformat()}
        if standard_fen is not None:
            body["standard_fen"] = standard_fen
        if shortage is not None:
            body["shortage"] = shortage
        self.do(self.bureau, "issue_voucher", voucher, body)
        return voucher

    def enrolled_voucher(self, filing: uuid.UUID | None = None, **issue: Any) -> tuple[uuid.UUID, SigningKey]:
        filing = filing or self.approved_filing(occupation=issue.get("occupation", ELECTRICIAN),
                                                level=issue.get("level", 4))
        trainee = self.trainee()
        voucher = self.issue(trainee, **issue)
        self.claim_and_choose(trainee, voucher)
        self.do(self.institution, "enrol", voucher, {"filing": str(filing)})
        return voucher, trainee

    def voucher_enrolled_at(self, institution: SigningKey) -> uuid.UUID:
        """A voucher enrolled at `institution`, in a class it filed and the bureau approved."""
        filing = uuid.uuid4()
        self.do(institution, "file_class", filing, self.filing_body())
        self.do(self.bureau, "approve_filing", filing, {})
        trainee = self.trainee()
        voucher = self.issue(trainee)
        self.claim_and_choose(trainee, voucher, institution)
        self.do(institution, "enrol", voucher, {"filing": str(filing)})
        return voucher

    def claim_and_choose(self, trainee: SigningKey, voucher: uuid.UUID, institution: SigningKey | None = None
                         ) -> dict[str, Any]:
        """The trainee claims the voucher and chooses the institution (L7; the world's own by default)."""
        self.do(trainee, "claim_voucher", voucher, {})
        return self.do(trainee, "choose_institution", voucher,
                       {"institution": (institution or self.institution).actor})

    def online(self, voucher: uuid.UUID, minutes: int, **overrides: Any) -> dict[str, Any]:
        body = {"signed_in_at": iso(self.clock.now), "minutes": minutes, "questions_answered": 1,
                "tests_taken": 1, "tests_passed": 1, "face_checks_passed": 1, "face_checks_failed": 0}
        body.update(overrides)
        return self.do(self.platform, "record_online_learning", voucher, body)

    def offline(self, voucher: uuid.UUID, minutes: int) -> dict[str, Any]:
        return self.do(self.institution, "record_offline_training", voucher,
                       {"started_at": iso(self.clock.now), "minutes": minutes, "location": "workshop"})

    def allowance_body(self, voucher: uuid.UUID, days: int = 1, from_day: str | None = None,
                       amount_fen: int | None = None) -> dict[str, Any]:
        """A pay_allowance body (N4) for `days` days from `from_day` (the enrolment day by default),
        at the region's daily amount unless `amount_fen` says otherwise."""
        start = date.fromisoformat(from_day or self.ledger.get(voucher).enrolled_on)
        daily_fen = self.profile.allowance.daily_fen if self.profile.allowance else 1
        return {"amount_fen": amount_fen if amount_fen is not None else daily_fen * days,
                "fund": "employment_subsidy_fund", "from_day": start.isoformat(),
                "to_day": (start + timedelta(days=days - 1)).isoformat()}

    def end_epidemic_period(self, ended_on: Any = None) -> dict[str, Any]:
        """The bureau records the end of the region's epidemic period (H5), today unless given."""
        ended_on = ended_on or self.clock.now.date()
        return self.do(self.bureau, "end_epidemic_period", EpidemicPeriod.id_for(self.region),
                       {"ended_on": str(ended_on), "document": "疫情解除通告"})

    def adopt_segmented_subsidy(self, online_percent: int = 20) -> dict[str, Any]:
        """The bureau's city opts in to S2's segmented subsidy."""
        return self.do(self.bureau, "adopt_segmented_subsidy", SegmentedSubsidy.id_for(self.bureau.actor),
                       {"online_percent": online_percent, "document": "市人社局 分段补贴实施细则"})

    def trained_voucher(self, **issue: Any) -> uuid.UUID:
        """Enrolled and trained offline for all its hours (see `complete_hours`)."""
        voucher, _ = self.enrolled_voucher(**issue)
        self.clock.advance(days=3)
        self.complete_hours(voucher)
        return voucher

    def complete_hours(self, voucher: uuid.UUID) -> None:
        """Offline sessions of up to 480 minutes until the class's total hours are recorded (H1);
        where offline practical training waits for the end of the epidemic period (H5), the
        bureau records that end first."""
        period = self.profile.epidemic_period
        if period and period.offline_practical_banned and self.ledger.find(EpidemicPeriod.id_for(self.region)) is None:
            self.end_epidemic_period()
        state = self.ledger.get(voucher)
        required = (state.total_class_hours * self.profile.class_hour_minutes - state.online_minutes
                    - state.offline_minutes)
        while required > 0:
            self.offline(voucher, min(required, 480))
            required -= 480

    def certified_voucher(self, **issue: Any) -> uuid.UUID:
        """Trained, then assessed and certified by the independent assessor (001: 考核评价)."""
        voucher = self.trained_voucher(**issue)
        self.do(self.assessor, "assess", voucher, {"passed": True, "certificate_number": f"C-{voucher.hex[:10]}",
                                                   "certificate_kind": "training_qualified"})
        return voucher

    def cleared_voucher(self, **issue: Any) -> uuid.UUID:
        voucher = self.certified_voucher(**issue)
        self.redeem_and_clear(voucher)
        return voucher

    def redeem_and_clear(self, voucher: uuid.UUID) -> None:
        """A certified voucher: request, approving review, five-day notice, cleared (H6, H7)."""
        self.do(self.institution, "request_redemption", voucher,
                {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]})
        self.do(self.bureau, "review_redemption", voucher, {"approved": True, "reason": "checked"})
        self.do(self.bureau, "open_notice", voucher, {"days": 5})
        self.clock.advance(days=6)
        self.do(self.bureau, "close_notice", voucher, {"outcome": "cleared"})

    def paid_voucher(self, **issue: Any) -> uuid.UUID:
        voucher = self.cleared_voucher(**issue)
        state = self.ledger.get(voucher)
        self.do(self.finance, "pay", voucher, {"amount_fen": state.subsidy_fen - state.prepaid_fen,
                                               "fund": self.profile.funds[0]})
        return voucher

    def log_snapshot(self) -> list[tuple[int, bytes]]:
        """The whole log, to compare before and after a refused command."""
        return [(n.id, n.state) for n in self.ledger.notifications()]
