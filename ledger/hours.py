"""Online and offline class hours as the notices write them (H1, L1, S1, J2, J3).

One pure function, `hours_refusal`, answers "refusal or None" for a class's
hours and the minutes recorded so far; the filing, every recorded session,
the assessment and `vledger quote` all call it, so they cannot disagree.

Caps written in 课时 compare whole class hours: `online_class_hours` is
`floor(online minutes / class_hour_minutes)` (L1: 线上培训每课时为45分钟), and
every comparison is in integers. The rules, from the region profile:

- theory floor (H1): theory is at least `theory_floor_percent` of total hours;
- online cap (L1, S1): online class hours at most `online_share_cap_percent`
  of total class hours, per occupation type;
- practical online (H1, L1, J2, J3): online class hours at most theory plus
  `practical_online_percent` of practical hours, per occupation type; a filing
  that marks its practical courses for home practice lifts this to all of
  them where the profile allows it (H1: 适合线上授课、居家练习的实训课程);
- at assessment, the total class hours are all done (H1: 总学时不变; each region
  cites its own rule, `review_check_rules["class_hours"]`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.rules import RegionProfile

STAGES = ("filing", "session", "assessment")


@dataclass(frozen=True)
class Refusal:
    rule: str
    reason: str


@dataclass(frozen=True)
class ClassHours:
    """The hours a class filing records (H4, L4)."""

    occupation_type: str
    theory_class_hours: int
    practical_class_hours: int
    home_practice: bool = False  # H1: practical courses suited to home practice

    @property
    def total_class_hours(self) -> int:
        return self.theory_class_hours + self.practical_class_hours


def whole_class_hours(minutes: int, class_hour_minutes: int) -> int:
    """Complete class hours in `minutes`: 44 minutes of a 45-minute hour is 0 (L1, S1)."""
    return minutes // class_hour_minutes


def practical_online_percent(profile: RegionProfile, hours: ClassHours) -> int:
    if hours.home_practice and profile.home_practice_online:
        return 100
    return profile.practical_online_percent[hours.occupation_type]


def allowed_online_class_hours(profile: RegionProfile, hours: ClassHours) -> int:
    """The most whole online class hours the rules allow for this class."""
    total = hours.total_class_hours
    by_cap = profile.online_share_cap_percent[hours.occupation_type] * total // 100
    by_practical = (hours.theory_class_hours
                    + practical_online_percent(profile, hours) * hours.practical_class_hours // 100)
    return min(by_cap, by_practical)


def hours_refusal(profile: RegionProfile, hours: ClassHours, online_minutes: int, offline_minutes: int = 0,
                  stage: str = "filing") -> Refusal | None:
    """The first rule the class's hours break, or None when they are lawful.

    `online_minutes` is what is planned (filing) or recorded so far including
    the new session (session, assessment); `offline_minutes` counts only at
    assessment, where the total class hours must be done.
    """
    assert stage in STAGES, stage
    assert hours.theory_class_hours >= 0 and hours.practical_class_hours >= 0 and hours.total_class_hours >= 1
    assert online_minutes >= 0 and offline_minutes >= 0
    total = hours.total_class_hours
    kind = hours.occupation_type
    if hours.theory_class_hours * 100 < profile.theory_floor_percent * total:
        return Refusal("H1", (
            f"theory is {hours.theory_class_hours} of {total} class hours; in {profile.region} theory is at "
            f"least {profile.theory_floor_percent}% of the total (全部理论课(不低于总课时的30%))."))
    online = whole_class_hours(online_minutes, profile.class_hour_minutes)
    cap_percent = profile.online_share_cap_percent[kind]
    if online * 100 > cap_percent * total:
        return Refusal(profile.online_share_rule, (
            f"{online} online class hours ({online_minutes} minutes) exceed the {cap_percent}% cap for a {kind} "
            f"occupation in {profile.region}: {total} class hours allow at most {cap_percent * total // 100} "
            f"whole online class hours."))
    practical_percent = practical_online_percent(profile, hours)
    if online * 100 > hours.theory_class_hours * 100 + practical_percent * hours.practical_class_hours:
        allowed = hours.theory_class_hours + practical_percent * hours.practical_class_hours // 100
        return Refusal(profile.practical_online_rule[kind], (
            f"{online} online class hours ({online_minutes} minutes) exceed what a {kind} class in "
            f"{profile.region} may do online: its {hours.theory_class_hours} theory class hours plus "
            f"{practical_percent}% of its {hours.practical_class_hours} practical class hours, "
            f"{allowed} in all; the other practical hours are done offline."))
    if stage == "assessment":
        required_minutes = total * profile.class_hour_minutes
        if online_minutes + offline_minutes < required_minutes:
            return Refusal(profile.review_check_rules["class_hours"], (
                f"{online_minutes + offline_minutes} of {required_minutes} required minutes are recorded; "
                f"in {profile.region} assessment follows the full class hours (H1: 总学时不变)."))
    return None
