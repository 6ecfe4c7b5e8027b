"""The inspector pages through the test client (fast; the real browser is in
tests/test_pages_browser.py): who may open which page, the signed login,
search without ever showing a national ID, flags linking to their events,
and that the proofs the pages' JavaScript checks are RFC 9162 proofs against
the latest signed checkpoint."""

from __future__ import annotations

import uuid

import pytest

from api.pages.session import COOKIE_NAME, login_string_to_sign
from ledger.merkle import leaf_hash, verify_inclusion
from ledger.signing import SigningKey
from ledger.transparency import record_checkpoint
from tests.http_support import http_client
from tests.world import World


SAME_ORIGIN = {"Origin": "http://testserver"}  # what a browser sends from the login page (TestClient's host)


def log_in(http, key: SigningKey) -> None:
    """What the login page's JavaScript does: sign the server's challenge."""
    challenge = http.post("/login/challenge").json()["challenge"]
    reply = http.post("/login", json={"challenge": challenge, "actor": key.actor, "key_id": key.key_id,
                                      "signature": key.sign(login_string_to_sign(challenge, key.actor, key.key_id))},
                      headers=SAME_ORIGIN)
    assert reply.status_code == 200, reply.text


def second_institution(world: World) -> SigningKey:
    other = world.register(world.bureau, "institution", name="other school", kind="social_training")
    world.do(world.bureau, "list_in_catalogue", other.actor, {})
    return other


@pytest.fixture
def paid(world: World) -> uuid.UUID:
    return world.paid_voucher()


def test_pages_ask_for_a_login_first(world: World) -> None:
    http = http_client(world)
    for path in ("/", "/search", "/draw", f"/vouchers/{uuid.uuid4()}", f"/institutions/{world.institution.actor}"):
        reply = http.get(path, follow_redirects=False)
        assert reply.status_code == 303, path
        assert reply.headers["location"].startswith("/login?next=%2F")
    assert "key file" in http.get("/login").text


def test_l11_inspector_opens_every_page(world: World, paid: uuid.UUID) -> None:
    record_checkpoint(world.ledger)
    http = http_client(world)
    log_in(http, world.inspector)
    ledger_page = http.get("/")
    assert ledger_page.status_code == 200 and "Latest checkpoints" in ledger_page.text
    assert "Never verified" in ledger_page.text and "Fortnightly report" in ledger_page.text
    voucher_page = http.get(f"/vouchers/{paid}")
    assert voucher_page.status_code == 200
    assert voucher_page.text.count('data-sequence="') == len(world.ledger.stored_events(paid))
    assert ">paid<" in voucher_page.text and "H7" in voucher_page.text
    assert "6-31-01-03 电工 · 4 四级/中级工" in voucher_page.text and "5 checks passed (L13)" in voucher_page.text
    institution_page = http.get(f"/institutions/{world.institution.actor}")
    assert institution_page.status_code == 200 and '"paid_fen": [' in institution_page.text
    assert http.get("/draw").status_code == 200
    assert http.get("/search").status_code == 200
    assert http.get("/static/pages/uPlot.iife.min.js").status_code == 200
    assert http.get("/static/pages/..%2Fsession.py").status_code == 404


def test_l7_an_institution_sees_its_own_voucher_and_not_anothers(world: World, paid: uuid.UUID) -> None:
    other = second_institution(world)
    own_http, other_http = http_client(world), http_client(world)
    log_in(own_http, world.institution)
    log_in(other_http, other)
    assert own_http.get(f"/vouchers/{paid}").status_code == 200
    refused = other_http.get(f"/vouchers/{paid}")
    assert refused.status_code == 403 and "may not see voucher" in refused.text
    assert other_http.get(f"/vouchers/{paid}/proofs.json?tree_size=1").status_code == 403
    assert other_http.get(f"/institutions/{world.institution.actor}").status_code == 403
    assert other_http.get(f"/institutions/{other.actor}").status_code == 200
    searched = other_http.get(f"/search?q={paid}")
    assert str(paid) not in searched.text.split("Vouchers</h2>")[1]


def test_login_refuses_a_forged_signature_a_reused_challenge_and_a_revoked_key(world: World) -> None:
    http = http_client(world)
    key = world.inspector
    challenge = http.post("/login/challenge").json()["challenge"]
    forger = SigningKey.generate(actor=key.actor, role="inspector")
    forged = {"challenge": challenge, "actor": key.actor, "key_id": key.key_id,
              "signature": forger.sign(login_string_to_sign(challenge, key.actor, key.key_id))}
    assert http.post("/login", json=forged, headers=SAME_ORIGIN).status_code == 403
    honest = {**forged, "signature": key.sign(login_string_to_sign(challenge, key.actor, key.key_id))}
    taken = http.post("/login", json=honest, headers=SAME_ORIGIN)  # the challenge was taken by the forged attempt
    assert taken.status_code == 403
    log_in(http, key)
    assert http.get("/").status_code == 200
    world.do(world.root, "revoke_key", key.actor, {"key_id": key.key_id, "reason": "lost laptop"})
    assert http.get("/", follow_redirects=False).status_code == 303  # the session ends with the key
    assert http.post("/login", content=b"not json", headers={**SAME_ORIGIN, "Content-Type": "application/json"}
                     ).status_code == 400


def test_a_forged_session_cookie_is_ignored(world: World) -> None:
    http = http_client(world)
    http.cookies.set(COOKIE_NAME, f"{world.inspector.actor}.{world.inspector.key_id}.99999999999.{'0' * 64}")
    assert http.get("/", follow_redirects=False).status_code == 303


def test_l10_search_by_national_id_finds_the_voucher_and_never_shows_the_number(world: World) -> None:
    personal = world.person()
    trainee = world.trainee(personal)
    voucher = world.issue(trainee)
    http = http_client(world)
    log_in(http, world.inspector)
    by_number = http.post("/search", data={"q": personal["national_id"]})
    assert by_number.status_code == 200 and str(voucher) in by_number.text
    assert personal["national_id"] not in by_number.text
    keyed_hash = world.ledger.personal_data.national_id_hash(personal["national_id"])
    by_hash = http.post("/search", data={"q": keyed_hash})
    assert str(voucher) in by_hash.text and personal["national_id"] not in by_hash.text


def test_l14_search_by_certificate_number_or_voucher_id_opens_the_voucher(world: World) -> None:
    voucher = world.certified_voucher()
    http = http_client(world)
    log_in(http, world.inspector)
    for query in (f"C-{voucher.hex[:10]}", str(voucher)):
        reply = http.get(f"/search?q={query}", follow_redirects=False)
        assert reply.status_code == 303 and reply.headers["location"] == f"/vouchers/{voucher}"
    by_name = http.get("/search?q=schoo")
    assert f"/institutions/{world.institution.actor}" in by_name.text


def test_l6_a_flag_links_to_the_event_that_raised_it(world: World) -> None:
    voucher, _ = world.enrolled_voucher()
    world.clock.advance(days=3)
    world.online(voucher, 30, face_checks_failed=1)
    sequence = world.ledger.max_notification_id() - 1  # the voucher's event, then its receipt
    http = http_client(world)
    log_in(http, world.inspector)
    page = http.get(f"/institutions/{world.institution.actor}").text
    assert "face_check_failed" in page and f'href="/events/{sequence}"' in page
    followed = http.get(f"/events/{sequence}", follow_redirects=False)
    assert followed.headers["location"] == f"/vouchers/{voucher}#event-{sequence}"


def test_j1_the_proofs_the_page_checks_lead_to_the_signed_checkpoint_root(world: World, paid: uuid.UUID) -> None:
    http = http_client(world)
    log_in(http, world.inspector)
    assert http.get("/v1/checkpoints/latest").status_code == 404  # the page's badge then says: no checkpoint yet
    checkpoint = record_checkpoint(world.ledger)
    later, _ = world.enrolled_voucher()  # recorded after the checkpoint: reported as not included
    assert http.get("/v1/checkpoints/latest").json()["root_hash"] == checkpoint.root_hash
    proofs = http.get(f"/vouchers/{paid}/proofs.json?tree_size={checkpoint.tree_size}").json()["proofs"]
    hashes = [event.seal["event_hash"] for event in world.ledger.stored_events(paid)]
    assert len(proofs) == len(hashes)
    for proof, event_hash in zip(proofs, hashes):
        assert proof["included"] and proof["leaf_hash"] == leaf_hash(bytes.fromhex(event_hash)).hex()
        assert verify_inclusion(proof["leaf_index"], proof["tree_size"], bytes.fromhex(proof["leaf_hash"]),
                                [bytes.fromhex(value) for value in proof["audit_path"]],
                                bytes.fromhex(checkpoint.root_hash))
    late = http.get(f"/vouchers/{later}/proofs.json?tree_size={checkpoint.tree_size}").json()["proofs"]
    assert late and not any(proof["included"] for proof in late)
    assert http.get(f"/vouchers/{paid}/proofs.json?tree_size=999999").status_code == 400


def test_a_missing_voucher_or_institution_is_a_404_page(world: World) -> None:
    http = http_client(world)
    log_in(http, world.inspector)
    assert http.get(f"/vouchers/{uuid.uuid4()}").status_code == 404
    assert http.get("/vouchers/not-an-id").status_code == 404
    assert http.get(f"/institutions/{world.bureau.actor}").status_code == 404
    assert http.get("/events/1", follow_redirects=False).status_code == 404


def test_l11_the_draw_page_draws_from_the_chosen_checkpoint_with_its_recipe(world: World, paid: uuid.UUID) -> None:
    from ledger.transparency.draw import draw

    checkpoint = record_checkpoint(world.ledger)
    http = http_client(world)
    log_in(http, world.inspector)
    page = http.get(f"/draw?checkpoint={checkpoint.tree_size}&count=1&of=institutions")
    assert page.status_code == 200
    expected = draw(world.ledger, checkpoint, 1)["chosen"][0]
    assert f'href="/institutions/{expected}"' in page.text and "SHA-256" in page.text
    assert http.get("/draw?of=people").status_code == 400


def test_n5_the_ledger_page_shows_the_fortnightly_report_and_the_last_verification(world: World,
                                                                                    paid: uuid.UUID) -> None:
    from api.pages.verification import record_verification

    http = http_client(world)
    log_in(http, world.inspector)
    first = http.get("/").text
    assert "Never verified" in first and "liaoning" in first.split('id="report"')[1]
    record_verification(world.ledger.engine, {"first_problem": None, "events_checked": 42, "checkpoints_checked": 1})
    assert "intact: 42 events and 1 checkpoints verified" in http.get("/").text
    record_verification(world.ledger.engine, {"first_problem": "event #7: its hash does not match", "events_checked": 6})
    assert "NOT intact: event #7: its hash does not match" in http.get("/").text
    institution = http_client(world)
    log_in(institution, world.institution)
    assert 'id="report"' not in institution.get("/").text  # N5 figures go to bureaus, finance and inspectors
