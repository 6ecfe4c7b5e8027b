"""The one table of the simulation: for every step it drives, who signs, what
it targets, how the body is built from the model's state, how to make it
wrong, and the model's prediction of the ledger's decision (recorded or
refused). When a step's signer, body or rules change, its entry here is the
one place to adapt.

A prediction reads the ledger's own aggregates (state before the command) and
restates the rule in the simulation's words; `None` means the model does not
know. Online-share caps reuse the pure `online_share_refusal` (unit-tested on
its own in tests/test_subsidy.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Callable

from ledger.aggregates.indexes import SubsidyClaim
from ledger.aggregates.periods import EpidemicPeriod
from ledger.aggregates.voucher import Voucher
from ledger.checks import learning_record_checks
from ledger.envelope import iso
from ledger.hours import hours_refusal
from ledger.lifecycle import TRANSITIONS
from ledger.rules import profile_for
from ledger.standards import standards_for
from ledger.steps.allowance import paid_days_overlap
from ledger.steps.payments import stage_fen
from ledger.steps.vouchers import hours_of
from tests.simulation_model import OCCUPATIONS, REGION, Answer, Model, Plan
from tests.simulation_parties import (learn_key, learn_new, learn_party, plan_catalogue, plan_erase, plan_register,
                                       plan_register_same_person, plan_revoke_key, plan_rotate)

EVIDENCE = [{"kind": "photo", "sha256": "ab" * 32}]
EPIDEMIC_PERIOD = EpidemicPeriod.id_for(REGION)


@dataclass(frozen=True)
class Move:
    command: str  # the ledger step
    target: str  # "voucher", "filing", "party", "trainee" or "new"
    plan: Callable[[Model, Any, int], Plan]
    learn: Callable[[Model, Any, Plan], None] = lambda model, target, plan: None  # after it was recorded
    repeatable: bool = False  # may the same step on one record be recorded twice in a row
    regional: bool = True  # a bureau of another region is refused (not true of registering its own parties)
    forward: bool = True  # moves a voucher on through the loop (False: an exit, L7, or a step beside it)

    def target_for(self, model: Model, pick: int) -> Any:
        if self.target == "voucher":
            return model.pick(model.vouchers, pick)
        if self.target == "filing":
            return model.pick(model.filings, pick)
        if self.target == "party":
            return model.pick(model.trainees + model.institutions + model.platforms, pick)
        if self.target == "trainee":
            return model.pick(model.trainees, pick)
        if self.target == "epidemic":
            return EPIDEMIC_PERIOD
        return uuid.uuid4()


# -- predicates the predictions share ------------------------------------------

def starts_from(voucher: Voucher, step: str) -> bool:
    """The lifecycle table lets `step` start from the voucher's state (L7, ledger/lifecycle.py)."""
    return voucher.status in TRANSITIONS[step].starts_from


def profile_of(voucher: Voucher) -> Any:
    return profile_for(voucher.region, voucher.profile_version)


def epidemic_ended_on(model: Model) -> date | None:
    """The day the bureau recorded the end of the region's epidemic period, or None while it runs (H5)."""
    period = model.ledger.find(EPIDEMIC_PERIOD)
    return None if period is None else date.fromisoformat(period.ended_on)


def usable(model: Model, voucher: Voucher) -> bool:
    """Live and within its validity (L7)."""
    return voucher.is_live and model.today <= date.fromisoformat(voucher.valid_until)


def provider_ok(model: Model, actor: str | None) -> bool:
    """An institution or platform that can sign and counts (L2, L12)."""
    return model.can_sign(actor) and model.catalogued(actor)


def institution_of(model: Model, voucher: Voucher) -> str:
    """The voucher's institution, or the one its trainee chose, or the world's, who signs an out-of-order step."""
    return voucher.institution or voucher.chosen_institution or model.world.institution.actor


def at_institution(model: Model, voucher: Voucher, *statuses: str) -> bool:
    return usable(model, voucher) and voucher.status in statuses and provider_ok(model, voucher.institution)


# -- voucher steps, issue to assessment (L7) ----------------------------------

def plan_issue(model: Model, target: uuid.UUID, number: int) -> Plan:
    trainee = model.pick(model.trainees, number)
    occupation, level = OCCUPATIONS[number % len(OCCUPATIONS)]
    body: dict[str, Any] = {"trainee": trainee or str(uuid.uuid4()), "occupation": occupation, "level": level,
                            "valid_until": (model.today + timedelta(days=20 + number % 60)).isoformat()}
    catalogued_fen = standards_for(REGION).standard_fen(occupation, level)
    if number % 5 == 4:  # a typed standard: the catalogue's, lower, or above it (H2: refused)
        body["standard_fen"] = catalogued_fen + (0, -1000, 1)[number % 3]
    if trainee is None:
        return Plan(model.world.bureau.actor, body, False)
    holds = [v for v in map(model.voucher, model.vouchers)
             if (v.trainee, v.occupation, v.level) == (trainee, occupation, level) and v.is_live]
    claim = model.ledger.find(SubsidyClaim.id_for(trainee, occupation, str(level)))
    ready = (not model.party(trainee).erased and not holds and (claim is None or claim.voucher is None)  # S2, L10
             and body.get("standard_fen", 0) <= catalogued_fen)  # H2
    return Plan(model.world.bureau.actor, body, ready)


def plan_claim(model: Model, target: uuid.UUID, number: int) -> Plan:
    voucher = model.voucher(target)
    ready = usable(model, voucher) and voucher.status == "issued" and model.can_sign(voucher.trainee)
    return Plan(voucher.trainee, {}, ready)


def plan_choose(model: Model, target: uuid.UUID, number: int) -> Plan:
    """The trainee chooses a catalogued institution of the region between claiming and enrolment (L7, L2)."""
    voucher = model.voucher(target)
    institution = model.pick(model.institutions, number)
    ready = (usable(model, voucher) and starts_from(voucher, "choose_institution")
             and model.can_sign(voucher.trainee) and model.catalogued(institution))
    return Plan(voucher.trainee, {"institution": institution}, ready)


def plan_enrol(model: Model, target: uuid.UUID, number: int) -> Plan:
    """Only the institution the trainee chose enrols, on its own approved filing of the voucher's class (L7, H4)."""
    voucher = model.voucher(target)
    chosen = voucher.chosen_institution
    matching = [f for f in model.filings if (model.filing(f).occupation, model.filing(f).level)
                == (voucher.occupation, voucher.level) and model.filing(f).institution == chosen]
    filing_id = model.pick(matching or model.filings, number)
    signer = chosen or model.world.institution.actor
    if filing_id is None:
        return Plan(signer, {"filing": str(uuid.uuid4())}, False)
    filing = model.filing(filing_id)
    profile = profile_of(voucher)
    ready = (usable(model, voucher) and voucher.status == "chosen" and filing.status == "approved"
             and provider_ok(model, chosen) and filing_id in matching
             and profile.applies_on(date.fromisoformat(filing.filed_on)))  # H4, L2, H2 window
    return Plan(signer, {"filing": str(filing_id)}, ready)


def plan_online(model: Model, target: uuid.UUID, number: int) -> Plan:
    voucher = model.voucher(target)
    minutes = 45 * (1 + number % 4)
    body = {"signed_in_at": iso(model.world.clock.now), "minutes": minutes, "questions_answered": 1,
            "tests_taken": 1, "tests_passed": 1, "face_checks_passed": 1, "face_checks_failed": int(number % 5 == 0)}
    ready = (usable(model, voucher) and starts_from(voucher, "record_online_learning")
             and provider_ok(model, voucher.platform)
             and hours_refusal(profile_of(voucher), hours_of(voucher), voucher.online_minutes + minutes,
                               stage="session") is None)  # H1, L1, S1, J2, J3 at each session
    return Plan(voucher.platform or model.world.platform.actor, body, ready)


def plan_offline(model: Model, target: uuid.UUID, number: int) -> Plan:
    voucher = model.voucher(target)
    body = {"started_at": iso(model.world.clock.now), "minutes": 60 * (1 + number % 8), "location": "workshop"}
    period = profile_of(voucher).epidemic_period
    banned = (period is not None and period.offline_practical_banned
              and period.covers(model.today, epidemic_ended_on(model)))  # H5: none until the bureau records its end
    return Plan(institution_of(model, voucher), body,
                at_institution(model, voucher, "enrolled", "training") and not banned)


def plan_end_epidemic(model: Model, target: str, number: int) -> Plan:
    """The bureau records the end of the epidemic period once, today or earlier (H5)."""
    period = model.world.profile.epidemic_period
    ended_on = max(period.starts_on, model.today - timedelta(days=number % 3))
    return Plan(model.world.bureau.actor, {"ended_on": ended_on.isoformat(), "document": "疫情解除通告"},
                epidemic_ended_on(model) is None)


def plan_assess(passed: bool) -> Callable[[Model, uuid.UUID, int], Plan]:
    def plan(model: Model, target: uuid.UUID, number: int) -> Plan:
        voucher = model.voucher(target)
        body: dict[str, Any] = {"passed": passed}
        if passed:
            body.update(certificate_number=f"SIM-{model.next_serial()}", certificate_kind="training_qualified")
        ready = (usable(model, voucher) and voucher.status == "training"
                 and hours_refusal(profile_of(voucher), hours_of(voucher), voucher.online_minutes,
                                   voucher.offline_minutes, stage="assessment") is None)  # H1; the assessor, S4
        return Plan(model.world.assessor.actor, body, ready)

    return plan


# -- redemption (H6, H7) ---------------------------------------------------------

def checks_pass(model: Model, voucher: Voucher) -> bool:
    """The automatic checks before payment pass (L13, J4: `ledger/checks.py`)."""
    return all(check.passed for check in learning_record_checks(voucher, profile_of(voucher)))


def plan_request(model: Model, target: uuid.UUID, number: int) -> Plan:
    voucher = model.voucher(target)
    return Plan(institution_of(model, voucher), {"evidence": EVIDENCE}, at_institution(model, voucher, "certified"))


def by_bureau(status: str, body: Callable[[Model, Voucher, int], dict[str, Any]],
              also: Callable[[Model, Voucher], bool] = lambda model, voucher: True,
              signer: str = "bureau") -> Callable[[Model, uuid.UUID, int], Plan]:
    """A step the bureau (or the inspector) takes on a live voucher of its region in `status`."""
    def plan(model: Model, target: uuid.UUID, number: int) -> Plan:
        voucher = model.voucher(target)
        ready = voucher.is_live and voucher.status == status and also(model, voucher)
        return Plan(getattr(model.world, signer).actor, body(model, voucher, number), ready)

    return plan


def notice_has_run(model: Model, voucher: Voucher) -> bool:
    return model.world.clock.now >= datetime.fromisoformat(voucher.notice_closes_at.replace("Z", "+00:00"))


# -- money (H3, H7, N4, L12) and exits (L7) ------------------------------------------

def fund(model: Model, voucher: Voucher, number: int) -> str:
    funds = profile_for(voucher.region, voucher.profile_version).funds
    return funds[number % len(funds)]


def plan_prepay(model: Model, target: uuid.UUID, number: int) -> Plan:
    voucher = model.voucher(target)
    allowed_fen = stage_fen(voucher, "prepayment") - voucher.prepaid_fen
    # the whole allowance, part of it, or one fen over it (H3: at most the region's ratio)
    amount_fen = max(1, (allowed_fen, allowed_fen // 2, allowed_fen + 1)[number % 3])
    ready = voucher.is_live and starts_from(voucher, "prepay") and amount_fen <= allowed_fen  # H3
    return Plan(model.world.finance.actor, {"amount_fen": amount_fen, "fund": fund(model, voucher, number)}, ready)


def plan_pay(model: Model, target: uuid.UUID, number: int) -> Plan:
    voucher = model.voucher(target)
    balance_fen = voucher.balance_due_fen
    amount_fen = balance_fen + (1 if number % 4 == 0 else 0)  # exactly the balance due (H7), or one fen more
    body = {"amount_fen": max(1, amount_fen), "fund": fund(model, voucher, number)}
    return Plan(model.world.finance.actor, body, voucher.status == "cleared" and amount_fen == balance_fen > 0)


def learn_paid(model: Model, target: uuid.UUID, plan: Plan) -> None:
    model.paid += 1


def plan_allowance(model: Model, target: uuid.UUID, number: int) -> Plan:
    """Named days of online learning within the training period, never paid twice, at most
    the region's daily amount x days and its number of days (N4)."""
    voucher = model.voucher(target)
    profile = profile_of(voucher)
    allowance = profile.allowance
    days = 1 + number % 2
    online_days = voucher.online_days or [voucher.enrolled_on or model.today.isoformat()]
    from_day = date.fromisoformat(model.pick(online_days, number // 2))
    to_day = from_day + timedelta(days=days - 1)
    daily_fen = allowance.daily_fen if allowance else 100
    amount_fen = daily_fen * days + (1 if number % 7 == 0 else 0)  # at most daily x days, or one fen over
    body = {"amount_fen": amount_fen, "fund": "employment_subsidy_fund", "from_day": from_day.isoformat(),
            "to_day": to_day.isoformat()}
    training_ends = date.fromisoformat(voucher.assessed_on) if voucher.assessed_on else model.today
    ready = (starts_from(voucher, "pay_allowance") and allowance is not None
             and bool(set(profile.allowance_groups) & set(model.party(voucher.trainee).allowance_groups))
             and date.fromisoformat(voucher.enrolled_on) <= from_day and to_day <= training_ends
             and any(from_day.isoformat() <= day <= to_day.isoformat() for day in voucher.online_days)
             and paid_days_overlap(voucher.allowance_days, from_day, to_day) is None
             and voucher.allowance_days_paid + days <= allowance.max_days and amount_fen <= daily_fen * days)
    return Plan(model.world.finance.actor, body, ready)


def plan_claw_back(model: Model, target: uuid.UUID, number: int) -> Plan:
    voucher = model.voucher(target)
    paid_fen = voucher.prepaid_fen + voucher.paid_fen + voucher.allowance_fen
    amount_fen = paid_fen - (1 if number % 4 == 0 else 0)  # exactly what was paid (L12), or one fen less
    body = {"amount_fen": max(1, amount_fen), "reason": "fraud found", "rule": "L12"}
    return Plan(model.world.bureau.actor, body, starts_from(voucher, "claw_back") and amount_fen == paid_fen > 0)


def plan_revoke(model: Model, target: uuid.UUID, number: int) -> Plan:
    voucher = model.voucher(target)
    ready = starts_from(voucher, "revoke_voucher") and voucher.prepaid_fen + voucher.allowance_fen == 0
    return Plan(model.world.bureau.actor, {"reason": "issued in error"}, ready)


def plan_expire(model: Model, target: uuid.UUID, number: int) -> Plan:
    voucher = model.voucher(target)
    ready = starts_from(voucher, "expire_voucher") and model.today > date.fromisoformat(voucher.valid_until)
    return Plan(model.world.bureau.actor, {}, ready)


# -- classes (H4, L4) --------------------------------------------------------------

def plan_file(model: Model, target: uuid.UUID, number: int) -> Plan:
    institution = model.pick(model.institutions, number)
    platform = model.pick(model.platforms, number // 3)
    occupation, level = OCCUPATIONS[number % len(OCCUPATIONS)]
    body = model.world.filing_body(occupation=occupation, level=level, platform=platform,
                                   total_class_hours=4 + number % 8)
    return Plan(institution, body, provider_ok(model, institution) and model.catalogued(platform))


def plan_filing_decision(approve: bool) -> Callable[[Model, uuid.UUID, int], Plan]:
    def plan(model: Model, target: uuid.UUID, number: int) -> Plan:
        filing = model.filing(target)
        ready = filing.status == "filed" and (not approve or model.today < date.fromisoformat(filing.starts_on))
        return Plan(model.world.bureau.actor, {} if approve else {"reason": "plan incomplete"}, ready)

    return plan


def voucher_step(command: str, plan: Callable, **options: Any) -> Move:
    return Move(command, "voucher", plan, **options)


def entries(*moves: tuple[str, Move]) -> dict[str, Move]:
    return dict(moves)


MOVES: dict[str, Move] = entries(
    ("register_trainee", Move("register_party", "new", plan_register("trainee"), learn_party("trainee"),
                              regional=False)),
    ("register_institution", Move("register_party", "new", plan_register("institution"), learn_party("institution"),
                                  regional=False)),
    ("register_platform", Move("register_party", "new", plan_register("platform"), learn_party("platform"),
                               regional=False)),
    ("register_same_person", Move("register_party", "new", plan_register_same_person, learn_party("trainee"),
                                  regional=False)),
    ("register_assessor", Move("register_party", "new", plan_register("assessor"), lambda model, target, plan: None,
                               regional=False)),
    ("list_in_catalogue", Move("list_in_catalogue", "party", plan_catalogue("list_in_catalogue"))),
    ("delist", Move("delist", "party", plan_catalogue("delist"))),
    ("ban", Move("ban", "party", plan_catalogue("ban"))),
    ("rotate_key", Move("rotate_key", "party", plan_rotate, learn_key, repeatable=True)),
    ("revoke_key", Move("revoke_key", "party", plan_revoke_key, lambda model, target, plan: model.key_revoked(target))),
    ("erase_trainee", Move("erase_trainee", "trainee", plan_erase)),
    ("file_class", Move("file_class", "new", plan_file, learn_new("filings"))),
    ("approve_filing", Move("approve_filing", "filing", plan_filing_decision(approve=True))),
    ("reject_filing", Move("reject_filing", "filing", plan_filing_decision(approve=False))),
    ("issue_voucher", Move("issue_voucher", "new", plan_issue, learn_new("vouchers"))),
    ("end_epidemic_period", Move("end_epidemic_period", "epidemic", plan_end_epidemic)),
    ("claim_voucher", voucher_step("claim_voucher", plan_claim)),
    ("choose_institution", voucher_step("choose_institution", plan_choose, repeatable=True)),
    ("enrol", voucher_step("enrol", plan_enrol)),
    ("record_online_learning", voucher_step("record_online_learning", plan_online, repeatable=True)),
    ("record_offline_training", voucher_step("record_offline_training", plan_offline, repeatable=True)),
    ("assess_pass", voucher_step("assess", plan_assess(passed=True))),
    ("assess_fail", voucher_step("assess", plan_assess(passed=False), forward=False)),
    ("request_redemption", voucher_step("request_redemption", plan_request)),
    ("review_approve", voucher_step("review_redemption", by_bureau(
        "redemption_requested", lambda model, voucher, number: {"approved": True, "reason": "checked"},
        also=checks_pass))),
    ("review_reject", voucher_step("review_redemption", by_bureau(
        "redemption_requested", lambda model, voucher, number: {"approved": False, "reason": "no evidence"}),
        forward=False)),
    ("open_notice", voucher_step("open_notice", by_bureau(
        "approved", lambda model, voucher, number: {"days": 1 + number % 5}))),
    ("raise_objection", voucher_step("raise_objection", by_bureau(
        "in_notice", lambda model, voucher, number: {"reason": "doubt"}, signer="inspector"), repeatable=True,
        forward=False)),
    ("close_notice_cleared", voucher_step("close_notice", by_bureau(
        "in_notice", lambda model, voucher, number: {"outcome": "cleared", "reason": "heard"}, also=notice_has_run))),
    ("close_notice_upheld", voucher_step("close_notice", by_bureau(
        "in_notice", lambda model, voucher, number: {"outcome": "upheld", "reason": "objection upheld"},
        also=notice_has_run), forward=False)),
    ("prepay", voucher_step("prepay", plan_prepay, repeatable=True)),
    ("pay", voucher_step("pay", plan_pay, learn=learn_paid)),
    ("pay_allowance", voucher_step("pay_allowance", plan_allowance, repeatable=True, forward=False)),
    ("claw_back", voucher_step("claw_back", plan_claw_back, forward=False)),
    ("revoke_voucher", voucher_step("revoke_voucher", plan_revoke, forward=False)),
    ("expire_voucher", voucher_step("expire_voucher", plan_expire, forward=False)),
)
VOUCHER_MOVES = tuple(name for name, move in MOVES.items() if move.target == "voucher")


def learn(model: Model, move: Move, target: Any, plan: Plan, answer: Answer) -> None:
    """What the model keeps from a command the ledger recorded."""
    if answer.recorded and not answer.duplicate:
        move.learn(model, target, plan)
