"""The checks before payment (L13: "逐一核验补贴申领对象或培训机构的线上学习电子化凭证";
J4: the same on Jiangxi's platform): what the ledger itself verifies in a
claimant's learning record before a redemption may be approved.

One pure function over the voucher and its region profile: no I/O, no clock.
`review_redemption` records the list in its facts and refuses an approval
against a failed check; the review page can show the same list."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ledger.aggregates.voucher import Voucher
from ledger.rules import RegionProfile
from ledger.subsidy import online_share_refusal

INDEPENDENT_ASSESSORS = ("assessor", "institution")  # "institution" only ever records an enterprise's own staff (S4)


@dataclass(frozen=True)
class Check:
    name: str
    rule: str
    passed: bool
    detail: str

    def to_json(self) -> dict:
        return asdict(self)


def learning_record_checks(voucher: Voucher, profile: RegionProfile) -> list[Check]:
    """Each claimant's learning record against the filing and the region's rules (L13, J4)."""
    required_minutes = voucher.total_class_hours * profile.class_hour_minutes
    done_minutes = voucher.online_minutes + voucher.offline_minutes
    share = online_share_refusal(profile, voucher.occupation_type, voucher.total_class_hours, voucher.online_minutes)
    limit = profile.face_check_failures_limit
    return [
        Check("class_hours", "H1", done_minutes >= required_minutes,
              f"{done_minutes} of {required_minutes} filed minutes done "
              f"({voucher.total_class_hours} class hours of {profile.class_hour_minutes} minutes)"),
        Check("online_share", profile.online_share_rule, share is None,
              share.reason if share else f"{voucher.online_minutes} online minutes are within the region's cap"),
        Check("sessions_in_class_period", "L13", voucher.sessions_outside_class_period == 0,
              f"{voucher.sessions_outside_class_period} sessions dated outside the filed class period"),
        Check("face_checks", "L6", voucher.face_checks_failed <= limit,
              f"{voucher.face_checks_failed} failed random face checks; the region allows {limit}"),
        Check("certificate", "L14", bool(voucher.certificate_number) and voucher.assessed_by_role
              in INDEPENDENT_ASSESSORS,
              f"certificate {voucher.certificate_number} ({voucher.certificate_kind}) recorded by "
              f"{voucher.assessed_by_role}" if voucher.certificate_number else "no certificate recorded"),
    ]
