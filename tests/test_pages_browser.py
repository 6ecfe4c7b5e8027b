"""The inspector pages in a real browser (headless Debian Chromium through
Playwright) against a real `vledger serve` over a demo ledger: log in with a
key file, open each page, follow a voucher from search to its timeline, see
the proof badge turn green after the page's own JavaScript checked every
inclusion proof and the checkpoint's signatures, and turn red when the proof
it is served is tampered with. Screenshots and the 50-event voucher's load
time go to the artifacts folder (tests/browser.py: artifacts_dir)."""

from __future__ import annotations

import json
import time

import pytest

from tests.browser import (LONG_TIMELINE_EVENTS, Server, artifacts_dir, build_demo_ledger, chromium_over, log_in,
                           new_page, screenshot)

pytestmark = pytest.mark.browser
VERIFIED = '#proof-badge[data-state="verified"]'
FAILED = '#proof-badge[data-state="failed"]'


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    demo = build_demo_ledger(tmp_path_factory.mktemp("pages-demo"))
    server = Server(demo)
    with chromium_over(server) as browser:
        yield demo, server, browser


def test_j1_inspector_follows_a_voucher_from_search_to_a_verified_timeline(site) -> None:
    demo, server, browser = site
    page = new_page(browser)
    log_in(page, server.url, demo.inspector_key)
    page.wait_for_selector('#events-chart[data-drawn="yes"]')
    assert "Latest checkpoints" in page.content() and "inspector" in page.inner_text("#checkpoints")
    screenshot(page, "ledger.png")
    page.click("text=Search")
    page.fill("#q", demo.long_voucher_national_id)
    page.press("#q", "Enter")
    page.wait_for_selector("#voucher-results")
    assert demo.long_voucher_national_id not in page.content()  # a national ID is never shown (personal data)
    assert "?q=" not in page.url
    page.click(f"a[href='/vouchers/{demo.long_voucher}']")
    page.wait_for_selector(VERIFIED)
    assert page.locator('.proof-mark[data-state="ok"]').count() == LONG_TIMELINE_EVENTS
    assert "✓ verifies" in page.inner_text("#signature-note")  # Ed25519 checked by Web Crypto in the browser
    screenshot(page, "voucher.png", full_page=False)
    screenshot(page, "voucher-full.png")


def test_j1_a_tampered_proof_turns_the_badge_red(site) -> None:
    demo, server, browser = site
    page = new_page(browser)
    log_in(page, server.url, demo.inspector_key)

    def flip_one_hash(route):
        reply = route.fetch()
        body = reply.json()
        path = body["proofs"][3]["audit_path"]
        path[0] = ("0" if path[0][0] != "0" else "1") + path[0][1:]
        route.fulfill(response=reply, json=body)

    page.route("**/proofs.json*", flip_one_hash)
    page.goto(f"{server.url}/vouchers/{demo.long_voucher}")
    page.wait_for_selector(FAILED)
    assert page.locator('.proof-mark[data-state="bad"]').count() == 1
    assert "do NOT verify" in page.inner_text("#proof-badge")
    screenshot(page, "voucher-tampered.png", full_page=False)


def test_j1_a_checkpoint_whose_signature_fails_turns_the_badge_red(site) -> None:
    demo, server, browser = site
    page = new_page(browser)
    log_in(page, server.url, demo.inspector_key)

    def forge_signature(route):
        reply = route.fetch()
        body = reply.json()
        body["signature"] = ("A" if body["signature"][0] != "A" else "B") + body["signature"][1:]
        route.fulfill(response=reply, json=body)

    page.route("**/v1/checkpoints/latest", forge_signature)
    page.goto(f"{server.url}/vouchers/{demo.long_voucher}")
    page.wait_for_selector(FAILED)
    assert "does NOT verify" in page.inner_text("#signature-note")


def test_l11_institution_draw_and_ledger_pages_open(site) -> None:
    demo, server, browser = site
    page = new_page(browser)
    log_in(page, server.url, demo.inspector_key)
    page.goto(f"{server.url}/institutions/{demo.long_voucher_institution.actor}")
    assert page.locator("#vouchers tbody tr").count() >= 1
    page.goto(f"{server.url}/search")
    page.fill("#q", demo.busiest_institution)  # search by name
    page.press("#q", "Enter")
    page.wait_for_selector("#search-kind")
    first_institution = page.locator("#institution-results a").first
    first_institution.click()
    page.wait_for_selector("#by-status")
    page.wait_for_selector('#balance-chart[data-drawn="yes"]')
    screenshot(page, "institution.png")
    page.goto(f"{server.url}/draw")
    assert page.locator("select[name=checkpoint] option").count() >= 1
    screenshot(page, "draw.png")


def test_l7_an_institution_cannot_open_another_institutions_voucher(site) -> None:
    demo, server, browser = site
    page = new_page(browser)
    log_in(page, server.url, demo.institution_keys[0])
    reply = page.goto(f"{server.url}/vouchers/{demo.long_voucher}")
    assert reply.status == 403
    assert "may not see voucher" in page.inner_text(".refusal")
    own = new_page(browser)
    log_in(own, server.url, demo.long_voucher_institution.to_json())
    assert own.goto(f"{server.url}/vouchers/{demo.long_voucher}").status == 200
    own.wait_for_selector(VERIFIED)


def test_load_time_of_a_voucher_with_50_events_is_recorded(site) -> None:
    """Measured, never asserted (DESIGN.md: no timed tests): from navigation to
    a verified badge, and the browser's own load event, written to timings.json."""
    demo, server, browser = site
    page = new_page(browser)
    log_in(page, server.url, demo.inspector_key)
    page.goto(f"{server.url}/vouchers/{demo.long_voucher}")  # warm the server's Merkle tree
    page.wait_for_selector(VERIFIED)
    started = time.perf_counter()
    page.goto(f"{server.url}/vouchers/{demo.long_voucher}")
    page.wait_for_selector(VERIFIED)
    to_verified_ms = round((time.perf_counter() - started) * 1000)
    navigation = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
    load_event_ms = round(json.loads(navigation)["loadEventEnd"])
    timings = {"voucher_events": LONG_TIMELINE_EVENTS, "ledger_events": demo.events,
               "load_event_ms": load_event_ms, "navigation_to_verified_badge_ms": to_verified_ms}
    (artifacts_dir() / "timings.json").write_text(json.dumps(timings, indent=2))
    print(f"\n50-event voucher page: {timings}")
    assert page.locator("tr[data-sequence]").count() == LONG_TIMELINE_EVENTS


def test_the_switch_turns_a_voucher_page_chinese_scripts_and_all(site) -> None:
    """Issue 14 item 4: 中文 in the header sets the language and comes back to the
    same page; the proof badge, written by the page's JavaScript, speaks Chinese too."""
    demo, server, browser = site
    page = new_page(browser)
    log_in(page, server.url, demo.inspector_key)
    page.goto(f"{server.url}/vouchers/{demo.long_voucher}")
    page.wait_for_selector(VERIFIED)
    page.click("#language-switch >> text=中文")
    page.wait_for_selector(VERIFIED)
    assert page.url == f"{server.url}/vouchers/{demo.long_voucher}"
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.inner_text("#proof-badge").startswith("已在本浏览器中核验")
    assert "核验通过" in page.inner_text("#signature-note")
    screenshot(page, "voucher-zh.png")
    page.click("#language-switch >> text=English")
    page.wait_for_selector(VERIFIED)
    assert page.get_attribute("html", "lang") == "en" and "Verified in this browser" in page.inner_text("#proof-badge")
