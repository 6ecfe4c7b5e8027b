"""The bench's ledger: one region (Liaoning, whose profile has no end date,
so the real clock works), its bureau, a catalogued platform and institution,
an approved class filing, and trainees with enrolled vouchers. Every step is a
signed envelope a client would send; `signed_*` build them, `submit` records
one through the application.

Vouchers take a realistic number of learning records each
(`RECORDS_PER_VOUCHER`), alternating an online session (platform) and an
offline one (institution), so a voucher's history stays as long as a real one.
The sessions are dated as a real timetable dates them: one every
`SESSION_SPACING`, from the day the class starts, never two at once, so the
views hold the few fraud flags a real log holds. For that the set-up (genesis,
parties, the class filing and its approval) is recorded `SETUP_LEAD` before
the bench's real time, on the ledger's own clock; everything after it is
recorded at the real time, so the log's times only move forward, and sessions
reach the ledger days after they took place (as N5's fortnightly table does)."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from api.demo_people import national_id
from ledger.aggregates.party import CODED_ROLES
from ledger.application import VoucherLedger
from ledger.credit_code import make_credit_code
from ledger.envelope import iso, sign_command, utc_now
from ledger.genesis import initialise, trust_root_key
from ledger.personal import commitment
from ledger.signing import SigningKey

REGION = "liaoning"
RECORDS_PER_VOUCHER = 20
ONLINE_MINUTES = 5  # far below the online-share cap (L1) however many sessions
OFFLINE_MINUTES = 60
SETUP_LEAD = timedelta(days=4)  # the class is filed and approved, then starts the next day
SESSION_SPACING = timedelta(hours=2)  # RECORDS_PER_VOUCHER sessions take 40 hours of the class period


class BenchWorld:
    def __init__(self, ledger: VoucherLedger) -> None:
        self.ledger = ledger
        self.lead = timedelta(0) if ledger.is_initialised() else SETUP_LEAD  # never back before what is logged
        real_clock = ledger.clock
        ledger.clock = lambda: real_clock() - self.lead
        try:
            if not ledger.is_initialised():
                initialise(ledger)
            self.root = trust_root_key(ledger.keys_dir)
            self.serial = itertools.count(1)
            self.bureau = self._register(self.root, "bureau", name="bench bureau", region=REGION)
            self.platform = self._register(self.bureau, "platform", name="bench platform")
            self.institution = self._register(self.bureau, "institution", name="bench school",
                                              kind="social_training")
            for party in (self.platform, self.institution):
                self.submit(self.signed(self.bureau, "list_in_catalogue", party.actor, {}))
            self.filing = uuid.uuid4()
            body = self.filing_body()
            self.submit(self.signed(self.institution, "file_class", self.filing, body))
            self.submit(self.signed(self.bureau, "approve_filing", self.filing, {}))
        finally:
            ledger.clock = real_clock
        self.class_starts_at = datetime.combine(date.fromisoformat(body["starts_on"]), time(1), tzinfo=timezone.utc)
        self.lead = timedelta(0)

    def now(self) -> datetime:
        return utc_now() - self.lead

    # -- envelopes ------------------------------------------------------------

    def signed(self, key: SigningKey, command: str, target: Any, body: dict[str, Any]) -> dict[str, Any]:
        return sign_command(key, command, target, body, signed_at=self.now(), ledger=self.ledger.origin)

    def submit(self, signed: dict[str, Any], personal: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.ledger.submit(signed, personal=personal).result

    def _register(self, registrar: SigningKey, role: str, **body: Any) -> SigningKey:
        party = uuid.uuid4()
        key = SigningKey.generate(actor=str(party), role=role)
        if role in CODED_ROLES:  # L12: institutions and platforms carry their credit code
            body.setdefault("credit_code", make_credit_code(party.int % 31 ** 9))
        self.submit(self.signed(registrar, "register_party", party,
                                {"role": role, "public_key": key.public_key_b64, **body}))
        return key

    def filing_body(self) -> dict[str, Any]:
        starts_on = (self.now() + timedelta(days=1)).date()
        return {"occupation": "6-31-01-03", "level": 4, "occupation_type": "skill",
                "courses": ["theory", "practice"], "teachers": ["张老师"], "training_kind": "employment",
                "theory_class_hours": 12, "practical_class_hours": 12, "planned_online_minutes": 0,
                "platform": self.platform.actor,
                "starts_on": starts_on.isoformat(), "ends_on": (starts_on + timedelta(days=30)).isoformat(),
                "quality_commitment": True}

    def voucher_steps(self) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
        """(signed envelope, personal data) of the four steps that give a new
        trainee an enrolled voucher: register, issue, claim, enrol. Returns
        the voucher id as the target of the last."""
        serial = next(self.serial)
        trainee_id, voucher = uuid.uuid4(), uuid.uuid4()
        trainee = SigningKey.generate(actor=str(trainee_id), role="trainee")
        personal = {"name": "测试学员", "national_id": national_id(REGION, serial), "nonce": uuid.uuid4().hex}
        today = utc_now().date()
        return [
            (self.signed(self.bureau, "register_party", trainee_id,
                         {"role": "trainee", "public_key": trainee.public_key_b64,
                          "personal_sha256": commitment(personal)}), personal),
            (self.signed(self.bureau, "issue_voucher", voucher,
                         {"trainee": str(trainee_id), "occupation": "6-31-01-03", "level": 4,
                          "standard_fen": 150000, "shortage": False,
                          "valid_until": (today + timedelta(days=365)).isoformat()}), None),
            (self.signed(trainee, "claim_voucher", voucher, {}), None),
            (self.signed(trainee, "choose_institution", voucher, {"institution": self.institution.actor}), None),
            (self.signed(self.institution, "enrol", voucher, {"filing": str(self.filing)}), None),
        ]

    def enrolled_voucher(self) -> uuid.UUID:
        steps = self.voucher_steps()
        for signed, personal in steps:
            self.submit(signed, personal)
        return uuid.UUID(steps[-1][0]["envelope"]["target"])

    def learning_record(self, voucher: uuid.UUID, index: int) -> dict[str, Any]:
        """The index-th learning record of a voucher: online and offline in turn, the
        index-th slot of the class's timetable (never after now: a slot still to come
        is dated now)."""
        started_at = iso(min(self.class_starts_at + index * SESSION_SPACING, utc_now()))
        if index % 2 == 0:
            return self.signed(self.platform, "record_online_learning", voucher, {
                "signed_in_at": started_at, "minutes": ONLINE_MINUTES, "questions_answered": 3, "tests_taken": 1,
                "tests_passed": 1, "face_checks_passed": 2, "face_checks_failed": 0})
        return self.signed(self.institution, "record_offline_training", voucher,
                           {"started_at": started_at, "minutes": OFFLINE_MINUTES, "location": "workshop 2"})
