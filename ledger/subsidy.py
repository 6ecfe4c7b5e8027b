"""The subsidy a region profile gives: pure functions on integer fen.

No floats anywhere: every percentage is applied as `amount * percent // 100`,
which rounds down to the fen, and every split gives its remainder to the last
part so that the parts always sum to the whole (asserted, not only tested).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ledger.errors import BadInput
from ledger.hours import ClassHours, Refusal, hours_refusal, whole_class_hours
from ledger.rules import OCCUPATION_TYPES, TRAINING_KINDS, RegionProfile

__all__ = ["ClassHours", "Payment", "Quote", "Refusal", "Step", "quote", "split_fen", "class_hours"]
PAYEES = ("institution", "platform", "trainee")

MAX_STANDARD_FEN = 10_000_000  # 100,000 yuan: no training subsidy standard comes near it
MAX_CLASS_HOURS = 2000
MAX_ONLINE_MINUTES = MAX_CLASS_HOURS * 60
MAX_MINUTES = MAX_CLASS_HOURS * 120


@dataclass(frozen=True)
class Step:
    rule: str
    description: str
    fen: int  # what this step adds to the running total (negative when it takes away)


@dataclass(frozen=True)
class Payment:
    stage: str  # "prepayment"/"balance" (H3), "online"/"offline" (S2), or "full"
    fen: int
    payee: str = "institution"  # one of PAYEES: S2's online part goes to the platform


@dataclass(frozen=True)
class Quote:
    total_fen: int
    steps: list[Step]
    payments: list[Payment]
    online_class_hours: int
    eligible: bool
    refusals: list[Refusal]

    def to_json(self) -> dict[str, Any]:
        return {
            "total_fen": self.total_fen,
            "steps": [{"rule": s.rule, "description": s.description, "fen": s.fen} for s in self.steps],
            "payments": [{"stage": p.stage, "fen": p.fen, "payee": p.payee} for p in self.payments],
            "online_class_hours": self.online_class_hours,
            "eligible": self.eligible,
            "refusals": [{"rule": r.rule, "reason": r.reason} for r in self.refusals],
        }


def _whole(name: str, value: Any, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise BadInput(f"{name} must be a whole number from {low:,} to {high:,}, got {value!r}.")
    return value


def class_hours(minutes: int, class_hour_minutes: int = 45) -> int:
    """Complete class hours in `minutes` (L1, S1: one class hour is 45 minutes).

    Only complete class hours count: 44 minutes is 0, 89 minutes is 1.
    """
    _whole("minutes", minutes, 0, MAX_MINUTES)
    _whole("class_hour_minutes", class_hour_minutes, 1, 120)
    return whole_class_hours(minutes, class_hour_minutes)


def split_fen(total_fen: int, percents: list[int]) -> list[int]:
    """Split `total_fen` by `percents` (which must sum to 100).

    Every part but the last is rounded down to the fen; the last takes the
    remainder, so the parts always sum to the total.
    """
    _whole("total_fen", total_fen, 0, MAX_STANDARD_FEN * 4)
    if (not isinstance(percents, (list, tuple)) or not percents
            or any(type(p) is not int or not 0 <= p <= 100 for p in percents)
            or sum(percents) != 100):
        raise BadInput(f"percents must be whole numbers from 0 to 100 that sum to 100, got {percents!r}.")
    parts = [total_fen * percent // 100 for percent in percents[:-1]]
    parts.append(total_fen - sum(parts))
    assert sum(parts) == total_fen and all(part >= 0 for part in parts), (total_fen, percents, parts)
    return parts


def _check_occupation_type(occupation_type: Any) -> str:
    if occupation_type not in OCCUPATION_TYPES:
        raise BadInput(f"occupation_type must be one of {', '.join(OCCUPATION_TYPES)}, got {occupation_type!r}.")
    return occupation_type


def online_share_refusal(
    profile: RegionProfile, occupation_type: str, total_class_hours: int, online_minutes: int
) -> Refusal | None:
    """Refuse when whole online class hours exceed the cap of total class hours (L1, S1).

    The cap alone, for callers that know no theory/practical split (the flags);
    `ledger.hours.hours_refusal` applies every hours rule. 1,394 minutes are 30
    class hours of 45 minutes, so they pass a 30-hour cap; 1,395 do not.
    """
    _check_occupation_type(occupation_type)
    _whole("total_class_hours", total_class_hours, 1, MAX_CLASS_HOURS)
    _whole("online_minutes", online_minutes, 0, MAX_ONLINE_MINUTES)
    return hours_refusal(profile, ClassHours(occupation_type, total_class_hours, 0), online_minutes)


def _check_hours(total_class_hours: int | None, theory_class_hours: int | None, online_minutes: int) -> None:
    if total_class_hours is not None:
        _whole("total_class_hours", total_class_hours, 1, MAX_CLASS_HOURS)
    _whole("online_minutes", online_minutes, 0, MAX_ONLINE_MINUTES)
    if online_minutes > 0 and total_class_hours is None:
        raise BadInput("total_class_hours is needed to check the online share of online_minutes.")
    if theory_class_hours is not None:
        if total_class_hours is None:
            raise BadInput("theory_class_hours is given with total_class_hours (practical = total - theory).")
        _whole("theory_class_hours", theory_class_hours, 0, total_class_hours)


def _day_or_none(name: str, value: Any) -> date | None:
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise BadInput(f"{name} must be a calendar date, got {value!r}.")
    return value


def _advance_percent(profile: RegionProfile, training_kind: str, approved_on: date,
                     epidemic_ended_on: date | None) -> tuple[int, Step | None]:
    """H3: the share paid in advance, and a step saying why when it is not the profile's."""
    if training_kind == "apprenticeship":
        percent = profile.apprenticeship_prepayment_percent
        return percent, Step("H3", f"enterprise apprenticeship: prepayment by the earlier rules (原有规定), {percent}%", 0)
    period = profile.epidemic_period
    if profile.prepayment_percent == 0 or period is None or not period.prepayment_only_during:
        return profile.prepayment_percent, None
    if period.covers(approved_on, epidemic_ended_on):
        return profile.prepayment_percent, None
    end = f"ended {epidemic_ended_on}" if epidemic_ended_on else "still running"
    return 0, Step("H3", f"approved on {approved_on}, outside the epidemic period (from {period.starts_on}, {end}): "
                         "no prepayment", 0)


def _segment_payments(profile: RegionProfile, running_fen: int, online_percent: int,
                      offline_done_on: date | None) -> tuple[list[Payment], Step]:
    """S2: the platform's part (at most the ceiling) and the offline part, which
    needs offline training recorded by `offline_by`."""
    segments = profile.segments
    offline_percent = segments.offline_percent
    why = f"platform {online_percent}% (ceiling {segments.online_ceiling_percent}%)"
    if offline_done_on is None or offline_done_on > segments.offline_by:
        offline_percent = 0
        when = "none recorded" if offline_done_on is None else f"last on {offline_done_on}"
        why += f"; offline training after {segments.offline_by} ({when}): the {segments.offline_percent}% is not due"
    else:
        why += f"; offline {offline_percent}% (offline training by {segments.offline_by})"
    if online_percent + offline_percent == 100:
        online_fen, offline_fen = split_fen(running_fen, [online_percent, offline_percent])
    else:
        online_fen, offline_fen = running_fen * online_percent // 100, running_fen * offline_percent // 100
    payments = [Payment("online", online_fen, "platform")]
    if offline_percent:
        payments.append(Payment("offline", offline_fen, "institution"))
    return payments, Step("S2", f"segmented subsidy: {why}", online_fen + offline_fen - running_fen)


def quote(
    profile: RegionProfile,
    *,
    standard_fen: int,
    shortage: bool,
    filed_on: date,
    occupation_type: str = "skill",
    total_class_hours: int | None = None,
    online_minutes: int = 0,
    own_ratio_percent: int | None = None,
    theory_class_hours: int | None = None,
    home_practice: bool = False,
    training_kind: str = "employment",
    approved_on: date | None = None,
    epidemic_ended_on: date | None = None,
    segmented_online_percent: int | None = None,
    offline_done_on: date | None = None,
) -> Quote:
    """The subsidy `profile` gives for one trainee of a class filed on `filed_on`.

    Steps, each rounding down to the fen:
      1. the local standard for the occupation (`profile.subsidy_rule`);
      2. H2 uplift, only for classes filed on or after `uplift_cutoff`
         (earlier filings keep the old standard); a higher `own_ratio_percent`
         that a place or person already had replaces the uplift, never stacks;
         enterprise apprenticeship keeps the earlier standard (H3: no uplift);
      3. H2 shortage occupation: a further `shortage_percent` on the raised standard;
      4. S2, where the city opted in (`segmented_online_percent`, at most the
         ceiling) and online learning was recorded: the platform's part plus
         the offline part when offline training was done by `offline_by`.
    Payments split the total: prepayment/balance (H3, only for classes approved
    on `approved_on` (default `filed_on`) in the epidemic period; apprenticeship
    by its own percent), online (platform)/offline (S2), or full; each names its payee.

    The hours rules (`ledger.hours`) apply when `total_class_hours` is given;
    without `theory_class_hours` only the cap of total hours is checked.
    When not eligible (filed outside the validity window, or the hours refused)
    the steps still show the computation, followed by one closing step that
    takes it all back, citing the first refusal's rule; so the steps always
    sum to `total_fen`, which is 0, and `payments` is empty.

    Malformed input raises BadInput; a refusal by a rule is an answer, not an error.
    """
    _whole("standard_fen", standard_fen, 1, MAX_STANDARD_FEN)
    if not isinstance(shortage, bool) or not isinstance(home_practice, bool):
        raise BadInput(f"shortage and home_practice must be true or false, got {shortage!r}, {home_practice!r}.")
    if _day_or_none("filed_on", filed_on) is None:
        raise BadInput("filed_on must be a calendar date, got None.")
    approved_on = _day_or_none("approved_on", approved_on) or filed_on
    _day_or_none("epidemic_ended_on", epidemic_ended_on)
    _day_or_none("offline_done_on", offline_done_on)
    _check_occupation_type(occupation_type)
    if training_kind not in TRAINING_KINDS:
        raise BadInput(f"training_kind must be one of {', '.join(TRAINING_KINDS)}, got {training_kind!r}.")
    _check_hours(total_class_hours, theory_class_hours, online_minutes)
    if own_ratio_percent is not None:
        _whole("own_ratio_percent", own_ratio_percent, 0, 100)
        if profile.uplift_cutoff is None:
            raise BadInput(
                f"own_ratio_percent applies only where the profile raises the standard (H2); "
                f"{profile.region} has no uplift."
            )
    if segmented_online_percent is not None:
        if profile.segments is None:
            raise BadInput(f"{profile.region} pays no segments (S2).")
        _whole("segmented_online_percent", segmented_online_percent, 0, profile.segments.online_ceiling_percent)

    steps = [Step(profile.subsidy_rule, f"local subsidy standard for the occupation ({profile.region})", standard_fen)]
    running_fen = standard_fen
    if profile.uplift_cutoff is not None and training_kind == "apprenticeship":
        steps.append(Step("H3", "enterprise apprenticeship keeps the earlier standard (原有规定): no uplift", 0))
    elif profile.uplift_cutoff is not None:
        if filed_on >= profile.uplift_cutoff:
            ratio, why = profile.uplift_percent, f"filed on or after {profile.uplift_cutoff}"
        else:
            ratio, why = 0, f"filed before {profile.uplift_cutoff}: the old standard is kept"
        if own_ratio_percent is not None and own_ratio_percent > ratio:
            ratio, why = own_ratio_percent, f"own higher ratio kept instead, not stacked ({why})"
        raised_fen = running_fen * (100 + ratio) // 100
        steps.append(Step("H2", f"standard raised by {ratio}%: {why}", raised_fen - running_fen))
        running_fen = raised_fen
    if shortage and profile.shortage_percent > 0:
        shortage_fen = running_fen * (100 + profile.shortage_percent) // 100
        steps.append(Step("H2", f"shortage occupation: a further {profile.shortage_percent}%", shortage_fen - running_fen))
        running_fen = shortage_fen

    refusals: list[Refusal] = []
    if not profile.applies_on(filed_on):
        window = f"{profile.valid_from or 'open'} to {profile.valid_until or 'open'}"
        refusals.append(Refusal(
            profile.subsidy_rule,
            f"a class filed on {filed_on} is outside the {profile.region} profile's window {window}.",
        ))
    online_class_hours = class_hours(online_minutes, profile.class_hour_minutes)
    if total_class_hours is not None:
        theory = total_class_hours if theory_class_hours is None else theory_class_hours
        hours = ClassHours(occupation_type, theory, total_class_hours - theory, home_practice)
        refusal = hours_refusal(profile, hours, online_minutes)
        if refusal is not None:
            refusals.append(refusal)

    eligible = not refusals
    if eligible:
        advance_percent, advance_step = _advance_percent(profile, training_kind, approved_on, epidemic_ended_on)
        if advance_step is not None:
            steps.append(advance_step)
        if profile.segments is not None and segmented_online_percent is not None and online_minutes > 0:
            payments, segment_step = _segment_payments(profile, running_fen, segmented_online_percent,
                                                       offline_done_on)
            steps.append(segment_step)
            running_fen += segment_step.fen
        elif advance_percent > 0:
            shares = split_fen(running_fen, [advance_percent, 100 - advance_percent])
            payments = [Payment("prepayment", shares[0]), Payment("balance", shares[1])]
        else:
            payments = [Payment("full", running_fen)]
        total_fen = running_fen
    else:
        total_fen = 0
        payments = []
        steps.append(Step(refusals[0].rule, "not eligible: nothing is payable", -running_fen))

    assert sum(step.fen for step in steps) == total_fen, steps
    assert sum(payment.fen for payment in payments) == total_fen, payments
    assert all(payment.payee in PAYEES for payment in payments), payments
    assert total_fen >= 0
    return Quote(
        total_fen=total_fen,
        steps=steps,
        payments=payments,
        online_class_hours=online_class_hours,
        eligible=eligible,
        refusals=refusals,
    )


ALLOWANCE_FUND = "employment_subsidy_fund"  # N4: 所需资金从就业补助资金中列支


@dataclass(frozen=True)
class AllowanceQuote:
    """N4, S3: the living allowance for `days` days of online training, paid to the
    trainee from the employment subsidy fund, or the rule that refuses it."""

    days: int
    fen: int
    refusal: Refusal | None

    def payments(self) -> list[Payment]:
        return [Payment("allowance", self.fen, "trainee")] if self.refusal is None else []


def allowance_quote(profile: RegionProfile, *, days: int, groups: tuple[str, ...], online_minutes: int
                    ) -> AllowanceQuote:
    """What `pay_allowance` would pay for `days` named days with online learning in them (N4, S3)."""
    _whole("days", days, 1, 366)
    allowance = profile.allowance

    def refused(reason: str) -> AllowanceQuote:
        return AllowanceQuote(days, 0, Refusal("N4", reason))

    if allowance is None:
        return refused(f"{profile.region} has not opted in to the living allowance and pays none")
    if not set(groups) & set(profile.allowance_groups):
        return refused(f"the living allowance in {profile.region} is for: {', '.join(profile.allowance_groups)}")
    if online_minutes <= 0:
        return refused("the allowance is for those who take online training (对参加线上培训的); no online minutes")
    if days > allowance.max_days:
        return refused(f"{days} days exceed the region's {allowance.max_days} days")
    return AllowanceQuote(days, allowance.daily_fen * days, None)

