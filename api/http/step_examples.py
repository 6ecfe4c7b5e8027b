"""One example body per ledger step, shown in the OpenAPI document beside the
step's model (api/http/step_bodies.py); tests/test_step_bodies.py checks that
each example is valid by its model."""

from __future__ import annotations

from typing import Any

UUIDS = {
    "trainee": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    "institution": "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
    "platform": "3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f",
    "filing": "4d5e6f7a-8b9c-4d0e-9f2a-3b4c5d6e7f8a",
}
REASON = {"reason": "registered in error; see case file 2023-17"}

STEP_EXAMPLES: dict[str, dict[str, Any]] = {
    "register_party": {"role": "institution", "public_key": "JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=",
                       "name": "Shenyang Vocational Training School", "kind": "social_training",
                       "credit_code": "9121010200000000HU"},
    "rotate_key": {"public_key": "JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs="},
    "revoke_key": {"key_id": "3f9a1c0d5e7b2a41", "reason": "laptop stolen"},
    "erase_trainee": REASON,
    "list_in_catalogue": {},
    "delist": {"reason": "zombie platform: no learning recorded for a year (S5)"},
    "ban": {"reason": "faked face checks (L12)"},
    "file_class": {"occupation": "6-31-01-03", "level": 4, "occupation_type": "skill", "theory_class_hours": 40,
                   "practical_class_hours": 60, "training_kind": "employment", "courses": ["wiring", "safety"],
                   "teachers": ["Wang Li"], "planned_online_minutes": 1200, "starts_on": "2023-03-15",
                   "ends_on": "2023-05-15", "quality_commitment": True, "platform": UUIDS["platform"]},
    "approve_filing": {},
    "reject_filing": {"reason": "plan incomplete: no practical hours"},
    "end_epidemic_period": {"ended_on": "2023-01-08", "document": "衡人社发〔2023〕1号"},
    "adopt_segmented_subsidy": {"online_percent": 20, "document": "鲁人社字〔2023〕12号"},
    "issue_voucher": {"trainee": UUIDS["trainee"], "occupation": "6-31-01-03", "level": 4,
                      "valid_until": "2023-08-28"},
    "claim_voucher": {},
    "choose_institution": {"institution": UUIDS["institution"]},
    "enrol": {"filing": UUIDS["filing"]},
    "record_online_learning": {"signed_in_at": "2023-03-16T01:00:00Z", "minutes": 90, "questions_answered": 12,
                               "tests_taken": 2, "tests_passed": 2, "face_checks_passed": 3, "face_checks_failed": 0},
    "record_offline_training": {"started_at": "2023-03-17T01:00:00Z", "minutes": 240,
                                "location": "workshop 2, Shenyang",
                                "evidence": [{"kind": "attendance_sheet", "sha256": "cd" * 32}]},
    "assess": {"passed": True, "certificate_number": "LN-2023-000123", "certificate_kind": "skill_level"},
    "request_redemption": {"evidence": [{"kind": "attendance_sheet", "sha256": "ab" * 32}]},
    "review_redemption": {"approved": True, "reason": "credentials checked (L13)"},
    "open_notice": {"days": 5},
    "raise_objection": {"reason": "doubt about the attendance sheet"},
    "close_notice": {"outcome": "cleared", "reason": "objection dismissed after a site visit"},
    "prepay": {"amount_fen": 45000, "fund": "skills_upgrading_account"},
    "pay": {"amount_fen": 45000, "fund": "skills_upgrading_account"},
    "pay_allowance": {"from_day": "2023-03-16", "to_day": "2023-03-19", "amount_fen": 5000,
                      "fund": "employment_subsidy_fund"},
    "claw_back": {"amount_fen": 90000, "reason": "fraud found by the inspector", "rule": "L12"},
    "expire_voucher": {},
    "revoke_voucher": {"reason": "issued in error"},
}
