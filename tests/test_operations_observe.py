"""Issue 17, logs and metrics: JSON log lines that name the refusing rule and
carry no personal data or secret; `/metrics` that Prometheus' own parser reads
and that moves when a command is recorded; `/readyz` error text only for a
signed reader."""

from __future__ import annotations

import io
import json
import logging
import uuid

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from api.logs import configure_logging, redact
from ledger.personal import commitment
from ledger.signing import SigningKey
from tests.http_support import http_client, party, problem_of
from tests.serve_support import Server, real_time_world
from tests.world import World


def samples(response: httpx.Response) -> dict[tuple[str, tuple], float]:
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def refuse_l12(world: World, http) -> None:
    """A banned platform cannot be listed in the catalogue (L12)."""
    bureau = party(world, http, world.bureau)
    bureau.submit("ban", world.platform.actor, {"reason": "faked face checks"})
    refused = http.post(f"/v1/catalogue/{world.platform.actor}", json=world.signed(
        world.bureau, "list_in_catalogue", world.platform.actor, {}))
    assert problem_of(refused, 422, "rule-violation")["rule"] == "L12"


def test_l12_refusal_is_one_json_log_line_naming_the_rule_and_no_line_holds_personal_data(world: World) -> None:
    """Issue 17: "one log line per refused command naming the rule; no personal data and no secrets in any log line"."""
    buffer = io.StringIO()
    configure_logging("debug", "json", stream=buffer)
    try:
        http = http_client(world)
        person = world.person()
        trainee = SigningKey.generate(actor=str(uuid.uuid4()), role="trainee")
        party(world, http, world.bureau).submit("register_party", trainee.actor, {
            "role": "trainee", "public_key": trainee.public_key_b64, "personal_sha256": commitment(person)},
            personal=person)
        refuse_l12(world, http)
        http.get("/readyz?national_id=" + person["national_id"])
    finally:
        logging.getLogger().handlers.clear()
        logging.getLogger().setLevel(logging.WARNING)
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    refusals = [line for line in lines if line["logger"] == "vledger.commands" and line["level"] == "info"]
    assert [(line["step"], line["rule"], line["refusal"]) for line in refusals] == [
        ("list_in_catalogue", "L12", "RuleViolation")]
    access = [line for line in lines if line["logger"] == "vledger.access"]
    assert any(line["route"] == "/readyz" and line["status"] == 200 for line in access)
    assert any(line["status"] == 422 and line["method"] == "POST" for line in access)
    everything = buffer.getvalue()
    assert person["national_id"] not in everything and person["name"] not in everything
    assert world.bureau.to_json()["private_key"] not in everything


def test_redaction_removes_national_ids_and_url_passwords_from_any_message() -> None:
    assert redact("id 210102199001010015 and postgresql://vledger:s3cret@db/x") == (
        "id <national-id> and postgresql://vledger:***@db/x")


def test_metrics_parse_and_count_recorded_and_refused_commands_by_step_and_rule(world: World) -> None:
    http = http_client(world)
    before = samples(http.get("/metrics"))
    events_before = before[("vledger_events", ())]
    refuse_l12(world, http)
    after = samples(http.get("/metrics"))
    assert after[("vledger_events", ())] > events_before  # the ban was recorded, the refusal was not
    assert after[("vledger_commands_total", (("outcome", "recorded"), ("rule", ""), ("step", "ban")))] == 1
    assert after[("vledger_commands_total", (("outcome", "refused"), ("rule", "L12"),
                                             ("step", "list_in_catalogue")))] == 1
    assert after[("vledger_projection_lag_events", ())] >= 1  # nothing caught the views up in this app
    latency = [key for key in after if key[0] == "vledger_http_request_duration_seconds_count"]
    assert (("method", "POST"), ("route", "/v1/catalogue/{party_id}"), ("status", "422")) in [k[1] for k in latency]


def test_metrics_show_checkpoint_and_witness_ages_once_there_are_checkpoints(world: World) -> None:
    from ledger.transparency.checkpoints import cosign_latest, record_checkpoint

    http = http_client(world)
    assert ("vledger_checkpoint_age_seconds", ()) not in samples(http.get("/metrics"))
    record_checkpoint(world.ledger)
    world.clock.advance(seconds=90)
    figures = samples(http.get("/metrics"))
    assert figures[("vledger_checkpoint_age_seconds", ())] == 90
    assert ("vledger_witness_cosignature_age_seconds", ()) not in figures
    cosign_latest(world.ledger, world.finance)
    assert samples(http.get("/metrics"))[("vledger_witness_cosignature_age_seconds", ())] == 90


def test_readyz_gives_the_views_error_text_only_to_a_signed_reader(world: World) -> None:
    """Issue 17: "/readyz returns raw database error text to anonymous callers" no longer."""
    http = http_client(world)
    assert http.get("/readyz").status_code == 200  # the views' tables exist
    with world.ledger.engine.begin() as connection:
        connection.execute(text("DROP TABLE view_tracking"))
    anonymous = http.get("/readyz")
    assert anonymous.status_code == 503 and "view_tracking" not in anonymous.text
    assert anonymous.json()["detail"] == "the views cannot be read yet: the server log says why"
    signed = _signed_get(world, http)
    assert signed.status_code == 503 and "view_tracking" in signed.json()["detail"]
    stranger = SigningKey.generate(actor=world.inspector.actor, role="inspector")
    assert "view_tracking" not in _signed_get(world, http, stranger).text


def _signed_get(world: World, http, key: SigningKey | None = None) -> httpx.Response:
    from tests.http_support import read_headers

    return http.get("/readyz", headers=read_headers(key or world.inspector, "/readyz", world.clock()))


def test_serve_writes_json_lines_with_the_access_log_and_the_refusing_rule(world: World) -> None:
    """`vledger serve --log-level info --log-format json`: every stderr line parses as JSON."""
    server = Server(real_time_world(world), ("--log-level", "info", "--log-format", "json")).start()
    try:
        world.do(world.bureau, "ban", world.platform.actor, {"reason": "faked face checks"})
        refused = httpx.post(f"{server.base}/v1/catalogue/{world.platform.actor}", json=world.signed(
            world.bureau, "list_in_catalogue", world.platform.actor, {}))
        assert refused.status_code == 422, refused.text
    finally:
        errors = server.stop()
    lines = [json.loads(line) for line in errors.splitlines() if line.strip()]
    assert any(line["logger"] == "vledger.access" and line["route"] == "/healthz" for line in lines)
    assert [line["rule"] for line in lines if line["logger"] == "vledger.commands"] == ["L12"]
    assert any(line["logger"] == "vledger.access" and line["status"] == 422 for line in lines)
    assert any(line["logger"].startswith("uvicorn") for line in lines)


def test_the_ledger_page_shows_the_running_figures_and_refusals_by_rule(world: World) -> None:
    """Issue 17: "The ledger page shows the same few figures"."""
    from tests.test_pages import log_in

    http = http_client(world)
    refuse_l12(world, http)
    log_in(http, world.inspector)
    running = http.get("/").text.split('id="running"')[1].split("</section>")[0]
    lag = samples(http.get("/metrics"))[("vledger_projection_lag_events", ())]
    assert f'data-figure="projection_lag_events">{int(lag)} events' in running
    assert 'data-figure="checkpoint_age_seconds">none yet' in running
    assert 'data-figure="refusals">L12: 1<' in running
