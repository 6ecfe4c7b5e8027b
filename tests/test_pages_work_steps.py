"""The Work page's generated forms (api/pages/step_forms.py) through the test
client: each role is offered exactly the steps it may take (ledger/steps,
`roles=`), a curated form or a generated one for each; and a bureau's trainee
registration, sent as the page sends it to the route it embeds, leaves the
name and national ID out of the log (N1)."""

from __future__ import annotations

import json
import re
import uuid

from sqlalchemy import inspect

from api.pages.step_forms import CURATED, fields_of, step_form
from api.http.step_bodies import FileClassBody
from ledger.envelope import sign_command
from ledger.personal import commitment
from ledger.signing import SigningKey
from ledger.steps import load_all_steps
from tests.http_support import http_client
from tests.test_pages import log_in
from tests.world import World


def generated_forms(page: str) -> set[str]:
    return set(re.findall(r'<form class="act" id="form-([a-z_]+)"', page))


def test_each_role_is_offered_exactly_the_steps_it_may_take(world: World) -> None:
    platform = world.register(world.bureau, "platform", name="page platform")
    parties = {"bureau": world.bureau, "institution": world.institution, "finance": world.finance,
               "assessor": world.assessor, "trainee": world.trainee(), "inspector": world.inspector,
               "platform": platform}
    http = http_client(world)
    for role, party in parties.items():
        log_in(http, party)
        page = http.get("/work")
        assert page.status_code == 200, (role, page.text[:300])
        allowed = {name for name, step in load_all_steps().items() if role in step.roles} - {"genesis"}
        offered = generated_forms(page.text)
        curated = CURATED.get(role, frozenset())
        assert offered == allowed - curated, role
        assert curated <= allowed, role  # a curated form only for a step the role may take


def test_the_class_form_has_a_widget_per_field_with_the_models_choices() -> None:
    widgets = {field.name: field for field in fields_of(FileClassBody)}
    assert set(widgets) == set(FileClassBody.model_fields)
    assert widgets["occupation_type"].widget == "select" and "skill" in widgets["occupation_type"].options
    assert widgets["quality_commitment"].widget == "checkbox" and widgets["home_practice"].widget == "yes-no"
    assert widgets["courses"].widget == "lines" and widgets["starts_on"].widget == "day"
    assert widgets["theory_class_hours"].maximum == 2000 and widgets["platform"].widget == "uuid"


def log_text(world: World) -> str:
    """Every row of every events table, as text."""
    chunks = []
    with world.ledger.engine.connect() as connection:
        for name in inspect(world.ledger.engine).get_table_names():
            if "event" not in name:
                continue
            for row in connection.exec_driver_sql(f'SELECT * FROM "{name}"'):
                chunks.extend(value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                              for value in row)
    return "\n".join(chunks)


def test_n1_a_trainee_registered_through_the_page_route_leaves_no_name_or_national_id_in_the_log(
        world: World) -> None:
    http = http_client(world)
    log_in(http, world.bureau)
    page = http.get("/work").text
    assert 'id="form-register_party"' in page and 'data-personal="national_id"' in page
    routes = json.loads(re.search(r'id="vledger-routes">(.*?)</script>', page, re.S).group(1))
    personal = {"name": "页面学员", "national_id": world.person()["national_id"], "nonce": uuid.uuid4().hex}
    key = SigningKey.generate(actor=str(uuid.uuid4()), role="trainee")
    body = {"role": "trainee", "public_key": key.public_key_b64, "personal_sha256": commitment(personal)}
    signed = sign_command(world.bureau, "register_party", uuid.UUID(key.actor), body, signed_at=world.clock.now,
                          ledger=world.ledger.origin)
    recorded = http.post(routes["register_party"], json={**signed, "personal": personal})
    assert recorded.status_code == 201, recorded.text
    text = log_text(world)
    assert key.actor in text and commitment(personal) in text  # the registration is in the log...
    assert personal["name"] not in text and personal["national_id"] not in text  # ...its personal data is not
    assert personal["name"].encode("unicode_escape").decode() not in text


def test_h7_finance_downloads_the_due_items_as_a_payment_file_and_no_one_else_may(world: World) -> None:
    cleared = world.cleared_voucher()
    due = world.ledger.get(cleared).balance_due_fen
    http = http_client(world)
    log_in(http, world.finance)
    assert 'href="/work/payment-file.csv"' in http.get("/work").text
    csv_file = http.get("/work/payment-file.csv")
    assert csv_file.status_code == 200 and "attachment" in csv_file.headers["content-disposition"]
    lines = csv_file.content.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("voucher,region,stage")
    (row,) = [line for line in lines[2:] if str(cleared) in line]
    assert f",balance,{world.institution.actor}," in row and f",{due}," in row and f"{due // 100}.{due % 100:02d}" in row
    xlsx_file = http.get("/work/payment-file.xlsx")
    assert xlsx_file.status_code == 200 and xlsx_file.content[:2] == b"PK"
    assert http.get("/work/payment-file.pdf").status_code == 404
    log_in(http, world.institution)
    assert http.get("/work/payment-file.csv").status_code == 403


def test_s6_a_trainee_reads_its_own_training_record_and_not_anothers(world: World) -> None:
    mine, trainee = world.enrolled_voucher()
    world.complete_hours(mine)
    world.do(world.assessor, "assess", mine, {"passed": True, "certificate_number": "C-RECORD-1",
                                              "certificate_kind": "training_qualified"})
    other = world.issue(world.trainee())
    http = http_client(world)
    log_in(http, trainee)
    page = http.get("/work").text
    record = page[page.index('id="my-record"'):]
    assert str(mine) in record and "C-RECORD-1" in record and str(other) not in record


def test_every_step_body_makes_a_form_for_every_role_that_may_take_it() -> None:
    known = {"text", "integer", "day", "uuid", "moment", "sha256", "select", "checkbox", "yes-no", "lines",
             "choices", "evidence"}
    for name, step in load_all_steps().items():
        for role in step.roles:
            if name == "genesis":
                continue
            form = step_form(name, role)
            assert form.route.startswith("/v1/") and form.description, name
            assert {field.widget for field in form.fields} <= known, name


def test_n1_the_personal_inputs_have_no_name_so_the_body_never_takes_them(world: World) -> None:
    http = http_client(world)
    log_in(http, world.bureau)
    page = http.get("/work").text
    personal_inputs = re.findall(r"<input [^>]*data-personal=[^>]*>", page)
    assert len(personal_inputs) == 2 and not any(" name=" in tag for tag in personal_inputs)
    register = page[page.index('id="form-register_party"'):]
    assert 'name="personal_sha256"' not in register[:register.index("</form>")]
