"""`vledger quote` shows every hours, period and segment rule (issue 12):
at the limit and one past it, a refusal by a rule is an answer (exit 0),
malformed input exits 2. `online_class_hours` is the figure the cap compares."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, strategies as st

from ledger.rules import profile_for
from ledger.subsidy import quote
from tests.cli import vledger, vledger_json


def cli_quote(region: str, *args: str, filed_on: str = "2020-06-01", standard: str = "1000") -> dict:
    return vledger_json("quote", "--region", region, "--standard-yuan", standard, "--filed-on", filed_on, *args)


def hours(total: int, theory: int, minutes: int) -> tuple[str, ...]:
    return ("--total-class-hours", str(total), "--theory-class-hours", str(theory), "--online-minutes", str(minutes))


@pytest.mark.parametrize("region, filed_on, occupation, theory, limit_hours, rule", [
    # H1: 全部理论课(不低于总课时的30%)…转为线上学习 -- 30 theory hours all online; 1,394 minutes are 30 hours.
    ("hunan-hengyang", "2020-04-01", "skill", 30, 30, "H1"),
    # L1: 线上完成全部理论知识学习,线下完成全部实操课时培训 (for the subsidy).
    ("liaoning", "2023-03-01", "skill", 30, 30, "L1"),
    # S1: 原则上技能培训线上培训课时不超过总课时的40%.
    ("shandong", "2020-06-01", "skill", 50, 40, "S1"),
    # J2: 具有模拟仿真效果的职业…线上完成不超过50%的实操训练课时 -- 40 + 30 of 60.
    ("jiangxi", "2020-06-01", "simulation", 40, 70, "J2"),
    # J3: 线上完成全部理论知识学习，线下完成全部实操训练课时.
    ("jiangxi", "2020-06-01", "skill", 40, 40, "J3"),
])
def test_quote_online_hours_at_the_limit_and_one_class_hour_past(region, filed_on, occupation, theory,
                                                                   limit_hours, rule) -> None:
    """S1, 002 二(三) (and 001): "线上培训每课时为45分钟（总课时=培训课件总时长/45分钟）" -- 44 minutes past the limit's hours are no
    class hour (eligible); one whole class hour more is refused by the region's rule."""
    at_limit = cli_quote(region, "--occupation-type", occupation, *hours(100, theory, limit_hours * 45 + 44),
                         filed_on=filed_on)
    assert at_limit["eligible"] is True and at_limit["online_class_hours"] == limit_hours
    past = cli_quote(region, "--occupation-type", occupation, *hours(100, theory, (limit_hours + 1) * 45),
                     filed_on=filed_on)
    assert past["eligible"] is False and past["total_fen"] == 0 and past["payments"] == []
    assert past["refusals"][0]["rule"] == rule and past["online_class_hours"] == limit_hours + 1


def test_h1_quote_refuses_theory_below_thirty_percent_and_allows_home_practice_online() -> None:
    """H1: 全部理论课(不低于总课时的30%); 适合线上授课、居家练习的实训课程，可在线上完成全部培训."""
    low = cli_quote("hunan-hengyang", *hours(100, 29, 0), filed_on="2020-04-01")
    assert low["refusals"][0]["rule"] == "H1" and "29 of 100" in low["refusals"][0]["reason"]
    home = cli_quote("hunan-hengyang", "--home-practice", *hours(100, 30, 100 * 45), filed_on="2020-04-01")
    assert home["eligible"] is True and home["online_class_hours"] == 100


def test_h3_quote_prepays_only_classes_in_the_epidemic_period() -> None:
    """H3: 在新冠肺炎疫情期间…可先行拨付30% -- not for 2019 filings, nor after the recorded end."""
    during = cli_quote("hunan-hengyang", filed_on="2020-04-01", standard="800")
    assert [p["stage"] for p in during["payments"]] == ["prepayment", "balance"]
    before = cli_quote("hunan-hengyang", filed_on="2019-06-01", standard="800")
    assert before["payments"] == [{"stage": "full", "fen": 80000, "payee": "institution"}]
    after = cli_quote("hunan-hengyang", "--epidemic-ended-on", "2020-04-01", filed_on="2020-04-01", standard="800")
    assert after["payments"] == [{"stage": "full", "fen": 120000, "payee": "institution"}]
    assert any(step["rule"] == "H3" and "outside the epidemic period" in step["description"] for step in after["steps"])
    last_day = cli_quote("hunan-hengyang", "--epidemic-ended-on", "2020-04-02", filed_on="2020-04-01", standard="800")
    assert last_day["payments"][0]["stage"] == "prepayment"


def test_h3_quote_apprenticeship_keeps_the_earlier_standard() -> None:
    """H3: 企业新型学徒制培训补贴标准、预拨按原有规定执行."""
    result = cli_quote("hunan-hengyang", "--training-kind", "apprenticeship", filed_on="2020-04-01", standard="800")
    assert result["total_fen"] == 80000 and result["payments"] == [{"stage": "full", "fen": 80000,
                                                                    "payee": "institution"}]
    assert [step["fen"] for step in result["steps"]] == [80000, 0, 0]
    assert "no uplift" in result["steps"][1]["description"] and result["steps"][1]["rule"] == "H3"


def test_s2_quote_pays_the_platform_and_the_offline_part_only_by_2020_12_31() -> None:
    """S2: 线上平台的培训补贴…不高于…20%; 2020年12月31日之前再参加…线下实训…80%."""
    in_time = cli_quote("shandong", "--segmented", "--total-class-hours", "100", "--online-minutes", "45",
                        "--offline-done-on", "2020-12-31")
    assert in_time["payments"] == [{"stage": "online", "fen": 20000, "payee": "platform"},
                                   {"stage": "offline", "fen": 80000, "payee": "institution"}]
    late = cli_quote("shandong", "--segmented", "--total-class-hours", "100", "--online-minutes", "45",
                     "--offline-done-on", "2021-01-01")
    assert late["total_fen"] == 20000 and late["payments"] == [{"stage": "online", "fen": 20000, "payee": "platform"}]
    assert sum(step["fen"] for step in late["steps"]) == 20000
    offline_only = cli_quote("shandong", "--segmented", filed_on="2021-03-01")
    assert offline_only["payments"] == [{"stage": "full", "fen": 100000, "payee": "institution"}]


@pytest.mark.parametrize("args, phrase", [
    (["--training-kind", "evening"], "--training-kind"),
    (["--theory-class-hours", "10"], "--total-class-hours"),
    (["--total-class-hours", "10", "--theory-class-hours", "11"], "theory_class_hours"),
    (["--segmented"], "pays no segments"),
    (["--epidemic-ended-on", "2020-02-30"], "--epidemic-ended-on"),
])
def test_quote_malformed_hours_period_or_kind_exits_2(args: list[str], phrase: str) -> None:
    result = vledger("quote", "--region", "liaoning", "--standard-yuan", "800", "--filed-on", "2023-04-01", *args)
    assert result.returncode == 2 and phrase in result.stderr and "Traceback" not in result.stderr


def test_the_quote_and_the_hours_module_agree_on_every_region_at_the_limit() -> None:
    """One function decides: the allowed whole online hours of a 24-hour class pass, one more hour does not."""
    from ledger.hours import ClassHours, allowed_online_class_hours
    for region in ("hunan-hengyang", "liaoning", "shandong", "jiangxi", "national"):
        profile = profile_for(region)
        filed_on = profile.valid_from or date(2020, 6, 1)
        for kind in ("knowledge", "skill", "simulation"):
            allowed = allowed_online_class_hours(profile, ClassHours(kind, 12, 12))
            args = dict(standard_fen=100000, shortage=False, filed_on=filed_on, occupation_type=kind,
                        total_class_hours=24, theory_class_hours=12)
            assert quote(profile, online_minutes=allowed * 45 + 44, **args).eligible, (region, kind)
            if allowed < 24:
                assert not quote(profile, online_minutes=(allowed + 1) * 45, **args).eligible, (region, kind)


@given(region=st.sampled_from(("hunan-hengyang", "liaoning", "shandong", "jiangxi", "national")),
       kind=st.sampled_from(("knowledge", "skill", "simulation")), home_practice=st.booleans(),
       theory=st.integers(min_value=0, max_value=300), practical=st.integers(min_value=0, max_value=300))
def test_hours_refusal_accepts_exactly_the_allowed_whole_online_hours(region, kind, home_practice, theory,
                                                                      practical) -> None:
    """L1, S1: 线上培训每课时为45分钟 -- the limit in whole class hours passes with 44 spare minutes;
    one class hour more is refused, citing the region's rule, whenever the class has hours left."""
    from ledger.hours import ClassHours, allowed_online_class_hours, hours_refusal
    profile = profile_for(region)
    hours = ClassHours(kind, theory, practical, home_practice)
    if hours.total_class_hours == 0 or theory * 100 < profile.theory_floor_percent * hours.total_class_hours:
        return
    allowed = allowed_online_class_hours(profile, hours)
    assert hours_refusal(profile, hours, allowed * 45 + 44, stage="session") is None
    if allowed < hours.total_class_hours:
        refusal = hours_refusal(profile, hours, (allowed + 1) * 45, stage="session")
        assert refusal is not None and refusal.rule in {"H1", "L1", "S1", "J2", "J3", "N3"}


def catalogue_quote(*args: str) -> dict:
    return vledger_json("quote", "--region", "hunan-hengyang", "--filed-on", "2020-04-01", "--occupation",
                        "6-31-01-03", "--level", "4", *args)


def test_h2_quote_takes_the_standard_from_the_catalogue_and_refuses_one_fen_above_it() -> None:
    """H2: 《湖南省职业技能培训补贴标准目录(2019-2021年)》…规定的各类职业技能培训补贴标准普遍提高50% --
    with --occupation and --level the standard is the catalogue's; a typed one fen above it is refused,
    one at it is quoted as the catalogue's own."""
    catalogued = catalogue_quote()
    assert catalogued["eligible"] is True and catalogued["steps"][0]["fen"] == 150_000
    at_limit = catalogue_quote("--standard-yuan", "1500")
    assert at_limit["total_fen"] == catalogued["total_fen"]
    above = catalogue_quote("--standard-yuan", "1500.01")
    assert above["eligible"] is False and above["total_fen"] == 0 and above["payments"] == []
    assert above["refusals"][0]["rule"] == "H2" and "above 150000 fen" in above["refusals"][0]["reason"]
    assert vledger("quote", "--region", "hunan-hengyang", "--filed-on", "2020-04-01", "--occupation", "电工",
                   "--level", "4").returncode == 2


def test_n4_quote_shows_the_living_allowance_as_the_trainees_payment() -> None:
    """N4: "对参加线上培训的…在培训期间给予一定的生活费补贴" -- the quote names the trainee as payee for
    the region's daily amount x days, up to its maximum days; one day more, no online training, a group
    the region does not pay, or a region that has not opted in is refused by N4 (the subsidy unchanged)."""
    daily_fen = profile_for("hunan-hengyang").allowance.daily_fen
    max_days = profile_for("hunan-hengyang").allowance.max_days
    online = ("--online-minutes", "900", "--total-class-hours", "100", "--theory-class-hours", "40")
    paid = catalogue_quote(*online, "--allowance-days", str(max_days), "--allowance-group", "registered_poor")
    assert paid["payments"][-1] == {"stage": "allowance", "fen": daily_fen * max_days, "payee": "trainee"}
    assert paid["allowance"]["refusal"] is None and paid["allowance"]["fund"] == "employment_subsidy_fund"
    refusals = [
        catalogue_quote(*online, "--allowance-days", str(max_days + 1), "--allowance-group", "registered_poor"),
        catalogue_quote("--allowance-days", "3", "--allowance-group", "registered_poor"),
        catalogue_quote(*online, "--allowance-days", "3"),
    ]
    for refused in refusals:
        assert refused["allowance"]["refusal"]["rule"] == "N4" and refused["allowance"]["fen"] == 0
        assert all(payment["payee"] != "trainee" for payment in refused["payments"])
        assert refused["eligible"] is True  # the training subsidy is quoted all the same
    liaoning = cli_quote("liaoning", "--allowance-days", "3", "--allowance-group", "registered_poor",
                         *hours(100, 40, 90), filed_on="2023-03-01")
    refusal = liaoning["allowance"]["refusal"]
    assert refusal["rule"] == "N4" and "not opted in" in refusal["reason"]
