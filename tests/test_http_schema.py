"""Schemathesis against the app's own /openapi.json: generated requests
(valid and invalid by the schema) never get a 5xx, and every response
matches the status codes, media types, headers and bodies the schema states.

Reads are signed (docs/decisions/0006) with the keys of a ledger that has
parties and vouchers in every state, each generated read by one of them in
turn, and a generated id is often swapped for a real one, so that signed calls
get past authentication into the access rules and the domain's validation.
A request whose generated case carries its own Signature-Input or Signature
header is sent as generated (that header is what is under test)."""

from __future__ import annotations

import itertools
import uuid
from collections import Counter
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.http.app import create_app
from api.http.read_auth import signature_headers
from ledger.signing import SigningKey
from ledger.transparency import record_checkpoint
from tests.world import World

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]
ID_NAMES = {"voucher_id": "voucher", "voucher": "voucher", "filing_id": "filing", "party_id": "institution",
            "institution": "institution", "trainee": "trainee", "actor": "institution"}
STATUSES: Counter[tuple[str, int]] = Counter()


class NoLedgerYet:
    """Stands in until each test gives the app its world's ledger; the schema needs none."""


APP = create_app(ledger=NoLedgerYet())  # type: ignore[arg-type]
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


class SignedRead(requests.auth.AuthBase):
    """Signs a GET as RFC 9421 over method, authority, path and query exactly as sent."""

    def __init__(self, key: SigningKey, world: World) -> None:
        self.key, self.world = key, world

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if request.method == "GET" and "Signature-Input" not in request.headers and "Signature" not in request.headers:
            request.headers.update(signature_headers(self.key, "GET", request.url, self.world.clock.now))
        return request


class DemoLedger:
    """The world's parties and one voucher per stage of the loop, to sign with and to read."""

    def __init__(self, world: World) -> None:
        paid = world.paid_voucher()
        enrolled, self.trainee = world.enrolled_voucher()
        record_checkpoint(world.ledger)
        self.world = world
        self.ids = {"voucher": [str(paid), str(enrolled)], "institution": [world.institution.actor],
                    "trainee": [self.trainee.actor], "filing": [world.ledger.find(enrolled).filing]}
        self.keys = itertools.cycle([world.inspector, world.bureau, world.institution, world.platform,
                                     world.finance, self.trainee])
        self.turn = itertools.count()

    def prepare(self, case: Any) -> SignedRead | None:
        """Every other case: a generated id swapped for a real one and, in a
        case valid by the schema, generated signature headers dropped so that
        the read is signed. The key to sign with; none when the case's headers
        are invalid by the schema (e.g. the required signature left out)."""
        if next(self.turn) % 2 == 0:
            for where in (case.path_parameters, case.query):
                for name, value in list((where or {}).items()):
                    if name in ID_NAMES and _is_uuid(value):
                        where[name] = self.ids[ID_NAMES[name]][0]
            if case.headers and _headers_valid(case):
                for name in [name for name in case.headers if name.lower() in ("signature-input", "signature")]:
                    del case.headers[name]
        return SignedRead(next(self.keys), self.world) if _headers_valid(case) else None


def _headers_valid(case: Any) -> bool:
    """Whether the case's headers were generated valid by the schema (then the
    optional signature headers may go without making an invalid request valid)."""
    if case.meta is None:
        return False
    header = case.meta.components.get(ParameterLocation.HEADER)
    return (header.mode if header is not None else case.meta.generation.mode) == GenerationMode.POSITIVE


def _is_uuid(value: Any) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


@pytest.fixture
def demo(world: World) -> DemoLedger:
    APP.state.ledger = world.ledger
    return DemoLedger(world)


@schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_generated_request_gets_a_5xx_or_a_response_outside_the_schema(case, demo: DemoLedger) -> None:
    response = case.call_and_validate(checks=CHECKS, auth=demo.prepare(case))
    STATUSES[(case.method, response.status_code)] += 1


SIGNED_READS = [(path, operation) for path, methods in APP.openapi()["paths"].items()
                for method, operation in methods.items()
                if method == "get" and operation.get("security")]


@pytest.mark.parametrize("path", [path for path, _ in SIGNED_READS])
def test_schemathesis_signs_its_reads_and_a_signed_read_of_real_ids_gets_a_2xx(path: str, demo: DemoLedger) -> None:
    """Every signed read route, called through schemathesis with the inspector's key on real ids, is a 2xx
    that matches the schema; unsigned, the same call is a 401 problem."""
    operation = schema[path]["GET"]
    names = [parameter["name"] for parameter in dict(SIGNED_READS)[path].get("parameters", [])]
    path_parameters = {name: demo.ids[ID_NAMES[name]][0] for name in names if name.endswith("_id")}
    query = {"date": demo.world.clock.now.date().isoformat()} if "date" in names else {}
    case = operation.Case(path_parameters=path_parameters, query=query)
    signed = case.call_and_validate(checks=CHECKS, auth=SignedRead(demo.world.inspector, demo.world))
    assert 200 <= signed.status_code < 300, signed.text
    unsigned = operation.Case(path_parameters=path_parameters, query=query).call()
    assert unsigned.status_code == 401 and unsigned.headers["content-type"][0].startswith("application/problem+json")
