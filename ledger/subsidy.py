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
from ledger.rules import OCCUPATION_TYPES, RegionProfile

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


@dataclass(frozen=True)
class Refusal:
    rule: str
    reason: str


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
            "payments": [{"stage": p.stage, "fen": p.fen} for p in self.payments],
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
    return minutes // class_hour_minutes


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
    """Refuse when online time exceeds the profile's cap (L1, S1, J2, H1, N3).

    Compared in integers: `online_minutes * 100 <= cap * total_class_hours *
    class_hour_minutes` is allowed, so the limit itself is accepted and one
    minute past it is refused.
    """
    _check_occupation_type(occupation_type)
    _whole("total_class_hours", total_class_hours, 1, MAX_CLASS_HOURS)
    _whole("online_minutes", online_minutes, 0, MAX_ONLINE_MINUTES)
    cap_percent = profile.online_share_cap_percent[occupation_type]
    total_minutes = total_class_hours * profile.class_hour_minutes
    if online_minutes * 100 <= cap_percent * total_minutes:
        return None
    allowed_minutes = cap_percent * total_minutes // 100
    return Refusal(
        rule=profile.online_share_rule,
        reason=(
            f"{online_minutes} online minutes exceed the {cap_percent}% cap for a "
            f"{occupation_type} occupation in {profile.region}: {total_class_hours} class hours "
            f"of {profile.class_hour_minutes} minutes allow at most {allowed_minutes} online minutes."
        ),
    )


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
) -> Quote:
    """The subsidy `profile` gives for one trainee of a class filed on `filed_on`.

    Steps, each rounding down to the fen:
      1. the local standard for the occupation (`profile.subsidy_rule`);
      2. H2 uplift, only for classes filed on or after `uplift_cutoff`
         (earlier filings keep the old standard); a higher `own_ratio_percent`
         that a place or person already had replaces the uplift, never stacks;
      3. H2 shortage occupation: a further `shortage_percent` on the raised standard.
    Payments split the total: prepayment/balance (H3), online/offline (S2), or full.

    When not eligible (filed outside the validity window, or the online share
    over the cap) the steps still show the computation, followed by one
    closing step that takes it all back, citing the first refusal's rule; so
    the steps always sum to `total_fen`, which is 0, and `payments` is empty.

    Malformed input raises BadInput; a refusal by a rule is an answer, not an error.
    """
    _whole("standard_fen", standard_fen, 1, MAX_STANDARD_FEN)
    if not isinstance(shortage, bool):
        raise BadInput(f"shortage must be true or false, got {shortage!r}.")
    if not isinstance(filed_on, date) or isinstance(filed_on, datetime):
        raise BadInput(f"filed_on must be a calendar date, got {filed_on!r}.")
    _check_occupation_type(occupation_type)
    if total_class_hours is not None:
        _whole("total_class_hours", total_class_hours, 1, MAX_CLASS_HOURS)
    _whole("online_minutes", online_minutes, 0, MAX_ONLINE_MINUTES)
    if online_minutes > 0 and total_class_hours is None:
        raise BadInput("total_class_hours is needed to check the online share of online_minutes.")
    if own_ratio_percent is not None:
        _whole("own_ratio_percent", own_ratio_percent, 0, 100)
        if profile.uplift_cutoff is None:
            raise BadInput(
                f"own_ratio_percent applies only where the profile raises the standard (H2); "
                f"{profile.region} has no uplift."
            )

    steps = [Step(profile.subsidy_rule, f"local subsidy standard for the occupation ({profile.region})", standard_fen)]
    running_fen = standard_fen
    if profile.uplift_cutoff is not None:
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
        refusal = online_share_refusal(profile, occupation_type, total_class_hours, online_minutes)
        if refusal is not None:
            refusals.append(refusal)

    eligible = not refusals
    if eligible:
        total_fen = running_fen
        if profile.prepayment_percent > 0:
            shares = split_fen(total_fen, [profile.prepayment_percent, 100 - profile.prepayment_percent])
            payments = [Payment("prepayment", shares[0]), Payment("balance", shares[1])]
        elif profile.segments is not None:
            shares = split_fen(total_fen, [profile.segments.online_percent, profile.segments.offline_percent])
            payments = [Payment("online", shares[0]), Payment("offline", shares[1])]
        else:
            payments = [Payment("full", total_fen)]
    else:
        total_fen = 0
        payments = []
        steps.append(Step(refusals[0].rule, "not eligible: nothing is payable", -running_fen))

    assert sum(step.fen for step in steps) == total_fen, steps
    assert sum(payment.fen for payment in payments) == total_fen, payments
    assert total_fen >= 0
    return Quote(
        total_fen=total_fen,
        steps=steps,
        payments=payments,
        online_class_hours=online_class_hours,
        eligible=eligible,
        refusals=refusals,
    )
