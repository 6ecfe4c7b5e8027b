"""The Work page (/work, api/pages/workbench.py) through the test client: each
role's home shows only what the API lets that party read (an institution its
own vouchers, a bureau its region, a trainee its own), the issue quote is
the one `vledger quote` gives and changes nothing, and bad quote input gets
a sentence. Signing in the browser is in tests/test_pages_work_browser.py."""

from __future__ import annotations

import json
import re
import uuid

from ledger.application import VoucherLedger
from ledger.envelope import sign_command
from tests.http_support import http_client
from tests.test_pages import log_in, second_institution
from tests.world import ELECTRICIAN, World


def test_l7_an_institution_sees_only_its_own_vouchers_on_its_work_page(world: World) -> None:
    other = second_institution(world)
    own = world.certified_voucher()
    theirs = world.voucher_enrolled_at(other)
    mine_enrolled = world.voucher_enrolled_at(world.institution)
    http = http_client(world)
    log_in(http, world.institution)
    page = http.get("/work")
    assert page.status_code == 200 and 'id="certified"' in page.text
    assert str(own) in page.text and str(mine_enrolled)[:8] in page.text and str(theirs)[:8] not in page.text
    log_in(http, other)
    page = http.get("/work")
    assert str(theirs)[:8] in page.text and str(own) not in page.text and str(mine_enrolled)[:8] not in page.text


def test_a_bureau_sees_only_its_own_regions_trainees_filings_and_redemptions(world: World,
                                                                               ledger: VoucherLedger) -> None:
    here_trainee = world.trainee()
    pending = uuid.uuid4()
    world.do(world.institution, "file_class", pending, world.filing_body())
    other_bureau = world.register(world.root, "bureau", name="shandong bureau", region="shandong")
    other_trainee = world.trainee(registrar=other_bureau)
    http = http_client(world)
    log_in(http, world.bureau)
    page = http.get("/work")
    assert page.status_code == 200
    assert here_trainee.actor in page.text and str(pending)[:8] in page.text
    assert other_trainee.actor not in page.text
    log_in(http, other_bureau)
    page = http.get("/work")
    assert other_trainee.actor in page.text
    assert here_trainee.actor not in page.text and str(pending)[:8] not in page.text


def test_a_trainee_sees_only_its_own_vouchers_to_claim(world: World) -> None:
    mine, yours = world.trainee(), world.trainee()
    my_voucher, your_voucher = world.issue(mine), world.issue(yours)
    http = http_client(world)
    log_in(http, mine)
    page = http.get("/work")
    assert str(my_voucher) in page.text and str(your_voucher) not in page.text
    world.do(mine, "claim_voucher", my_voucher, {})
    page = http.get("/work")
    assert 'data-command="choose_institution"' in page.text
    assert world.institution.actor in page.text  # the region's listed institutions to choose from


def test_finance_sees_the_balance_the_rules_give_and_an_assessor_lists_nothing(world: World) -> None:
    cleared = world.cleared_voucher()
    due = world.ledger.get(cleared).balance_due_fen
    http = http_client(world)
    log_in(http, world.finance)
    page = http.get("/work")
    assert str(cleared) in page.text and f'value="{due}"' in page.text
    log_in(http, world.assessor)
    page = http.get("/work")
    assert page.status_code == 200 and str(cleared) not in page.text
    opened = http.get(f"/work?voucher={cleared}")
    assert opened.status_code == 200 and 'id="assess-form"' in opened.text


def test_an_assessor_cannot_open_a_voucher_of_another_region(world: World) -> None:
    voucher = world.issue(world.trainee())
    other_bureau = world.register(world.root, "bureau", name="shandong bureau", region="shandong")
    stranger = world.register(other_bureau, "assessor", name="far assessor")
    http = http_client(world)
    log_in(http, stranger)
    refused = http.get(f"/work?voucher={voucher}")
    assert refused.status_code == 403 and "may not read voucher" in refused.text
    assert 'id="assess-voucher"' not in refused.text and ELECTRICIAN not in refused.text


def test_s2_the_issue_quote_is_the_catalogues_and_changes_nothing(world: World) -> None:
    http = http_client(world)
    log_in(http, world.bureau)
    before = world.ledger.max_notification_id()
    quoted = http.get(f"/work/quote.json?occupation={ELECTRICIAN}&level=4")
    assert quoted.status_code == 200, quoted.text
    body = quoted.json()
    assert body["eligible"] is True and body["total_fen"] > 0 and body["standard_fen"] == body["catalogued_fen"]
    over = http.get(f"/work/quote.json?occupation={ELECTRICIAN}&level=4&standard_yuan=99999")
    assert over.status_code == 200 and over.json()["eligible"] is False and over.json()["refusals"][0]["rule"]
    bad = http.get(f"/work/quote.json?occupation={ELECTRICIAN}&level=9")
    assert bad.status_code == 400 and "level" in bad.json()["detail"]
    unknown = http.get("/work/quote.json?occupation=9-99-99-99&level=4")
    assert unknown.status_code == 400 and "9-99-99-99" in unknown.json()["detail"]
    bad_yuan = http.get(f"/work/quote.json?occupation={ELECTRICIAN}&level=4&standard_yuan=1.234")
    assert bad_yuan.status_code == 400 and "two decimals" in bad_yuan.json()["detail"]
    assert world.ledger.max_notification_id() == before
    log_in(http, world.institution)
    assert http.get(f"/work/quote.json?occupation={ELECTRICIAN}&level=4").status_code == 403


def test_work_needs_a_login_and_the_nav_links_to_it(world: World) -> None:
    http = http_client(world)
    assert http.get("/work", follow_redirects=False).status_code == 303
    log_in(http, world.inspector)
    page = http.get("/work")
    assert page.status_code == 200 and 'id="work-none"' in page.text and 'href="/work"' in page.text
    assert "/static/pages/envelope.js" in page.text


def test_h4_the_bureaus_forms_name_each_waiting_item_and_the_route_the_page_embeds_records_it(world: World) -> None:
    """What envelope.js does with a form: the step's path from the page's route map, the target from the form."""
    certified = world.certified_voucher()
    evidence = [{"kind": "photo", "sha256": "ab" * 32}]
    world.do(world.institution, "request_redemption", certified, {"evidence": evidence})
    pending = uuid.uuid4()
    world.do(world.institution, "file_class", pending, world.filing_body())
    http = http_client(world)
    log_in(http, world.bureau)
    page = http.get("/work").text
    assert f'data-command="approve_filing" data-target="{pending}"' in page
    assert f'data-command="reject_filing" data-target="{pending}"' in page
    assert f'data-command="review_redemption" data-target="{certified}"' in page
    routes = json.loads(re.search(r'id="vledger-routes">(.*?)</script>', page, re.S).group(1))
    path = routes["approve_filing"].replace("{filing_id}", str(pending))
    signed = sign_command(world.bureau, "approve_filing", pending, {}, signed_at=world.clock.now,
                          ledger=world.ledger.origin)
    recorded = http.post(path, json=signed)
    assert recorded.status_code == 201, recorded.text
    assert f'data-target="{pending}"' not in http.get("/work").text  # decided: no longer waiting
