"""The pages' holes of issue 13, one test each: a `next` that a browser reads
as another host, a login posted from a foreign page, pages that showed more
than the API lets the same party read (the draw, `/events/N`, search, the
report), and an erased trainee still found by national ID."""

from __future__ import annotations

import json
import uuid
from urllib.parse import unquote

import pytest

from api.pages.login import safe_next
from api.pages.session import login_string_to_sign
from ledger.transparency import record_checkpoint
from tests.http_support import http_client
from tests.test_pages import SAME_ORIGIN, log_in
from tests.world import World

FOREIGN = "https://evil.example"


@pytest.mark.parametrize("target", [
    "/%09/evil.example", "/\t/evil.example", "/\n/evil.example", "/\r//evil.example", "/ /evil.example",
    "//evil.example", "///evil.example", "/\\evil.example", "https://evil.example/", "javascript:alert(1)",
    "evil.example", "/\x7f/evil.example", "/" + "a" * 600])
def test_next_after_login_refuses_anything_but_a_plain_path(target: str) -> None:
    assert safe_next(unquote(target)) == "/"


def test_next_after_login_keeps_a_plain_path_with_its_query(world: World) -> None:
    assert safe_next("/vouchers/abc?tree_size=3#event-4") == "/vouchers/abc?tree_size=3#event-4"
    page = http_client(world).get("/login?next=/%09/evil.example")
    assert page.status_code == 200 and "evil.example" not in page.text


def signed_login(http, key) -> dict:
    challenge = http.post("/login/challenge").json()["challenge"]
    return {"challenge": challenge, "actor": key.actor, "key_id": key.key_id,
            "signature": key.sign(login_string_to_sign(challenge, key.actor, key.key_id)), "next": "/\t/evil.example"}


def test_a_login_from_a_foreign_page_or_not_as_json_is_refused(world: World) -> None:
    """Login CSRF: a foreign page must not log the victim's browser in as the attacker's party."""
    http = http_client(world)
    attacker = world.inspector
    as_form = http.post("/login", content=json.dumps(signed_login(http, attacker)).encode(),
                        headers={**SAME_ORIGIN, "Content-Type": "text/plain"})
    assert as_form.status_code == 415 and "application/json" in as_form.json()["detail"]
    foreign = http.post("/login", json=signed_login(http, attacker), headers={"Origin": FOREIGN})
    assert foreign.status_code == 403 and "own login page" in foreign.json()["detail"]
    no_origin = http.post("/login", json=signed_login(http, attacker))
    assert no_origin.status_code == 403 and "vledger_session" not in no_origin.headers.get("set-cookie", "")
    assert http.get("/", follow_redirects=False).status_code == 303  # still logged out
    honest = http.post("/login", json=signed_login(http, attacker), headers=SAME_ORIGIN)
    assert honest.status_code == 200 and honest.json()["next"] == "/"


def test_l11_a_trainee_draws_without_seeing_other_trainees_vouchers(world: World) -> None:
    """L11 双随机、一公开: the draw is the same for all; a trainee is shown only its own voucher by id."""
    own, trainee = world.enrolled_voucher()
    others = [world.issue(world.trainee()) for _ in range(3)]
    checkpoint = record_checkpoint(world.ledger)
    http = http_client(world)
    log_in(http, trainee)
    page = http.get(f"/draw?checkpoint={checkpoint.tree_size}&of=vouchers&count=100")
    assert page.status_code == 200
    assert not any(str(voucher) in page.text for voucher in others)
    assert str(own) in page.text and "3 drawn vouchers you may not read" in page.text
    inspector = http_client(world)
    log_in(inspector, world.inspector)
    assert all(str(voucher) in inspector.get(f"/draw?checkpoint={checkpoint.tree_size}&of=vouchers&count=100").text
               for voucher in [own, *others])


def test_events_cannot_be_walked_to_vouchers_the_viewer_may_not_see(world: World) -> None:
    voucher, trainee = world.enrolled_voucher()
    sequence = world.ledger.max_notification_id() - 1  # the enrolment, then its receipt
    other = world.register(world.bureau, "institution", name="other school", kind="social_training")
    for key in (other, trainee, world.platform, world.finance):
        http = http_client(world)
        log_in(http, key)
        walked = http.get(f"/events/{sequence}", follow_redirects=False)
        assert walked.status_code == 404 and str(voucher) not in walked.text, key.role
    own = http_client(world)
    log_in(own, world.institution)
    assert own.get(f"/events/{sequence}", follow_redirects=False).headers["location"] == \
        f"/vouchers/{voucher}#event-{sequence}"


def test_search_shows_only_vouchers_the_viewer_may_read(world: World) -> None:
    voucher, trainee = world.enrolled_voucher()
    other_voucher, _ = world.enrolled_voucher()
    http = http_client(world)
    log_in(http, trainee)
    for searched in (other_voucher, world.institution.actor):
        assert str(other_voucher) not in http.get(f"/search?q={searched}").text.split("Vouchers</h2>")[1]
    assert str(voucher) in http.get(f"/search?q={world.institution.actor}").text.split("Vouchers</h2>")[1]
    hidden, nothing = http.get(f"/search?q={other_voucher}").text, http.get(f"/search?q={uuid.uuid4()}").text
    assert hidden.split("Searched as:")[1][:10] == nothing.split("Searched as:")[1][:10] == " text <cod"
    own = http.get(f"/search?q={voucher}", follow_redirects=False)  # listed, not sent to a timeline it may not open
    assert own.status_code == 200 and f'href="/vouchers/{voucher}"' in own.text


def test_n5_the_fortnightly_report_on_the_ledger_page_follows_the_api(world: World) -> None:
    """N5: an inspector reads every region's figures, a bureau its own; finance reads no report in the API."""
    world.paid_voucher()
    other_bureau = world.register(world.root, "bureau", name="shandong bureau", region="shandong")
    finance = http_client(world)
    log_in(finance, world.finance)
    assert 'id="report"' not in finance.get("/").text
    elsewhere = http_client(world)
    log_in(elsewhere, other_bureau)
    assert "liaoning" not in elsewhere.get("/").text.split('id="report"')[1]


def test_l10_search_by_national_id_is_post_only(world: World) -> None:
    """L10: a national ID or its keyed hash never sits in an address, where history and logs keep it."""
    personal = world.person()
    voucher = world.issue(world.trainee(personal))
    http = http_client(world)
    log_in(http, world.inspector)
    keyed_hash = world.ledger.personal_data.national_id_hash(personal["national_id"])
    for query in (personal["national_id"], keyed_hash):
        refused = http.get(f"/search?q={query}")
        assert refused.status_code == 400 and "search form" in refused.text
        assert str(voucher) not in refused.text and personal["national_id"] not in refused.text
        assert str(voucher) in http.post("/search", data={"q": query}).text


def test_l10_an_erased_trainee_is_not_found_by_national_id_or_its_hash(world: World) -> None:
    """L10 with erasure: the keyed hash stays in the log, but it no longer leads to the person."""
    personal = world.person()
    trainee = world.trainee(personal)
    voucher = world.issue(trainee)
    keyed_hash = world.ledger.personal_data.national_id_hash(personal["national_id"])
    world.do(world.bureau, "erase_trainee", trainee.actor, {"reason": "asked to be forgotten"})
    http = http_client(world)
    log_in(http, world.inspector)
    for query in (personal["national_id"], keyed_hash):
        found = http.post("/search", data={"q": query})
        assert found.status_code == 200 and str(voucher) not in found.text
    assert str(voucher) in http.post("/search", data={"q": str(voucher)}, follow_redirects=False).headers["location"]


def test_a_missing_event_and_a_non_voucher_event_are_the_same_404(world: World) -> None:
    http = http_client(world)
    log_in(http, world.inspector)
    assert http.get(f"/events/{10**9}").status_code == 404
    assert http.get("/events/1").status_code == 404


def test_search_and_institution_pages_follow_the_bureaus_region(world: World) -> None:
    """The bureau of the voucher's region finds it by search and opens its institution's page; a bureau of
    another region finds neither (the same rule as the API's lists: a bureau reads its region)."""
    voucher, _ = world.enrolled_voucher()
    other_bureau = world.register(world.root, "bureau", name="shandong bureau", region="shandong")
    http = http_client(world)
    log_in(http, world.bureau)
    assert str(voucher) in http.get(f"/search?q={world.institution.actor}").text.split("Vouchers</h2>")[1]
    assert http.get(f"/institutions/{world.institution.actor}").status_code == 200
    elsewhere = http_client(world)
    log_in(elsewhere, other_bureau)
    assert str(voucher) not in elsewhere.get(f"/search?q={world.institution.actor}").text.split("Vouchers</h2>")[1]
    assert elsewhere.get(f"/institutions/{world.institution.actor}").status_code == 403
