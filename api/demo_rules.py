"""The rules of issue 12 walked in one region of `vledger demo`: the lawful
path where the region's profile applies the rule, and one refused attempt for
each rule, every refusal checked by `Demo.refused` to leave the log unchanged.

Runs on the region's simulated clock after its vouchers' loop (day 31 and
day 33, past the demo classes' period, which ends on day 32). The S2 opt-in
runs before the classes are filed (`opt_in_segments`), so that the region's
paid vouchers carry the platform's part."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from api.demo_people import OCCUPATIONS
from ledger.aggregates.periods import SegmentedSubsidy
from ledger.envelope import iso
from ledger.signing import sha256_hex

if TYPE_CHECKING:
    from api.demo import RegionScenario

WALK_DAY, AFTER_CLASS_DAY = 31, 33  # the demo classes run from day 2 to day 32


class RuleWalks:
    """Issue 12's rules in one region: lawful paths counted in `walked_by_rule`, refusals in `refused_by_rule`."""

    def __init__(self, scenario: RegionScenario) -> None:
        self.scenario, self.demo, self.profile = scenario, scenario.demo, scenario.profile
        self.walked = self.demo.report.walked_by_rule
        self.voucher_ids: list[uuid.UUID] = []

    def fresh_voucher(self, **options: Any) -> dict[str, Any]:
        voucher = self.scenario.fresh_enrolled_voucher(**options)
        self.voucher_ids.append(voucher["id"])
        return voucher

    # -- before the classes --------------------------------------------------

    def opt_in_segments(self) -> None:
        """S2: a city opts in (设区的市可制定具体实施细则) with the platform's part at the
        ceiling (不高于…20%); a part above the ceiling is refused first."""
        segments = self.profile.segments
        if segments is None:
            return
        bureau = self.scenario.bureau
        target = SegmentedSubsidy.id_for(bureau.actor)
        ceiling = segments.online_ceiling_percent
        self.demo.refused("S2", lambda: self.demo.act(bureau, "adopt_segmented_subsidy", target, {
            "online_percent": ceiling + 5, "document": "济南市 分段补贴实施细则 (draft above the ceiling)"}))
        self.demo.act(bureau, "adopt_segmented_subsidy", target, {
            "online_percent": ceiling, "document": "济南市 分段培训、分段考核、分段补贴 实施细则"})

    # -- after the vouchers' loop -------------------------------------------

    def run(self) -> None:
        self.count_lawful_paths()
        self.scenario.day(WALK_DAY)
        self.occupation_codes()
        self.assessment_by_a_trainer()
        face_checked = self.complete_and_request(employee=True,  # S4: the enterprise assesses its own staff
                                                 face_checks_failed=self.profile.face_check_failures_limit + 1)
        self.walked["S4"] += 1
        self.walked["H5"] += self.profile.epidemic_period is not None  # offline practice after the recorded end
        self.review_refused_then_rejected(face_checked, self.profile.review_check_rules["face_checks"])
        late = self.complete_and_request(request=False)
        allowance = self.allowance_paid_for_named_days()
        if self.profile.epidemic_period is not None:
            self.prepayment_after_the_epidemic_period()
        moment = self.scenario.day(AFTER_CLASS_DAY)
        self.record_offline(late, moment, 45)  # a session after the class period ends (L13, J4)
        self.assess_and_request(late)
        self.review_refused_then_rejected(late, self.profile.review_check_rules["sessions_in_class_period"])
        if allowance is not None:
            self.allowance_refused(allowance)
        self.erasure(late)
        for voucher_id in self.voucher_ids:
            self.demo.report.vouchers_by_status[self.demo.ledger.get(voucher_id).status] += 1

    def count_lawful_paths(self) -> None:
        """What the vouchers' loop walked lawfully in this region, by rule."""
        for voucher in self.scenario.vouchers:
            state = self.demo.ledger.get(voucher["id"])
            self.walked["S4"] += state.assessed_by_role == "institution"  # an enterprise, its own staff
            if state.status != "paid":
                continue
            self.walked[self.profile.online_share_rule] += state.online_minutes > 0
            self.walked["L13"] += 1  # approved after every check passed
            self.walked["N4"] += state.allowance_fen > 0
            self.walked["S2"] += any(payment["payee"] == "platform" for payment in state.payments)
            self.walked["H3"] += state.prepaid_fen > 0  # prepaid: class approved in the epidemic period

    def occupation_codes(self) -> None:
        """Only a catalogued code, exactly as catalogued (DOMAIN: 国家职业分类大典 codes, not names):
        the name `电工` and the code in full-width digits are refused."""
        trainee = self.scenario.new_trainee()
        for lookalike in ("电工", "６-３１-０１-０３"):
            self.demo.refused("occupation_code", lambda code=lookalike: self.demo.act(
                self.scenario.bureau, "issue_voucher", uuid.uuid4(), {
                    "trainee": trainee.actor, "occupation": code, "level": 4,
                    "valid_until": (self.demo.clock.now + timedelta(days=90)).date().isoformat()}),
                mentions=f"occupation {lookalike!r} is refused")

    def assessment_by_a_trainer(self) -> None:
        """S4: a social-training institution may not assess its own trainee (only an enterprise its staff)."""
        voucher = self.fresh_voucher()
        self.demo.refused("S4", lambda: self.demo.act(voucher["institution"], "assess", voucher["id"], {
            "passed": True, "certificate_number": f"CERT-{voucher['id'].hex[:12].upper()}",
            "certificate_kind": "training_qualified"}))

    # -- the learning-record checks before approval (L13, J4, L6) ------------

    def complete_and_request(self, *, face_checks_failed: int = 0, request: bool = True,
                             employee: bool = False) -> dict[str, Any]:
        """A voucher with the class's hours done today, assessed and asked to redeem when `request`:
        by the assessor, or by the enterprise that trains its `employee` (S4)."""
        voucher = self.fresh_voucher(employee=employee)
        moment = self.demo.clock.now
        online = self.scenario.online_minutes(OCCUPATIONS[0][2])
        required = self.scenario.class_minutes()
        self.demo.act(self.scenario.platform, "record_online_learning", voucher["id"], {  # a day before: one place
            "signed_in_at": iso(moment - timedelta(days=1)), "minutes": online, "questions_answered": 5,
            "tests_taken": 1, "tests_passed": 1, "face_checks_passed": 2, "face_checks_failed": face_checks_failed})
        if required > online:
            self.record_offline(voucher, moment, required - online)
        if request:
            self.assess_and_request(voucher)
        return voucher

    def record_offline(self, voucher: dict[str, Any], moment, minutes: int) -> None:
        self.demo.act(voucher["institution"], "record_offline_training", voucher["id"], {
            "started_at": iso(moment), "minutes": minutes, "location": "实训车间 workshop"})

    def assess_and_request(self, voucher: dict[str, Any]) -> None:
        assessor = voucher["institution"] if voucher["institution"] is self.scenario.institutions[1] \
            else self.scenario.assessor
        self.demo.act(assessor, "assess", voucher["id"], {
            "passed": True, "certificate_number": f"CERT-{voucher['id'].hex[:12].upper()}",
            "certificate_kind": "training_qualified"})
        self.demo.act(voucher["institution"], "request_redemption", voucher["id"], {"evidence": [
            {"kind": "photo", "sha256": sha256_hex(voucher["id"].bytes + b"photo")}]})

    def review_refused_then_rejected(self, voucher: dict[str, Any], rule: str) -> None:
        """L13, J4 (逐一核验…线上学习电子化凭证): an approval against a failed check is refused; a rejection is not."""
        bureau = self.scenario.bureau
        self.demo.refused(rule, lambda: self.demo.act(bureau, "review_redemption", voucher["id"], {
            "approved": True, "reason": "looks fine"}))
        self.demo.act(bureau, "review_redemption", voucher["id"], {
            "approved": False, "reason": f"the learning record fails the ledger's {rule} check"})

    # -- the living allowance (N4, S3) ----------------------------------------

    def allowance_paid_for_named_days(self) -> dict[str, Any] | None:
        """N4: a trainee of an eligible group paid for a day with online learning in it."""
        if self.profile.allowance is None:
            return None
        voucher = self.fresh_voucher(groups=self.profile.allowance_groups[:1])
        today = self.demo.clock.now
        self.demo.act(self.scenario.platform, "record_online_learning", voucher["id"], {
            "signed_in_at": iso(today), "minutes": 45, "questions_answered": 2, "tests_taken": 0,
            "tests_passed": 0, "face_checks_passed": 1, "face_checks_failed": 0})
        self.pay_allowance(voucher, today.date(), today.date())
        self.walked["N4"] += 1
        return {**voucher, "paid_day": today.date()}

    def pay_allowance(self, voucher: dict[str, Any], from_day: date, to_day: date) -> None:
        days = (to_day - from_day).days + 1
        self.demo.act(self.demo.finance, "pay_allowance", voucher["id"], {
            "amount_fen": days * self.profile.allowance.daily_fen, "fund": "employment_subsidy_fund",
            "from_day": from_day.isoformat(), "to_day": to_day.isoformat()})

    def allowance_refused(self, voucher: dict[str, Any]) -> None:
        """N4 (对参加线上培训的…在培训期间): a day without online learning, and a day paid twice."""
        quiet_day = self.demo.clock.now.date() - timedelta(days=1)
        self.demo.refused("N4", lambda: self.pay_allowance(voucher, quiet_day, quiet_day))
        self.demo.refused("N4", lambda: self.pay_allowance(voucher, voucher["paid_day"], voucher["paid_day"]))

    # -- the epidemic period and apprenticeship (H3) ---------------------------

    def prepayment_after_the_epidemic_period(self) -> None:
        """H3 (在新冠肺炎疫情期间…可先行拨付30%): a class approved after the recorded end gets
        no prepayment; an apprenticeship class keeps the earlier rules (企业新型学徒制…按原有规定执行)."""
        for training_kind in ("employment", "apprenticeship"):
            filing = self.scenario.file_class(0, OCCUPATIONS[0], training_kind,
                                              starts_on=self.demo.clock.now.date() + timedelta(days=1))
            voucher = self.fresh_voucher(filing=filing)
            state = self.demo.ledger.get(voucher["id"])
            if training_kind == "apprenticeship":  # enrolled at the earlier standard, its own prepayment
                self.walked["H3"] += state.training_kind == "apprenticeship"
            self.demo.refused("H3", lambda: self.demo.act(self.demo.finance, "prepay", voucher["id"], {
                "amount_fen": state.subsidy_fen * self.profile.prepayment_percent // 100,
                "fund": self.profile.funds[0]}))

    # -- retention before erasure (L6) ----------------------------------------

    def erasure(self, voucher: dict[str, Any]) -> None:
        """L6 (线上培训数据资料保存不少于5年): erasure is refused while the records are kept;
        where the region keeps none, the trainee's personal data is erased."""
        erase = lambda: self.demo.act(self.scenario.bureau, "erase_trainee", voucher["trainee"].actor, {  # noqa: E731
            "reason": "the trainee asked to be forgotten"})
        if self.profile.retention_years is not None:
            self.demo.refused("L6", erase)
        else:
            erase()
            self.walked["L6"] += 1
