"""L6 retention: "线上培训数据资料保存不少于5年" — a trainee's personal data is not
erased while the records of their learning or payments must be kept."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from ledger.retention import years_after
from tests.test_rules_enforced import refused
from tests.world import World


def at_day(world: World, day: date) -> None:
    world.clock.now = datetime.combine(day, time(9), tzinfo=timezone.utc)


def test_l6_erase_is_refused_until_five_years_after_the_last_payment_then_allowed(world: World) -> None:
    """L6: "线上培训数据资料保存不少于5年" — counted from the last learning or payment record."""
    voucher = world.paid_voucher()
    trainee = world.ledger.get(voucher).trainee
    paid = world.ledger.stored_events(voucher)[-1]
    assert type(paid).__qualname__ == "Voucher.Paid"
    paid_on = date.fromisoformat(paid.seal["recorded_at"][:10])
    ends_on = years_after(paid_on, world.profile.retention_years)
    error = refused(world, "L6", world.bureau, "erase_trainee", trainee, {"reason": "asked to be forgotten"})
    assert str(ends_on) in str(error)
    at_day(world, ends_on - timedelta(days=1))  # one day short of five years
    refused(world, "L6", world.bureau, "erase_trainee", trainee, {"reason": "asked to be forgotten"})
    at_day(world, ends_on)  # five years kept
    world.do(world.bureau, "erase_trainee", trainee, {"reason": "asked to be forgotten"})
    assert world.ledger.get(trainee).erased


def test_l6_retention_counts_from_the_latest_record_of_any_of_the_trainees_vouchers(world: World) -> None:
    first, trainee = world.enrolled_voucher()
    world.clock.advance(days=3)
    world.online(first, 45)
    world.clock.advance(days=100)
    filing = world.approved_filing(level=3)
    second = world.issue(trainee, level=3)
    world.do(trainee, "claim_voucher", second, {})
    world.do(trainee, "choose_institution", second, {"institution": world.institution.actor})
    world.do(world.institution, "enrol", second, {"filing": str(filing)})
    world.clock.advance(days=3)
    world.online(second, 45)
    later_on = date.fromisoformat(world.ledger.get(second).last_record_at[:10])
    error = refused(world, "L6", world.bureau, "erase_trainee", trainee.actor, {"reason": "x"})
    assert str(years_after(later_on, 5)) in str(error)


def test_l6_a_trainee_without_learning_or_payment_records_is_erased_at_once(world: World) -> None:
    trainee = world.trainee()
    world.issue(trainee)  # a voucher, but nothing learnt or paid on it
    world.do(world.bureau, "erase_trainee", trainee.actor, {"reason": "registered in error"})
    assert world.ledger.get(trainee.actor).erased


def test_l6_a_region_without_a_retention_period_does_not_hold_erasure(hengyang: World) -> None:
    """seed 000 sets no retention period; only Liaoning's L6 does."""
    assert hengyang.profile.retention_years is None
    voucher = hengyang.paid_voucher()
    hengyang.do(hengyang.bureau, "erase_trainee", hengyang.ledger.get(voucher).trainee, {"reason": "x"})


def test_retention_end_of_a_leap_day_is_the_28th_of_february() -> None:
    assert years_after(date(2024, 2, 29), 5) == date(2029, 2, 28)
    assert years_after(date(2023, 3, 1), 5) == date(2028, 3, 1)
