"""Fraud flags: each raised by a scenario built for it, naming its rule and
events, and none raised by the honest demo. Patterns the ledger already
refuses at the door are built by altering the facts of a real log before
replaying it in memory, as a faulty or older writer might have left them."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta
from typing import Callable

from api.demo import Demo
from ledger.application import VoucherLedger
from ledger.envelope import iso
from projections import catch_up, replay
from projections.events import LoggedEvent
from projections.flags import outlier_flags
from projections.log import events
from projections.queries import all_flags
from tests.world import World


def stored_flags(ledger: VoucherLedger) -> list[dict]:
    catch_up(ledger)
    with ledger.engine.connect() as connection:
        return all_flags(connection)


def altered(ledger: VoucherLedger, change: Callable[[LoggedEvent], LoggedEvent | None]) -> list[dict]:
    """Flags of the log with `change` applied to each event (None drops it)."""
    kept = [changed for event in events(ledger) if (changed := change(event)) is not None]
    return list(replay(kept).rows["view_flags"].values())


def with_facts(event: LoggedEvent, **facts) -> LoggedEvent:
    return dataclasses.replace(event, facts={**event.facts, **facts})


def test_demo_raises_flags_only_on_its_face_check_attempts_which_review_refused(ledger: VoucherLedger) -> None:
    """The honest demo vouchers raise no flag; the one voucher per region whose
    record carries too many failed face checks (L6) is flagged, and its approval
    was refused (L13), so the review rejected it."""
    from ledger.genesis import initialise

    initialise(ledger)
    Demo(ledger).run(10)
    flags = stored_flags(ledger)
    assert {flag["kind"] for flag in flags} == {"face_check_failed"}
    flagged = {flag["voucher"] for flag in flags}
    assert len(flagged) == 5 and {ledger.get(uuid.UUID(voucher)).status for voucher in flagged} == {"rejected"}


def test_l7_same_trainee_in_two_places_at_overlapping_times(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=3)
    online = world.online(voucher, 120)
    world.clock.advance(minutes=30)
    world.offline(voucher, 60)
    flags = [flag for flag in stored_flags(world.ledger) if flag["kind"] == "two_places"]
    assert len(flags) == 1 and flags[0]["rule"] == "L7" and flags[0]["voucher"] == str(voucher)
    assert len(flags[0]["events"]) == 2 and online


def test_n2_more_study_minutes_in_a_day_than_a_day_holds(world: World) -> None:
    voucher, _ = world.enrolled_voucher(filing=world.approved_filing(total_class_hours=200))
    world.clock.advance(days=3)
    world.clock.now = world.clock.now.replace(hour=17)  # 01:00 next morning in China Standard Time
    world.offline(voucher, 700)
    world.clock.advance(minutes=700)
    world.offline(voucher, 800)
    kinds = {flag["kind"]: flag for flag in stored_flags(world.ledger)}
    assert set(kinds) == {"day_overflow"} and kinds["day_overflow"]["rule"] == "N2"
    assert len(kinds["day_overflow"]["events"]) == 2


def test_l6_failed_face_check_is_flagged(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=3)
    world.online(voucher, 60, face_checks_failed=2)
    [flag] = stored_flags(world.ledger)
    assert (flag["kind"], flag["rule"], flag["events"]) == ("face_check_failed", "L6",
                                                           [world.ledger.max_notification_id() - 1])


def test_l1_online_share_over_the_cap_is_flagged(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=3)
    world.online(voucher, 60)
    flags = altered(world.ledger, lambda e: with_facts(e, minutes=900)
                    if e.type == "Voucher.OnlineLearningRecorded" else e)
    assert [(flag["kind"], flag["rule"]) for flag in flags] == [("online_share", "L1")]


def test_l13_one_certificate_number_on_two_vouchers_is_flagged(world: World) -> None:
    first = world.certified_voucher()
    second = world.certified_voucher()
    number = f"C-{first.hex[:10]}"
    flags = altered(world.ledger, lambda e: with_facts(e, certificate_number=number)
                    if e.type == "Voucher.Assessed" else e)
    assert [(flag["kind"], flag["rule"], flag["voucher"]) for flag in flags] == [
        ("certificate_reused", "L13", str(second))]


def test_l7_redemption_after_expiry_is_flagged(world: World) -> None:
    voucher = world.certified_voucher()
    world.do(world.institution, "request_redemption", voucher, {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]})
    flags = altered(world.ledger, lambda e: with_facts(e, valid_until="2023-03-02")
                    if e.type == "Voucher.Issued" else e)
    assert [(flag["kind"], flag["rule"]) for flag in flags] == [("redemption_after_exit", "L7")]


def test_h4_training_before_the_filing_was_approved_is_flagged(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=3)
    world.offline(voucher, 60)
    early = iso(world.clock.now - timedelta(days=30))
    flags = altered(world.ledger, lambda e: with_facts(e, started_at=early)
                    if e.type == "Voucher.OfflineTrainingRecorded" else e)
    assert [(flag["kind"], flag["rule"]) for flag in flags] == [("training_before_approval", "H4")]
    assert len(flags[0]["events"]) == 2  # the training and the approval


def test_l2_platform_outside_the_catalogue_is_flagged(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=3)
    world.online(voucher, 60)
    platform = world.platform.actor
    flags = altered(world.ledger, lambda e: None if (e.type == "Party.Listed" and e.aggregate_id == platform) else e)
    assert [(flag["kind"], flag["rule"]) for flag in flags] == [("outside_catalogue", "L2")]
    assert platform in flags[0]["detail"]


def test_l11_institution_far_out_of_line_with_its_region_is_flagged() -> None:
    rows = [{"institution": "a", "region": "liaoning", "enrolled": 40, "assessed": 30, "passed": 27,
             "recent_assessments": [7, 9], "last_sequence": 9},
            {"institution": "e", "region": "liaoning", "enrolled": 40, "assessed": 30, "passed": 29,
             "recent_assessments": [12], "last_sequence": 12},
            {"institution": "b", "region": "liaoning", "enrolled": 40, "assessed": 30, "passed": 6,
             "recent_assessments": [8], "last_sequence": 8},
            {"institution": "c", "region": "liaoning", "enrolled": 400, "assessed": 30, "passed": 28,
             "recent_assessments": [10], "last_sequence": 10},
            {"institution": "d", "region": "jiangxi", "enrolled": 400, "assessed": 0, "passed": 0,
             "recent_assessments": [], "last_sequence": 11}]
    flags = {flag["institution"]: flag for flag in outlier_flags(rows)}
    assert set(flags) == {"b", "c"} and flags["b"]["rule"] == "L11" and flags["b"]["events"] == [8]
    assert "pass rate 20%" in flags["b"]["detail"] and "400 vouchers" in flags["c"]["detail"]
