"""Importing through the page (issue 14 item 3), without a browser: the
server parses the upload with `vledger import`'s code and answers unsigned
steps with derived command ids; a party that signs and sends them (as
static/import.js does) records each row once; the outcome file comes back in
the upload's format. The browser itself is tested in test_pages_browser_import.py."""

from __future__ import annotations

import base64
import io
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from api.http.paths import ROUTE_BY_COMMAND
from ledger.envelope import sign_command
from ledger.signing import SigningKey
from tests.http_support import http_client
from tests.test_pages import log_in
from tests.roster_files import roster_workbook
from tests.world import World

BAD_ROWS = {3: "level", 5: "valid_until", 8: "allowance_groups"}


def roster_xlsx(world: World, count: int, bad: dict[int, str] | None = None, serial: int = 970_000) -> bytes:
    """A roster under the template's two header rows; row numbers in `bad` (as the sheet numbers
    them, data from row 3) get a cell the roster refuses."""
    workbook = roster_workbook(count, bad, serial, valid_until=(world.clock.now + timedelta(days=180)).date())
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def send_planned(world: World, http, key: SigningKey, plan: dict[str, Any]) -> list[str]:
    """What import.js does with the plan: per row, sign each step with the derived command id and send it."""
    outcomes = []
    for row in plan["rows"]:
        if "steps" not in row:
            outcomes.append(row["outcome"])
            continue
        seen = []
        for step in row["steps"]:
            body = dict(step["body"])
            if step.get("trainee_key"):
                body["public_key"] = SigningKey.generate(actor=step["target"], role="trainee").public_key_b64
            signed = sign_command(key, step["command"], step["target"], body, command_id=step["command_id"],
                                  signed_at=world.clock.now, ledger=world.ledger.origin)
            payload = {**signed, **({"personal": step["personal"]} if step.get("personal") else {})}
            reply = http.post(ROUTE_BY_COMMAND[step["command"]].url(step["target"], body), json=payload)
            reused = reply.status_code == 409 and reply.json()["type"].endswith("command-id-reused")
            seen.append("already recorded" if reused or reply.headers.get("Idempotent-Replay") == "true"
                        else "recorded" if reply.status_code < 300 else f"refused {reply.text}")
        outcomes.append("already recorded" if all(s == "already recorded" for s in seen) else
                        next((s for s in seen if s.startswith("refused")), "recorded"))
    return outcomes


@pytest.fixture
def bureau_page(world: World):
    http = http_client(world)
    log_in(http, world.bureau)
    return world, http


def test_a_roster_uploaded_twice_records_each_good_row_once(bureau_page) -> None:
    world, http = bureau_page
    content = roster_xlsx(world, 10, BAD_ROWS)
    plan = http.post("/import/roster/plan.json?file=roster.xlsx", content=content).json()
    assert [row["row"] for row in plan["rows"]] == list(range(3, 13))
    refused = {row["row"]: row["reason"] for row in plan["rows"] if row.get("outcome") == "refused"}
    assert set(refused) == set(BAD_ROWS) and "level must be a whole number" in refused[3]
    first = send_planned(world, http, world.bureau, plan)
    assert first.count("recorded") == 7, first
    again = http.post("/import/roster/plan.json?file=roster.xlsx", content=content).json()
    assert [step["command_id"] for row in again["rows"] for step in row.get("steps", [])] == \
           [step["command_id"] for row in plan["rows"] for step in row.get("steps", [])]
    assert send_planned(world, http, world.bureau, again).count("already recorded") == 7
    outcomes = [{"row": row["row"], "outcome": "recorded" if "steps" in row else "refused",
                 "reason": row.get("reason"), "ids": row.get("ids", [])} for row in plan["rows"]]
    reply = http.post("/import/roster/outcome.json", json={"file": "roster.xlsx", "outcomes": outcomes,
                                                            "content": base64.b64encode(content).decode()})
    assert reply.status_code == 200, reply.text
    assert "roster.outcome.xlsx" in reply.headers["content-disposition"]
    rows = [list(r) for r in load_workbook(io.BytesIO(reply.content)).worksheets[0].iter_rows(values_only=True)]
    assert rows[0][-5:] == ["行号", "结果", "规则", "原因", "编号"]
    assert [row[-4] for row in rows[2:]].count("refused") == 3 and rows[2][-4] == "refused"


def test_the_plan_is_the_clis_own_and_holds_no_key(bureau_page) -> None:
    world, http = bureau_page
    plan = http.post("/import/roster/plan.json?file=roster.xlsx", content=roster_xlsx(world, 1)).json()
    register, issue = plan["rows"][0]["steps"]
    assert register["command"] == "register_party" and register["trainee_key"] and register["body"]["public_key"] is None
    assert "private" not in str(plan) and register["personal"]["national_id"]
    assert issue["command"] == "issue_voucher" and issue["body"]["trainee"] == register["target"]
    from api.imports.plan import derived_id

    assert register["command_id"] == str(derived_id(world.bureau.actor, plan["sha256"], 3, "register_party"))


@pytest.mark.parametrize("name, content, says", [
    ("roster.xlsx", b"this is no workbook", "is not a readable XLSX workbook"),
    ("roster.csv", "a,b\n1,2\n".encode(), "lacks the columns"),
    ("roster.csv", b"", "is empty"),
    ("roster.txt", b"name\n", "neither a .csv nor a .xlsx"),
])
def test_a_malformed_upload_gets_one_sentence_and_400(bureau_page, name: str, content: bytes, says: str) -> None:
    world, http = bureau_page
    reply = http.post(f"/import/roster/plan.json?file={name}", content=content)
    assert reply.status_code == 400 and says in reply.json()["detail"]


def test_only_the_kinds_role_may_import_it(world: World) -> None:
    http = http_client(world)
    log_in(http, world.platform)
    reply = http.post("/import/roster/plan.json?file=roster.xlsx", content=roster_xlsx(world, 1))
    assert reply.status_code == 403 and "bureau" in reply.json()["detail"]
    page = http.get("/import")
    assert page.status_code == 200 and '<option value="sessions"' in page.text and 'value="roster"' not in page.text
    assert http_client(world).post("/import/roster/plan.json", content=b"x").status_code == 401


def test_a_10000_row_upload_passes_the_envelope_size_limit(bureau_page) -> None:
    world, http = bureau_page
    content = roster_xlsx(world, 3000)
    assert len(content) > 64 * 1024
    plan = http.post("/import/roster/plan.json?file=roster.xlsx", content=content)
    assert plan.status_code == 200 and len(plan.json()["rows"]) == 3000
    assert http.post("/v1/parties", content=b"x" * (65 * 1024)).status_code == 413


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_templates_download_as_the_cli_writes_them(bureau_page, file_format: str) -> None:
    world, http = bureau_page
    reply = http.get(f"/import/roster/template.{file_format}")
    assert reply.status_code == 200 and "roster-template" in reply.headers["content-disposition"]
    text = reply.content.decode("utf-8-sig") if file_format == "csv" else ""
    assert file_format == "xlsx" or text.startswith("姓名")
