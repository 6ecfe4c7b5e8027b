"""Regional subsidy rules as data: one JSON file per region in `ledger/regions/`.

Each file is `{"versions": [profile, ...]}`, oldest first; the last entry is
the latest. A voucher records `(region, version)`, so a later profile never
changes a past voucher: a new rule is a new entry appended to the list, and
old entries stay (see docs/decisions/0002-region-profiles-as-data.md).

Every number in a profile cites the rule ID (DOMAIN.md) it comes from in the
profile's `rule_ids` notes. Files are validated strictly on load; a bad file
raises `InvalidProfile` (a deployment defect, not a user's bad input, so it is
deliberately not a `LedgerError` and is never mapped to a 4xx answer).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from ledger.errors import NotFound

OCCUPATION_TYPES = ("knowledge", "skill", "simulation")
ALLOWANCE_GROUPS = (  # N4, S3
    "registered_poor",  # 建档立卡贫困劳动力
    "employment_difficulty",  # 就业困难人员
    "zero_employment_family",  # 零就业家庭成员
    "two_after_rural",  # “两后生”中农村学员
    "urban_minimum_living",  # 城市低保家庭学员
)
FUNDS = (  # N6
    "skills_upgrading_account",  # 职业技能提升行动专账资金
    "employment_subsidy_fund",  # 就业补助资金
    "unemployment_insurance_fund",  # 失业保险基金 (Jiangxi)
)

# The checks before payment (L13, J4) that cite a rule of the region's own notice; the online share
# cites the hours rules (online_share_rule, practical_online_rule).
REVIEW_CHECKS = ("class_hours", "sessions_in_class_period", "face_checks", "certificate")
TRAINING_KINDS = ("employment", "upgrade", "apprenticeship")  # 就业技能培训, 岗位技能提升培训, 企业新型学徒制
_RULE_ID = re.compile(r"^[HLSJN][0-9]{1,2}$")
_REGION = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.-]{0,39}$")
_FIELDS = (
    "region", "version", "title", "source", "valid_from", "valid_until",
    "class_hour_minutes", "online_share_cap_percent", "online_share_rule",
    "theory_floor_percent", "practical_online_percent", "practical_online_rule",
    "home_practice_online", "epidemic_period", "apprenticeship_prepayment_percent",
    "subsidy_rule", "uplift_percent", "uplift_cutoff", "shortage_percent",
    "prepayment_percent", "segments", "allowance_groups", "allowance", "retention_years",
    "face_check_failures_limit", "review_check_rules", "funds", "rule_ids",
)
# Fields whose value is a number or a policy choice: each needs a rule_ids note.
_CITED_FIELDS = (
    "valid_from", "valid_until", "class_hour_minutes", "online_share_cap_percent",
    "theory_floor_percent", "practical_online_percent", "home_practice_online", "epidemic_period",
    "apprenticeship_prepayment_percent", "uplift_percent", "shortage_percent", "prepayment_percent", "segments",
    "allowance_groups", "allowance", "retention_years", "face_check_failures_limit", "review_check_rules", "funds",
)
MAX_ALLOWANCE_DAILY_FEN = 100_000  # 1,000 yuan a day: far above any city's figure, a bound on typing errors
MAX_ALLOWANCE_DAYS = 366


class InvalidProfile(ValueError):
    """A region profile file is malformed; the ledger must not start with it."""


@dataclass(frozen=True)
class Source:
    seed: str
    document: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Segments:
    """S2: where a city opts in, the platform gets at most `online_ceiling_percent`
    of the standard, and the trainee's offline part `offline_percent` needs the
    offline training recorded by `offline_by`."""

    online_ceiling_percent: int
    offline_percent: int
    offline_by: date


@dataclass(frozen=True)
class EpidemicPeriod:
    """H3, H5: the period starts with the notice; its end is a signed bureau record."""

    starts_on: date
    offline_practical_banned: bool  # H5: 疫情期间，不允许组织线下集中实操培训
    prepayment_only_during: bool  # H3: 在疫情期间 ... 可先行拨付

    def covers(self, day: date, ended_on: date | None) -> bool:
        """True when `day` falls in the period: from its start, until the day it ended (exclusive)."""
        return self.starts_on <= day and (ended_on is None or day < ended_on)


@dataclass(frozen=True)
class Allowance:
    """N4, S3: the living allowance of a region that opted in. The notices set
    no amount (各市可根据实际), so `set_by` says who set these figures."""

    daily_fen: int
    max_days: int
    set_by: str


@dataclass(frozen=True)
class RegionProfile:
    region: str
    version: str
    title: str
    source: Source
    valid_from: date | None  # first filing date the profile applies to
    valid_until: date | None  # last filing date (inclusive); None = open
    class_hour_minutes: int
    online_share_cap_percent: Mapping[str, int]  # by OCCUPATION_TYPES
    online_share_rule: str  # rule cited when the online share is refused
    theory_floor_percent: int  # H1: theory is at least this share of total class hours
    practical_online_percent: Mapping[str, int]  # by OCCUPATION_TYPES: share of practical hours allowed online
    practical_online_rule: Mapping[str, str]  # by OCCUPATION_TYPES: rule cited when practical goes online
    home_practice_online: bool  # H1: practical courses marked for home practice may go wholly online
    epidemic_period: EpidemicPeriod | None
    apprenticeship_prepayment_percent: int  # H3: 企业新型学徒制 ... 预拨按原有规定执行
    subsidy_rule: str  # rule of the base standard and of the validity window
    uplift_percent: int
    uplift_cutoff: date | None  # filings on or after this date get the uplift
    shortage_percent: int
    prepayment_percent: int
    segments: Segments | None
    allowance_groups: tuple[str, ...]
    allowance: Allowance | None  # None: the region has not opted in and pays no allowance (N4)
    retention_years: int | None
    face_check_failures_limit: int  # L6/L13: failed random face checks a voucher may have and still be paid
    review_check_rules: Mapping[str, str]  # by REVIEW_CHECKS: the region's own rule each check before payment cites
    funds: tuple[str, ...]
    rule_ids: Mapping[str, str]  # field name -> note citing rule IDs

    def applies_on(self, filed_on: date) -> bool:
        """True when a class filed on `filed_on` falls in the validity window."""
        if self.valid_from is not None and filed_on < self.valid_from:
            return False
        return self.valid_until is None or filed_on <= self.valid_until

    def to_json(self) -> dict[str, Any]:
        """JSON-native values (ISO dates, lists, dicts), as recorded in events."""
        return {
            "region": self.region,
            "version": self.version,
            "title": self.title,
            "source": {
                "seed": self.source.seed,
                "document": self.source.document,
                "rules": list(self.source.rules),
            },
            "valid_from": _iso(self.valid_from),
            "valid_until": _iso(self.valid_until),
            "class_hour_minutes": self.class_hour_minutes,
            "online_share_cap_percent": dict(self.online_share_cap_percent),
            "online_share_rule": self.online_share_rule,
            "theory_floor_percent": self.theory_floor_percent,
            "practical_online_percent": dict(self.practical_online_percent),
            "practical_online_rule": dict(self.practical_online_rule),
            "home_practice_online": self.home_practice_online,
            "epidemic_period": None if self.epidemic_period is None else {
                "starts_on": self.epidemic_period.starts_on.isoformat(),
                "offline_practical_banned": self.epidemic_period.offline_practical_banned,
                "prepayment_only_during": self.epidemic_period.prepayment_only_during,
            },
            "apprenticeship_prepayment_percent": self.apprenticeship_prepayment_percent,
            "subsidy_rule": self.subsidy_rule,
            "uplift_percent": self.uplift_percent,
            "uplift_cutoff": _iso(self.uplift_cutoff),
            "shortage_percent": self.shortage_percent,
            "prepayment_percent": self.prepayment_percent,
            "segments": None if self.segments is None else {
                "online_ceiling_percent": self.segments.online_ceiling_percent,
                "offline_percent": self.segments.offline_percent,
                "offline_by": self.segments.offline_by.isoformat(),
            },
            "allowance_groups": list(self.allowance_groups),
            "allowance": None if self.allowance is None else {
                "daily_fen": self.allowance.daily_fen, "max_days": self.allowance.max_days,
                "set_by": self.allowance.set_by,
            },
            "retention_years": self.retention_years,
            "face_check_failures_limit": self.face_check_failures_limit,
            "review_check_rules": dict(self.review_check_rules),
            "funds": list(self.funds),
            "rule_ids": dict(self.rule_ids),
        }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


# --- loading and validation -------------------------------------------------


def _fail(where: str, message: str) -> InvalidProfile:
    return InvalidProfile(f"{where}: {message}")


def _int(where: str, raw: dict, key: str, low: int, high: int) -> int:
    value = raw[key]
    if type(value) is not int or not low <= value <= high:
        raise _fail(where, f"{key} must be an integer from {low} to {high}, got {value!r}")
    return value


def _text(where: str, raw: Any, key: str, pattern: re.Pattern | None = None) -> str:
    value = raw[key]
    if not isinstance(value, str) or not value.strip() or len(value) > 500:
        raise _fail(where, f"{key} must be a non-empty string of at most 500 characters")
    if pattern is not None and not pattern.match(value):
        raise _fail(where, f"{key} {value!r} does not match {pattern.pattern}")
    return value


def _day(where: str, raw: dict, key: str, *, nullable: bool) -> date | None:
    value = raw[key]
    if value is None and nullable:
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(where, f"{key} must be an ISO date YYYY-MM-DD{' or null' if nullable else ''}, got {value!r}") from None


def _flag(where: str, raw: dict, key: str) -> bool:
    value = raw[key]
    if not isinstance(value, bool):
        raise _fail(where, f"{key} must be true or false, got {value!r}")
    return value


def _names(where: str, raw: dict, key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    value = raw[key]
    if not isinstance(value, list) or any(item not in allowed for item in value):
        raise _fail(where, f"{key} must be a list drawn from {list(allowed)}, got {value!r}")
    if len(set(value)) != len(value):
        raise _fail(where, f"{key} lists a name twice: {value!r}")
    return tuple(value)


def _exact_keys(where: str, raw: Any, keys: tuple[str, ...], what: str) -> None:
    if not isinstance(raw, dict):
        raise _fail(where, f"{what} must be a JSON object")
    missing = [key for key in keys if key not in raw]
    unknown = sorted(set(raw) - set(keys))
    if missing or unknown:
        raise _fail(where, f"{what} has missing keys {missing} and unknown keys {unknown}")


def parse_profile(raw: Any, where: str) -> RegionProfile:
    """Validate one profile object strictly; raise InvalidProfile naming the field."""
    _exact_keys(where, raw, _FIELDS, "profile")
    where = f"{where} version {raw.get('version')!r}"
    _exact_keys(where, raw["source"], ("seed", "document", "rules"), "source")
    source_rules = raw["source"]["rules"]
    if not isinstance(source_rules, list) or not source_rules or not all(
        isinstance(rule, str) and _RULE_ID.match(rule) for rule in source_rules
    ):
        raise _fail(where, "source.rules must be a non-empty list of rule IDs such as 'H2'")
    source = Source(
        seed=_text(where, raw["source"], "seed"),
        document=_text(where, raw["source"], "document"),
        rules=tuple(source_rules),
    )
    _exact_keys(where, raw["online_share_cap_percent"], OCCUPATION_TYPES, "online_share_cap_percent")
    caps = {
        kind: _int(where, raw["online_share_cap_percent"], kind, 0, 100)
        for kind in OCCUPATION_TYPES
    }
    practical = raw["practical_online_percent"]
    _exact_keys(where, practical, OCCUPATION_TYPES, "practical_online_percent")
    _exact_keys(where, raw["practical_online_rule"], OCCUPATION_TYPES, "practical_online_rule")
    _exact_keys(where, raw["review_check_rules"], REVIEW_CHECKS, "review_check_rules")
    segments = None
    if raw["segments"] is not None:
        _exact_keys(where, raw["segments"], ("online_ceiling_percent", "offline_percent", "offline_by"), "segments")
        segments = Segments(
            online_ceiling_percent=_int(where, raw["segments"], "online_ceiling_percent", 0, 100),
            offline_percent=_int(where, raw["segments"], "offline_percent", 0, 100),
            offline_by=_day(where, raw["segments"], "offline_by", nullable=False),
        )
        if segments.online_ceiling_percent + segments.offline_percent > 100:
            raise _fail(where, "segments online_ceiling_percent + offline_percent must be at most 100")
    epidemic_period = None
    if raw["epidemic_period"] is not None:
        period = raw["epidemic_period"]
        _exact_keys(where, period, ("starts_on", "offline_practical_banned", "prepayment_only_during"),
                    "epidemic_period")
        epidemic_period = EpidemicPeriod(
            starts_on=_day(where, period, "starts_on", nullable=False),
            offline_practical_banned=_flag(where, period, "offline_practical_banned"),
            prepayment_only_during=_flag(where, period, "prepayment_only_during"),
        )
    allowance = None
    if raw["allowance"] is not None:
        _exact_keys(where, raw["allowance"], ("daily_fen", "max_days", "set_by"), "allowance")
        allowance = Allowance(
            daily_fen=_int(where, raw["allowance"], "daily_fen", 1, MAX_ALLOWANCE_DAILY_FEN),
            max_days=_int(where, raw["allowance"], "max_days", 1, MAX_ALLOWANCE_DAYS),
            set_by=_text(where, raw["allowance"], "set_by"),
        )
    retention_years = None
    if raw["retention_years"] is not None:
        retention_years = _int(where, raw, "retention_years", 1, 100)
    rule_ids = raw["rule_ids"]
    if not isinstance(rule_ids, dict) or not all(
        isinstance(note, str) and note.strip() for note in rule_ids.values()
    ):
        raise _fail(where, "rule_ids must map field names to non-empty notes")
    unknown_notes = sorted(set(rule_ids) - set(_FIELDS))
    if unknown_notes:
        raise _fail(where, f"rule_ids names unknown fields {unknown_notes}")

    profile = RegionProfile(
        region=_text(where, raw, "region", _REGION),
        version=_text(where, raw, "version", _VERSION),
        title=_text(where, raw, "title"),
        source=source,
        valid_from=_day(where, raw, "valid_from", nullable=True),
        valid_until=_day(where, raw, "valid_until", nullable=True),
        class_hour_minutes=_int(where, raw, "class_hour_minutes", 1, 120),
        online_share_cap_percent=MappingProxyType(caps),
        online_share_rule=_text(where, raw, "online_share_rule", _RULE_ID),
        theory_floor_percent=_int(where, raw, "theory_floor_percent", 0, 100),
        practical_online_percent=MappingProxyType({
            kind: _int(f"{where} practical_online_percent", practical, kind, 0, 100) for kind in OCCUPATION_TYPES}),
        practical_online_rule=MappingProxyType({kind: _text(where, raw["practical_online_rule"], kind, _RULE_ID)
                                                for kind in OCCUPATION_TYPES}),
        home_practice_online=_flag(where, raw, "home_practice_online"),
        epidemic_period=epidemic_period,
        apprenticeship_prepayment_percent=_int(where, raw, "apprenticeship_prepayment_percent", 0, 100),
        subsidy_rule=_text(where, raw, "subsidy_rule", _RULE_ID),
        uplift_percent=_int(where, raw, "uplift_percent", 0, 100),
        uplift_cutoff=_day(where, raw, "uplift_cutoff", nullable=True),
        shortage_percent=_int(where, raw, "shortage_percent", 0, 100),
        prepayment_percent=_int(where, raw, "prepayment_percent", 0, 100),
        segments=segments,
        allowance_groups=_names(where, raw, "allowance_groups", ALLOWANCE_GROUPS),
        allowance=allowance,
        retention_years=retention_years,
        face_check_failures_limit=_int(where, raw, "face_check_failures_limit", 0, 1000),
        review_check_rules=MappingProxyType({name: _text(where, raw["review_check_rules"], name, _RULE_ID)
                                             for name in REVIEW_CHECKS}),
        funds=_names(where, raw, "funds", FUNDS),
        rule_ids=MappingProxyType(dict(rule_ids)),
    )
    cited = _CITED_FIELDS + (("uplift_cutoff",) if profile.uplift_cutoff else ())
    uncited = [name for name in cited if name not in rule_ids]
    if uncited:
        raise _fail(where, f"rule_ids has no note for {uncited}; every number cites its rule")
    if (profile.valid_from and profile.valid_until
            and profile.valid_from > profile.valid_until):
        raise _fail(where, "valid_from is after valid_until")
    if (profile.uplift_percent > 0) != (profile.uplift_cutoff is not None):
        raise _fail(where, "uplift_cutoff must be set exactly when uplift_percent > 0")
    if profile.epidemic_period is not None and profile.valid_until is not None and (
            profile.epidemic_period.starts_on > profile.valid_until):
        raise _fail(where, "epidemic_period starts after valid_until")
    if profile.prepayment_percent > 0 and profile.segments is not None:
        raise _fail(where, "a profile pays either a prepayment (H3) or segments (S2), not both")
    if not profile.funds:
        raise _fail(where, "funds must name at least one fund (N6)")
    if (profile.allowance is not None) != bool(profile.allowance_groups):
        raise _fail(where, "allowance is set exactly when allowance_groups names a group (N4)")
    if profile.allowance is not None and "employment_subsidy_fund" not in profile.funds:
        raise _fail(where, "a region that pays allowances lists employment_subsidy_fund (N4)")
    return profile


def _parse_file(path: Path | Any) -> tuple[RegionProfile, ...]:
    where = str(getattr(path, "name", path))
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _fail(where, f"cannot be read as JSON: {error}") from error
    _exact_keys(where, document, ("versions",), "file")
    versions = document["versions"]
    if not isinstance(versions, list) or not versions:
        raise _fail(where, "versions must be a non-empty list, oldest first")
    profiles = tuple(parse_profile(raw, where) for raw in versions)
    region = where.removesuffix(".json")
    for profile in profiles:
        if profile.region != region:
            raise _fail(where, f"holds region {profile.region!r}; the file must be named after its region")
    names = [profile.version for profile in profiles]
    if len(set(names)) != len(names):
        raise _fail(where, f"repeats a version: {names}")
    return profiles


def load_profile_versions(folder: Path | None = None) -> dict[str, tuple[RegionProfile, ...]]:
    """Every version of every region, oldest first; raise InvalidProfile on a bad file."""
    base = folder if folder is not None else resources.files("ledger") / "regions"
    files = sorted(
        (entry for entry in base.iterdir() if entry.name.endswith(".json")),
        key=lambda entry: entry.name,
    )
    if not files:
        raise InvalidProfile(f"{base}: no region profile files (*.json)")
    return {file.name.removesuffix(".json"): _parse_file(file) for file in files}


def load_profiles(folder: Path | None = None) -> dict[str, RegionProfile]:
    """The latest version of every region, keyed by region name."""
    return {region: versions[-1] for region, versions in load_profile_versions(folder).items()}


@functools.lru_cache(maxsize=1)
def _packaged() -> dict[str, tuple[RegionProfile, ...]]:
    return load_profile_versions()


def profile_for(region: str, version: str | None = None) -> RegionProfile:
    """The profile of `region` at `version` (the latest when None); NotFound otherwise."""
    table = _packaged()
    versions = table.get(region) if isinstance(region, str) else None
    if versions is None:
        raise NotFound(f"unknown region {region!r}; known regions: {', '.join(sorted(table))}")
    if version is None:
        return versions[-1]
    for profile in versions:
        if profile.version == version:
            return profile
    known = ", ".join(profile.version for profile in versions)
    raise NotFound(
        f"region {region!r} has no version {version!r}; known versions: {known}; "
        f"known regions: {', '.join(sorted(table))}"
    )


REGIONS: tuple[str, ...] = tuple(sorted(_packaged()))
