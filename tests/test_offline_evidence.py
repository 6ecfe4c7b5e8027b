"""Issue 14 item 1: an institution records offline training with its evidence
files; only their SHA-256 goes into the log (H6, and 001's "学员手机定位签到…
促进线下培训规范运作"). Evidence is optional there and required on a redemption."""

from __future__ import annotations

import json

import pytest

from api.http.step_bodies import OfflineTrainingBody
from api.pages.step_forms import step_form
from ledger.envelope import iso
from ledger.errors import BadInput
from tests.test_rules_enforced import refused
from tests.world import World

SIGN_IN = {"kind": "attendance_sheet", "sha256": "cd" * 32}
PHOTO = {"kind": "photo", "sha256": "ef" * 32}


def offline_body(world: World, **extra) -> dict:
    return {"started_at": iso(world.clock.now), "minutes": 60, "location": "workshop"} | extra


def last_facts(world: World, event: str) -> dict:
    stored = [json.loads(n.state) for n in world.ledger.notifications() if n.topic.endswith(f":{event}")]
    return stored[-1]["facts"]


def test_offline_training_records_the_hashes_of_its_evidence_and_nothing_of_the_files(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    world.do(world.institution, "record_offline_training", voucher, offline_body(world, evidence=[SIGN_IN, PHOTO]))
    assert last_facts(world, "Voucher.OfflineTrainingRecorded")["evidence"] == [SIGN_IN, PHOTO]
    world.do(world.institution, "record_offline_training", voucher, offline_body(world))
    assert "evidence" not in last_facts(world, "Voucher.OfflineTrainingRecorded")
    assert world.ledger.get(voucher).offline_minutes == 120


@pytest.mark.parametrize("evidence, said", [
    ([], "must list 1 to 50 items"),
    ([{"kind": "platform_record", "sha256": "cd" * 32}], "evidence kind must be one of: attendance_sheet, photo, video"),
    ([{"kind": "photo", "sha256": "CD" * 32}], "64 lowercase hex digits"),
    ([{"kind": "photo", "sha256": "cd" * 31}], "64 lowercase hex digits"),
    ([{"kind": "photo", "sha256": "cd" * 32, "file": "c2lnbi1pbi5qcGc="}], "the hash of the file, never the file"),
    ([SIGN_IN, {"kind": "photo", "sha256": SIGN_IN["sha256"]}], "the same file's hash twice"),
    ("cd" * 32, "must list 1 to 50 items"),
    ([SIGN_IN] * 51, "must list 1 to 50 items"),
])
def test_offline_evidence_that_is_not_a_list_of_hashes_is_refused_and_the_log_is_unchanged(
        world: World, evidence, said: str) -> None:
    voucher, _ = world.enrolled_voucher()
    error = refused(world, None, world.institution, "record_offline_training", voucher,
                    offline_body(world, evidence=evidence), error=BadInput)
    assert said in str(error)


def test_a_redemption_listing_one_file_twice_is_refused(world: World) -> None:
    voucher = world.trained_voucher()
    world.do(world.assessor, "assess", voucher,
             {"passed": True, "certificate_number": f"C-{voucher.hex[:8]}", "certificate_kind": "skill_level"})
    error = refused(world, None, world.institution, "request_redemption", voucher,
                    {"evidence": [PHOTO, {"kind": "video", "sha256": PHOTO["sha256"]}]}, error=BadInput)
    assert "the same file's hash twice" in str(error)
    world.do(world.institution, "request_redemption", voucher, {"evidence": [PHOTO, SIGN_IN]})
    assert world.ledger.get(voucher).evidence == [PHOTO, SIGN_IN]


def test_the_http_body_and_the_institutions_form_offer_optional_evidence_of_the_offline_kinds() -> None:
    OfflineTrainingBody.model_validate({"started_at": "2023-03-17T01:00:00Z", "minutes": 60, "location": "w",
                                        "evidence": [SIGN_IN]})
    OfflineTrainingBody.model_validate({"started_at": "2023-03-17T01:00:00Z", "minutes": 60, "location": "w"})
    with pytest.raises(ValueError):
        OfflineTrainingBody.model_validate({"started_at": "2023-03-17T01:00:00Z", "minutes": 60, "location": "w",
                                            "evidence": [{"kind": "certificate_scan", "sha256": "cd" * 32}]})
    evidence = {field.name: field for field in step_form("record_offline_training", "institution").fields}["evidence"]
    assert (evidence.widget, evidence.required, evidence.options) == ("evidence", False,
                                                                     ("attendance_sheet", "photo", "video"))
