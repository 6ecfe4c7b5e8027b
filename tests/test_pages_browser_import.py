"""Importing a roster through the page in a real browser (issue 14 item 3):
a bureau logs in with its key file, uploads a 200-row roster with 3 bad rows,
the page signs each row's steps with the key kept at login and shows 197
recorded and 3 refused with their reasons; the outcome file downloads and
opens with openpyxl; the same file uploaded again records nothing new.
The screenshot goes to the artifacts folder, and to
docs/screenshots/import-roster.png with VLEDGER_SCREENSHOTS_TO_DOCS=1."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from tests.browser import Server, chromium_over, log_in, run_vledger, screenshot
from tests.roster_files import write_roster

pytestmark = pytest.mark.browser
BAD_ROWS = {10: "level", 77: "valid_until", 150: "allowance_groups"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("import-demo")
    database_url = f"sqlite:///{folder / 'vledger.db'}"
    run_vledger(folder, database_url, "init")
    run_vledger(folder, database_url, "demo", "--vouchers", "1")
    server = Server(SimpleNamespace(folder=folder, database_url=database_url))
    with chromium_over(server) as browser:
        yield folder, server, browser


def upload(page, roster: Path) -> None:
    page.set_input_files("#import-file", str(roster))
    page.click("#import-start")
    page.wait_for_selector('body[data-import-done="yes"]', timeout=180_000)


def outcomes_shown(page) -> dict[str, int]:
    return {name: page.locator(f'#import-rows tr[data-outcome="{name}"]').count()
            for name in ("recorded", "refused", "already recorded", "not sent")}


def test_a_bureau_imports_a_roster_through_the_page_once(site, tmp_path: Path) -> None:
    folder, server, browser = site
    roster = write_roster(tmp_path / "roster.xlsx", 200, BAD_ROWS)
    page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
    log_in(page, server.url, folder / "vledger-keys" / "demo" / "liaoning-bureau.json", "/import")
    upload(page, roster)
    assert outcomes_shown(page) == {"recorded": 197, "refused": 3, "already recorded": 0, "not sent": 0}
    refused = page.locator('#import-rows tr[data-outcome="refused"]')
    reasons = " ".join(refused.nth(i).inner_text() for i in range(3))
    assert "level must be a whole number" in reasons and "valid_until must be a date" in reasons
    assert "allowance_groups 'astronauts'" in reasons
    assert "197 recorded" in page.inner_text("#import-summary")
    screenshot(page, "import-roster.png", full_page=False)
    with page.expect_download() as downloading:
        page.click("#outcome-link")
    saved = tmp_path / downloading.value.suggested_filename
    downloading.value.save_as(saved)
    assert saved.name == "roster.outcome.xlsx"
    rows = [list(row) for row in load_workbook(saved, read_only=True).worksheets[0].iter_rows(values_only=True)]
    assert rows[0][-5:] == ["行号", "结果", "规则", "原因", "编号"] and len(rows) == 202
    outcome = {row[-5]: row[-4] for row in rows[2:]}
    assert [number for number, said in outcome.items() if said == "refused"] == sorted(BAD_ROWS)
    assert list(outcome.values()).count("recorded") == 197
    with page.expect_download() as keys:
        page.click("#trainee-keys-link")
    assert len(Path(keys.value.path()).read_text().splitlines()) == 197  # new trainees' keys, made in the browser

    upload(page, roster)
    assert outcomes_shown(page) == {"recorded": 0, "refused": 3, "already recorded": 197, "not sent": 0}


def test_the_chinese_import_page_tells_each_rows_outcome_in_chinese_and_the_reason_as_recorded(site, tmp_path: Path
                                                                                                ) -> None:
    """Issue 14 item 4: the page's words in Chinese (words.js); the outcome file keeps its own words."""
    folder, server, browser = site
    roster = write_roster(tmp_path / "roster-zh.xlsx", 4, {4: "level"}, serial=960_000)
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    log_in(page, server.url, folder / "vledger-keys" / "demo" / "liaoning-bureau.json", "/import")
    assert page.inner_text("h1") == "导入文件"
    upload(page, roster)
    assert outcomes_shown(page) == {"recorded": 3, "refused": 1, "already recorded": 0, "not sent": 0}
    refused = page.locator('#import-rows tr[data-outcome="refused"] td')
    assert refused.nth(1).inner_text() == "已拒绝" and "level must be a whole number" in refused.nth(3).inner_text()
    assert page.locator('#import-rows tr[data-outcome="recorded"] td').nth(1).inner_text() == "已记录"
    assert page.inner_text("#import-summary") == "共 4 行：已记录 3 行、已拒绝 1 行"
    assert page.inner_text("#import-status").startswith("完成。")
