"""Region profiles as data (DOMAIN.md: "A policy is data")."""

import json
from datetime import date
from pathlib import Path

import pytest

from ledger.errors import NotFound
from ledger.rules import (
    OCCUPATION_TYPES,
    REGIONS,
    InvalidProfile,
    RegionProfile,
    load_profile_versions,
    load_profiles,
    profile_for,
)

PACKAGED = Path(__file__).resolve().parents[1] / "ledger" / "regions"


def test_every_profile_file_loads_and_names_its_region():
    profiles = load_profiles()
    assert set(profiles) == {"national", "hunan-hengyang", "liaoning", "shandong", "jiangxi"}
    assert REGIONS == tuple(sorted(profiles))
    for region, profile in profiles.items():
        assert isinstance(profile, RegionProfile)
        assert profile.region == region
        assert set(profile.online_share_cap_percent) == set(OCCUPATION_TYPES)


def test_profile_to_json_is_json_native_and_round_trips_through_the_loader():
    from ledger.rules import parse_profile

    for profile in load_profiles().values():
        encoded = profile.to_json()
        assert json.loads(json.dumps(encoded)) == encoded
        assert parse_profile(encoded, "round-trip") == profile


def test_profile_for_without_version_gives_the_latest():
    assert profile_for("hunan-hengyang") == load_profile_versions()["hunan-hengyang"][-1]
    assert profile_for("hunan-hengyang", "2020-03-09").version == "2020-03-09"


def test_profile_for_unknown_region_raises_not_found_listing_known_regions():
    with pytest.raises(NotFound) as error:
        profile_for("atlantis")
    for region in REGIONS:
        assert region in str(error.value)


def test_profile_for_unknown_version_raises_not_found():
    with pytest.raises(NotFound, match="no version"):
        profile_for("liaoning", "1999-01-01")


def test_l1_liaoning_caps_non_knowledge_online_hours_at_fifty_percent_of_45_minute_hours():
    profile = profile_for("liaoning")
    assert profile.class_hour_minutes == 45
    assert dict(profile.online_share_cap_percent) == {"knowledge": 100, "skill": 50, "simulation": 50}
    assert profile.online_share_rule == "L1"
    assert profile.valid_from == date(2023, 1, 1)


def test_l6_liaoning_keeps_online_training_data_five_years():
    assert profile_for("liaoning").retention_years == 5


def test_s1_shandong_caps_online_hours_at_forty_percent():
    profile = profile_for("shandong")
    assert set(profile.online_share_cap_percent.values()) == {40}
    assert profile.class_hour_minutes == 45


def test_h2_h3_hengyang_numbers():
    profile = profile_for("hunan-hengyang")
    assert (profile.uplift_percent, profile.uplift_cutoff) == (50, date(2020, 3, 9))
    assert profile.shortage_percent == 10
    assert profile.prepayment_percent == 30
    assert profile.segments is None


def test_h1_hengyang_thirty_percent_is_a_floor_on_theory_not_a_cap_on_online_hours():
    """H1: 全部理论课(不低于总课时的30%)可转为线上学习."""
    profile = profile_for("hunan-hengyang")
    assert profile.theory_floor_percent == 30
    assert set(profile.online_share_cap_percent.values()) == {100}
    assert set(profile.practical_online_percent.values()) == {0} and profile.home_practice_online is True


def test_h3_h5_hengyang_epidemic_period_starts_with_the_notice():
    """H3, H5: 在新冠肺炎疫情期间; 疫情期间，不允许组织线下集中实操培训 -- from 2020-03-09, no fixed end."""
    period = profile_for("hunan-hengyang").epidemic_period
    assert period.starts_on.isoformat() == "2020-03-09"
    assert period.offline_practical_banned and period.prepayment_only_during
    assert profile_for("liaoning").epidemic_period is None


def test_j2_j3_jiangxi_practical_online_by_occupation_type():
    """J2: 模拟仿真…不超过50%的实操训练课时; J3: 线下完成全部实操训练课时."""
    profile = profile_for("jiangxi")
    assert dict(profile.practical_online_percent) == {"knowledge": 100, "skill": 0, "simulation": 50}
    assert dict(profile.practical_online_rule) == {"knowledge": "J2", "skill": "J3", "simulation": "J2"}


def test_s2_shandong_segments_are_twenty_and_eighty_percent():
    segments = profile_for("shandong").segments
    assert (segments.online_ceiling_percent, segments.offline_percent) == (20, 80)
    assert segments.offline_by.isoformat() == "2020-12-31"


def test_n4_s3_allowance_groups_and_n6_funds():
    five = {"registered_poor", "employment_difficulty", "zero_employment_family",
            "two_after_rural", "urban_minimum_living"}
    assert set(profile_for("national").allowance_groups) == five
    assert set(profile_for("shandong").allowance_groups) == five
    assert "unemployment_insurance_fund" in profile_for("jiangxi").funds
    assert "unemployment_insurance_fund" not in profile_for("national").funds


def test_every_number_cites_a_rule_note():
    for profile in load_profiles().values():
        for field in ("class_hour_minutes", "online_share_cap_percent", "uplift_percent",
                      "shortage_percent", "prepayment_percent", "segments", "retention_years",
                      "theory_floor_percent", "practical_online_percent", "home_practice_online",
                      "epidemic_period", "apprenticeship_prepayment_percent"):
            assert profile.rule_ids[field].strip()


def _write_profile(folder: Path, mutate) -> None:
    document = json.loads((PACKAGED / "hunan-hengyang.json").read_text(encoding="utf-8"))
    mutate(document["versions"][0])
    (folder / "hunan-hengyang.json").write_text(json.dumps(document), encoding="utf-8")


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda p: p.update(uplift_percent=50.0), "uplift_percent"),
        (lambda p: p.update(prepayment_percent=130), "prepayment_percent"),
        (lambda p: p.update(surprise=1), "unknown keys"),
        (lambda p: p.pop("funds"), "missing keys"),
        (lambda p: p.update(valid_from="09/03/2020"), "valid_from"),
        (lambda p: p["online_share_cap_percent"].pop("simulation"), "online_share_cap_percent"),
        (lambda p: p.update(segments={"online_ceiling_percent": 20, "offline_percent": 80,
                                      "offline_by": "2020-12-31"}), "not both"),
        (lambda p: p["practical_online_percent"].update(skill=101), "practical_online_percent"),
        (lambda p: p["epidemic_period"].update(starts_on="2020-3-9"), "starts_on"),
        (lambda p: p.update(home_practice_online="yes"), "home_practice_online"),
        (lambda p: p["rule_ids"].pop("theory_floor_percent"), "theory_floor_percent"),
        (lambda p: p["rule_ids"].pop("shortage_percent"), "shortage_percent"),
        (lambda p: p.update(region="hunan"), "named after its region"),
        (lambda p: p.update(allowance_groups=["everyone"]), "allowance_groups"),
        (lambda p: p.update(uplift_cutoff=None), "uplift_cutoff"),
    ],
)
def test_a_bad_profile_file_fails_loudly_naming_the_field(tmp_path, mutate, message):
    _write_profile(tmp_path, mutate)
    with pytest.raises(InvalidProfile, match=message):
        load_profiles(tmp_path)


def test_a_file_that_is_not_json_fails_loudly(tmp_path):
    (tmp_path / "liaoning.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidProfile, match="JSON"):
        load_profiles(tmp_path)


def test_older_versions_stay_available_and_the_last_is_the_latest(tmp_path):
    document = json.loads((PACKAGED / "hunan-hengyang.json").read_text(encoding="utf-8"))
    newer = dict(document["versions"][0], version="2021-01-01", prepayment_percent=40)
    document["versions"].append(newer)
    (tmp_path / "hunan-hengyang.json").write_text(json.dumps(document), encoding="utf-8")
    versions = load_profile_versions(tmp_path)["hunan-hengyang"]
    assert [v.version for v in versions] == ["2020-03-09", "2021-01-01"]
    assert load_profiles(tmp_path)["hunan-hengyang"].prepayment_percent == 40
    assert versions[0].prepayment_percent == 30
