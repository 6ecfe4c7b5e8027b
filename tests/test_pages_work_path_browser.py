"""The whole loop through the Work pages in a real browser (headless Debian
Chromium, Playwright), every step signed in the page with the party's key:
the bureau registers a trainee (name and national ID beside the envelope,
never in the log), an institution files a class with a generated form, the
bureau approves it and issues a voucher, the trainee claims it and chooses
the institution, the institution enrols it, the platform records an online
session and the institution offline training (generated forms), an assessor
records a pass, the institution requests redemption with an evidence file
hashed in the browser, the bureau reviews, opens and closes the public notice
(generated forms), finance pays, and the inspector's voucher page shows it paid.

H4 (a class is filed before it starts), L13 (sessions inside the class
period) and H7 (the notice runs its days) cannot all be met on the real clock
in one run, so the server's clock is moved forward between steps
(tests/shifted_server.py)."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from ledger.personal import national_id_check_character
from ledger.signing import SigningKey
from tests.browser import build_demo_ledger, chromium_over, log_in, new_page, screenshot
from tests.shifted_server import ShiftedServer
from tests.world import ELECTRICIAN

pytestmark = pytest.mark.browser
REGION = "liaoning"
CLASS_MINUTES_EACH_WAY = 540  # 24 class hours of 45 minutes (L1): 540 online + 540 offline


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    demo = build_demo_ledger(tmp_path_factory.mktemp("work-path-demo"))
    server = ShiftedServer(demo)
    with chromium_over(server) as browser:
        yield demo, server, browser


def actor(demo, label: str) -> str:
    return json.loads(demo.key_file(label).read_text())["actor"]


def as_party(browser, server, key) -> object:
    page = new_page(browser)
    log_in(page, server.url, key, next_path="/work")
    return page


def log_text(demo) -> str:
    with sqlite3.connect(demo.folder / "vledger.db") as connection:
        names = [name for (name,) in connection.execute("select name from sqlite_master where type='table'")
                 if "event" in name]
        return "\n".join(str(row) for name in names for row in connection.execute(f'select * from "{name}"'))


def generated(page, command: str):
    """The generated form of `command`, opened."""
    page.click(f"#step-{command} summary")
    return page.locator(f"#form-{command}")


def sign(form, state: str = "recorded") -> str:
    form.locator("button[type=submit]").click()
    receipt = form.locator(f'.receipt[data-state="{state}"]')
    receipt.wait_for(timeout=20_000)
    return receipt.inner_text()


def recorded_target(receipt: str) -> str:
    return re.search(r"Recorded: \w+ on ([0-9a-f-]{36})", receipt).group(1)


def ledger_now(days: float) -> datetime:
    return datetime.now(timezone.utc) + timedelta(days=days)


def test_the_whole_loop_through_the_work_pages(site, tmp_path) -> None:
    demo, server, browser = site
    today = ledger_now(0).date()

    # the bureau registers a trainee whose key the trainee made; name and ID stay out of the log (N1)
    trainee_key = SigningKey.generate(actor=str(uuid.uuid4()), role="trainee")
    first_17 = "21010219920315" + str(uuid.uuid4().int % 1000).zfill(3)
    national_id = first_17 + national_id_check_character(first_17)
    bureau = as_party(browser, server, demo.key_file(f"{REGION}-bureau"))
    form = generated(bureau, "register_party")
    form.locator("[data-role=target]").fill(trainee_key.actor)
    form.locator("[name=role]").select_option("trainee")
    form.locator("[name=public_key]").fill(trainee_key.public_key_b64)
    form.locator("[data-personal=name]").fill("路径学员")
    form.locator("[data-personal=national_id]").fill(national_id)
    assert recorded_target(sign(form)) == trainee_key.actor
    text = log_text(demo)
    assert trainee_key.actor in text and national_id not in text and "路径学员" not in text

    # the institution files a class through the generated form
    institution = as_party(browser, server, demo.key_file(f"{REGION}-institution-1"))
    form = generated(institution, "file_class")
    form.locator("[name=occupation]").fill(ELECTRICIAN)
    form.locator("[name=level]").fill("4")
    form.locator("[name=occupation_type]").select_option("skill")
    form.locator("[name=theory_class_hours]").fill("12")
    form.locator("[name=practical_class_hours]").fill("12")
    form.locator("[name=training_kind]").select_option("employment")
    form.locator("[name=courses]").fill("电工基础 theory\n实操 practice")
    form.locator("[name=teachers]").fill("张老师")
    form.locator("[name=planned_online_minutes]").fill(str(CLASS_MINUTES_EACH_WAY))
    form.locator("[name=starts_on]").fill((today + timedelta(days=1)).isoformat())
    form.locator("[name=ends_on]").fill((today + timedelta(days=30)).isoformat())
    form.locator("[name=platform]").fill(actor(demo, f"{REGION}-platform"))
    assert "quality commitment" in sign(form, "refused")  # L4: the box is not ticked yet
    form.locator("[name=quality_commitment]").check()
    filing = recorded_target(sign(form))

    # the bureau approves the filing and issues a voucher to the new trainee
    bureau.reload()
    sign(bureau.locator(f'form[data-command="approve_filing"][data-target="{filing}"]'))
    bureau.fill("#issue-trainee", trainee_key.actor)
    bureau.fill("#issue-occupation", ELECTRICIAN)
    bureau.select_option("#issue-level", "4")
    bureau.wait_for_selector('#issue-quote[data-state="quoted"]')
    voucher = recorded_target(sign(bureau.locator("#issue-form")))

    # the trainee claims it and chooses the institution, with its own key
    trainee = as_party(browser, server, trainee_key.to_json())
    sign(trainee.locator(f'#claim form[data-target="{voucher}"]'))
    trainee.reload()
    choose = trainee.locator(f'#choose form[data-target="{voucher}"]')
    choose.locator("select").select_option(value=actor(demo, f"{REGION}-institution-1"))
    sign(choose)

    # the institution enrols it in the class
    institution.reload()
    institution.fill("#enrol-voucher", voucher)
    institution.select_option("#enrol-filing", value=filing)
    sign(institution.locator("#enrol-form"))

    # two days on, inside the class period: the platform's online session, the institution's offline training
    server.shift(2)
    session_at = (ledger_now(2) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    platform = as_party(browser, server, demo.key_file(f"{REGION}-platform"))
    assert voucher in platform.inner_text("#training")
    platform.click(f'#training tr[data-voucher="{voucher}"] button')  # picks the voucher into the form
    form = platform.locator("#form-record_online_learning")
    assert form.locator("[data-role=target]").input_value() == voucher
    screenshot(platform, "work-platform.png")
    form.locator("[name=signed_in_at]").fill("yesterday")
    assert "timezone" in sign(form, "bad-input")  # checked in the browser, nothing signed
    form.locator("[name=signed_in_at]").fill(session_at)
    for name, value in (("minutes", CLASS_MINUTES_EACH_WAY), ("questions_answered", 12), ("tests_taken", 2),
                        ("tests_passed", 2), ("face_checks_passed", 3), ("face_checks_failed", 0)):
        form.locator(f"[name={name}]").fill(str(value))
    sign(form)
    institution.reload()
    form = generated(institution, "record_offline_training")
    form.locator("[data-role=target]").fill(voucher)
    form.locator("[name=started_at]").fill(session_at)
    form.locator("[name=minutes]").fill(str(CLASS_MINUTES_EACH_WAY))
    form.locator("[name=location]").fill("实训车间 workshop")
    sign_in_sheet = tmp_path / "sign-in.pdf"
    sign_in_sheet.write_bytes(b"the day's sign-in sheet, " + voucher.encode())
    form.locator("[data-evidence=kind]").first.select_option("attendance_sheet")
    form.locator("[data-evidence=file]").first.set_input_files(str(sign_in_sheet))
    sign(form)  # only the sheet's hash goes into the log (decision 0066)
    assert hashlib.sha256(sign_in_sheet.read_bytes()).hexdigest() in log_text(demo)
    assert b"the day's sign-in sheet" not in log_text(demo).encode()

    # an independent assessor records a pass
    assessor = as_party(browser, server, demo.key_file(f"{REGION}-assessor"))
    assessor.fill("#assess-lookup", voucher)
    assessor.press("#assess-lookup", "Enter")
    assessor.wait_for_selector("#assess-form")
    assessor.fill("#assess-certificate", f"CERT-PATH-{voucher[:8]}")
    assessor.select_option("#assess-kind", "training_qualified")
    sign(assessor.locator("#assess-form"))

    # the institution asks to redeem, with an evidence file hashed in the browser (H6)
    evidence = tmp_path / "attendance.jpg"
    evidence.write_bytes(b"a photo of the class, " + voucher.encode())
    institution.reload()
    request = institution.locator(f'#certified tr[data-voucher="{voucher}"] form')
    request.locator("[data-evidence=file]").first.set_input_files(str(evidence))
    sign(request)
    assert hashlib.sha256(evidence.read_bytes()).hexdigest() in log_text(demo)

    # the bureau reviews, opens the public notice for a day, and closes it cleared when it has run (H7)
    bureau.reload()
    review = bureau.locator(f'form[data-command="review_redemption"][data-target="{voucher}"]')
    review.locator("[name=reason]").fill("certificate and learning record checked (L13)")
    sign(review)
    form = generated(bureau, "open_notice")
    form.locator("[data-role=target]").fill(voucher)
    form.locator("[name=days]").fill("1")
    sign(form)
    server.shift(4)
    bureau.reload()
    form = generated(bureau, "close_notice")
    form.locator("[data-role=target]").fill(voucher)
    form.locator("[name=outcome]").select_option("cleared")
    sign(form)

    # finance sees it in the payment file and pays the balance the rules give
    finance = as_party(browser, server, demo.key_file("finance"))
    assert voucher in finance.request.get(f"{server.url}/work/payment-file.csv").text()
    sign(finance.locator(f'#due-items tr[data-voucher="{voucher}"] form'))

    # the inspector's voucher page shows it paid
    inspector = as_party(browser, server, demo.key_file("inspector"))
    inspector.goto(f"{server.url}/vouchers/{voucher}")
    assert inspector.locator('[data-status="paid"]').count() >= 1
