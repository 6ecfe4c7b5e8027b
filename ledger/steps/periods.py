"""Periods and opt-ins the bureau records as signed facts: the end of the
epidemic period (H3, H5) and a city's segmented subsidy (S2)."""

from __future__ import annotations

from datetime import date

from ledger.aggregates.periods import EpidemicPeriod, SegmentedSubsidy
from ledger.command import Command
from ledger.errors import BadInput, Conflict, RuleViolation
from ledger.rules import profile_for
from ledger.steps import require, step


def epidemic_ended_on(command: Command, region: str) -> date | None:
    """The day the region's epidemic period ended, or None while it runs (H5)."""
    period = command.find(EpidemicPeriod, EpidemicPeriod.id_for(region))
    return None if period is None else date.fromisoformat(period.ended_on)


def segmented_online_percent(command: Command, bureau: str) -> int | None:
    """The platform's percent where the bureau's city opted in to segments (S2), else None."""
    adopted = command.find(SegmentedSubsidy, SegmentedSubsidy.id_for(bureau))
    return None if adopted is None else adopted.online_percent


@step("end_epidemic_period", roles=("bureau",))
def end_epidemic_period(command: Command) -> None:
    """Record the day the city declared the epidemic over (H5: 需待我市疫情解除后); from
    that day offline practical training is allowed and H3 prepayment stops."""
    region = command.actor.region
    profile = profile_for(region)
    require(profile.epidemic_period is not None, RuleViolation,
            f"the {region} profile has no epidemic period to end", "H5")
    require(command.target == EpidemicPeriod.id_for(region), BadInput,
            f"the epidemic period of {region} is recorded at id {EpidemicPeriod.id_for(region)}")
    existing = command.find(EpidemicPeriod, command.target)
    require(existing is None, Conflict,
            f"the epidemic period of {region} already ended on {existing.ended_on if existing else ''}")
    ended_on = command.body.day("ended_on")
    document = command.body.text("document", max_length=200)
    require(profile.epidemic_period.starts_on <= ended_on <= command.today, BadInput,
            f"ended_on must be from the period's start {profile.epidemic_period.starts_on} to today {command.today}")
    command.create(EpidemicPeriod, command.target, "Ended", {
        "region": region, "ended_on": ended_on.isoformat(), "document": document})


@step("adopt_segmented_subsidy", roles=("bureau",))
def adopt_segmented_subsidy(command: Command) -> None:
    """A city opts in to segmented training, assessment and subsidy (S2: 设区的市可制定具体实施细则),
    naming the platform's percent, at most the profile's ceiling (不高于…20%)."""
    profile = profile_for(command.actor.region)
    require(profile.segments is not None, RuleViolation,
            f"the {profile.region} profile pays no segments", "S2")
    require(command.target == SegmentedSubsidy.id_for(command.actor_id), BadInput,
            f"the segmented subsidy of this bureau is recorded at id {SegmentedSubsidy.id_for(command.actor_id)}")
    existing = command.find(SegmentedSubsidy, command.target)
    require(existing is None, Conflict, "this bureau already adopted segmented subsidies")
    ceiling = profile.segments.online_ceiling_percent
    online_percent = command.body.integer("online_percent", minimum=0, maximum=100)
    require(online_percent <= ceiling, RuleViolation,
            f"the platform's part is at most {ceiling}% of the standard (不高于…{ceiling}%), not {online_percent}%",
            "S2")
    document = command.body.text("document", max_length=200)
    command.create(SegmentedSubsidy, command.target, "Adopted", {
        "bureau": command.actor_id, "online_percent": online_percent, "document": document})
