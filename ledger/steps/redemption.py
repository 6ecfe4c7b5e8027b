"""Redemption (核销): the institution asks with evidence (H6), the bureau
reviews, opens the public notice, hears objections and closes it (H7)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ledger.aggregates.filing import ClassFiling
from ledger.aggregates.voucher import Voucher
from ledger.checks import learning_record_checks
from ledger.command import Command
from ledger.envelope import iso
from ledger.errors import BadInput, RoleNotAllowed, RuleViolation
from ledger.evidence import EVIDENCE_KINDS, evidence_items
from ledger.lifecycle import require_transition
from ledger.rules import profile_for
from ledger.steps import require, step
from ledger.steps.classes import require_catalogued
from ledger.steps.periods import segmented_online_percent
from ledger.steps.vouchers import live_voucher, release_claim, subsidy_quote


def voucher_of_region(command: Command, *, usable: bool = False) -> Voucher:
    voucher = live_voucher(command, usable=usable)
    require(voucher.region == command.actor.region or command.actor.role == "inspector", RoleNotAllowed,
            f"voucher {voucher.id} is in region {voucher.region}, not {command.actor.region}")
    return voucher


@step("request_redemption", roles=("institution",))
def request_redemption(command: Command) -> None:
    """Ask to redeem a certified voucher, with evidence hashes (H6); no certificate, no subsidy (N3, J3)."""
    voucher = live_voucher(command)
    require(voucher.institution == command.actor_id, RoleNotAllowed, "the voucher is enrolled at another institution")
    require_catalogued(command.actor, "institution")
    require_transition(voucher, "request_redemption")
    facts: dict = {"evidence": evidence_items(command.body.raw("evidence"), EVIDENCE_KINDS)}
    if profile_for(voucher.region, voucher.profile_version).segments is not None:
        facts.update(_segmented_subsidy(command, voucher))
    voucher.redemption_requested(**command.seal(voucher, "RedemptionRequested", facts))


def _segmented_subsidy(command: Command, voucher: Voucher) -> dict:
    """S2: where the issuing bureau's city opted in and online learning was
    recorded, the final subsidy pays the platform its part and the offline part
    only for offline training recorded by the profile's date; the request
    records it, since only now are the minutes known. Otherwise nothing changes."""
    online_percent = segmented_online_percent(command, voucher.issued_by)
    if online_percent is None or voucher.online_minutes == 0:
        return {}
    filing = command.get(ClassFiling, voucher.filing, "filing")
    last_offline_on = date.fromisoformat(voucher.last_offline_on) if voucher.last_offline_on else None
    subsidy = subsidy_quote(command, voucher, filing, online_minutes=voucher.online_minutes,
                            segmented_online_percent=online_percent, offline_done_on=last_offline_on)
    return {"subsidy": subsidy.to_json()}


@step("review_redemption", roles=("bureau",))
def review_redemption(command: Command) -> None:
    """The bureau reviews the request; the ledger first checks the claimant's
    learning record itself (L13, J4: "逐一核验…线上学习电子化凭证") and records what
    it checked. An approval against a failed check is refused; a rejection is always allowed."""
    voucher = voucher_of_region(command)
    require_transition(voucher, "review_redemption")
    approved = command.body.boolean("approved")
    reason = command.body.text("reason", max_length=500)
    checks = learning_record_checks(voucher, profile_for(voucher.region, voucher.profile_version))
    failed = [check for check in checks if not check.passed]
    require(not approved or not failed, RuleViolation,
            f"the learning record fails the check {failed[0].name if failed else ''}: "
            f"{failed[0].detail if failed else ''}; an approval against a failed check is refused",
            failed[0].rule if failed else None)
    voucher.reviewed(**command.seal(voucher, "Reviewed", {"approved": approved, "reason": reason,
                                                           "checks": [check.to_json() for check in checks]}))
    if not approved:
        release_claim(command, voucher)


@step("open_notice", roles=("bureau",))
def open_notice(command: Command) -> None:
    """Open the public notice (公示) after an approving review (H3, H7)."""
    voucher = voucher_of_region(command)
    require_transition(voucher, "open_notice")
    days = command.body.integer("days", minimum=1, maximum=30)
    voucher.notice_opened(**command.seal(voucher, "NoticeOpened", {
        "opens_at": command.recorded_at, "closes_at": iso(command.now + timedelta(days=days)), "days": days}))


@step("raise_objection", roles=("inspector", "bureau"))
def raise_objection(command: Command) -> None:
    """Object during the public notice (H7)."""
    voucher = voucher_of_region(command)
    require_transition(voucher, "raise_objection")
    reason = command.body.text("reason", max_length=1000)
    voucher.objection_raised(**command.seal(voucher, "ObjectionRaised", {"by": command.actor_id, "reason": reason}))


@step("close_notice", roles=("bureau",))
def close_notice(command: Command) -> None:
    """Close the notice when its period has run: cleared, or an objection upheld (H7)."""
    voucher = voucher_of_region(command)
    require_transition(voucher, "close_notice")
    closes_at = datetime.fromisoformat(voucher.notice_closes_at.replace("Z", "+00:00"))
    require(command.now >= closes_at, RuleViolation,
            f"the public notice runs until {voucher.notice_closes_at}", "H7")
    outcome = command.body.choice("outcome", ("cleared", "upheld"))
    reason = command.body.text("reason", max_length=1000, required=bool(voucher.objections))
    require(outcome == "upheld" or not voucher.objections or reason, BadInput,
            "clearing a notice with objections needs the reason they were dismissed")
    voucher.notice_closed(**command.seal(voucher, "NoticeClosed", {
        "outcome": outcome, "objections": len(voucher.objections), "reason": reason}))
    if outcome == "upheld":
        release_claim(command, voucher)
