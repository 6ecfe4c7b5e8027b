"""The views follow the voucher loop: state, double-entry balances (N6, H3, H7,
S2, N4, claw-back), the audit trail (H8) and the fortnightly report (N5)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ledger.application import VoucherLedger
from projections import catch_up, compare_views
from projections.balances import BALANCES
from projections.queries import audit_trail, balances, voucher_state
from projections.report import fortnight_of, fortnight_report
from tests.world import World


def state(ledger: VoucherLedger, voucher) -> dict:
    catch_up(ledger)
    with ledger.engine.connect() as connection:
        return voucher_state(connection, str(voucher))


def sheet(ledger: VoucherLedger, **kwargs) -> dict:
    with ledger.engine.connect() as connection:
        return balances(connection, **kwargs)


def test_l7_voucher_view_matches_the_aggregate_through_the_loop(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=3)
    world.online(voucher, 90)
    assert state(world.ledger, voucher)["status"] == "training"
    world.offline(voucher, 24 * 45 - 90)
    world.do(world.assessor, "assess", voucher, {"passed": True, "certificate_number": "C-1",
                                                    "certificate_kind": "training_qualified"})
    row = state(world.ledger, voucher)
    aggregate = world.ledger.get(voucher)
    assert (row["status"], row["online_minutes"], row["offline_minutes"]) == (
        aggregate.status, aggregate.online_minutes, aggregate.offline_minutes)
    assert row["online_class_hours"] == 2 and row["offline_class_hours"] == 22  # L1: 45-minute class hours
    assert row["certificate_number"] == "C-1" and row["approved_fen"] == aggregate.subsidy_fen
    assert row["last_sequence"] == world.ledger.max_notification_id() - 1  # the Receipt follows


def test_h7_paid_voucher_moves_money_fund_to_commitment_to_receivable_to_paid(world: World) -> None:
    voucher = world.paid_voucher()
    row = state(world.ledger, voucher)
    assert [(p["stage"], p["credit_account"].split(":")[0], p["debit_account"].split(":")[0])
            for p in row["postings"]] == [("commitment", "fund", "commitment"), ("balance", "commitment", "receivable"),
                                          ("full", "receivable", "paid")]
    assert row["paid_fen"] == row["approved_fen"] > 0
    money = sheet(world.ledger, institution=world.institution.actor)
    assert money["by_kind"] == {"paid": row["paid_fen"], "receivable": 0}
    assert money["all_accounts_sum_fen"] == 0


def test_h3_prepayment_then_balance_and_s2_segments_post_per_stage(hengyang: World) -> None:
    voucher, _ = hengyang.enrolled_voucher()
    subsidy = hengyang.ledger.get(voucher).payments
    prepayment = next(p["fen"] for p in subsidy if p["stage"] == "prepayment")
    hengyang.do(hengyang.finance, "prepay", voucher, {"amount_fen": prepayment, "fund": "employment_subsidy_fund"})
    row = state(hengyang.ledger, voucher)
    stages = [(p["stage"], p["rule"]) for p in row["postings"]]
    assert stages == [("commitment", "N6"), ("fund_transfer", "N6"), ("prepayment", "H3"), ("prepayment", "H3")]
    assert row["prepaid_fen"] == prepayment
    funds = {a["account"].split(":")[-1]: a["balance_fen"] for a in sheet(hengyang.ledger)["accounts"]
             if a["kind"] == "fund"}
    assert funds["employment_subsidy_fund"] == -prepayment  # N6: the fund that paid carries it


def test_n4_allowance_and_claw_back_reverse_every_fen_to_the_funds(hengyang: World) -> None:
    voucher = hengyang.paid_voucher()
    trainee = hengyang.ledger.get(voucher).trainee
    assert trainee
    catch_up(hengyang.ledger)
    before = sheet(hengyang.ledger)
    hengyang.do(hengyang.bureau, "claw_back", voucher, {
        "amount_fen": hengyang.ledger.get(voucher).paid_fen, "reason": "forged attendance", "rule": "L12"})
    row = state(hengyang.ledger, voucher)
    after = sheet(hengyang.ledger)
    assert row["postings"][-1]["stage"] == "claw_back" and row["postings"][-1]["rule"] == "L12"
    assert before["by_kind"]["paid"] > 0 and after["by_kind"].get("paid", 0) == 0
    assert sum(a["balance_fen"] for a in after["accounts"] if a["kind"] == "fund") == 0


def test_n4_living_allowance_is_posted_to_the_trainee(hengyang: World) -> None:
    filing = hengyang.approved_filing()
    trainee = hengyang.trainee(allowance_groups=["registered_poor"])
    voucher = hengyang.issue(trainee)
    hengyang.claim_and_choose(trainee, voucher)
    hengyang.do(hengyang.institution, "enrol", voucher, {"filing": str(filing)})
    hengyang.clock.advance(days=3)
    hengyang.online(voucher, 60)
    hengyang.do(hengyang.finance, "pay_allowance", voucher, hengyang.allowance_body(voucher, days=4,
                                                                                    amount_fen=9000))
    row = state(hengyang.ledger, voucher)
    allowance = row["postings"][-1]
    assert (allowance["stage"], allowance["rule"], allowance["amount_fen"]) == ("allowance", "N4", 9000)
    assert allowance["debit_account"] == f"allowance:{trainee.actor}"


def test_exit_releases_the_commitment_and_balances_sum_to_zero_at_every_sequence(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    world.do(world.bureau, "revoke_voucher", voucher, {"reason": "issued in error"})
    row = state(world.ledger, voucher)
    assert [p["stage"] for p in row["postings"]] == ["commitment", "release"]
    for as_of in range(1, world.ledger.max_notification_id() + 1):
        assert sheet(world.ledger, as_of=as_of)["all_accounts_sum_fen"] == 0
    with world.ledger.engine.connect() as connection:
        assert connection.execute(select(func.sum(BALANCES.table.c.balance_fen))).scalar() == 0
        enrolled_at = row["postings"][0]["sequence"]
        assert sheet(world.ledger, as_of=enrolled_at)["by_kind"]["commitment"] == row["approved_fen"]


def test_h8_audit_trail_has_one_row_per_event_with_actor_role_and_outcome(world: World) -> None:
    voucher = world.certified_voucher()
    catch_up(world.ledger)
    with world.ledger.engine.connect() as connection:
        everything = audit_trail(connection, limit=10_000)
        of_voucher = audit_trail(connection, voucher=str(voucher))
        by_institution = audit_trail(connection, institution=world.institution.actor)
        late = audit_trail(connection, since=everything[-1]["recorded_at"])
    assert [row["sequence"] for row in everything] == list(range(1, world.ledger.max_notification_id() + 1))
    assert everything[0]["role"] == "root" and everything[0]["command"] == "genesis"
    assessed = next(row for row in of_voucher if row["event_type"] == "Voucher.Assessed")
    assert (assessed["role"], assessed["outcome"], assessed["actor"]) == ("assessor", "passed",
                                                                         world.assessor.actor)
    assert {row["voucher"] for row in of_voucher} == {str(voucher)}
    assert any(row["event_type"] == "ClassFiling.Filed" for row in by_institution)
    assert all(row["recorded_at"] >= everything[-1]["recorded_at"] for row in late) and late


def test_n5_fortnightly_report_counts_by_region(world: World) -> None:
    world.paid_voucher()
    catch_up(world.ledger)
    with world.ledger.engine.connect() as connection:
        report = fortnight_report(connection, world.clock.now.date())
        empty = fortnight_report(connection, date(2021, 1, 1))
    liaoning = report["regions"][0]
    assert liaoning["region"] == "liaoning" and liaoning["paid_fen"] > 0 and liaoning["certified"] == 1
    assert empty["regions"] == []
    first, last = fortnight_of(date(2020, 1, 19))
    assert (first, last) == (date(2020, 1, 6), date(2020, 1, 19))


def test_stored_views_equal_a_fresh_replay(world: World) -> None:
    world.paid_voucher()
    world.enrolled_voucher()
    catch_up(world.ledger, batch_size=7)
    assert compare_views(world.ledger) == []


def test_s2_segments_fixed_at_the_request_release_what_they_no_longer_pay(shandong: World) -> None:
    """S2: 线上平台的培训补贴…不高于…20% -- a city at 15% pays 95% of the standard; the 5% the
    enrolment committed goes back to the fund when the request fixes the segments."""
    world = shandong
    world.adopt_segmented_subsidy(15)
    voucher, _ = world.enrolled_voucher(standard_fen=100000)
    world.clock.advance(days=3)
    world.online(voucher, 45)
    world.offline(voucher, 24 * 45 - 45)
    world.do(world.assessor, "assess", voucher, {"passed": True, "certificate_number": "SD-1",
                                                    "certificate_kind": "training_qualified"})
    world.do(world.institution, "request_redemption", voucher,
             {"evidence": [{"kind": "photo", "sha256": "ab" * 32}]})
    row = state(world.ledger, voucher)
    assert row["approved_fen"] == 95000
    assert [(p["stage"], p["rule"], p["amount_fen"]) for p in row["postings"]][-1] == ("release", "S2", 5000)
    assert sheet(world.ledger)["all_accounts_sum_fen"] == 0
