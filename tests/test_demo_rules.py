"""`vledger demo` walks every rule of issue 12 (item 7): the lawful path in the
regions where each rule applies, and one refused attempt per rule, each
refusal checked by the demo to leave the log unchanged."""

from __future__ import annotations

import uuid

import pytest

from api.demo import Demo, DemoReport
from ledger.aggregates.periods import EpidemicPeriod
from ledger.application import VoucherLedger
from ledger.errors import RuleViolation
from ledger.genesis import initialise
from projections import catch_up
from projections.listing import vouchers_page

# The refusals issue 12 item 7 names, by the rule each cites; `occupation_code` is the
# catalogue-code refusal (`电工`, full-width digits), a BadInput that cites no rule id.
REFUSED_RULES = {"N4", "S4", "L13", "L6", "occupation_code", "H2", "L12", "H3", "S2", "L7", "H5", "H1", "L1",
                 "S1", "J2", "J3"}
WALKED_RULES = {"H1", "L1", "S1", "J2", "H3", "H5", "S2", "N4", "S4", "L13", "L6"}


@pytest.fixture
def demo_report(ledger: VoucherLedger) -> DemoReport:
    initialise(ledger)
    return Demo(ledger).run(20)


def test_demo_report_lists_a_refusal_for_each_rule_of_issue_12(demo_report: DemoReport) -> None:
    """"The demo walks every rule above, including refusals" (issue 12 item 7)."""
    assert REFUSED_RULES <= set(demo_report.to_json()["refused_by_rule"])


def test_demo_report_lists_the_lawful_path_of_each_rule_of_issue_12(demo_report: DemoReport) -> None:
    assert WALKED_RULES <= set(demo_report.to_json()["walked_by_rule"])


def test_s2_h3_h5_the_demo_ledger_holds_the_lawful_paths(ledger: VoucherLedger, demo_report: DemoReport) -> None:
    """S2: 线上平台的培训补贴…不高于…20% is paid to the platform in the city that opted in;
    H5: the Hengyang bureau records the end of the epidemic period (需待我市疫情解除后)."""
    vouchers = [ledger.get(uuid.UUID(voucher_id)) for voucher_id in voucher_ids(ledger)]
    platform_paid = [voucher for voucher in vouchers if voucher.status == "paid"
                     and any(payment["payee"] == "platform" for payment in voucher.payments)]
    assert platform_paid and {voucher.region for voucher in platform_paid} == {"shandong"}
    assert ledger.get(EpidemicPeriod.id_for("hunan-hengyang")).ended_on
    assert any(voucher.training_kind == "apprenticeship" and voucher.region == "hunan-hengyang"
               and voucher.prepaid_fen == 0 for voucher in vouchers)
    assert any(voucher.allowance_fen > 0 for voucher in vouchers)


def test_demo_stops_at_an_attempt_the_ledger_accepts_or_refuses_by_another_rule(ledger: VoucherLedger) -> None:
    """The demo's refusal check bites: an accepted attempt, or one refused by another rule, stops the demo."""
    initialise(ledger)
    demo = Demo(ledger)
    with pytest.raises(AssertionError, match="accepted a fraud attempt: N4"):
        demo.refused("N4", lambda: None)

    def refused_by_s4() -> None:
        raise RuleViolation("not an enterprise", rule="S4")

    with pytest.raises(AssertionError, match="refused by another rule"):
        demo.refused("N4", refused_by_s4)
    with pytest.raises(AssertionError, match="refused for another reason"):
        demo.refused("L7", lambda: demo.ledger.submit({"envelope": {}, "signature": ""}), mentions="chose another")
    demo.refused("S4", refused_by_s4)
    assert demo.report.refused_by_rule == {"S4": 1}


def voucher_ids(ledger: VoucherLedger) -> list[str]:
    catch_up(ledger)
    with ledger.engine.connect() as connection:
        return [row["id"] for row in vouchers_page(connection, after=None, limit=1000, filters={})]
