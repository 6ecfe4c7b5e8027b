"""Class filings (开班备案): an institution files a class naming courses,
teachers, hours and platform with a quality commitment (H4, L4); the bureau
approves it before the class starts (H4)."""

from __future__ import annotations

from datetime import date

from ledger.aggregates.filing import ClassFiling
from ledger.aggregates.party import Party
from ledger.body import Body
from ledger.command import Command
from ledger.errors import BadInput, Conflict, RoleNotAllowed, RuleViolation
from ledger.hours import ClassHours, hours_refusal
from ledger.occupations import read_occupation_and_level
from ledger.rules import OCCUPATION_TYPES, TRAINING_KINDS, RegionProfile, profile_for
from ledger.steps import require, require_new_target, step
from ledger.subsidy import MAX_CLASS_HOURS


def class_hours_of(body: Body) -> ClassHours:
    """Theory and practical class hours of a filing (H1, J3); total = their sum, and a
    `total_class_hours` in the body, if given, must match it."""
    occupation_type = body.choice("occupation_type", OCCUPATION_TYPES)
    theory = body.integer("theory_class_hours", minimum=0, maximum=MAX_CLASS_HOURS)
    practical = body.integer("practical_class_hours", minimum=0, maximum=MAX_CLASS_HOURS)
    require(1 <= theory + practical <= MAX_CLASS_HOURS, BadInput,
            f"theory_class_hours + practical_class_hours must be from 1 to {MAX_CLASS_HOURS:,}, "
            f"got {theory} + {practical}")
    total = body.integer("total_class_hours", minimum=1, maximum=MAX_CLASS_HOURS, required=False)
    require(total is None or total == theory + practical, BadInput,
            f"total_class_hours {total} is not theory_class_hours + practical_class_hours = {theory + practical}")
    home_practice = body.boolean("home_practice", required=False) or False
    return ClassHours(occupation_type, theory, practical, home_practice)


def require_hours(profile: RegionProfile, hours: ClassHours, online_minutes: int, offline_minutes: int = 0,
                  stage: str = "filing") -> None:
    """Refuse the step when the class's hours break a rule (H1, L1, S1, J2, J3), citing it."""
    refusal = hours_refusal(profile, hours, online_minutes, offline_minutes, stage)
    require(refusal is None, RuleViolation, refusal.reason if refusal else "", refusal.rule if refusal else None)


def require_catalogued(party: Party, what: str) -> None:
    """An institution or platform counts only while in the catalogue and never banned (L2, L12)."""
    require(not party.banned, RuleViolation, f"{what} {party.id} is banned for life", "L12")
    require(party.listed, RuleViolation, f"{what} {party.id} is not in the recommended catalogue", "L2")


@step("file_class", roles=("institution",))
def file_class(command: Command) -> None:
    """File a class online: courses, teachers, theory and practical class hours, training kind,
    platform, quality commitment (H4, L4); its hours must keep the region's rules (H1, L1, S1, J2, J3)."""
    body, institution = command.body, command.actor
    require_new_target(command, "filing")
    require_catalogued(institution, "institution")
    occupation, level = read_occupation_and_level(body)
    hours = class_hours_of(body)
    training_kind = body.choice("training_kind", TRAINING_KINDS)
    courses = body.text_list("courses")
    teachers = body.text_list("teachers")
    planned_online_minutes = body.integer("planned_online_minutes", minimum=0,
                                          maximum=MAX_CLASS_HOURS * 60)
    starts_on = body.day("starts_on")
    ends_on = body.day("ends_on")
    require(body.boolean("quality_commitment"), RuleViolation,
            "a filing carries the institution's quality commitment", "L4")
    require(starts_on > command.today, RuleViolation,
            f"a class is filed and approved before it starts; it starts {starts_on}, today is {command.today}",
            "H4")
    require(ends_on >= starts_on, BadInput, "ends_on must not be before starts_on")
    platform_id = body.identifier("platform", required=planned_online_minutes > 0)
    if platform_id is not None:
        platform = command.get(Party, platform_id, "platform")
        require(platform.role == "platform", BadInput, f"party {platform_id} is not a platform")
        require_catalogued(platform, "platform")
    profile = profile_for(institution.region)
    require_hours(profile, hours, planned_online_minutes)
    command.create(ClassFiling, command.target, "Filed", {
        "institution": command.actor_id,
        "platform": str(platform_id) if platform_id else None,
        "region": institution.region,
        "occupation": occupation, "level": level, "occupation_type": hours.occupation_type,
        "training_kind": training_kind, "courses": courses, "teachers": teachers,
        "theory_class_hours": hours.theory_class_hours, "practical_class_hours": hours.practical_class_hours,
        "total_class_hours": hours.total_class_hours, "home_practice": hours.home_practice,
        "planned_online_minutes": planned_online_minutes,
        "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(),
        "filed_on": command.today.isoformat(), "quality_commitment": True,
    })


def _filing_of_region(command: Command) -> ClassFiling:
    filing = command.get(ClassFiling, command.target, "filing")
    require(filing.region == command.actor.region, RoleNotAllowed,
            f"filing {filing.id} is in region {filing.region}, not {command.actor.region}")
    require(filing.status == "filed", Conflict, f"filing {filing.id} is already {filing.status}")
    return filing


@step("approve_filing", roles=("bureau",))
def approve_filing(command: Command) -> None:
    """Approve a class filing; only before the class starts (H4)."""
    filing = _filing_of_region(command)
    require(command.today < date.fromisoformat(filing.starts_on), RuleViolation,
            f"the class started {filing.starts_on}; a filing is approved before the class starts", "H4")
    filing.approved(**command.seal(filing, "Approved", {"approved_by": command.actor_id}))


@step("reject_filing", roles=("bureau",))
def reject_filing(command: Command) -> None:
    """Reject a class filing: no filing, no subsidy (H4)."""
    filing = _filing_of_region(command)
    reason = command.body.text("reason", max_length=500)
    filing.rejected(**command.seal(filing, "Rejected", {"reason": reason}))
