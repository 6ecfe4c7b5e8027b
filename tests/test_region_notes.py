"""Issue 12 item 7: the regional profiles' `rule_ids` cite the notice's words
for each value the issue 12 work added. A value the notice sets (not absent,
zero or false) has a note that quotes the notice in Chinese."""

from __future__ import annotations

import re

import pytest

from ledger.rules import load_profile_versions

ISSUE_12_FIELDS = ("theory_floor_percent", "practical_online_percent", "home_practice_online", "epidemic_period",
                   "apprenticeship_prepayment_percent", "segments", "allowance_groups", "allowance",
                   "retention_years", "face_check_failures_limit", "online_share_cap_percent")
CHINESE = re.compile(r"[\u4e00-\u9fff]{4,}")  # a phrase of the notice, not a stray character


def set_values():
    for versions in load_profile_versions().values():
        for profile in versions:
            for field in ISSUE_12_FIELDS:
                value = getattr(profile, field)
                if value not in (None, 0, False, (), []):
                    yield pytest.param(profile, field, id=f"{profile.region}-{profile.version}-{field}")


@pytest.mark.parametrize(("profile", "field"), list(set_values()))
def test_each_value_the_notice_sets_quotes_its_words(profile, field) -> None:
    note = profile.rule_ids.get(field, "")
    assert CHINESE.search(note), f"{profile.region} {field}: the note {note!r} quotes no words of the notice"
