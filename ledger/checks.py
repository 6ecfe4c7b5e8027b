"""The checks before payment (L13: "逐一核验补贴申领对象或培训机构的线上学习电子化凭证";
J4: the same on Jiangxi's platform): what the ledger itself verifies in a
claimant's learning record before a redemption may be approved.

One pure function over the voucher and its region profile: no I/O, no clock.
`review_redemption` records the list in its facts and refuses an approval
against a failed check; the review page can show the same list. Each check
cites the region's own rule (`review_check_rules` in the profile; the online
hours cite the hours rules), so a Jiangxi official reads a Jiangxi rule."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ledger.aggregates.voucher import Voucher
from ledger.hours import ClassHours, hours_refusal
from ledger.rules import RegionProfile

INDEPENDENT_ASSESSORS = ("assessor", "institution")  # "institution" only ever records an enterprise's own staff (S4)


@dataclass(frozen=True)
class Check:
    name: str
    rule: str
    passed: bool
    detail: str

    def to_json(self) -> dict:
        return asdict(self)


def hours_of(voucher: Voucher) -> ClassHours:
    """The class hours the voucher was enrolled with (from its filing)."""
    return ClassHours(voucher.occupation_type, voucher.theory_class_hours, voucher.practical_class_hours,
                      voucher.home_practice)


def learning_record_checks(voucher: Voucher, profile: RegionProfile) -> list[Check]:
    """Each claimant's learning record against the filing and the region's rules (L13, J4)."""
    rules = profile.review_check_rules
    required_minutes = voucher.total_class_hours * profile.class_hour_minutes
    done_minutes = voucher.online_minutes + voucher.offline_minutes
    online = hours_refusal(profile, hours_of(voucher), voucher.online_minutes)
    limit = profile.face_check_failures_limit
    return [
        Check("class_hours", rules["class_hours"], done_minutes >= required_minutes,
              f"{done_minutes} of {required_minutes} filed minutes done "
              f"({voucher.total_class_hours} class hours of {profile.class_hour_minutes} minutes)"),
        Check("online_share", online.rule if online else profile.online_share_rule, online is None,
              online.reason if online else f"{voucher.online_minutes} online minutes are within what the region's "
              f"rules allow for {voucher.theory_class_hours} theory and {voucher.practical_class_hours} practical "
              "class hours"),
        Check("sessions_in_class_period", rules["sessions_in_class_period"],
              voucher.sessions_outside_class_period == 0,
              f"{voucher.sessions_outside_class_period} sessions dated outside the filed class period"),
        Check("face_checks", rules["face_checks"], voucher.face_checks_failed <= limit,
              f"{voucher.face_checks_failed} failed random face checks; the region allows {limit}"),
        Check("certificate", rules["certificate"], bool(voucher.certificate_number) and voucher.assessed_by_role
              in INDEPENDENT_ASSESSORS,
              f"certificate {voucher.certificate_number} ({voucher.certificate_kind}) recorded by "
              f"{voucher.assessed_by_role}" if voucher.certificate_number else "no certificate recorded"),
    ]
