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

from api.pages.step_forms import CURATED, fields_of
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
