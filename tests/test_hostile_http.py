"""Hostile input through HTTP: any bytes, any JSON, and correctly signed
envelopes with hostile fields, sent to every write endpoint, each get a 4xx
problem+json with a reason; nothing is recorded; the API keeps serving.
(schemathesis checks the documented schema for 5xx in test_http_schema.py;
a real `vledger serve` under hostile traffic is in test_load.py.)"""

from __future__ import annotations

import json
import math
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.http.paths import WRITE_ROUTES
from tests.hostile_strategies import ENVELOPE_FIELDS, HOSTILE, JSON, with_field
from tests.http_support import http_client
from tests.test_hostile_input import Targets
from tests.world import World

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
RAW_BODIES = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([
        b"", b"null", b"[]", b"{}", b'{"envelope": {}, "signature": "x"} trailing', b"\xef\xbb\xbf{}",
        b'{"envelope": "\xff\xfe", "signature": "x"}', b"[" * 60_000, b'{"a":' * 20_000,
        b'{"envelope": {"body": {"a": ' + b"9" * 5000 + b"}}}", b'{"envelope": NaN}', b'{"a": 1e999999}',
        b'{"envelope": "\\ud800"}', b'{"envelope": {}, "envelope": [], "signature": "\\u0000"}',
        "{}".encode("utf-16"), b"x" * (65 * 1024),
    ]),
)
CONTENT_TYPES = st.sampled_from(["application/json", "application/json; charset=latin-1", "text/plain",
                                 "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""])


class Api:
    """The API over the world's ledger, and the check every hostile request must pass."""

    def __init__(self, world: World) -> None:
        self.targets = Targets(world)
        self.world = world
        self.http = http_client(world)
        self.ids = [str(self.targets.voucher), str(self.targets.pending_filing), world.institution.actor,
                    str(uuid.uuid4()), "not-a-uuid", "%ff%00", "A" * 300]
        self.before = world.log_snapshot()

    def path(self, route_index: int, id_index: int) -> str:
        route = WRITE_ROUTES[route_index % len(WRITE_ROUTES)]
        value = self.ids[id_index % len(self.ids)]
        return route.path.replace("{key_id}", self.world.bureau.key_id).format(
            party_id=value, filing_id=value, voucher_id=value)

    def assert_refused(self, response: Any) -> dict[str, Any]:
        assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["status"] == response.status_code and problem["title"] and problem["detail"]
        assert self.world.log_snapshot() == self.before, "a refused request changed the log"
        return problem


@pytest.fixture
def api(world: World) -> Api:
    return Api(world)


@SETTINGS
@given(body=RAW_BODIES, content_type=CONTENT_TYPES, route=st.integers(min_value=0), target=st.integers(min_value=0))
def test_any_bytes_to_any_write_endpoint_get_a_4xx_problem(api: Api, body: bytes, content_type: str, route: int,
                                                           target: int) -> None:
    headers = {"content-type": content_type} if content_type else {}
    api.assert_refused(api.http.post(api.path(route, target), content=body, headers=headers))


@SETTINGS
@given(payload=st.one_of(JSON, st.fixed_dictionaries({"envelope": JSON, "signature": JSON}),
                         st.fixed_dictionaries({"envelope": JSON, "signature": JSON, "personal": JSON})),
       route=st.integers(min_value=0), target=st.integers(min_value=0))
def test_any_json_to_any_write_endpoint_gets_a_4xx_problem(api: Api, payload: Any, route: int, target: int) -> None:
    api.assert_refused(api.http.post(api.path(route, target), content=json.dumps(payload).encode(),
                                     headers={"content-type": "application/json"}))


def json_safe(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError, OverflowError):
        return False
    return not (isinstance(value, float) and math.isfinite(value) and value.is_integer())


@SETTINGS
@given(pick=st.integers(min_value=0), where=st.sampled_from(("envelope", "body")), field_pick=st.integers(min_value=0),
       value=HOSTILE.filter(json_safe))
def test_correctly_signed_hostile_envelopes_through_http_get_a_4xx_problem(
        api: Api, pick: int, where: str, field_pick: int, value: Any) -> None:
    """One field hostile, plus an unknown field so that a hostile value that
    happens to fit its field is refused too (test_hostile_input.py sends
    values no field accepts without it)."""
    key, command, target, body = api.targets.valid[pick % len(api.targets.valid)]
    if where == "body":
        fields = sorted(body) or ["hostile_unknown_field"]
        body = {**with_field(body, fields[field_pick % len(fields)], value), "hostile_unknown_field": True}
        signed = api.targets.sign(key, command, target, body)
    else:
        envelope = with_field(api.targets.sign(key, command, target, body)["envelope"],
                              ENVELOPE_FIELDS[field_pick % len(ENVELOPE_FIELDS)], value)
        if isinstance(envelope["body"], dict):  # refused even if the hostile value happens to fit
            envelope["body"] = {**envelope["body"], "hostile_unknown_field": True}
        signed = api.targets.resign(key, envelope)
    path = next(route for route in WRITE_ROUTES if command in route.commands).url(target, body)
    try:
        content = json.dumps(signed).encode()
    except ValueError:  # a lone surrogate: sent as the raw, invalid bytes
        content = json.dumps(signed, ensure_ascii=False).encode("utf-8", "surrogatepass")
    api.assert_refused(api.http.post(path, content=content, headers={"content-type": "application/json"}))


def test_a_streamed_oversized_body_gets_413_and_the_api_keeps_serving(api: Api) -> None:
    def chunks():
        for _ in range(100):
            yield b"[" * 1024

    problem = api.assert_refused(api.http.post(api.path(0, 0), content=chunks(),
                                               headers={"content-type": "application/json"}))
    assert problem["status"] == 413
    key, command, target, body = api.targets.valid[4]
    signed = api.targets.sign(key, command, target, body)
    path = next(route for route in WRITE_ROUTES if command in route.commands).url(target, body)
    assert api.http.post(path, json=signed).status_code == 201
