"""`vledger demo`: a realistic ledger. Five regional bureaus with their
institutions, platforms and assessors (each with a credit code; the enterprise
school assesses its own staff, S4), finance and an inspector; vouchers through every
path of the loop (L7) including the exits; each rule of issue 12 walked on its
lawful path (`api/demo_rules.py`); and fraud attempts that the ledger refuses,
one for each rule, each checked to leave the log unchanged.

Every step is a signed envelope submitted like any client would. The demo runs
on a simulated clock inside each region profile's validity window (2020 for
the 2020 notices, 2023 for Liaoning); private keys go to `<keys>/demo/`."""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable

from api.demo_people import ORGANISATIONS, OCCUPATIONS, name, national_id, nonce
from api.demo_rules import RuleWalks
from ledger.aggregates.party import CODED_ROLES
from ledger.aggregates.periods import EpidemicPeriod
from ledger.application import ROOT_ID, VoucherLedger
from ledger.credit_code import make_credit_code
from ledger.envelope import iso, sign_command
from ledger.errors import LedgerError
from ledger.genesis import trust_root_key
from ledger.hours import ClassHours, allowed_online_class_hours, hours_refusal
from ledger.personal import commitment
from ledger.rules import profile_for
from ledger.signing import SigningKey, canonical_json, sha256_hex

REGION_TIMELINES = (  # region, first day of its demo timeline (inside the profile's window)
    ("national", datetime(2020, 4, 1, 8, tzinfo=timezone.utc)),
    ("hunan-hengyang", datetime(2020, 5, 11, 8, tzinfo=timezone.utc)),
    ("jiangxi", datetime(2020, 6, 21, 8, tzinfo=timezone.utc)),
    ("shandong", datetime(2020, 8, 1, 8, tzinfo=timezone.utc)),
    ("liaoning", datetime(2023, 3, 1, 8, tzinfo=timezone.utc)),
)
# How the vouchers of each region end, one entry per 20 vouchers.
PATHS = ("paid", "expired", "paid", "revoked", "paid", "rejected", "paid", "failed", "paid", "upheld", "paid",
         "clawed_back", "paid", "training", "paid", "expired", "paid", "training", "paid", "paid")
CLASS_HOURS = 24
THEORY_CLASS_HOURS = 12
TICK = timedelta(milliseconds=50)


class SimulatedClock:
    """Monotonic demo time: jumps forward to each phase, ticks between commands."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += TICK
        return self.now

    def advance_to(self, moment: datetime) -> None:
        self.now = max(self.now, moment)


@dataclass
class DemoReport:
    vouchers_by_status: Counter = field(default_factory=Counter)
    refused_by_rule: Counter = field(default_factory=Counter)
    walked_by_rule: Counter = field(default_factory=Counter)
    replays_recorded_once: int = 0
    parties: Counter = field(default_factory=Counter)
    commands: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"vouchers_by_status": dict(self.vouchers_by_status), "refused_by_rule": dict(self.refused_by_rule),
                "walked_by_rule": {rule: count for rule, count in self.walked_by_rule.items() if count},
                "replays_recorded_once": self.replays_recorded_once, "parties": dict(self.parties),
                "commands": self.commands}


class Demo:
    def __init__(self, ledger: VoucherLedger, seed: int = 7) -> None:
        self.ledger = ledger
        self.clock = SimulatedClock(REGION_TIMELINES[0][1] - timedelta(days=1))
        ledger.clock = self.clock
        self.rng = random.Random(seed)
        self.root = trust_root_key(ledger.keys_dir)
        self.folder = ledger.keys_dir / "demo"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.report = DemoReport()
        self.serial = 0

    # -- acting ------------------------------------------------------------

    def act(self, key: SigningKey, command: str, target: uuid.UUID | str, body: dict[str, Any],
            personal: dict[str, Any] | None = None) -> dict[str, Any]:
        signed = sign_command(key, command, target, body, signed_at=self.clock.now, ledger=self.ledger.origin)
        self.report.commands += 1
        return self.ledger.submit(signed, personal=personal).result

    def refused(self, rule: str, attempt: Callable[[], Any], mentions: str = "") -> None:
        """A fraud attempt: must be refused by `rule` and must leave the log exactly as it was.
        `rule` is the rule the error cites, or, for an error that cites none, the error's
        class (`RoleNotAllowed`) or the rule its check enforces (L7 for the trainee's choice),
        whose message then `mentions` what the check is about."""
        before = self.ledger.max_notification_id()
        try:
            attempt()
        except LedgerError as error:
            assert self.ledger.max_notification_id() == before, "a refused command changed the log"
            assert error.rule in (None, rule), f"{rule} attempt refused by another rule: {error}"
            assert mentions in str(error), f"{rule} attempt refused for another reason: {error}"
            self.report.refused_by_rule[rule] += 1
            return
        raise AssertionError(f"the ledger accepted a fraud attempt: {rule}")

    def new_party(self, registrar: SigningKey, role: str, body: dict[str, Any], label: str,
                  personal: dict[str, Any] | None = None, save: bool = True) -> SigningKey:
        party_id = uuid.uuid4()
        key = SigningKey.generate(actor=str(party_id), role=role)
        if role in CODED_ROLES and "credit_code" not in body:  # L12: the organisation's own identity
            body = {**body, "credit_code": make_credit_code(self.report.commands)}
        self.act(registrar, "register_party", party_id, {"role": role, "public_key": key.public_key_b64, **body},
                 personal=personal)
        self.report.parties[role] += 1
        if save:
            key.save(self.folder / f"{label}.json")
        return key

    # -- the scenario --------------------------------------------------------

    def run(self, vouchers: int, progress: Callable[[int], None] = lambda n: None) -> DemoReport:
        self.clock.advance_to(REGION_TIMELINES[0][1] - timedelta(hours=1))
        self.finance = self.new_party(self.root, "finance", {"name": "财政局 finance"}, "finance")
        self.inspector = self.new_party(self.root, "inspector", {"name": "监管 inspector"}, "inspector")
        per_region = [vouchers // len(REGION_TIMELINES)] * len(REGION_TIMELINES)
        for index in range(vouchers % len(REGION_TIMELINES)):
            per_region[index] += 1
        for (region, start), count in zip(REGION_TIMELINES, per_region):
            RegionScenario(self, region, start, count, progress).run()
        return self.report


class RegionScenario:
    """One region's bureau, institutions, platform, trainees and vouchers, day by day."""

    def __init__(self, demo: Demo, region: str, start: datetime, count: int, progress: Callable[[int], None]):
        self.demo, self.region, self.start, self.count, self.progress = demo, region, start, count, progress
        self.profile = profile_for(region)
        self.vouchers: list[dict[str, Any]] = []

    def day(self, number: int, hour: int = 9) -> datetime:
        moment = self.start + timedelta(days=number, hours=hour - 8)
        self.demo.clock.advance_to(moment)
        return moment

    def run(self) -> None:
        demo = self.demo
        self.day(0, 8)
        bureau_name, platform_name = ORGANISATIONS[self.region]
        self.bureau = demo.new_party(demo.root, "bureau", {"name": bureau_name, "region": self.region},
                                     f"{self.region}-bureau")
        self.platform = demo.new_party(self.bureau, "platform", {"name": platform_name}, f"{self.region}-platform")
        self.institutions = [
            demo.new_party(self.bureau, "institution", {"name": f"{self.region} 职业培训学校 {n}",
                                                        "kind": kind}, f"{self.region}-institution-{n}")
            for n, kind in ((1, "social_training"), (2, "enterprise"))]
        self.assessor = demo.new_party(self.bureau, "assessor", {"name": f"{self.region} 职业技能等级认定评价机构"},
                                       f"{self.region}-assessor")
        self.credit_codes = {key.actor: demo.ledger.get(key.actor).credit_code
                             for key in (self.platform, *self.institutions, self.assessor)}
        for party in (self.platform, *self.institutions):
            demo.act(self.bureau, "list_in_catalogue", party.actor, {})
        walks = RuleWalks(self)
        walks.opt_in_segments()
        self.file_classes()
        self.register_and_issue()
        self.train()
        self.assess_and_redeem()
        self.pay_and_close()
        walks.run()  # before the fraud attempts ban the enterprise (L12)
        self.fraud_attempts()

    def file_classes(self) -> None:
        self.filings: dict[tuple[int, str], uuid.UUID] = {}
        starts_on = (self.start + timedelta(days=2)).date()
        for index in range(len(self.institutions)):
            for occupation in OCCUPATIONS:
                self.filings[(index, occupation[0])] = self.file_class(index, occupation, "employment", starts_on)

    def file_class(self, index: int, occupation: tuple[str, int, str], training_kind: str,
                   starts_on: date) -> uuid.UUID:
        """A class of 30 days filed by institution `index` and approved by the bureau (H4)."""
        code, level, occupation_type = occupation
        filing = uuid.uuid4()
        self.demo.act(self.institutions[index], "file_class", filing, {
            "occupation": code, "level": level, "occupation_type": occupation_type,
            "courses": [f"{code} theory", f"{code} practice"], "teachers": ["张老师", "李老师"],
            "training_kind": training_kind, "theory_class_hours": THEORY_CLASS_HOURS,
            "practical_class_hours": CLASS_HOURS - THEORY_CLASS_HOURS,
            "planned_online_minutes": self.online_minutes(occupation_type),
            "platform": self.platform.actor, "starts_on": starts_on.isoformat(),
            "ends_on": (starts_on + timedelta(days=30)).isoformat(), "quality_commitment": True})
        self.demo.act(self.bureau, "approve_filing", filing, {})
        return filing

    def class_minutes(self) -> int:
        return CLASS_HOURS * self.profile.class_hour_minutes

    def online_minutes(self, occupation_type: str) -> int:
        """As many online minutes as the region's hours rules allow (H1, L1, S1, J2, J3)."""
        hours = ClassHours(occupation_type, THEORY_CLASS_HOURS, CLASS_HOURS - THEORY_CLASS_HOURS)
        return allowed_online_class_hours(self.profile, hours) * self.profile.class_hour_minutes

    def register_and_issue(self) -> None:
        demo = self.demo
        self.day(1)
        trainees_file = demo.folder / f"{self.region}-trainees.jsonl"
        with trainees_file.open("a") as keys_out:
            for index in range(self.count):
                demo.serial += 1
                personal = {"name": name(demo.rng), "national_id": national_id(self.region, demo.serial),
                            "nonce": nonce(demo.rng)}
                groups = ["registered_poor"] if index % 7 == 3 and self.profile.allowance_groups else []
                institution_index = index % 2
                registration = {"personal_sha256": commitment(personal), "allowance_groups": groups}
                if institution_index == 1:  # the enterprise trains and assesses its own staff (S4)
                    registration["employer_credit_code"] = self.credit_codes[self.institutions[1].actor]
                trainee = demo.new_party(self.bureau, "trainee", registration, "", personal=personal, save=False)
                keys_out.write(json.dumps(trainee.to_json()) + "\n")
                occupation, level, occupation_type = OCCUPATIONS[index % len(OCCUPATIONS)]
                path = PATHS[index % len(PATHS)]
                voucher = uuid.uuid4()
                valid_days = 12 if path == "expired" else 180
                demo.act(self.bureau, "issue_voucher", voucher, {
                    "trainee": trainee.actor, "occupation": occupation, "level": level,
                    "valid_until": (self.start + timedelta(days=valid_days)).date().isoformat()})
                demo.act(trainee, "claim_voucher", voucher, {})
                institution_index = index % 2
                demo.act(trainee, "choose_institution", voucher,
                         {"institution": self.institutions[institution_index].actor})  # L7: the trainee's choice
                self.vouchers.append({"id": voucher, "trainee": trainee, "path": path, "occupation": occupation,
                                      "level": level, "occupation_type": occupation_type,
                                      "institution": self.institutions[institution_index],
                                      "filing": self.filings[(institution_index, occupation)], "status": "claimed"})
                self.progress(1)

    def train(self) -> None:
        demo = self.demo
        self.day(1, 15)
        for voucher in self.vouchers:
            demo.act(voucher["institution"], "enrol", voucher["id"], {"filing": str(voucher["filing"])})
            if self.profile.prepayment_percent and voucher["path"] in ("paid", "clawed_back"):
                state = demo.ledger.get(voucher["id"])
                prepayment = next(p["fen"] for p in state.payments if p["stage"] == "prepayment")
                demo.act(demo.finance, "prepay", voucher["id"], {"amount_fen": prepayment,
                                                                 "fund": self.profile.funds[0]})
        required = self.class_minutes()
        for session_day in range(3, 9):
            moment = self.day(session_day, 9)
            if session_day == 6:
                self.end_epidemic_period()
            for voucher in self.vouchers:
                if voucher["path"] == "expired" and session_day > 4:
                    continue
                online = self.online_minutes(voucher["occupation_type"])
                online_today = online // 3 if session_day <= 5 else 0
                offline_today = (required - online) // 3 if session_day > 5 else 0
                if session_day == 5:
                    online_today = online - 2 * (online // 3)
                if session_day == 8:
                    offline_today = (required - online) - 2 * ((required - online) // 3)
                if online_today:
                    demo.act(self.platform, "record_online_learning", voucher["id"], {
                        "signed_in_at": iso(moment), "minutes": online_today, "questions_answered": 3,
                        "tests_taken": 1, "tests_passed": 1, "face_checks_passed": 2, "face_checks_failed": 0})
                if offline_today:
                    demo.act(voucher["institution"], "record_offline_training", voucher["id"], {
                        "started_at": iso(moment), "minutes": offline_today, "location": "实训车间 workshop",
                        "evidence": [{"kind": "attendance_sheet",
                                      "sha256": sha256_hex(voucher["id"].bytes + b"sign-in")}]})

    def end_epidemic_period(self) -> None:
        """Offline practical training waits for the city's end of the epidemic (H5): one
        attempt before it is refused, then the bureau records the end."""
        period = self.profile.epidemic_period
        if period is None or not period.offline_practical_banned:
            return
        if self.vouchers:
            first = self.vouchers[0]
            session = {"started_at": iso(self.demo.clock.now), "minutes": 60, "location": "实训车间 workshop"}
            self.demo.refused("H5", lambda: self.demo.act(first["institution"], "record_offline_training",
                                                          first["id"], session))
        self.demo.act(self.bureau, "end_epidemic_period", EpidemicPeriod.id_for(self.region), {
            "ended_on": self.demo.clock.now.date().isoformat(), "document": "衡阳市 疫情解除通告"})

    def assess_and_redeem(self) -> None:
        demo = self.demo
        self.day(10)
        for voucher in self.vouchers:
            if voucher["path"] in ("expired", "training"):
                continue
            if voucher["path"] == "revoked":
                demo.act(self.bureau, "revoke_voucher", voucher["id"], {"reason": "issued twice in error"})
                continue
            passed = voucher["path"] != "failed"
            body: dict[str, Any] = {"passed": passed}
            if passed:
                body.update(certificate_number=f"CERT-{voucher['id'].hex[:12].upper()}",
                            certificate_kind="training_qualified")
            assessor = voucher["institution"] if voucher["institution"] is self.institutions[1] else self.assessor
            demo.act(assessor, "assess", voucher["id"], body)
            if passed:
                evidence = [{"kind": "photo", "sha256": sha256_hex(voucher["id"].bytes + b"photo")},
                            {"kind": "platform_record", "sha256": sha256_hex(voucher["id"].bytes + b"record")}]
                demo.act(voucher["institution"], "request_redemption", voucher["id"], {"evidence": evidence})
        self.day(11)
        for voucher in self.vouchers:
            if voucher["path"] in ("paid", "upheld", "clawed_back", "rejected"):
                approved = voucher["path"] != "rejected"
                demo.act(self.bureau, "review_redemption", voucher["id"], {
                    "approved": approved, "reason": "credentials checked one by one (L13)" if approved
                    else "attendance photos do not match the trainee"})
                if approved:
                    demo.act(self.bureau, "open_notice", voucher["id"], {"days": 5})
                    if voucher["path"] == "upheld":
                        demo.act(demo.inspector, "raise_objection", voucher["id"],
                                 {"reason": "trainee reports never attending the practical sessions"})

    def pay_and_close(self) -> None:
        demo = self.demo
        self.day(17)
        for voucher in self.vouchers:
            if voucher["path"] in ("paid", "clawed_back"):
                demo.act(self.bureau, "close_notice", voucher["id"], {"outcome": "cleared"})
                state = demo.ledger.get(voucher["id"])
                trainee = demo.ledger.get(state.trainee)
                if trainee.allowance_groups and self.profile.allowance and state.online_days:
                    # N4: the days from enrolment to assessment, with online learning in them, before payout
                    days = (date.fromisoformat(state.assessed_on) - date.fromisoformat(state.enrolled_on)).days + 1
                    demo.act(demo.finance, "pay_allowance", voucher["id"], {
                        "amount_fen": days * self.profile.allowance.daily_fen, "fund": "employment_subsidy_fund",
                        "from_day": state.enrolled_on, "to_day": state.assessed_on})
                demo.act(demo.finance, "pay", voucher["id"], {"amount_fen": state.balance_due_fen,
                                                              "fund": self.profile.funds[0]})
            elif voucher["path"] == "upheld":
                demo.act(self.bureau, "close_notice", voucher["id"],
                         {"outcome": "upheld", "reason": "objection confirmed by site visit"})
        self.day(30)
        for voucher in self.vouchers:
            if voucher["path"] == "expired":
                demo.act(self.bureau, "expire_voucher", voucher["id"], {})
            elif voucher["path"] == "clawed_back":
                state = demo.ledger.get(voucher["id"])
                demo.act(self.bureau, "claw_back", voucher["id"], {
                    "amount_fen": state.prepaid_fen + state.paid_fen + state.allowance_fen,
                    "reason": "random inspection found forged attendance (L11)", "rule": "L12"})
        for voucher in self.vouchers:
            demo.report.vouchers_by_status[demo.ledger.get(voucher["id"]).status] += 1

    def new_trainee(self, groups: tuple[str, ...] | list[str] = (), employer: SigningKey | None = None) -> SigningKey:
        """A trainee registered by the bureau; `employer` (an enterprise institution) employs them (S4)."""
        demo = self.demo
        demo.serial += 1
        personal = {"name": name(demo.rng), "national_id": national_id(self.region, demo.serial),
                    "nonce": nonce(demo.rng)}
        body = {"personal_sha256": commitment(personal), "allowance_groups": list(groups)}
        if employer is not None:
            body["employer_credit_code"] = self.credit_codes[employer.actor]
        return demo.new_party(self.bureau, "trainee", body, "", personal=personal, save=False)

    def fresh_enrolled_voucher(self, *, enrol: bool = True, groups: tuple[str, ...] | list[str] = (),
                               filing: uuid.UUID | None = None, employee: bool = False) -> dict[str, Any]:
        """A voucher in training (or only chosen, not enrolled) in the class `filing` (default the
        first demo class) of institution 1, or of institution 2 for its `employee`."""
        demo = self.demo
        institution = self.institutions[1 if employee else 0]
        trainee = self.new_trainee(groups, employer=institution if employee else None)
        occupation, level, _ = OCCUPATIONS[0]
        voucher = uuid.uuid4()
        demo.act(self.bureau, "issue_voucher", voucher, {
            "trainee": trainee.actor, "occupation": occupation, "level": level,
            "valid_until": (demo.clock.now + timedelta(days=90)).date().isoformat()})
        demo.act(trainee, "claim_voucher", voucher, {})
        demo.act(trainee, "choose_institution", voucher, {"institution": institution.actor})
        if enrol:
            filing = filing or self.filings[(self.institutions.index(institution), occupation)]
            demo.act(institution, "enrol", voucher, {"filing": str(filing)})
        return {"id": voucher, "trainee": trainee, "institution": institution, "occupation": occupation}

    def fraud_attempts(self) -> None:
        """Each attempt is refused by a named rule and leaves the log unchanged."""
        demo = self.demo
        live = self.fresh_enrolled_voucher()
        state = demo.ledger.get(live["id"])
        demo.refused("S2", lambda: demo.act(self.bureau, "issue_voucher", uuid.uuid4(), {
            "trainee": live["trainee"].actor, "occupation": state.occupation, "level": state.level,
            "standard_fen": 100000, "valid_until": (demo.clock.now + timedelta(days=90)).date().isoformat()}))
        demo.refused(self.profile.subsidy_rule, lambda: demo.act(self.bureau, "issue_voucher", uuid.uuid4(), {
            "trainee": live["trainee"].actor, "occupation": "4-03-02-01", "level": 5, "standard_fen": 9_999_900,
            "valid_until": (demo.clock.now + timedelta(days=90)).date().isoformat()}))
        demo.refused("N3", lambda: demo.act(live["institution"], "request_redemption", live["id"], {
            "evidence": [{"kind": "photo", "sha256": "0" * 64}]}))
        demo.refused("H7", lambda: demo.act(demo.finance, "pay", live["id"], {
            "amount_fen": state.subsidy_fen, "fund": self.profile.funds[0]}))
        demo.refused("RoleNotAllowed", lambda: demo.act(live["trainee"], "issue_voucher", uuid.uuid4(), {}))
        chosen = self.fresh_enrolled_voucher(enrol=False)  # L7: an institution the trainee did not choose
        demo.refused("L7", lambda: demo.act(self.institutions[1], "enrol", chosen["id"], {
            "filing": str(self.filings[(1, chosen["occupation"])])}), mentions="chose another institution")
        demo.report.vouchers_by_status["chosen"] += 1
        honest = sign_command(self.bureau, "revoke_voucher", live["id"], {"reason": "x"}, signed_at=demo.clock.now,
                              ledger=demo.ledger.origin)
        forger = SigningKey.generate()
        forged = {"envelope": honest["envelope"], "signature": forger.sign(canonical_json(honest["envelope"]))}
        demo.refused("InvalidSignature", lambda: demo.ledger.submit(forged))
        demo.refused("H4", lambda: demo.act(self.institutions[0], "file_class", uuid.uuid4(), {
            "occupation": "6-18-02-04", "level": 4, "occupation_type": "simulation", "courses": ["x"],
            "teachers": ["y"], "training_kind": "employment", "theory_class_hours": 5,
            "practical_class_hours": 5, "planned_online_minutes": 0,
            "starts_on": demo.clock.now.date().isoformat(), "ends_on": demo.clock.now.date().isoformat(),
            "quality_commitment": True}))
        hours = ClassHours(state.occupation_type, state.theory_class_hours, state.practical_class_hours,
                           state.home_practice)
        over = hours_refusal(self.profile, hours, state.online_minutes + 1440, stage="session")
        if over is not None:  # H1, L1, S1, J2, J3: a day online past the class's online hours
            demo.refused(over.rule, lambda: demo.act(
                self.platform, "record_online_learning", live["id"], {
                    "signed_in_at": iso(demo.clock.now), "minutes": 1440, "questions_answered": 0,
                    "tests_taken": 0, "tests_passed": 0, "face_checks_passed": 1, "face_checks_failed": 0}))
        signed = sign_command(self.bureau, "revoke_voucher", live["id"], {"reason": "trainee moved away"},
                              signed_at=demo.clock.now, ledger=demo.ledger.origin)
        first = demo.ledger.submit(signed)
        again = demo.ledger.submit(signed)
        assert again.duplicate and again.result == first.result, "a replayed envelope must record once"
        demo.report.replays_recorded_once += 1
        demo.report.vouchers_by_status["revoked"] += 1
        rogue = self.institutions[1]
        demo.act(self.bureau, "ban", rogue.actor, {"reason": "forged attendance records (L12)"})
        demo.refused("L12", lambda: demo.act(self.bureau, "list_in_catalogue", rogue.actor, {}))
        demo.refused("L12", lambda: demo.new_party(self.bureau, "institution", {
            "name": "同一家机构 换个名字", "kind": "social_training", "credit_code": self.credit_codes[rogue.actor]},
            "", save=False))
        demo.refused("L12", lambda: demo.act(rogue, "file_class", uuid.uuid4(), {
            "occupation": "6-18-02-04", "level": 4, "occupation_type": "simulation", "courses": ["x"],
            "teachers": ["y"], "training_kind": "employment", "theory_class_hours": 5,
            "practical_class_hours": 5, "planned_online_minutes": 0,
            "starts_on": (demo.clock.now + timedelta(days=3)).date().isoformat(),
            "ends_on": (demo.clock.now + timedelta(days=9)).date().isoformat(), "quality_commitment": True}))
