"""Schemathesis against the app's own /openapi.json: generated requests
(valid and invalid by the schema) never get a 5xx, and every response
matches the status codes, media types, headers and bodies the schema states."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.http.app import create_app
from tests.world import World

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]


class NoLedgerYet:
    """Stands in until each test gives the app its world's ledger; the schema needs none."""


APP = create_app(ledger=NoLedgerYet())  # type: ignore[arg-type]
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_generated_request_gets_a_5xx_or_a_response_outside_the_schema(case, world: World) -> None:
    APP.state.ledger = world.ledger
    case.call_and_validate(checks=CHECKS)
