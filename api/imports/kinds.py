"""What a row of each import file means (`vledger import roster|sessions|results`):
its columns (Chinese and English headers) and the signed steps it becomes.

- roster (the bureau's key): register the trainee, whose name and national ID
  go beside the envelope into the personal-data path, never into the log (N1,
  L10), then issue the voucher (H2, S2);
- sessions (the platform's key): one online session on a voucher (N2, L5, L6);
- results (an assessor's key): an assessment and its certificate (L14, S4).

Each step's target is derived from the file and row like its command_id
(api/imports/runner.py), so the same row always names the same trainee and
voucher. A cell that cannot be read refuses that row only, with a sentence."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Callable

from api.demo_people import national_id
from api.spreadsheets import LOCAL_ZONE
from ledger.envelope import iso
from ledger.errors import BadInput
from ledger.personal import commitment
from ledger.rules import ALLOWANCE_GROUPS
from ledger.signing import SigningKey

YES = {"是", "通过", "合格", "yes", "y", "true", "1", "pass", "passed"}
NO = {"否", "不通过", "不合格", "no", "n", "false", "0", "fail", "failed"}
WHOLE_NUMBER = re.compile(r"^[0-9]{1,9}$")
TEMPLATE_VALID_DAYS = 180


@dataclass(frozen=True)
class ImportColumn:
    key: str
    chinese: str
    english: str
    required: bool = True


@dataclass
class Step:
    """One signed command a row becomes; `key_for_trainee` is the new trainee's
    key pair, saved for the bureau to hand over once the registration records."""

    command: str
    target: uuid.UUID
    body: dict[str, Any]
    personal: dict[str, str] | None = None
    key_for_trainee: SigningKey | None = None


@dataclass(frozen=True)
class ImportKind:
    name: str
    role: str
    columns: tuple[ImportColumn, ...]
    steps: Callable[[dict[str, str], Callable[[str], uuid.UUID]], list[Step]]
    examples: Callable[[], list[dict[str, str]]] = field(default=lambda: [])


def _whole(values: dict[str, str], key: str, default: int | None = None) -> int:
    text = values.get(key, "")
    if text == "" and default is not None:
        return default
    if not WHOLE_NUMBER.match(text):
        raise BadInput(f"{key} must be a whole number, got {text!r}")
    return int(text)


def _day(values: dict[str, str], key: str) -> str:
    text = values.get(key, "")[:10]
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise BadInput(f"{key} must be a date written YYYY-MM-DD, got {values.get(key, '')!r}") from None


def _moment(values: dict[str, str], key: str) -> str:
    """ISO 8601 with a zone, or a local time without one (Asia/Shanghai)."""
    text = values.get(key, "")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(f"{key} must be a time like 2026-03-02 09:00 (Beijing time) or ISO 8601 with a zone, "
                       f"got {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_ZONE)
    return iso(moment)


def _uuid(values: dict[str, str], key: str) -> str:
    try:
        return str(uuid.UUID(values.get(key, "")))
    except ValueError:
        raise BadInput(f"{key} must be a UUID, got {values.get(key, '')!r}") from None


def roster_steps(values: dict[str, str], target: Callable[[str], uuid.UUID]) -> list[Step]:
    personal = {"name": values["name"], "national_id": values["national_id"].upper(), "nonce": uuid.uuid4().hex}
    trainee, voucher = target("trainee"), target("voucher")
    key = SigningKey.generate(actor=str(trainee), role="trainee")
    registration: dict[str, Any] = {"role": "trainee", "public_key": key.public_key_b64,
                                    "personal_sha256": commitment(personal)}
    groups = [group for group in re.split(r"[;；,，\s]+", values.get("allowance_groups", "")) if group]
    unknown = sorted(set(groups) - set(ALLOWANCE_GROUPS))
    if unknown:
        raise BadInput(f"allowance_groups {unknown[0]!r} is not one of: {', '.join(ALLOWANCE_GROUPS)}")
    if groups:
        registration["allowance_groups"] = groups
    if values.get("employer_credit_code"):
        registration["employer_credit_code"] = values["employer_credit_code"]
    issue = {"trainee": str(trainee), "occupation": values["occupation"], "level": _whole(values, "level"),
             "valid_until": _day(values, "valid_until")}
    return [Step("register_party", trainee, registration, personal, key), Step("issue_voucher", voucher, issue)]


def session_steps(values: dict[str, str], target: Callable[[str], uuid.UUID]) -> list[Step]:
    body = {"signed_in_at": _moment(values, "signed_in_at"), "minutes": _whole(values, "minutes")}
    for key in ("questions_answered", "tests_taken", "tests_passed", "face_checks_passed", "face_checks_failed"):
        body[key] = _whole(values, key, default=0)
    return [Step("record_online_learning", uuid.UUID(_uuid(values, "voucher")), body)]


def result_steps(values: dict[str, str], target: Callable[[str], uuid.UUID]) -> list[Step]:
    answer = values.get("passed", "").strip().lower()
    if answer not in YES | NO:
        raise BadInput(f"passed must be 是 or 否 (yes or no), got {values.get('passed', '')!r}")
    body: dict[str, Any] = {"passed": answer in YES}
    if body["passed"]:
        body["certificate_number"] = values.get("certificate_number", "")
        body["certificate_kind"] = values.get("certificate_kind", "")
    return [Step("assess", uuid.UUID(_uuid(values, "voucher")), body)]


def roster_examples() -> list[dict[str, str]]:
    """Two made-up trainees of Liaoning (the demo ledger's bureau `liaoning-bureau`
    accepts them): electricians, level 4, valid 180 days from today."""
    valid_until = (date.today() + timedelta(days=TEMPLATE_VALID_DAYS)).isoformat()
    return [{"name": person, "national_id": national_id("liaoning", serial), "occupation": "6-31-01-03",
             "level": "4", "valid_until": valid_until, "allowance_groups": groups, "employer_credit_code": ""}
            for person, serial, groups in (("张三", 990_001, ""), ("李四", 990_002, "registered_poor"))]


def session_examples() -> list[dict[str, str]]:
    return [{"voucher": "00000000-0000-4000-8000-000000000000", "signed_in_at": "2026-03-02 09:00",
             "minutes": "45", "questions_answered": "3", "tests_taken": "1", "tests_passed": "1",
             "face_checks_passed": "2", "face_checks_failed": "0"}]


def result_examples() -> list[dict[str, str]]:
    return [{"voucher": "00000000-0000-4000-8000-000000000000", "passed": "是",
             "certificate_number": "CERT-2026-000001", "certificate_kind": "training_qualified"}]


KINDS: dict[str, ImportKind] = {kind.name: kind for kind in (
    ImportKind("roster", "bureau", (
        ImportColumn("name", "姓名", "name"), ImportColumn("national_id", "身份证号", "national ID"),
        ImportColumn("occupation", "职业编码", "occupation code"), ImportColumn("level", "等级", "level"),
        ImportColumn("valid_until", "有效期至", "valid until"),
        ImportColumn("allowance_groups", "生活费补贴人群", "allowance groups", required=False),
        ImportColumn("employer_credit_code", "用人单位信用代码", "employer credit code", required=False),
    ), roster_steps, roster_examples),
    ImportKind("sessions", "platform", (
        ImportColumn("voucher", "培训券编号", "voucher"),
        ImportColumn("signed_in_at", "登录时间", "signed in at"), ImportColumn("minutes", "学习分钟", "minutes"),
        ImportColumn("questions_answered", "答题数", "questions answered", required=False),
        ImportColumn("tests_taken", "测验次数", "tests taken", required=False),
        ImportColumn("tests_passed", "测验通过", "tests passed", required=False),
        ImportColumn("face_checks_passed", "人脸核验通过", "face checks passed", required=False),
        ImportColumn("face_checks_failed", "人脸核验未通过", "face checks failed", required=False),
    ), session_steps, session_examples),
    ImportKind("results", "assessor", (
        ImportColumn("voucher", "培训券编号", "voucher"), ImportColumn("passed", "是否通过", "passed"),
        ImportColumn("certificate_number", "证书编号", "certificate number", required=False),
        ImportColumn("certificate_kind", "证书类别", "certificate kind", required=False),
    ), result_steps, result_examples),
)}
